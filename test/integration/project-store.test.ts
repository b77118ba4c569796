// The project store on real files in a temp folder: lifecycle, contract shapes, bit-exact series,
// and the promise that a foreign, damaged or newer file is refused without being touched.
import { createHash, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analysisRecord, dashboard, experiment, experimentSpec, figurePreset, projectInfo, run, theorySeries, type AnalysisResult } from '../../src-main/contract';
import { NotFoundError, ProjectFileError } from '../../src-main/core/store/errors';
import { currentSchemaVersion } from '../../src-main/core/store/migrate';
import { saddleApplicationId } from '../../src-main/core/store/project-file';
import { toApiError } from '../../src-main/core/errors';
import { ProjectStore, interruptedRunError, type RunWrite } from '../../src-main/core/store/project-store';

const appVersion = '1.2.3-test';
let dir: string;
let stores: ProjectStore[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saddle-store-'));
  stores = [];
});
afterEach(() => {
  for (const store of stores) store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function track(store: ProjectStore): ProjectStore {
  stores.push(store);
  return store;
}
function createStore(name = 'study.saddle'): ProjectStore {
  return track(ProjectStore.create(path.join(dir, name), appVersion));
}
function reopen(store: ProjectStore): ProjectStore {
  store.close();
  return track(ProjectStore.open(store.path, appVersion));
}
const spec = (overrides: Partial<Record<string, unknown>> = {}) =>
  experimentSpec.parse({ family: 'mode-flow', name: 'Sweep of init scale', params: { depth: 3 }, sweep: { scale: { logspace: [-3, -1, 3] } }, seeds: [0, 1], ...overrides });
function fileHash(filePath: string): string {
  return createHash('sha256').update(fs.readFileSync(filePath)).digest('hex');
}
function siblings(filePath: string): string[] {
  return fs.readdirSync(path.dirname(filePath)).sort();
}
function expectProjectFileError(open: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    open();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ProjectFileError);
  expect((thrown as Error).message).toMatch(message);
}

describe('creating a project', () => {
  it('writes a WAL SQLite file with our application_id, the current schema and meta', () => {
    const store = createStore('lr sweep.saddle');
    const info = projectInfo.parse(store.info());
    expect(info).toMatchObject({ name: 'lr sweep', schemaVersion: currentSchemaVersion, appVersion, experimentCount: 0, runCount: 0 });
    expect(Math.abs(info.createdAtMs - Date.now())).toBeLessThan(60_000);
    store.close();
    expect(siblings(store.path)).toEqual(['lr sweep.saddle']);

    const raw = new Database(store.path, { readonly: true });
    expect(raw.pragma('application_id', { simple: true })).toBe(saddleApplicationId);
    expect(raw.pragma('user_version', { simple: true })).toBe(currentSchemaVersion);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare("SELECT key, typeof(value) FROM meta ORDER BY key").raw().all()).toEqual([
      ['appVersion', 'text'],
      ['createdAtMs', 'integer'],
      ['name', 'text'],
    ]);
    raw.close();
  });

  it('refuses to overwrite an existing file and leaves it as it was', () => {
    const target = path.join(dir, 'notes.saddle');
    fs.writeFileSync(target, 'my notes');
    expectProjectFileError(() => ProjectStore.create(target, appVersion), /already exists/);
    expect(fs.readFileSync(target, 'utf8')).toBe('my notes');
    expect(siblings(target)).toEqual(['notes.saddle']);
  });

  it('names a missing folder in its error', () => {
    expectProjectFileError(() => ProjectStore.create(path.join(dir, 'nope', 'a.saddle'), appVersion), /nope.*does not exist/);
  });
});

describe('experiments', () => {
  it('insert, get, list, update and delete in the contract shape', () => {
    const store = createStore();
    const inserted = experiment.parse(store.insertExperiment(spec({ notes: 'first try', tags: ['fig2'] })));
    expect(inserted).toMatchObject({ name: 'Sweep of init scale', family: 'mode-flow', params: { depth: 3 }, seeds: [0, 1], notes: 'first try', tags: ['fig2'] });
    expect(inserted.sweep).toEqual({ scale: { logspace: [-3, -1, 3] } });
    expect(store.getExperiment(inserted.id)).toEqual(inserted);

    const updated = store.updateExperiment(inserted.id, { name: 'Renamed', seeds: [4] });
    expect(updated).toMatchObject({ id: inserted.id, name: 'Renamed', seeds: [4], notes: 'first try', createdAtMs: inserted.createdAtMs });
    expect(updated.updatedAtMs).toBeGreaterThanOrEqual(inserted.updatedAtMs);

    const second = store.insertExperiment(spec({ name: 'Other' }));
    expect(store.listExperiments().map((e) => e.name)).toEqual(['Renamed', 'Other']);
    store.deleteExperiment(inserted.id);
    expect(store.listExperiments().map((e) => e.id)).toEqual([second.id]);
    expect(store.info().experimentCount).toBe(1);
  });

  it('missing ids are NotFoundErrors with a readable message', () => {
    const store = createStore();
    expect(() => store.getExperiment(42)).toThrow(NotFoundError);
    expect(() => store.getExperiment(42)).toThrow(/No experiment 42/);
    expect(() => store.updateExperiment(42, { name: 'x' })).toThrow(NotFoundError);
    expect(() => store.deleteExperiment(42)).toThrow(NotFoundError);
    expect(() => store.insertRuns(42, [{ params: {}, seed: 0 }])).toThrow(NotFoundError);
    expect(() => store.listRuns(42)).toThrow(NotFoundError);
    expect(() => store.getRun(7)).toThrow(NotFoundError);
    expect(() => store.setRunProgress(7, 0.5)).toThrow(NotFoundError);
    expect(() => store.readSeries(7)).toThrow(NotFoundError);
    expect(() => store.getTheory(7)).toThrow(NotFoundError);
    expect(() => store.deleteDashboard(3)).toThrow(NotFoundError);
  });

  it('ids are never reused after a delete', () => {
    const store = createStore();
    const first = store.insertExperiment(spec());
    store.deleteExperiment(first.id);
    expect(store.insertExperiment(spec()).id).toBeGreaterThan(first.id);
  });

  it('deleting an experiment removes its runs, series, summaries, analyses and dashboards', () => {
    const store = createStore();
    const { id } = store.insertExperiment(spec());
    const [runId] = store.insertRuns(id, [{ params: {}, seed: 0 }]);
    store.appendChunks([{ runId, metric: 'loss', x: new Float64Array([0, 1]), y: new Float64Array([1, 0.5]) }]);
    store.finishRun(runId, { status: 'done', error: null, summary: { finalLoss: 0.5 }, theory: null, finishedAtMs: Date.now() });
    store.saveAnalyses(id, [analysis('fit')]);
    store.saveDashboard({ experimentId: id, name: 'Loss', layout: {} });
    store.deleteExperiment(id);

    const raw = new Database(store.path, { readonly: true });
    for (const table of ['runs', 'series', 'summaries', 'analyses', 'dashboards']) {
      expect(raw.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
    raw.close();
  });
});

describe('runs', () => {
  it("read a dln-train gap-timescale line stored as theory by earlier versions as paper 001's claim, and leave the rest as stored", () => {
    const store = createStore();
    const { id: dlnExperiment } = store.insertExperiment(spec({ family: 'dln-train' }));
    const { id: otherExperiment } = store.insertExperiment(spec());
    const [legacy, current] = store.insertRuns(dlnExperiment, [{ params: {}, seed: 0 }, { params: {}, seed: 1 }]);
    const [other] = store.insertRuns(otherExperiment, [{ params: {}, seed: 0 }]);
    const gap = theorySeries.parse({ id: 'gapTimes', label: 'τ_r = log(1/ε)/(s_r − s_{r+1}), r = 1', kind: 'vline', x: [6.9], y: [], index: 0 });
    const prediction = theorySeries.parse({ id: 'escapePrediction', label: 'escape, mode 1', kind: 'vline', x: [0.8], y: [], index: 0 });
    const claim = theorySeries.parse({ ...gap, label: 'paper 001 §7.2 claim: τ_1', role: 'paper-claim' });
    const finish = (id: number, theory: unknown[]) => store.finishRun(id, { status: 'done', error: null, summary: {}, theory: theory as never, finishedAtMs: 1 });
    finish(legacy, [gap, prediction]);
    finish(current, [claim]);
    finish(other, [gap]);
    expect(store.getTheory(legacy)).toEqual([{ ...gap, role: 'paper-claim', label: `paper 001 §7.2 claim: ${gap.label}` }, prediction]);
    expect(store.getTheory(current)).toEqual([claim]);
    expect(store.getTheory(other)).toEqual([gap]);
    const raw = new Database(store.path, { readonly: true });
    expect(JSON.parse(raw.prepare('SELECT theoryJson FROM runs WHERE id = ?').pluck().get(legacy) as string)).toEqual([gap, prediction]);
    raw.close();
  });

  it('go from queued to running to done, with summaries flattened for SQL', () => {
    const store = createStore();
    const { id: experimentId } = store.insertExperiment(spec());
    const ids = store.insertRuns(experimentId, [
      { params: { scale: 0.001 }, seed: 0 },
      { params: { scale: 0.01 }, seed: 1 },
    ]);
    expect(ids).toHaveLength(2);
    const queued = run.parse(store.getRun(ids[0]));
    expect(queued).toMatchObject({ experimentId, params: { scale: 0.001 }, seed: 0, status: 'queued', progress: 0, startedAtMs: null, finishedAtMs: null, error: null, device: null, appVersion, tags: [], notes: '', summary: null });

    store.setRunStarted(ids[0], 'cpu', 1_700_000_000_000.4);
    store.setRunProgress(ids[0], 1.7);
    expect(store.getRun(ids[0])).toMatchObject({ status: 'running', device: 'cpu', startedAtMs: 1_700_000_000_000, progress: 1 });
    store.setRunProgress(ids[0], 0.25);
    expect(store.getRun(ids[0]).progress).toBe(0.25);

    const summary = { escapeTimes: [1.5, null, 3], finalLoss: 0.125, regime: 'saddle-to-saddle', fitted: null };
    const theory = [theorySeries.parse({ id: 'escape', label: 'Escape times', kind: 'vline', x: [1.5, 3], y: [] })];
    store.finishRun(ids[0], { status: 'done', error: null, summary, theory, finishedAtMs: 1_700_000_000_500 });
    const done = run.parse(store.getRun(ids[0]));
    expect(done).toMatchObject({ status: 'done', progress: 1, finishedAtMs: 1_700_000_000_500, summary });
    expect(store.getTheory(ids[0])).toEqual(theory);
    expect(store.getTheory(ids[1])).toEqual([]);

    const raw = new Database(store.path, { readonly: true });
    const rows = raw.prepare('SELECT key, value FROM summaries WHERE runId = ? ORDER BY key').raw().all(ids[0]);
    expect(rows).toEqual([
      ['escapeTimes[0]', 1.5],
      ['escapeTimes[1]', null],
      ['escapeTimes[2]', 3],
      ['finalLoss', 0.125],
      ['fitted', null],
    ]);
    raw.close();

    store.finishRun(ids[1], { status: 'diverged', error: 'loss became NaN at step 12', summary: null, theory: null, finishedAtMs: Date.now() });
    expect(store.getRun(ids[1])).toMatchObject({ status: 'diverged', error: 'loss became NaN at step 12', progress: 0, summary: null });
    expect(store.listRuns(experimentId).map((r) => r.id)).toEqual(ids);
    expect(store.listRuns().map((r) => r.id)).toEqual(ids);
  });

  it('tags and notes can be edited; deleteRuns is all or nothing', () => {
    const store = createStore();
    const { id } = store.insertExperiment(spec());
    const ids = store.insertRuns(id, [0, 1, 2].map((seed) => ({ params: {}, seed })));
    expect(store.updateRunMeta(ids[0], { tags: ['keep'] })).toMatchObject({ tags: ['keep'], notes: '' });
    expect(store.updateRunMeta(ids[0], { notes: 'slow start' })).toMatchObject({ tags: ['keep'], notes: 'slow start' });

    expect(() => store.deleteRuns([ids[1], 999])).toThrow(/No run 999/);
    expect(store.listRuns(id)).toHaveLength(3);
    store.deleteRuns([ids[1], ids[2], ids[2]]);
    expect(store.listRuns(id).map((r) => r.id)).toEqual([ids[0]]);
  });

  it('runs a crash left queued or running are cancelled on open', () => {
    let store = createStore();
    const { id } = store.insertExperiment(spec());
    const [queued, running, done] = store.insertRuns(id, [0, 1, 2].map((seed) => ({ params: {}, seed })));
    store.setRunStarted(running, 'cpu', Date.now());
    store.finishRun(done, { status: 'done', error: null, summary: {}, theory: null, finishedAtMs: Date.now() });
    store = reopen(store);
    for (const runId of [queued, running]) {
      expect(store.getRun(runId)).toMatchObject({ status: 'cancelled', error: interruptedRunError, finishedAtMs: null });
    }
    expect(store.getRun(done).status).toBe('done');
    expect(store.markInterruptedRuns()).toBe(0);
  });

  it('after a crash, the committed data in the -wal is there and unfinished runs are cancelled', () => {
    const store = createStore('live.saddle');
    const { id } = store.insertExperiment(spec());
    const [runId] = store.insertRuns(id, [{ params: {}, seed: 0 }]);
    store.setRunStarted(runId, 'cpu', Date.now());
    store.appendChunks([{ runId, metric: 'loss', x: new Float64Array([0, 1]), y: new Float64Array([2, 1]) }]);
    // What the disk holds if the app dies now: the main file plus its write-ahead log.
    const crashed = path.join(dir, 'crashed.saddle');
    expect(fs.statSync(`${store.path}-wal`).size).toBeGreaterThan(0);
    for (const suffix of ['', '-wal']) fs.copyFileSync(store.path + suffix, crashed + suffix);

    const recovered = track(ProjectStore.open(crashed, appVersion));
    expect(recovered.getRun(runId)).toMatchObject({ status: 'cancelled', error: interruptedRunError });
    expect(Array.from(recovered.readSeries(runId)[0].y)).toEqual([2, 1]);
  });

  it('the summaries view follows the latest summary: numbers (REAL) and nulls, arrays spread, strings skipped', () => {
    const store = createStore();
    const { id: experimentId } = store.insertExperiment(spec());
    const [runId, other] = store.insertRuns(experimentId, [{ params: {}, seed: 0 }, { params: {}, seed: 1 }]);
    const rows = () => {
      const raw = new Database(store.path, { readonly: true });
      try {
        return raw.prepare('SELECT runId, key, value, typeof(value) AS type FROM summaries ORDER BY runId, key').raw().all() as [number, string, number | null, string][];
      } finally {
        raw.close();
      }
    };
    store.setRunSummary(runId, { a: 1, b: [2, null], c: 'text', d: null, 'odd "key"': 1e-310 });
    expect(rows()).toEqual([
      [runId, 'a', 1, 'real'],
      [runId, 'b[0]', 2, 'real'],
      [runId, 'b[1]', null, 'null'],
      [runId, 'd', null, 'null'],
      [runId, 'odd "key"', 1e-310, 'real'],
    ]);
    // A logged run's summary changes as it goes; a run without one has no rows.
    store.setRunSummary(runId, { a: 0.1 + 0.2, e: [] });
    expect(rows()).toEqual([[runId, 'a', 0.30000000000000004, 'real']]);
    expect(rows().some(([id]) => id === other)).toBe(false);
  });
});

describe('series', () => {
  function storeWithRuns(count: number) {
    const store = createStore();
    const { id } = store.insertExperiment(spec());
    return { store, runIds: store.insertRuns(id, Array.from({ length: count }, (_, seed) => ({ params: {}, seed }))) };
  }
  const f64 = (...values: number[]) => new Float64Array(values);

  it('appends chunks across calls and reads them back joined, in first-written metric order', () => {
    const { store, runIds } = storeWithRuns(2);
    const [a, b] = runIds;
    store.appendChunks([
      { runId: a, metric: 'loss', x: f64(0, 1), y: f64(10, 9) },
      { runId: a, metric: 'sigma/1', x: f64(0), y: f64(0.1) },
      { runId: a, metric: 'sigma/0', x: f64(0), y: f64(0.2) },
      { runId: b, metric: 'loss', x: f64(0), y: f64(5) },
    ]);
    const result = store.appendChunks([
      { runId: a, metric: 'loss', x: f64(2, 3, 4), y: f64(8, 7, 6) },
      { runId: a, metric: 'loss', x: f64(), y: f64() },
      { runId: a, metric: 'sigma/0', x: f64(1), y: f64(0.3) },
    ]);
    expect(result).toEqual({ pointCount: 4, missingRunIds: [] });

    expect(store.listMetrics(a)).toEqual(['loss', 'sigma/1', 'sigma/0']);
    const all = store.readSeries(a);
    expect(all.map((s) => s.metric)).toEqual(['loss', 'sigma/1', 'sigma/0']);
    expect(Array.from(all[0].x)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(all[0].y)).toEqual([10, 9, 8, 7, 6]);
    expect(store.readSeries(a, ['sigma/']).map((s) => [s.metric, Array.from(s.y)])).toEqual([
      ['sigma/1', [0.1]],
      ['sigma/0', [0.2, 0.3]],
    ]);
    expect(store.readSeries(a, ['sigma', 'sigma/0']).map((s) => s.metric)).toEqual(['sigma/0']);
    expect(store.readSeries(b, ['loss'])[0].y).toEqual(f64(5));
    expect(store.listMetrics(b)).toEqual(['loss']);

    const raw = new Database(store.path, { readonly: true });
    expect(raw.prepare("SELECT chunkIndex, pointCount FROM series WHERE runId = ? AND metric = 'loss' ORDER BY chunkIndex").raw().all(a)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    raw.close();
  });

  it('scans the series of several runs as readSeries reads them, in buffers reused from series to series', () => {
    const { store, runIds } = storeWithRuns(3);
    const [a, b, c] = runIds;
    // Lengths 5, 2, then 7: the buffers are reused for a shorter series and grow for a longer one.
    // -0, NaN and infinities cross as bits (the store keeps whatever a reader wrote).
    store.appendChunks([
      { runId: a, metric: 'loss', x: f64(0, 1, 2), y: f64(-0, NaN, Infinity) },
      { runId: a, metric: 'sigma/0', x: f64(0, 1), y: f64(0.5, 0.25) },
      { runId: a, metric: 'loss', x: f64(3, 4), y: f64(-Infinity, 2) },
      { runId: c, metric: 'loss', x: f64(1, 2, 3, 4, 5, 6, 7), y: f64(7, 6, 5, 4, 3, 2, 1) },
    ]);
    const scanned: [number, string, number[], number[]][] = [];
    for (const { runId, metric, x, y } of store.scanSeries([c, b, a])) scanned.push([runId, metric, Array.from(x), Array.from(y)]);
    const read = [c, b, a].flatMap((runId) => store.readSeries(runId).map((s): [number, string, number[], number[]] => [runId, s.metric, Array.from(s.x), Array.from(s.y)]));
    expect(scanned).toEqual(read);
    expect(Object.is(scanned.find(([runId, metric]) => runId === a && metric === 'loss')![3][0], -0)).toBe(true);
    expect([...store.scanSeries([a, c], ['sigma/'])].map((s) => [s.runId, s.metric])).toEqual([[a, 'sigma/0']]);
    // The views of one series are only good until the next is read: a caller copies what it keeps.
    const views = [...store.scanSeries([c, a])].map((s) => s.x);
    expect(views[0].buffer).toBe(views[1].buffer);
    expect(() => [...store.scanSeries([a, 99_999])]).toThrow(NotFoundError);
  });

  it('a run started and finished within one batch of writes is stored as the same writes one batch at a time store it', () => {
    const { store, runIds } = storeWithRuns(8);
    const done = (finishedAtMs: number) => ({ status: 'done' as const, error: null, summary: { finalLoss: 0.25 }, theory: null, finishedAtMs });
    const failed = (finishedAtMs: number) => ({ status: 'failed' as const, error: 'boom', summary: null, theory: null, finishedAtMs });
    // Per run: started, maybe a device, its chunk, finished: done (device named / not) and failed (progress stays 0).
    const lifecycle = (runId: number, i: number, device: string | null, outcome: ReturnType<typeof done | typeof failed>): RunWrite[] => [
      { kind: 'started', runId, atMs: 1_700_000_000_000.7 + i },
      ...(device === null ? [] : [{ kind: 'device' as const, runId, device }]),
      { kind: 'chunk', chunk: { runId, metric: 'loss', x: f64(0, 1), y: f64(2, 3) } },
      { kind: 'finished', runId, outcome },
    ];
    const cases = [
      ['gpu · llvmpipe', done(1_700_000_001_000)],
      [null, done(1_700_000_002_000)],
      ['cpu', failed(1_700_000_003_000)],
      [null, failed(1_700_000_004_000)],
    ] as const;
    const together = runIds.slice(0, 4), apart = runIds.slice(4);
    // Interleaved as a pool's runs arrive: all starts, then the rest of each run.
    const batch = cases.flatMap(([device, outcome], i) => lifecycle(together[i], i, device, outcome));
    expect(store.applyRunWrites([...batch.filter((w) => w.kind === 'started'), ...batch.filter((w) => w.kind !== 'started')])).toEqual([]);
    cases.forEach(([device, outcome], i) => {
      for (const write of lifecycle(apart[i], i, device, outcome)) expect(store.applyRunWrites([write])).toEqual([]);
    });
    const stored = (runId: number) => {
      const { status, progress, startedAtMs, finishedAtMs, error, device, summary } = store.getRun(runId);
      return { status, progress, startedAtMs, finishedAtMs, error, device, summary, series: store.readSeries(runId) };
    };
    cases.forEach((_, i) => expect(stored(together[i])).toEqual(stored(apart[i])));
    expect(store.getRun(together[0])).toMatchObject({ status: 'done', progress: 1, device: 'gpu · llvmpipe', finishedAtMs: 1_700_000_001_000 });
    expect(store.getRun(together[0]).startedAtMs).toBe(store.getRun(apart[0]).startedAtMs);
    expect(store.getRun(together[0]).startedAtMs).not.toBeNull();
    expect(store.getRun(together[3])).toMatchObject({ status: 'failed', progress: 0, device: null, error: 'boom' });
  });

  it('a run deleted while its writes were on the way is named once, the rest of the batch kept', () => {
    const { store, runIds } = storeWithRuns(2);
    store.deleteRuns([runIds[1]]);
    const writes: RunWrite[] = runIds.flatMap((runId): RunWrite[] => [
      { kind: 'started', runId, atMs: 1 },
      { kind: 'device', runId, device: 'cpu' },
      { kind: 'chunk', chunk: { runId, metric: 'loss', x: f64(0, 1), y: f64(2, 3) } },
      { kind: 'finished', runId, outcome: { status: 'done', error: null, summary: {}, theory: null, finishedAtMs: 2 } },
    ]);
    expect(store.applyRunWrites(writes)).toEqual([runIds[1]]);
    expect(store.getRun(runIds[0])).toMatchObject({ status: 'done', startedAtMs: 1, finishedAtMs: 2, device: 'cpu', progress: 1 });
    expect(store.readSeries(runIds[0]).map((s) => [s.metric, Array.from(s.x)])).toEqual([['loss', [0, 1]]]);
  });

  it('chunks of a run started in a batch are numbered from 0 there, and a later batch goes on from its last', () => {
    const { store, runIds } = storeWithRuns(2);
    const [fresh, earlier] = runIds;
    // `earlier` started in a batch of its own and stored a chunk before the batch that ends both runs.
    expect(store.applyRunWrites([
      { kind: 'started', runId: earlier, atMs: 1 },
      { kind: 'chunk', chunk: { runId: earlier, metric: 'loss', x: f64(0), y: f64(5) } },
    ])).toEqual([]);
    const done = { status: 'done' as const, error: null, summary: {}, theory: null, finishedAtMs: 2 };
    expect(store.applyRunWrites([
      { kind: 'started', runId: fresh, atMs: 1 },
      { kind: 'chunk', chunk: { runId: fresh, metric: 'loss', x: f64(0, 1), y: f64(5, 4) } },
      { kind: 'chunk', chunk: { runId: earlier, metric: 'loss', x: f64(1, 2), y: f64(4, 3) } },
      { kind: 'chunk', chunk: { runId: fresh, metric: 'loss', x: f64(2), y: f64(3) } },
      { kind: 'chunk', chunk: { runId: fresh, metric: 'acc', x: f64(0), y: f64(0.5) } },
      { kind: 'finished', runId: fresh, outcome: done },
      { kind: 'finished', runId: earlier, outcome: done },
    ])).toEqual([]);
    expect(store.applyRunWrites([{ kind: 'chunk', chunk: { runId: fresh, metric: 'loss', x: f64(3), y: f64(2) } }])).toEqual([]);
    const series = (runId: number) => store.readSeries(runId).map((s) => [s.metric, Array.from(s.x), Array.from(s.y)]);
    expect(series(fresh)).toEqual([['loss', [0, 1, 2, 3], [5, 4, 3, 2]], ['acc', [0], [0.5]]]);
    expect(series(earlier)).toEqual([['loss', [0, 1, 2], [5, 4, 3]]]);
  });

  it('drops chunks of deleted runs without losing the rest of the batch', () => {
    const { store, runIds } = storeWithRuns(2);
    store.deleteRuns([runIds[1]]);
    const result = store.appendChunks([
      { runId: runIds[0], metric: 'loss', x: f64(0), y: f64(1) },
      { runId: runIds[1], metric: 'loss', x: f64(0), y: f64(1) },
    ]);
    expect(result).toEqual({ pointCount: 1, missingRunIds: [runIds[1]] });
    expect(store.readSeries(runIds[0])).toHaveLength(1);
  });

  it('a malformed chunk rolls the whole batch back', () => {
    const { store, runIds } = storeWithRuns(1);
    expect(() =>
      store.appendChunks([
        { runId: runIds[0], metric: 'loss', x: f64(0), y: f64(1) },
        { runId: runIds[0], metric: 'loss', x: f64(1, 2), y: f64(1) },
      ]),
    ).toThrow(/2 x values but 1 y values/);
    expect(store.listMetrics(runIds[0])).toEqual([]);
  });

  it('is bit for bit identical after close and reopen: -0, subnormals, infinities, NaN payloads, random bits', () => {
    const created = storeWithRuns(1);
    const runIds = created.runIds;
    let store = created.store;
    const special = f64(-0, 0, Number.MIN_VALUE, -Number.MIN_VALUE, 2.225073858507201e-308, Number.MAX_VALUE, Infinity, -Infinity, NaN, 1 / 3);
    const nanWithPayload = new Float64Array(1);
    new DataView(nanWithPayload.buffer).setBigUint64(0, 0x7ff4_0000_dead_beefn, true);
    const random = new Float64Array(10_000);
    randomFillSync(new Uint8Array(random.buffer));
    // Stored as three chunks, one of them a view into a larger buffer at an odd offset of doubles.
    const backing = new Float64Array(random.length + 3);
    backing.set(random, 3);
    const offsetView = backing.subarray(3);
    store.appendChunks([
      { runId: runIds[0], metric: 'bits', x: special, y: special.slice().reverse() },
      { runId: runIds[0], metric: 'bits', x: nanWithPayload, y: nanWithPayload },
      { runId: runIds[0], metric: 'bits', x: offsetView, y: random },
    ]);
    store = reopen(store);
    const [series] = store.readSeries(runIds[0]);
    const bytes = (...parts: Float64Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
    expect(bytes(series.x).equals(bytes(special, nanWithPayload, random))).toBe(true);
    expect(bytes(series.y).equals(bytes(special.slice().reverse(), nanWithPayload, random))).toBe(true);
  });

  it('blobs are little-endian float64 that any reader can decode', () => {
    const { store, runIds } = storeWithRuns(1);
    store.appendChunks([{ runId: runIds[0], metric: 'loss', x: f64(0.5, -0), y: f64(1e-300, 3) }]);
    store.close();
    const raw = new Database(store.path, { readonly: true });
    const row = raw.prepare('SELECT pointCount, x, y FROM series').get() as { pointCount: number; x: Buffer; y: Buffer };
    raw.close();
    expect(row.pointCount).toBe(2);
    expect([row.x.readDoubleLE(0), row.x.readDoubleLE(8), row.y.readDoubleLE(0), row.y.readDoubleLE(8)]).toEqual([0.5, -0, 1e-300, 3]);
  });
});

function analysis(id: string): AnalysisResult {
  return { id, title: `Analysis ${id}`, columns: [{ key: 'n', label: 'n' }], rows: [{ n: 1 }], checks: [], notes: [] };
}

describe('analyses and dashboards', () => {
  it('saveAnalyses replaces every analysis of the experiment, keeping the given order', () => {
    const store = createStore();
    const { id } = store.insertExperiment(spec());
    store.saveAnalyses(id, [analysis('b'), analysis('a')]);
    const saved = store.saveAnalyses(id, [analysis('z'), analysis('y')]);
    expect(saved.map((record) => analysisRecord.parse(record).result.id)).toEqual(['z', 'y']);
    expect(store.listAnalyses(id)).toEqual(saved);
    expect(() => store.saveAnalyses(99, [])).toThrow(NotFoundError);
  });

  it('dashboards: insert, replace, list by scope, delete', () => {
    const store = createStore();
    const { id } = store.insertExperiment(spec());
    const global = dashboard.parse(store.saveDashboard({ experimentId: null, name: 'All', layout: { panels: [] } }));
    const local = store.saveDashboard({ experimentId: id, name: 'Loss', layout: { panels: ['loss'] } });
    const renamed = store.saveDashboard({ id: local.id, experimentId: id, name: 'Loss (log)', layout: { panels: ['loss'], logY: true } });
    expect(renamed).toMatchObject({ id: local.id, name: 'Loss (log)', layout: { panels: ['loss'], logY: true } });
    expect(store.listDashboards().map((d) => d.id)).toEqual([global.id, local.id]);
    expect(store.listDashboards(null).map((d) => d.id)).toEqual([global.id]);
    expect(store.listDashboards(id).map((d) => d.id)).toEqual([local.id]);
    expect(() => store.saveDashboard({ id: 999, experimentId: null, name: 'x', layout: {} })).toThrow(NotFoundError);
    // Without an id, the experiment's record of that name is replaced, never doubled; another scope's is not touched.
    const again = store.saveDashboard({ experimentId: id, name: 'Loss (log)', layout: { panels: [] } });
    expect(again).toMatchObject({ id: local.id, layout: { panels: [] } });
    const sameNameGlobal = store.saveDashboard({ experimentId: null, name: 'Loss (log)', layout: {} });
    expect(sameNameGlobal.id).not.toBe(local.id);
    store.deleteDashboard(sameNameGlobal.id);
    store.deleteDashboard(global.id);
    expect(store.listDashboards().map((d) => d.id)).toEqual([local.id]);
  });
});

describe('opening files that are not healthy projects', () => {
  /** Opening must fail with `message` and leave the file and its folder exactly as they were. */
  function expectRefusedUntouched(filePath: string, message: RegExp): void {
    const hashBefore = fileHash(filePath);
    const listingBefore = siblings(filePath);
    expectProjectFileError(() => ProjectStore.open(filePath, appVersion), message);
    expect(fileHash(filePath)).toBe(hashBefore);
    expect(siblings(filePath)).toEqual(listingBefore);
  }
  function closedProjectWithData(): string {
    const store = createStore('data.saddle');
    const { id } = store.insertExperiment(spec());
    const runIds = store.insertRuns(id, [0, 1, 2, 3].map((seed) => ({ params: {}, seed })));
    const big = new Float64Array(20_000).map((_, i) => Math.sin(i));
    store.appendChunks(runIds.map((runId) => ({ runId, metric: 'loss', x: big, y: big })));
    store.close();
    return store.path;
  }

  it('a missing file or a folder', () => {
    expectProjectFileError(() => ProjectStore.open(path.join(dir, 'absent.saddle'), appVersion), /does not exist/);
    expectProjectFileError(() => ProjectStore.open(dir, appVersion), /is a folder/);
  });

  it('a text file, an empty file', () => {
    const text = path.join(dir, 'readme.saddle');
    fs.writeFileSync(text, 'SQLite is great, but this is a text file\n'.repeat(10));
    expectRefusedUntouched(text, /not a Saddle Lab project: it is not an SQLite database/);
    const empty = path.join(dir, 'empty.saddle');
    fs.writeFileSync(empty, '');
    expectRefusedUntouched(empty, /is empty/);
  });

  it('a foreign SQLite database, in rollback or WAL mode, gets no -wal or -shm', () => {
    for (const mode of ['delete', 'wal']) {
      const foreign = path.join(dir, `foreign-${mode}.sqlite`);
      const db = new Database(foreign);
      db.pragma(`journal_mode = ${mode}`);
      db.exec('CREATE TABLE bookmarks (url TEXT); INSERT INTO bookmarks VALUES (\'https://example.org\')');
      db.close();
      expectRefusedUntouched(foreign, /another program/);
      expect(fs.existsSync(`${foreign}-wal`) || fs.existsSync(`${foreign}-shm`)).toBe(false);
    }
  });

  it('a project made by a newer version', () => {
    const filePath = closedProjectWithData();
    const raw = new Database(filePath);
    raw.pragma(`user_version = ${currentSchemaVersion + 1}`);
    raw.close();
    expectRefusedUntouched(filePath, /made by a newer version of Saddle Lab/);
  });

  it('a truncated project', () => {
    const filePath = closedProjectWithData();
    fs.truncateSync(filePath, Math.floor(fs.statSync(filePath).size / 2));
    expectRefusedUntouched(filePath, /damaged/);
  });

  it('a project with garbage pages in the middle', () => {
    const filePath = closedProjectWithData();
    const bytes = fs.readFileSync(filePath);
    const garbage = Buffer.alloc(64 * 1024);
    randomFillSync(garbage);
    garbage.copy(bytes, 3 * 16_384);
    fs.writeFileSync(filePath, bytes);
    expectRefusedUntouched(filePath, /damaged/);
  });

  it('a project whose index misses rows (quick_check passes it; integrity_check does not)', () => {
    const filePath = closedProjectWithData();
    // The classic way to desynchronise an index: hide it from the schema, move a run to another
    // experiment (the count of index entries stays right, one entry is stale), show it again.
    // Python's sqlite3, since better-sqlite3 runs SQLite in defensive mode (no writable_schema).
    execFileSync('python3', ['-c', `
import sqlite3, sys
path = sys.argv[1]
c = sqlite3.connect(path)
root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'runsByExperiment'").fetchone()[0]
c.execute('PRAGMA writable_schema = ON')
c.execute("DELETE FROM sqlite_master WHERE name = 'runsByExperiment'")
c.commit(); c.close()
c = sqlite3.connect(path)
c.execute("INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, notes, tagsJson, createdAtMs, updatedAtMs) SELECT name, family, paramsJson, sweepJson, seedsJson, notes, tagsJson, createdAtMs, updatedAtMs FROM experiments")
c.execute("UPDATE runs SET experimentId = (SELECT max(id) FROM experiments) WHERE id = (SELECT min(id) FROM runs)")
c.commit(); c.close()
c = sqlite3.connect(path)
c.execute('PRAGMA writable_schema = ON')
c.execute("INSERT INTO sqlite_master VALUES ('index', 'runsByExperiment', 'runs', ?, 'CREATE INDEX runsByExperiment ON runs(experimentId)')", (root,))
c.commit(); c.close()
`, filePath]);
    const raw = new Database(filePath, { readonly: true });
    expect(raw.prepare('PRAGMA quick_check').pluck().all()).toEqual(['ok']);
    raw.close();
    expectRefusedUntouched(filePath, /damaged Saddle Lab project \(integrity check: row \d+ missing from index runsByExperiment\)/);
  });

  it('malformed JSON or JSON of the wrong kind in a row: reading it names the table, row and column, as an expected error', () => {
    const filePath = closedProjectWithData();
    const raw = new Database(filePath);
    // What a file edited outside the app may hold: the json_valid checks bypassed.
    raw.pragma('ignore_check_constraints = ON');
    const [first, second] = raw.prepare('SELECT id FROM runs ORDER BY id').pluck().all() as number[];
    raw.prepare("UPDATE runs SET paramsJson = '{\"depth\": ' WHERE id = ?").run(first);
    raw.prepare("UPDATE runs SET tagsJson = '{}' WHERE id = ?").run(second);
    raw.close();
    const store = track(ProjectStore.open(filePath, appVersion));
    const error = (() => {
      try {
        store.getRun(first);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(toApiError(error)).toMatchObject({ kind: 'expected', message: expect.stringMatching(new RegExp(`^The project's table runs, row ${first}: paramsJson holds malformed JSON \\(`)) });
    expect(() => store.getRun(second)).toThrow(new RegExp(`table runs, row ${second}: tagsJson holds "\\{\\}", not a JSON array`));
    expect(() => store.listRuns()).toThrow(/table runs, row/);
    expect(store.listExperiments()).toHaveLength(1);
  });

  it('a healthy project opens after a refused one, and opening cleans up after itself', () => {
    const filePath = closedProjectWithData();
    const store = track(ProjectStore.open(filePath, appVersion));
    expect(store.listRuns()).toHaveLength(4);
    store.close();
    expect(siblings(filePath)).toEqual(['data.saddle']);
  });
});

describe('save as', () => {
  it('writes a compact copy named after its file, opens it, and leaves the original usable', () => {
    const store = createStore('original.saddle');
    const { id } = store.insertExperiment(spec());
    const [runId] = store.insertRuns(id, [{ params: {}, seed: 0 }]);
    const values = new Float64Array(1000).map((_, i) => i / 7);
    store.appendChunks([{ runId, metric: 'loss', x: values, y: values }]);

    const copy = track(store.saveAs(path.join(dir, 'copy.saddle')));
    expect(copy.info()).toMatchObject({ name: 'copy', experimentCount: 1, runCount: 1, schemaVersion: currentSchemaVersion });
    expect(copy.readSeries(runId)[0].y).toEqual(values);
    copy.appendChunks([{ runId, metric: 'extra', x: values, y: values }]);
    expect(store.listMetrics(runId)).toEqual(['loss']);
    expect(store.info().name).toBe('original');
    expect(siblings(store.path).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to overwrite the open project, under any spelling of its path', () => {
    const store = createStore('same.saddle');
    const hash = fileHash(store.path);
    expectProjectFileError(() => store.saveAs(store.path), /is the project that is open/);
    expectProjectFileError(() => store.saveAs(path.join(dir, '.', 'x', '..', 'same.saddle')), /is the project that is open/);
    const link = path.join(dir, 'link.saddle');
    fs.symlinkSync(store.path, link);
    expectProjectFileError(() => store.saveAs(link), /is the project that is open/);
    expect(fileHash(store.path)).toBe(hash);
  });

  it('refuses an existing file, or a link, without overwrite and leaves it as it was', () => {
    const store = createStore('source.saddle');
    const target = path.join(dir, 'target.saddle');
    fs.writeFileSync(target, 'old contents');
    expectProjectFileError(() => store.saveAs(target), /^path: ".*target\.saddle" already exists\. Save As replaces a file only with overwrite: true/);
    expect(fs.readFileSync(target, 'utf8')).toBe('old contents');
    const dangling = path.join(dir, 'dangling.saddle');
    fs.symlinkSync(path.join(dir, 'nowhere.saddle'), dangling);
    expectProjectFileError(() => store.saveAs(dangling), /already exists/);
    expect(siblings(target)).toEqual(['dangling.saddle', 'source.saddle', 'source.saddle-shm', 'source.saddle-wal', 'source.saddle.lock', 'target.saddle']);
  });

  it('with overwrite, replaces an existing file (and drops its stale journal) only once the copy is complete', () => {
    const store = createStore('source.saddle');
    store.insertExperiment(spec({ name: 'From source' }));
    const target = path.join(dir, 'target.saddle');
    fs.writeFileSync(target, 'old contents');
    fs.writeFileSync(`${target}-wal`, 'stale journal');
    const copy = track(store.saveAs(target, { overwrite: true }));
    expect(copy.listExperiments().map((e) => e.name)).toEqual(['From source']);
    copy.close();
    // source.saddle is still open: its journals and lock are there; the target's are gone.
    expect(siblings(target)).toEqual(['source.saddle', 'source.saddle-shm', 'source.saddle-wal', 'source.saddle.lock', 'target.saddle']);
  });
});

describe('figure presets', () => {
  const single = { name: 'PRL single', widthIn: 3.35, heightIn: 2.4, fontFamily: 'Helvetica' as const, fontSizePt: 8, dpi: 600 };

  it('are saved in the project, replaced by name, listed by name, deleted by id, and survive reopening', () => {
    let store = createStore();
    const first = figurePreset.parse(store.saveFigurePreset(single));
    expect(first).toMatchObject(single);
    store.saveFigurePreset({ ...single, name: 'Double', widthIn: 7 });
    const replaced = store.saveFigurePreset({ ...single, heightIn: 3 });
    expect(replaced.id).toBe(first.id);
    expect(replaced.heightIn).toBe(3);
    store = reopen(store);
    expect(store.listFigurePresets().map((preset) => [preset.name, preset.widthIn, preset.heightIn])).toEqual([
      ['Double', 7, 2.4],
      ['PRL single', 3.35, 3],
    ]);
    store.deleteFigurePreset(first.id);
    expect(store.listFigurePresets().map((preset) => preset.name)).toEqual(['Double']);
    expect(() => store.deleteFigurePreset(first.id)).toThrow(NotFoundError);
  });
});
