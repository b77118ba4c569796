// Script families from the shell (issue 24 item 2): `saddle-lab family init` writes a manifest
// from an argparse script's parser; the same unchanged script then runs from a shell (its flags
// read by argparse, its points logged through saddle_lab.init into a project) and as a family in a
// sweep over a nested parameter (optim.momentum), each run getting its values back as flags. The
// script's loss is exp(-lr·t) + momentum, so every stored point is checked against it. A
// protocol-style script's params() reads the manifest's defaults and --name value flags.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { Run, SeriesData } from '../../src-main/contract';
import { runCli } from '../helpers/cli';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { saddleLabEnv } from '../helpers/python';
import { testService } from '../helpers/service';

const fixture = join(repoRoot, 'test', 'fixtures', 'logging', 'argparse_train.py');
/** Python's and V8's exp may differ in the last bit. */
const relativeTolerance = 1e-14;

let service: SaddleService | null = null;
beforeAll(requireBuild);
afterEach(async () => {
  await service?.close();
  service = null;
});

async function lossOf(project: string): Promise<{ run: Run; loss: SeriesData }[]> {
  service = testService();
  await service.dispatch('projects', 'open', { path: project });
  const runs = (await service.dispatch('runs', 'list', {})) as Run[];
  const replies = (await service.dispatch('runs', 'series', { runIds: runs.map((r) => r.id), maxPoints: 100_000 })) as { series: SeriesData[] }[];
  const result = runs.map((run, i) => ({ run, loss: replies[i].series.find((s) => s.metric === 'loss') as SeriesData }));
  await service.close();
  service = null;
  return result;
}

function expectLoss(loss: SeriesData, steps: number, lr: number, momentum: number): void {
  expect(loss.x).toEqual(Float64Array.from({ length: steps }, (_, t) => t));
  loss.y.forEach((y, t) => expect(Math.abs(y - (Math.exp(-lr * t) + momentum))).toBeLessThanOrEqual(relativeTolerance * (1 + momentum)));
}

describe('an argparse script as a family, declared once', () => {
  it('family init writes the manifest from the parser; the script runs from a shell and as a swept family', async () => {
    const familyDir = tempDir('saddle-argparse-');
    cpSync(fixture, join(familyDir, 'train.py'));
    const work = tempDir();
    const env = { SADDLE_LAB_CONFIG_DIR: join(work, 'config') };

    const init = await runCli(['family', 'init', join(familyDir, 'train.py'), '--metric', 'loss', '--python', '/usr/bin/python3'], env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(familyDir, 'saddle-family.json'), 'utf8'));
    expect(manifest.id).toBe('train');
    expect(manifest.params.properties).toEqual({
      lr: { type: 'number', default: 0.1, description: 'learning rate', argparse: { option: '--lr', action: 'store' } },
      steps: { type: 'integer', default: 10, description: 'number of steps', argparse: { option: '--steps', action: 'store' } },
      'optim.momentum': { type: 'number', default: 0, description: 'momentum', argparse: { option: '--optim.momentum', action: 'store' } },
      schedule: { type: 'string', enum: ['constant', 'cosine'], default: 'constant', description: '', argparse: { option: '--schedule', action: 'store' } },
      verbose: { type: 'boolean', default: false, description: 'print each step', argparse: { option: '--verbose', action: 'store_true' } },
    });
    const again = await runCli(['family', 'init', join(familyDir, 'train.py'), '--metric', 'loss'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists (--force replaces it)');

    // From a shell: argparse reads the flags; the run logs into $SADDLE_PROJECT.
    const shellProject = join(work, 'shell.saddle');
    const shell = spawnSync('/usr/bin/python3', ['train.py', '--lr', '0.5', '--steps', '6', '--optim.momentum', '0.25', '--verbose'], {
      cwd: familyDir,
      env: { ...saddleLabEnv(), SADDLE_PROJECT: shellProject },
      encoding: 'utf8',
    });
    expect(shell.status).toBe(0);
    expect(shell.stdout.trim().split('\n')).toHaveLength(6);
    const listed = await runCli(['runs', '--project', shellProject, '--json'], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ status: 'done', params: { lr: 0.5, steps: 6, 'optim.momentum': 0.25, schedule: 'constant', verbose: true } });
    const [fromShell] = await lossOf(shellProject);
    expectLoss(fromShell.loss, 6, 0.5, 0.25);

    // As a family: a sweep over the nested parameter; each run gets its values as flags.
    const spec = join(work, 'spec.json');
    writeFileSync(spec, JSON.stringify({ family: 'train', params: { lr: 0.5, steps: 4 }, sweep: { 'optim.momentum': [0.25, 0.5] } }));
    const familyProject = join(work, 'family.saddle');
    const swept = await runCli(['run', spec, '--family-path', familyDir, '--project', familyProject, '--json'], env);
    expect(swept.code).toBe(0);
    const runs = await lossOf(familyProject);
    expect(runs.map(({ run }) => [run.status, run.params['optim.momentum'], run.summary])).toEqual([
      ['done', 0.25, { schedule: 'constant' }],
      ['done', 0.5, { schedule: 'constant' }],
    ]);
    expectLoss(runs[0].loss, 4, 0.5, 0.25);
    expectLoss(runs[1].loss, 4, 0.5, 0.5);
  });

  it("outside Saddle Lab, params() is the manifest's defaults overridden by --name value flags, each checked", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'saddle-family.json'),
      JSON.stringify({ params: { type: 'object', properties: { rate: { type: 'number', default: 0.5 }, steps: { type: 'integer', default: 10 }, 'optim.kind': { enum: ['sgd', 'adam'], default: 'sgd' } } } }),
    );
    writeFileSync(join(dir, 'show.py'), 'import json, saddle_lab as lab\nprint(json.dumps(lab.params()))\n');
    const run = (...args: string[]) => spawnSync('/usr/bin/python3', ['show.py', ...args], { cwd: dir, env: saddleLabEnv(), encoding: 'utf8' });
    expect(JSON.parse(run().stdout)).toEqual({ rate: 0.5, steps: 10, 'optim.kind': 'sgd' });
    expect(JSON.parse(run('--rate', '0.25', '--optim.kind=adam').stdout)).toEqual({ rate: 0.25, steps: 10, 'optim.kind': 'adam' });
    expect(run('--steps', '2.5').stderr).toContain('--steps must be integer, got \'2.5\'');
    expect(run('--rat', '1').stderr).toContain('unknown parameter --rat');
    expect(run('--optim.kind', 'rmsprop').stderr).toContain("--optim.kind must be one of ['sgd', 'adam']");
    // The helper's stdout is the script's own outside a family run (no protocol lines at exit).
    expect(execFileSync('/usr/bin/python3', ['show.py'], { cwd: dir, env: saddleLabEnv() }).toString().trim().split('\n')).toHaveLength(1);
  });
});
