// The steepest family end to end through the CLI: the App. F margins example in the real pool
// and store, its analyses, and field-named rejection of a bad q.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { examplesDir, requireBuild, tempDir } from '../helpers/paths';

const env = () => ({ SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });

beforeAll(requireBuild);

describe('steepest through the CLI', () => {
  it('runs the margins example: sign descent and Adam escape at L = 2 and 10, GD only at L = 2', async () => {
    const dir = tempDir();
    const result = await runCli(['run', join(examplesDir, 'steepest-margins.json'), '--project', join(dir, 'm.saddle'), '--json'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const runs = lines.filter((l) => l.type === 'run');
    expect(runs).toHaveLength(6);
    for (const run of runs) {
      expect(run.status).toBe('done');
      const stuck = run.params.optimizer === 'steepest' && run.params.depth === 10;
      expect(run.summary.escaped).toBe(stuck ? 0 : 1);
      expect(run.summary.metricExponent).toBeCloseTo(((run.params.optimizer === 'steepest' ? 2 : 1) * (run.params.depth - 1)) / run.params.depth, 12);
    }
    const analyses = Object.fromEntries(lines.filter((l) => l.type === 'analysis').map((a) => [a.name, a.result]));
    // No run has weight decay, so Table 1's analysis is not attached; the metric and the margins are.
    expect(Object.keys(analyses)).toEqual(['geometry-table', 'metric', 'margins']);
    expect(analyses['geometry-table'].rows).toHaveLength(6);
  });

  it('says so when a run stops moving: GD at a margin of ~10⁸ (steepest, q = 2) ends done with a warning in the report', async () => {
    const dir = tempDir();
    const spec = join(dir, 'frozen.json');
    const params = { task: 'classification', features: 1, samples: 5, groundTruth: [1], depth: 8, init: 'balanced', initScale: 10, balanceConstant: 0, learningRate: 0.01, steps: 200, recordPoints: 20 };
    writeFileSync(spec, JSON.stringify({ family: 'steepest', params: { ...params, optimizer: 'steepest', q: 2 } }));
    const result = await runCli(['run', spec, '--project', join(dir, 'f.saddle')], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/run 1 warning: .*step 0/);
  });

  it('rejects q outside [1, 2] naming the field', async () => {
    const spec = join(tempDir(), 'bad.json');
    writeFileSync(spec, JSON.stringify({ family: 'steepest', params: { q: 3 } }));
    const result = await runCli(['run', spec, '--json'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('params.q');
  });
});
