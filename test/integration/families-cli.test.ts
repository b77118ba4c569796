// The CLI with user families: `families` shows each with its origin (and what failed to load),
// `run --family-path` runs a script family sweep, and the user folder is read without a flag.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';

const fixture = join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay');

beforeAll(requireBuild);

describe('saddle-lab with user families', () => {
  it('families lists user and --family-path families with their origin, and what failed to load', async () => {
    const config = tempDir('saddle-config-');
    cpSync(fixture, join(config, 'families', 'toy-decay'), { recursive: true });
    const extra = tempDir('saddle-path-');
    writeFileSync(join(extra, 'broken.mjs'), 'export default 1;\n');
    const result = await runCli(['families', '--family-path', extra], { SADDLE_LAB_CONFIG_DIR: config });
    expect(result.stdout).toMatch(/^toy-decay\tToy decay \(test script family\)  \[user script family, .*toy-decay\]$/m);
    expect(result.stdout).toMatch(/^mode-flow\t.*\[built-in\]$/m);
    expect(result.stderr).toMatch(/not loaded \(path\): .*broken\.mjs: export a family/);
    expect(result.code).toBe(1);
    const json = await runCli(['families', '--json'], { SADDLE_LAB_CONFIG_DIR: config });
    expect(json.code).toBe(0);
    const toy = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; origin: string; kind: string }).find((f) => f.id === 'toy-decay');
    expect(toy).toMatchObject({ origin: 'user', kind: 'script' });
  });

  it('run --family-path runs a script family sweep and reports each run', async () => {
    const dir = tempDir();
    const families = join(dir, 'families');
    mkdirSync(families);
    cpSync(fixture, join(families, 'toy-decay'), { recursive: true });
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ family: 'toy-decay', name: 'cli sweep', params: { steps: 8 }, sweep: { mode: ['ok', 'crash'] } }));
    const result = await runCli(['run', spec, '--json', '--family-path', families], { SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });
    const runs = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { params: { mode: string }; status: string; error: string | null; summary: Record<string, number> | null });
    expect(runs.map((r) => [r.params.mode, r.status])).toEqual([['ok', 'done'], ['crash', 'failed']]);
    // Python's and V8's exp may differ by an ulp.
    expect(Math.abs(runs[0].summary!.final_loss - Math.exp(-0.5 * 7))).toBeLessThanOrEqual(2 * Number.EPSILON * Math.exp(-0.5 * 7));
    expect(runs[1].error).toMatch(/RuntimeError: boom at t = 3/);
    expect(result.code).toBe(1);
  });

  it('run without the flag names where a family must be installed', async () => {
    const dir = tempDir();
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ family: 'toy-decay' }));
    const result = await runCli(['run', spec], { SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/family: unknown family "toy-decay"/);
  });
});
