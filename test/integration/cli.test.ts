import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { examplesDir, requireBuild, tempDir } from '../helpers/paths';

const env = () => ({ SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });

beforeAll(requireBuild);

describe('saddle-lab CLI', () => {
  it('answers --help and --version from its entry, and an unknown command with the same help and exit 2', async () => {
    const version = JSON.parse(readFileSync(join(examplesDir, '..', 'package.json'), 'utf8')).version;
    expect(await runCli(['--version'], env())).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await runCli(['--help'], env());
    expect(help.code).toBe(0);
    // The help text kept every command's own lines when they moved out of the command modules (usage.ts).
    for (const command of ['run', 'validate', 'families', 'export', 'runs', 'compare', 'import', 'family init', 'claims', 'serve', 'submit', 'collect', 'cancel', 'jobs']) {
      expect(help.stdout, command).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(await runCli([], env())).toMatchObject({ code: 2, stdout: help.stdout });
    const unknown = await runCli(['no-such-command'], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`saddle-lab: unknown command "no-such-command"\n\n${help.stdout}`);
  });

  it('runs the Fig. 2 sweep with --json: one line per run and one per analysis, stable names', async () => {
    const dir = tempDir();
    const project = join(dir, 'fig2.saddle');
    const result = await runCli(['run', join(examplesDir, 'mirror-descent-fig2.json'), '--project', project, '--json'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const runs = lines.filter((l) => l.type === 'run');
    const analyses = lines.filter((l) => l.type === 'analysis');
    expect(runs).toHaveLength(125);
    for (const run of runs) {
      expect(Object.keys(run)).toEqual(expect.arrayContaining(['type', 'id', 'params', 'status', 'summary']));
      expect(run.status).toBe('done');
      expect(run.params).toHaveProperty('depth');
      expect(run.params).toHaveProperty('initScale');
      expect(run.params).toHaveProperty('targets');
      expect(run.summary.escapeTimes).toHaveLength(1);
      expect(run.summary.escapeTimesLinearized).toHaveLength(1);
    }
    expect(new Set(runs.map((r) => r.params.depth))).toEqual(new Set([2, 3, 4, 5, 6]));
    expect(analyses.map((a) => a.name)).toContain('escape-time-scaling');

    // The project keeps them: export reads the same runs back as CSV.
    const csv = await runCli(['export', '--project', project, '--experiment', '1', '--max-points', '50'], env());
    expect(csv.code).toBe(0);
    const header = csv.stdout.split('\n')[0];
    expect(header).toContain('metric');
    expect(header).toContain('depth');
    expect(csv.stdout.split('\n').length).toBeGreaterThan(125);
  });

  it('an invalid spec exits non-zero and names the field', async () => {
    const dir = tempDir();
    const spec = join(dir, 'bad.json');
    writeFileSync(spec, JSON.stringify({ family: 'mode-flow', params: { depth: 0, targets: [1] } }));
    const result = await runCli(['run', spec, '--json'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('params.depth');
    expect(result.stdout).toBe('');

    writeFileSync(spec, JSON.stringify({ family: 'mode-flow', sweep: { initScale: { logspace: [-2, -1, 3] }, dpeth: [2] } }));
    const typo = await runCli(['run', spec], env());
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('sweep.dpeth');

    writeFileSync(spec, JSON.stringify({ family: 'no-such-family' }));
    const family = await runCli(['run', spec], env());
    expect(family.code).toBe(2);
    expect(family.stderr).toContain('family');
  });

  it('refuses a file that is not a Saddle Lab project and leaves it unchanged', async () => {
    const dir = tempDir();
    const notes = join(dir, 'notes.saddle');
    writeFileSync(notes, 'these are my notes, not a database\n'.repeat(100));
    const before = createHash('sha256').update(readFileSync(notes)).digest('hex');
    const result = await runCli(['export', '--project', notes, '--experiment', '1'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a Saddle Lab project|not an SQLite|not a SQLite/i);
    expect(createHash('sha256').update(readFileSync(notes)).digest('hex')).toBe(before);
  });

  it('run into a file that is not a project: exit 2 with the reason, not an abort while the family preloads', async () => {
    const notes = join(tempDir(), 'notes.saddle');
    writeFileSync(notes, 'these are my notes, not a database\n'.repeat(100));
    const result = await runCli(['run', join(examplesDir, 'mirror-descent-fig2.json'), '--project', notes, '--json'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not a Saddle Lab project|not an SQLite|not a SQLite/i);
    expect(result.stdout).toBe('');
  });

  it('lists the families, with their parameters', async () => {
    const result = await runCli(['families', '--json'], env());
    expect(result.code).toBe(0);
    const families = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const modeFlow = families.find((f) => f.id === 'mode-flow');
    expect(modeFlow.paramsSchema.properties).toHaveProperty('depth');
    expect(modeFlow.defaults).toMatchObject({ depth: 3 });
  });

  it('bad flags give usage and exit 2', async () => {
    const result = await runCli(['run', '--pool', 'zero', 'x.json'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--pool');
  });
});
