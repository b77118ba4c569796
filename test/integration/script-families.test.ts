// User families through the real pool into a real project: a Python script family (Debian's
// /usr/bin/python3, standard library only) runs a sweep, streams, is cancelled, and fails one run
// at a time on a malformed line, a crash, a NaN and a hang; a JS code family loads from the same
// folder and runs like a built-in; a broken module is listed with its error and breaks nothing.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { FamilyCheck, FamilyInfo, FamilyProblem, Run, RunSource } from '../../src-main/contract';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';
import { statusChanges } from '../helpers/events';

const fixture = join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay');

/** A family folder: the toy script family, a copy with a 1 s timeout, a JS family and a broken one. */
function familyFolder(): string {
  const dir = tempDir('saddle-families-');
  cpSync(fixture, join(dir, 'toy-decay'), { recursive: true });
  cpSync(fixture, join(dir, 'toy-timeout'), { recursive: true });
  const manifestFile = join(dir, 'toy-timeout', 'saddle-family.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestFile, JSON.stringify({ ...manifest, id: 'toy-timeout', title: 'Toy decay, 1 s timeout', limits: { timeoutSeconds: 1 } }));
  writeFileSync(
    join(dir, 'geometric.mjs'),
    `// y_t = a q^t, a code family written against the kit the app passes in.
export default ({ defineFamily, z }) => defineFamily({
  id: 'geometric',
  title: 'Geometric sequence (JS family)',
  summary: 'y_t = a q^t',
  references: [],
  formulas: [],
  params: z.object({ a: z.number().default(2), q: z.number().min(0).max(1).default(0.5), steps: z.number().int().min(1).default(20) }),
  metrics: [{ name: 'y', label: 'y', x: 'step' }],
  charts: [{ id: 'y', title: 'y', x: { label: 'step' }, y: { label: 'y', log: true }, series: ['y'] }],
  run(p, ctx) {
    const x = new Float64Array(p.steps), y = new Float64Array(p.steps);
    for (let t = 0; t < p.steps; t++) { x[t] = t; y[t] = p.a * p.q ** t; }
    const last = y[p.steps - 1];
    ctx.emit({ metric: 'y', x, y }); // transfers the arrays: read them before
    return { last };
  },
});
`,
  );
  writeFileSync(join(dir, 'broken.mjs'), `export default ({ defineFamily }) => defineFamily({ id: 'broken', title: 'Broken' });\n`);
  mkdirSync(join(dir, 'bad-manifest'));
  writeFileSync(join(dir, 'bad-manifest', 'saddle-family.json'), JSON.stringify({ ...manifest, id: 'bad-manifest', command: [] }));
  return dir;
}

let service: SaddleService;
let folder: string;
let projectPath: string;
const points = new Map<number, number>();
const statuses: { runId: number; status: string }[] = [];

beforeAll(async () => {
  requireBuild();
  service = testService({ liveEvents: true, familyPaths: [(folder = familyFolder())] });
  service.on((event, payload) => {
    if (event === 'run.points') {
      const p = payload as { runId: number; x: number[] };
      points.set(p.runId, (points.get(p.runId) ?? 0) + p.x.length);
    }
    statuses.push(...statusChanges(event, payload));
  });
  projectPath = join(tempDir(), 'user-families.saddle');
  await service.dispatch('projects', 'new', { path: projectPath });
});

afterAll(async () => {
  await service?.close();
});

async function runExperiment(spec: Record<string, unknown>): Promise<Run[]> {
  const experiment = (await service.dispatch('experiments', 'create', { spec })) as { id: number };
  await service.dispatch('runs', 'start', { experimentId: experiment.id });
  await service.waitForExperiment(experiment.id);
  return (await service.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
}

describe('user families through the real pool', () => {
  it('lists script and code families with their origin, and the broken ones with why', async () => {
    const families = (await service.dispatch('families', 'list', {})) as FamilyInfo[];
    const byId = new Map(families.map((f) => [f.id, f]));
    expect(byId.get('dln-train')?.origin).toBe('built-in');
    expect(byId.get('toy-decay')).toMatchObject({ origin: 'path', kind: 'script' });
    expect(byId.get('geometric')).toMatchObject({ origin: 'path', kind: 'code' });
    expect(byId.get('toy-decay')?.paramsSchema).toMatchObject({ properties: { rate: { default: 0.5, unit: '1/step', exclusiveMinimum: 0 } } });
    const problems = (await service.dispatch('families', 'problems', {})) as FamilyProblem[];
    expect(problems.map((p) => p.message).join('\n')).toMatch(/broken\.mjs: summary: Invalid input/);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/bad-manifest[/\\]saddle-family\.json: command/);
  });

  it('runs a sweep of the Python family into the project, streamed, each run the closed form', async () => {
    const runs = await runExperiment({ family: 'toy-decay', name: 'sweep', params: { steps: 30 }, sweep: { rate: [0.25, 0.5, 1] } });
    expect(runs.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    for (const run of runs) {
      const rate = run.params.rate as number;
      const [loss] = service.project!.readSeries(run.id, ['loss']);
      expect(Array.from(loss.x)).toEqual(Array.from({ length: 30 }, (_, t) => t));
      loss.y.forEach((y, t) => expect(Math.abs(y - Math.exp(-rate * t))).toBeLessThanOrEqual(2 * Number.EPSILON * Math.exp(-rate * t)));
      expect(run.summary?.half_life).toBeCloseTo(Math.log(2) / rate, 12);
      // Streamed to the window as well as stored: loss, the half-life event, the wall clock.
      expect(points.get(run.id)).toBeGreaterThanOrEqual(31);
    }
  });

  it('fails only the bad runs of a sweep, each naming its line or its cause', async () => {
    const runs = await runExperiment({ family: 'toy-decay', name: 'bad', params: { steps: 10 }, sweep: { mode: ['ok', 'malformed', 'crash', 'nan', 'nan-summary', 'exit3'] } });
    const byMode = new Map(runs.map((r) => [r.params.mode, r]));
    expect(byMode.get('ok')?.status).toBe('done');
    expect(byMode.get('malformed')).toMatchObject({ status: 'failed', error: expect.stringMatching(/stdout line \d+: not JSON .*"this is not json"/) });
    expect(byMode.get('crash')).toMatchObject({ status: 'failed', error: expect.stringMatching(/RuntimeError: boom at t = 3[\s\S]*Traceback/) });
    expect(byMode.get('nan')).toMatchObject({ status: 'diverged', error: expect.stringMatching(/loss became NaN at x = 3\.5/) });
    // The points before the NaN stay: t = 0 … 3, each loss = exp(−0.5 t).
    expect(Array.from(service.project!.readSeries(byMode.get('nan')!.id, ['loss'])[0].x)).toEqual([0, 1, 2, 3]);
    // The one non-finite rule: a NaN in the summary ends the run as diverged too, and it keeps no summary.
    expect(byMode.get('nan-summary')).toMatchObject({ status: 'diverged', summary: null, error: expect.stringMatching(/stdout line \d+: summary value "final_loss" is NaN/) });
    expect(byMode.get('exit3')).toMatchObject({ status: 'failed', error: expect.stringMatching(/exited with code 3/) });
  });

  it('a hanging script fails at its timeout', async () => {
    const [run] = await runExperiment({ family: 'toy-timeout', name: 'hang', params: { mode: 'hang', steps: 2 } });
    expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/timed out after 1 s/) });
  });

  it('cancel ends a running script; its streamed points stay', async () => {
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'toy-decay', name: 'cancel', params: { steps: 2000, sleepMs: 20 } } })) as { id: number };
    const { runIds } = (await service.dispatch('runs', 'start', { experimentId: experiment.id })) as { runIds: number[] };
    await expect.poll(() => points.get(runIds[0]) ?? 0).toBeGreaterThan(5);
    await service.dispatch('runs', 'cancel', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    const [run] = (await service.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    expect(run.status).toBe('cancelled');
    const [loss] = service.project!.readSeries(run.id, ['loss']);
    expect(loss.x.length).toBeGreaterThan(0);
    expect(loss.x.length).toBeLessThan(2000);
  });

  it('runs the JS family from the folder in the pool, like a built-in', async () => {
    const [run] = await runExperiment({ family: 'geometric', name: 'js', params: { a: 3, q: 0.5, steps: 12 } });
    expect(run).toMatchObject({ status: 'done', error: null });
    const [y] = service.project!.readSeries(run.id, ['y']);
    // Exact: powers of 1/2 times 3 are representable.
    expect(Array.from(y.y)).toEqual(Array.from({ length: 12 }, (_, t) => 3 * 0.5 ** t));
    expect(run.summary?.last).toBe(3 * 0.5 ** 11);
  });

  it('families.reload picks up a family added while the host runs', async () => {
    const late = join(folder, 'toy-late');
    cpSync(fixture, late, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(late, 'saddle-family.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(late, 'saddle-family.json'), JSON.stringify({ ...manifest, id: 'toy-late' }));
    expect(((await service.dispatch('families', 'list', {})) as FamilyInfo[]).some((f) => f.id === 'toy-late')).toBe(false);
    await service.dispatch('families', 'reload', {});
    expect(((await service.dispatch('families', 'list', {})) as FamilyInfo[]).find((f) => f.id === 'toy-late')?.origin).toBe('path');
  });

  it('a bad parameter of a script family is named like a built-in one', async () => {
    await expect(service.dispatch('experiments', 'create', { spec: { family: 'toy-decay', params: { rate: -1 } } })).rejects.toThrow(/params\.rate/);
  });
});

describe('what produced each run, on reopening', () => {
  function reopenService(familyPaths: string[]): SaddleService {
    return testService({ poolSize: 1, familyPaths });
  }

  it('stores the script copy with its hash once per version, and the stderr with each run', async () => {
    const runs = await runExperiment({ family: 'toy-decay', name: 'provenance', params: { steps: 5 }, sweep: { rate: [1, 2] } });
    const [a, b] = (await Promise.all(runs.map((r) => service.dispatch('runs', 'source', { runId: r.id })))) as RunSource[];
    expect(a).toMatchObject({ familyId: 'toy-decay', kind: 'script', installed: 'same', location: join(folder, 'toy-decay') });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(a.files.map((f) => f.path)).toEqual(['decay.py', 'saddle-family.json']);
    expect(a.files[0].bytes).toBe(readFileSync(join(fixture, 'decay.py')).length);
    expect(a.stderr).toContain("toy-decay starting with {'rate': 1");
    expect(b.stderr).toContain("toy-decay starting with {'rate': 2");
    const geometric = (await service.dispatch('experiments', 'list', {})) as { id: number; family: string }[];
    expect(geometric.some((e) => e.family === 'geometric')).toBe(true);
  });

  it('warns when the script changed, and shows the runs of a family not installed without running anything', async () => {
    await service.dispatch('projects', 'close', {});
    writeFileSync(join(folder, 'toy-decay', 'decay.py'), readFileSync(join(fixture, 'decay.py'), 'utf8') + '\n# edited\n');
    const changed = reopenService([folder]);
    try {
      await changed.dispatch('projects', 'open', { path: projectPath });
      const checks = (await changed.dispatch('families', 'check', {})) as FamilyCheck[];
      expect(checks.find((c) => c.familyId === 'toy-decay')).toMatchObject({ state: 'changed', message: expect.stringMatching(/installed files changed since its latest run/) });
      expect(checks.find((c) => c.familyId === 'geometric')?.state).toBe('same');
    } finally {
      await changed.close();
    }

    const bare = reopenService([]);
    try {
      await bare.dispatch('projects', 'open', { path: projectPath });
      const checks = (await bare.dispatch('families', 'check', {})) as FamilyCheck[];
      expect(checks.find((c) => c.familyId === 'toy-decay')).toMatchObject({ state: 'missing', message: expect.stringMatching(/not installed here: its runs and data are shown; nothing runs/) });
      const experiments = (await bare.dispatch('experiments', 'list', {})) as { id: number; family: string; name: string }[];
      const sweep = experiments.find((e) => e.name === 'sweep')!;
      const runs = (await bare.dispatch('runs', 'list', { experimentId: sweep.id })) as Run[];
      expect(runs.map((r) => r.status)).toEqual(['done', 'done', 'done']);
      const series = (await bare.dispatch('runs', 'series', { runIds: [runs[0].id], metrics: ['loss'] })) as { series: { y: number[] }[] }[];
      expect(series[0].series[0].y[0]).toBe(1);
      // Described from the stored manifest, so the dashboard can draw the data; it cannot run.
      const described = ((await bare.dispatch('families', 'list', {})) as FamilyInfo[]).find((f) => f.id === 'toy-decay');
      expect(described).toMatchObject({ origin: 'stored', trusted: false, charts: [{ id: 'loss', series: ['loss', 'half'] }] });
      await expect(bare.dispatch('runs', 'start', { experimentId: sweep.id })).rejects.toThrow(/unknown family "toy-decay"/);
      // Only when asked: the stored copy goes into the project's folder, and then it runs.
      const { location } = (await bare.dispatch('families', 'restore', { familyId: 'toy-decay' })) as { location: string };
      expect(location).toBe(join(projectPath.replace(/\.saddle$/, '.families'), 'toy-decay'));
      expect(readFileSync(join(location, 'decay.py'), 'utf8')).toBe(readFileSync(join(fixture, 'decay.py'), 'utf8'));
      const families = (await bare.dispatch('families', 'list', {})) as FamilyInfo[];
      expect(families.find((f) => f.id === 'toy-decay')?.origin).toBe('project');
      const again = (await bare.dispatch('families', 'check', {})) as FamilyCheck[];
      expect(again.find((c) => c.familyId === 'toy-decay')?.state).toBe('same');
    } finally {
      await bare.close();
    }
  });
});

describe("a project's own families folder", () => {
  it('runs no code on open: its code modules load, and its families run, only once the user trusts them', async () => {
    const path = join(tempDir(), 'shared.saddle');
    const own = path.replace(/\.saddle$/, '.families');
    const marker = join(tempDir(), 'imported');
    mkdirSync(own);
    cpSync(fixture, join(own, 'toy-decay'), { recursive: true });
    writeFileSync(
      join(own, 'marked.mjs'),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default ({ defineFamily, z }) => defineFamily({ id: 'marked', title: 'Marked', summary: '', references: [], formulas: [], params: z.object({}), metrics: [{ name: 'y', label: 'y', x: 't' }], charts: [], run: () => ({}) });\n`,
    );
    const host = testService({ poolSize: 1 });
    try {
      await host.dispatch('projects', 'new', { path });
      expect(existsSync(marker)).toBe(false);
      const problems = (await host.dispatch('families', 'problems', {})) as FamilyProblem[];
      expect(problems).toEqual([{ origin: 'project', location: join(own, 'marked.mjs'), message: expect.stringMatching(/not loaded: code in a project's folder runs only once you trust/) }]);
      const families = (await host.dispatch('families', 'list', {})) as FamilyInfo[];
      expect(families.find((f) => f.id === 'toy-decay')).toMatchObject({ origin: 'project', trusted: false });
      const experiment = (await host.dispatch('experiments', 'create', { spec: { family: 'toy-decay', params: { steps: 3 } } })) as { id: number };
      await expect(host.dispatch('runs', 'start', { experimentId: experiment.id })).rejects.toThrow(/comes from this project's folder .*trust the project's families first/);
      expect((await host.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[]).toEqual([]);

      await host.dispatch('families', 'trustProject', {});
      expect(readFileSync(marker, 'utf8')).toBe('ran');
      expect(((await host.dispatch('families', 'list', {})) as FamilyInfo[]).map((f) => f.id)).toContain('marked');
      await host.dispatch('runs', 'start', { experimentId: experiment.id });
      await host.waitForExperiment(experiment.id);
      expect(((await host.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[]).map((r) => r.status)).toEqual(['done']);
    } finally {
      await host.close();
    }
  });
});
