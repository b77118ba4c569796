// W&B-style logging from any Python process (python/saddle_lab.py, docs/logging.md): an unchanged
// script (`import saddle_lab as wandb`) logs into a project with no app open, then again while a
// serve-host service follows the project (the points arrive as live events); a script killed with
// SIGKILL leaves its points and a `crashed` run; an exception fails the run; a NaN ends it as
// diverged with the points before kept. The fixture's loss is exp(-rate·step), so every stored
// value is checked against an independent recomputation.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { Experiment, FamilyInfo, Run, RunOrigin, SeriesData, TheorySeries } from '../../src-main/contract';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';
import { writeScriptFamily } from '../helpers/script-family';
import { statusChanges } from '../helpers/events';
import { saddleLabEnv, startPausedLoggingScript } from '../helpers/python';

const script = join(repoRoot, 'test', 'fixtures', 'logging', 'wandb_train.py');
const env = saddleLabEnv();
/** Python's and V8's exp may differ in the last bit: values agree to a few ulp. */
const relativeTolerance = 1e-14;

function runScript(args: Record<string, string | number>): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const result = spawnSync('/usr/bin/python3', [script, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)], { env, encoding: 'utf8' });
  return { status: result.status, signal: result.signal, stderr: result.stderr };
}

async function seriesOf(service: SaddleService, runId: number): Promise<Map<string, SeriesData>> {
  const [reply] = (await service.dispatch('runs', 'series', { runIds: [runId], maxPoints: 1_000_000 })) as { series: SeriesData[] }[];
  return new Map(reply.series.map((s) => [s.metric, s]));
}

function expectDecay(series: SeriesData | undefined, steps: number, rate: number, value: (loss: number) => number): void {
  expect(series?.x).toEqual(Float64Array.from({ length: steps }, (_, step) => step));
  series?.y.forEach((y, step) => {
    const expected = value(Math.exp(-rate * step));
    expect(Math.abs(y - expected)).toBeLessThanOrEqual(relativeTolerance * Math.max(Math.abs(expected), 1e-300) + Number.MIN_VALUE);
  });
}

let service: SaddleService | null = null;
beforeAll(requireBuild);
afterEach(async () => {
  await service?.close();
  service = null;
});

describe('saddle_lab.init / log / finish from a plain Python process', () => {
  it('with no app open: the run log holds every value; opening the project brings in an ordinary run', async () => {
    const project = join(tempDir(), 'study.saddle');
    expect(runScript({ project, steps: 40, rate: 0.1, name: 'decay-0.1' }).status).toBe(0);
    expect(runScript({ project, steps: 30, rate: 0.2, name: 'decay-0.2' }).status).toBe(0);

    service = testService();
    await service.dispatch('projects', 'new', { path: project });
    const runs = (await service.dispatch('runs', 'list', {})) as Run[];
    expect(runs.map((r) => r.status)).toEqual(['done', 'done']);
    const [first, second] = runs;
    // config: nested keys dotted, the later config.update included.
    expect(first.params).toEqual({ rate: 0.1, steps: 40, 'optim.lr': 0.01, 'optim.name': 'sgd', batch: 32 });
    expect(first.tags).toEqual(['fixture']);
    expect(first.notes).toBe('loss = exp(-rate * step)');
    // The summary: the last logged value of each metric, then what the script set.
    expect(first.summary).toMatchObject({ loss: Math.exp(-0.1 * 39), 'train.acc': 1 - Math.exp(-0.1 * 39), _step: 39, final_loss: Math.exp(-0.1 * 39) });
    const origins = (await service.dispatch('runs', 'origins', { runIds: [first.id, second.id] })) as RunOrigin[];
    expect(origins.map((o) => [o.kind, o.name])).toEqual([['run-log', 'decay-0.1'], ['run-log', 'decay-0.2']]);

    const series = await seriesOf(service, first.id);
    expectDecay(series.get('loss'), 40, 0.1, (loss) => loss);
    expectDecay(series.get('train.acc'), 40, 0.1, (loss) => 1 - loss);
    expectDecay((await seriesOf(service, second.id)).get('loss'), 30, 0.2, (loss) => loss);

    // The logged family draws one chart per metric (the wall clock is an x choice, not a chart).
    const families = (await service.dispatch('families', 'list', {})) as FamilyInfo[];
    const logged = families.find((f) => f.id === 'logged');
    expect(logged?.charts.map((c) => c.series)).toEqual([['loss'], ['train.acc']]);
    const experiments = (await service.dispatch('experiments', 'list', {})) as { family: string; name: string }[];
    expect(experiments).toMatchObject([{ family: 'logged', name: 'Logged runs' }]);
    // It can be renamed and annotated like any experiment; what would run it is refused, naming family.
    const { id } = experiments[0] as unknown as Experiment;
    const renamed = (await service.dispatch('experiments', 'update', { id, patch: { name: 'decay runs', notes: 'two rates', tags: ['decay'] } })) as Experiment;
    expect([renamed.name, renamed.notes, renamed.tags]).toEqual(['decay runs', 'two rates', ['decay']]);
    const refused = await service.dispatch('experiments', 'update', { id, patch: { seeds: [1, 2] } }).catch((error: { message: string }) => error.message);
    expect(refused).toMatch(/family: the runs of a "logged" experiment come from outside/);

    // Reopening reads nothing twice.
    await service.dispatch('projects', 'close', {});
    await service.dispatch('projects', 'open', { path: project });
    expect(((await seriesOf(service, first.id)).get('loss')?.x.length)).toBe(40);
  });

  it('a run killed mid-way keeps every step it logged and is crashed; an exception fails its run; a NaN ends it as diverged', async () => {
    const project = join(tempDir(), 'crash.saddle');
    const killed = runScript({ project, steps: 100, crash_at: 17, name: 'killed' });
    expect(killed.signal).toBe('SIGKILL');
    const raised = runScript({ project, steps: 5, raise: 1, name: 'raised' });
    expect(raised.status).toBe(1);
    expect(raised.stderr).toContain('RuntimeError: boom');
    expect(runScript({ project, steps: 100, nan_at: 8, name: 'nan' }).status).toBe(0);
    expect(runScript({ project, steps: 6, nan_summary: 1, name: 'nan-summary' }).status).toBe(0);

    service = testService();
    await service.dispatch('projects', 'new', { path: project });
    const runs = (await service.dispatch('runs', 'list', {})) as Run[];
    const origins = (await service.dispatch('runs', 'origins', { runIds: runs.map((r) => r.id) })) as RunOrigin[];
    const named = (name: string) => runs.find((r) => r.id === origins.find((o) => o.name === name)?.runId) as Run;
    const [crashed, failed, diverged] = [named('killed'), named('raised'), named('nan')];
    expect(crashed.status).toBe('crashed');
    expect(crashed.error).toMatch(/^crashed: the logging process \(pid \d+\) ended without finish\(\)/);
    expectDecay((await seriesOf(service, crashed.id)).get('loss'), 17, 0.1, (loss) => loss);
    expect(crashed.summary?.loss).toBe(Math.exp(-0.1 * 16));

    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('exit code 1: RuntimeError: boom');
    expect((await seriesOf(service, failed.id)).get('loss')?.x).toHaveLength(5);

    expect(diverged.status).toBe('diverged');
    expect(diverged.error).toBe('loss was NaN at step 8; the points before it are kept');
    expectDecay((await seriesOf(service, diverged.id)).get('loss'), 8, 0.1, (loss) => loss);
    // A NaN set in the summary follows the same rule: diverged, every logged step kept.
    const nanSummary = named('nan-summary');
    expect(nanSummary.status).toBe('diverged');
    expect(nanSummary.error).toBe('summary final_loss was NaN; the points before it are kept');
    expectDecay((await seriesOf(service, nanSummary.id)).get('loss'), 6, 0.1, (loss) => loss);
  });

  it('with a serve host following the project: the run appears and its points arrive as live events, then it ends done', async () => {
    const project = join(tempDir(), 'live.saddle');
    service = testService({ host: 'serve', liveEvents: true });
    await service.dispatch('projects', 'new', { path: project });
    const points: { runId: number; x: number[] }[] = [];
    const statuses: string[] = [];
    let notify: () => void = () => undefined;
    service.on((event, payload) => {
      if (event === 'run.points') points.push(payload as { runId: number; x: number[] });
      for (const change of statusChanges(event, payload)) statuses.push(change.status);
      notify();
    });
    const until = (condition: () => boolean) =>
      new Promise<void>((resolve) => {
        notify = () => condition() && resolve();
        notify();
      });

    const child = await startPausedLoggingScript('wandb_train.py', [`project=${project}`, 'steps=20', 'pause_at=12', 'name=live']);
    // The script has logged 12 steps and waits: they reach the window while it is still running.
    await until(() => points.reduce((n, p) => n + p.x.length, 0) >= 2 * 12);
    const [running] = (await service.dispatch('runs', 'list', {})) as Run[];
    expect(running.status).toBe('running');
    child.stdin.write('go\n');
    await until(() => statuses.includes('done'));
    const [done] = (await service.dispatch('runs', 'list', {})) as Run[];
    expect(done.status).toBe('done');
    expectDecay((await seriesOf(service, done.id)).get('loss'), 20, 0.1, (loss) => loss);
  });

  it('a run that names a family gets its experiment and parameters (the family\'s defaults filled in)', async () => {
    const project = join(tempDir(), 'family.saddle');
    expect(runScript({ project, steps: 3, family: 'mode-flow', group: 'my mode-flow runs' }).status).toBe(0);
    service = testService();
    await service.dispatch('projects', 'new', { path: project });
    const experiments = (await service.dispatch('experiments', 'list', {})) as { family: string; name: string }[];
    expect(experiments).toMatchObject([{ family: 'mode-flow', name: 'my mode-flow runs' }]);
    const families = (await service.dispatch('families', 'list', {})) as FamilyInfo[];
    const [run] = (await service.dispatch('runs', 'list', {})) as Run[];
    const defaults = families.find((f) => f.id === 'mode-flow')?.defaults ?? {};
    expect(run.params).toMatchObject({ ...defaults, rate: 0.1, steps: 3 });
  });

  it('a run that names dln-train gets its theory overlays for the logged parameters: the L = 2 logistic closed form and Saxe times', async () => {
    // Two-layer aligned balanced init at ε = 0.05 (a₀ = ε² = 0.0025), targets (4, 2), horizon 3:
    // each mode follows a(t) = s / (1 + (s/a₀ − 1)e^{−2st}), Saxe time log(s/a₀)/(2s).
    const project = join(tempDir(), 'theory.saddle');
    const config = { depth: 2, targetSingularValues: [4, 2], initScale: 0.05, horizon: 3 };
    const logger = `import os, json, saddle_lab as wandb\nwandb.init(project=os.environ["P"], family="dln-train", config=json.loads(os.environ["C"]))\nwandb.log({"loss": 10.0})\nwandb.finish()\n`;
    const result = spawnSync('/usr/bin/python3', ['-c', logger], { env: { ...env, P: project, C: JSON.stringify(config) }, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    service = testService();
    await service.dispatch('projects', 'new', { path: project });
    const [run] = (await service.dispatch('runs', 'list', {})) as Run[];
    expect(run.params).toMatchObject(config);
    const [{ theory }] = (await service.dispatch('runs', 'theory', { runIds: [run.id] })) as { theory: TheorySeries[] }[];
    const a0 = 0.05 ** 2;
    for (const [index, s] of [4, 2].entries()) {
      const logistic = theory.find((t) => t.id === 'logistic' && t.index === index);
      expect(logistic?.x.at(-1)).toBe(3);
      logistic?.x.forEach((t, i) => {
        const expected = s / (1 + (s / a0 - 1) * Math.exp(-2 * s * t));
        expect(Math.abs((logistic.y[i] - expected) / expected)).toBeLessThan(1e-12);
      });
      // The family's own ODE solution of the mode flow agrees with the closed form (DOP853 at rtol 1e-10).
      const flow = theory.find((t) => t.id === 'theoryFlow' && t.index === index);
      flow?.x.forEach((t, i) => expect(Math.abs(flow.y[i] / (s / (1 + (s / a0 - 1) * Math.exp(-2 * s * t))) - 1)).toBeLessThan(1e-6));
      expect(flow?.x.length).toBe(logistic?.x.length);
      const saxe = theory.find((t) => t.id === 'saxeTimes' && t.index === index);
      expect(Math.abs((saxe?.x[0] ?? NaN) - Math.log(s / a0) / (2 * s))).toBeLessThan(1e-12);
      expect(theory.find((t) => t.id === 'targets' && t.index === index)?.y).toEqual([s]);
    }
  });

  it('inside a script-family run, wandb.finish(exit_code=1) fails the run with its message; exit_code=0 leaves it done', async () => {
    const families = writeScriptFamily({
      id: 'finisher',
      title: 'Finishes with a given exit code',
      params: { code: { type: 'integer', default: 0 } },
      scriptName: 'train.py',
      script: 'import saddle_lab as wandb\nrun = wandb.init(project="ignored", config={"code": 0})\nwandb.log({"loss": 0.5})\nwandb.finish(exit_code=run.config["code"])\n',
    });
    service = testService({ familyPaths: [families] });
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'finish.saddle') });
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'finisher', name: 'codes', sweep: { code: [0, 1, 3] } } })) as Experiment;
    await service.dispatch('runs', 'start', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    const runs = (await service.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    expect(runs.map((r) => [r.params.code, r.status, r.error])).toEqual([
      [0, 'done', null],
      [1, 'failed', 'the script reported failure: wandb.finish(exit_code=1)'],
      [3, 'failed', 'the script reported failure: wandb.finish(exit_code=3)'],
    ]);
    // The point logged before finish is kept in the failed run.
    const loss = (await seriesOf(service, runs[1].id)).get('loss');
    expect(loss?.y).toEqual(Float64Array.of(0.5));
  });
});
