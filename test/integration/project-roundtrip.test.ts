import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SaddleService } from '../../src-main/core/service';
import { ProjectStore } from '../../src-main/core/store/project-store';
import { downsample } from '../../workers/numeric/downsample';
import { toApiError } from '../../src-main/core/errors';
import { exampleFile, exampleSpec, type Run, type SeriesData } from '../../src-main/contract';
import { examplesDir, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';
import { statusChanges } from '../helpers/events';

// The full example as a plain spec (its run time and quick variant are for the CLI and the picker).
const fig2 = exampleSpec(exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, 'mirror-descent-fig2.json'), 'utf8'))));

function service(poolSize = 2) {
  return testService({ poolSize });
}

let open: SaddleService[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

beforeAll(requireBuild);

describe('a project through the real pool', () => {
  it('runs the Fig. 2 sweep, closes, reopens: the same series bit for bit, analyses kept', async () => {
    const path = join(tempDir(), 'fig2.saddle');
    const first = service();
    open.push(first);
    await first.dispatch('projects', 'new', { path });
    const experiment = (await first.dispatch('experiments', 'create', { spec: fig2 })) as { id: number };
    const { runIds } = (await first.dispatch('runs', 'start', { experimentId: experiment.id })) as { runIds: number[] };
    expect(runIds).toHaveLength(125);
    await first.waitForExperiment(experiment.id);
    const runs = (await first.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    expect(runs.every((r) => r.status === 'done')).toBe(true);
    const before = new Map(runIds.map((id) => [id, first.project!.readSeries(id)]));
    const analysesBefore = await first.dispatch('analyses', 'list', { experimentId: experiment.id });
    await first.dispatch('projects', 'close', {});

    const store = ProjectStore.open(path, '0.0.0-test');
    try {
      for (const id of runIds) {
        const after = store.readSeries(id);
        const original = before.get(id)!;
        expect(after.map((s) => s.metric)).toEqual(original.map((s) => s.metric));
        after.forEach((s, i) => {
          expect(Buffer.from(s.x.buffer, s.x.byteOffset, s.x.byteLength).equals(Buffer.from(original[i].x.buffer, original[i].x.byteOffset, original[i].x.byteLength))).toBe(true);
          expect(Buffer.from(s.y.buffer, s.y.byteOffset, s.y.byteLength).equals(Buffer.from(original[i].y.buffer, original[i].y.byteOffset, original[i].y.byteLength))).toBe(true);
        });
      }
      expect(store.listAnalyses(experiment.id)).toEqual(analysesBefore);
      expect(store.listRuns(experiment.id).map((r) => r.summary)).toEqual(runs.map((r) => r.summary));
    } finally {
      store.close();
    }
  });

  it('cancelling mid-sweep leaves finished runs intact and the rest cancelled', async () => {
    const path = join(tempDir(), 'cancel.saddle');
    const s = service(1);
    open.push(s);
    await s.dispatch('projects', 'new', { path });
    // Many slow-ish runs: tight tolerance and many samples per run.
    const spec = { ...fig2, params: { ...fig2.params, samples: 4000 }, sweep: { initScale: { logspace: [-2.3, -1, 200] } } };
    const experiment = (await s.dispatch('experiments', 'create', { spec })) as { id: number };
    let done = 0;
    let cancelled = false;
    s.on((event, payload) => {
      done += statusChanges(event, payload).filter((change) => change.status === 'done').length;
      if (done >= 3 && !cancelled) {
        cancelled = true;
        void s.dispatch('runs', 'cancel', { experimentId: experiment.id });
      }
    });
    await s.dispatch('runs', 'start', { experimentId: experiment.id });
    await s.waitForExperiment(experiment.id);
    const runs = (await s.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    const byStatus: Partial<Record<string, Run[]>> = {};
    for (const run of runs) (byStatus[run.status] ??= []).push(run);
    expect(runs).toHaveLength(200);
    expect(byStatus.done?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(byStatus.cancelled?.length ?? 0).toBeGreaterThan(100);
    expect((byStatus.done?.length ?? 0) + (byStatus.cancelled?.length ?? 0)).toBe(200);
    for (const run of byStatus.done ?? []) {
      expect(run.summary?.escapeTimes).toBeDefined();
      expect(s.project!.readSeries(run.id).length).toBeGreaterThan(0);
    }
  });

  it('opening a project marks runs a crash left running as interrupted', async () => {
    const path = join(tempDir(), 'crash.saddle');
    const store = ProjectStore.create(path, '0.0.0-test');
    const experiment = store.insertExperiment({ family: 'mode-flow', name: 'x', params: {}, sweep: {}, seeds: [0], notes: '', tags: [] });
    store.insertRuns(experiment.id, [{ params: {}, seed: 0 }]);
    store.close();
    const s = service();
    open.push(s);
    await s.dispatch('projects', 'open', { path });
    const [run] = (await s.dispatch('runs', 'list', {})) as Run[];
    expect(run.status).toBe('cancelled');
    expect(run.error).toMatch(/interrupted/);
  });

  it('a sweep combination that breaks a cross-field rule is the user\'s error, named, and starts nothing', async () => {
    const s = service();
    open.push(s);
    await s.dispatch('projects', 'new', { path: join(tempDir(), 'combo.saddle') });
    // Each axis alone is valid against the base (mnist); escape on a GPU is not.
    const spec = { family: 'relu-escape', name: 'combo', params: { experiment: 'mnist' }, sweep: { experiment: ['escape', 'mnist'], device: ['cpu', 'gpu'] }, seeds: [0] };
    const experiment = (await s.dispatch('experiments', 'create', { spec })) as { id: number };
    const error = await s.dispatch('runs', 'start', { experimentId: experiment.id }).catch((e: unknown) => e);
    expect(toApiError(error)).toMatchObject({ kind: 'expected', message: expect.stringMatching(/runs\[1\]\.device/) });
    expect(await s.dispatch('runs', 'list', { experimentId: experiment.id })).toEqual([]);
  });

  it('refines a sweep with runs at explicit points, and names the field of a bad point', async () => {
    const path = join(tempDir(), 'refine.saddle');
    const s = service();
    open.push(s);
    await s.dispatch('projects', 'new', { path });
    const spec = { ...fig2, sweep: { depth: [3, 4] }, seeds: [0, 1] };
    const experiment = (await s.dispatch('experiments', 'create', { spec })) as { id: number };
    await expect(s.dispatch('runs', 'startPoints', { experimentId: experiment.id, points: [{ depth: 3 }, { depth: -1 }] })).rejects.toThrow(/points\[1\]\.depth/);
    expect(await s.dispatch('runs', 'list', { experimentId: experiment.id })).toEqual([]); // nothing half-started
    const { runIds } = (await s.dispatch('runs', 'startPoints', { experimentId: experiment.id, points: [{ depth: 5, initScale: 0.02 }] })) as { runIds: number[] };
    expect(runIds).toHaveLength(2); // one per seed
    await s.waitForExperiment(experiment.id);
    const runs = (await s.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    expect(runs.map((r) => [r.params.depth, r.params.initScale, r.seed, r.status])).toEqual([
      [5, 0.02, 0, 'done'],
      [5, 0.02, 1, 'done'],
    ]);
    // Every run records its wall clock against the family's x, for wall-time x axes.
    expect(s.project!.readSeries(runIds[0]).some((series) => series.metric === '_wall')).toBe(true);
  });

  it('reduces a long series stored in many chunks exactly as downsample reduces the whole, keeping a one-sample spike', async () => {
    const path = join(tempDir(), 'long.saddle');
    const s = service();
    open.push(s);
    await s.dispatch('projects', 'new', { path });
    const experiment = (await s.dispatch('experiments', 'create', { spec: fig2 })) as { id: number };
    const [runId] = s.project!.insertRuns(experiment.id, [{ params: {}, seed: 0 }]);
    const n = 300_000;
    const x = Float64Array.from({ length: n }, (_, i) => i + 1);
    const y = Float64Array.from({ length: n }, (_, i) => (i === 123_457 ? 1e6 : Math.sin(i / 1000)));
    // Chunks of 7000 points: the spike is inside one, and the read joins 43 of them.
    const chunkSize = 7000;
    s.project!.appendChunks(Array.from({ length: Math.ceil(n / chunkSize) }, (_, k) => ({ runId, metric: 'loss', x: x.slice(k * chunkSize, (k + 1) * chunkSize), y: y.slice(k * chunkSize, (k + 1) * chunkSize) })));
    for (const logX of [false, true]) {
      const [reply] = (await s.dispatch('runs', 'series', { runIds: [runId], maxPoints: 1000, logX })) as { series: SeriesData[] }[];
      const expected = downsample(x, y, 1000, { logX });
      expect(reply.series[0].totalPoints).toBe(n);
      expect(reply.series[0].x).toEqual(expected.x);
      expect(reply.series[0].y).toEqual(expected.y);
      expect(Math.max(...reply.series[0].y)).toBe(1e6);
    }
  });

  it('sends both reductions in one reply when asked: log x only where the series was reduced', async () => {
    const path = join(tempDir(), 'both.saddle');
    const s = service();
    open.push(s);
    await s.dispatch('projects', 'new', { path });
    const experiment = (await s.dispatch('experiments', 'create', { spec: fig2 })) as { id: number };
    const [longRun, shortRun] = s.project!.insertRuns(experiment.id, [{ params: {}, seed: 0 }, { params: {}, seed: 1 }]);
    const n = 300_000;
    const x = Float64Array.from({ length: n }, (_, i) => i + 1);
    const y = Float64Array.from({ length: n }, (_, i) => (i === 42 ? -5 : Math.cos(i / 700)));
    const shortX = Float64Array.from([1, 2, 3]);
    const shortY = Float64Array.from([0.5, 0.25, 0.125]);
    s.project!.appendChunks([{ runId: longRun, metric: 'loss', x: x.slice(), y: y.slice() }, { runId: shortRun, metric: 'loss', x: shortX, y: shortY }]);
    type Reply = { runId: number; series: SeriesData[] }[];
    const replies = (await s.dispatch('runs', 'series', { runIds: [longRun, shortRun], maxPoints: 1000, alsoLogX: true })) as Reply;
    const [long, short] = replies.map((reply) => reply.series[0]);
    const linear = downsample(x, y, 1000);
    const log = downsample(x, y, 1000, { logX: true });
    expect(long.x).toEqual(linear.x);
    expect(long.y).toEqual(linear.y);
    expect(long.logX).toEqual({ x: log.x, y: log.y });
    // Buckets even in log x crowd the start: the two reductions differ, and each keeps the early dip.
    expect(long.logX!.x).not.toEqual(long.x);
    expect(Math.min(...long.y)).toBe(-5);
    expect(Math.min(...long.logX!.y)).toBe(-5);
    expect(short).toEqual({ metric: 'loss', x: Float64Array.of(1, 2, 3), y: Float64Array.of(0.5, 0.25, 0.125), totalPoints: 3 });
    await expect(s.dispatch('runs', 'series', { runIds: [longRun], logX: true, alsoLogX: true })).rejects.toThrow(/alsoLogX/);
  });

  it('reduces a panel series by series as downsample reduces each: runs in the order asked, lengths that shrink and grow, a run with no data', async () => {
    const path = join(tempDir(), 'panel.saddle');
    const s = service();
    open.push(s);
    await s.dispatch('projects', 'new', { path });
    const experiment = (await s.dispatch('experiments', 'create', { spec: fig2 })) as { id: number };
    // Runs 1-4 share their x range (the bucket starts found once serve them all), run 3 is shorter
    // and run 4 longer than the ones before (the read buffers are reused, then grow); run 5 has no series.
    const runIds = s.project!.insertRuns(experiment.id, Array.from({ length: 5 }, (_, seed) => ({ params: {}, seed })));
    const lengths = [50_000, 50_000, 20_000, 80_000];
    const xs = lengths.map((n) => Float64Array.from({ length: n }, (_, i) => ((i + 1) * 100) / n));
    const ys = xs.map((x, r) => x.map((t, i) => Math.exp(-t / 30) * (1 + 0.1 * Math.sin(i * (r + 1))) + (i === 1000 * (r + 1) ? 3 : 0)));
    const acc = xs.map((x) => x.map((t) => 1 - 1 / (1 + t)));
    s.project!.appendChunks(lengths.flatMap((_, r) => [
      { runId: runIds[r], metric: 'loss', x: xs[r].slice(), y: ys[r].slice() },
      { runId: runIds[r], metric: 'acc', x: xs[r].slice(), y: acc[r].slice() },
    ]));
    type Reply = { runId: number; series: SeriesData[] }[];
    const asked = [runIds[4], runIds[2], runIds[0], runIds[1], runIds[3]];
    const replies = (await s.dispatch('runs', 'series', { runIds: asked, maxPoints: 800, alsoLogX: true })) as Reply;
    expect(replies.map((reply) => reply.runId)).toEqual(asked);
    expect(replies[0].series).toEqual([]);
    for (const reply of replies.slice(1)) {
      const r = runIds.indexOf(reply.runId);
      expect(reply.series.map((series) => series.metric)).toEqual(['loss', 'acc']);
      [ys[r], acc[r]].forEach((y, m) => {
        const linear = downsample(xs[r], y, 800);
        const log = downsample(xs[r], y, 800, { logX: true });
        expect(reply.series[m].totalPoints).toBe(lengths[r]);
        expect(reply.series[m].x).toEqual(linear.x);
        expect(reply.series[m].y).toEqual(linear.y);
        expect(reply.series[m].logX).toEqual({ x: log.x, y: log.y });
      });
      expect(Math.max(...reply.series[0].y)).toBeGreaterThan(3);
    }
  });

  it('probes the GPU once, in a worker thread, and says why when there is none', async () => {
    const s = service();
    open.push(s);
    const probe = (await s.dispatch('app', 'gpu', {})) as { available: boolean; adapterName?: string; reason?: string };
    if (probe.available) expect(probe.adapterName).toMatch(/\S/);
    else expect(probe.reason).toMatch(/adapter|WebGPU/);
    if (process.env.SADDLE_REQUIRE_GPU === '1') expect(probe.available).toBe(true);
    expect(await s.dispatch('app', 'gpu', {})).toEqual(probe);
  });
});
