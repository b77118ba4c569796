// A sweep through the whole host path (scheduler batches, the worker, grouped commits) stores what
// the family computes: every series point for point, every summary (as JSON and as the rows of the
// `summaries` table SQL readers use) and every theory overlay, recomputed here by calling the
// family in-process. And the host holds little per queued run (no channel or task before a
// run starts), so memory stays flat in the size of the sweep.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { Run } from '../../src-main/contract';
import { getFamily } from '../../workers/families/index';
import { wallClockMetric } from '../../workers/pool-worker';
import { createRng } from '../../workers/numeric/rng';
import type { MetricChunk } from '../../workers/family';
import { testService } from '../helpers/service';
import { tempDir } from '../helpers/paths';

let service: SaddleService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});

async function openProject(poolSize: number, host: 'cli' | 'serve' = 'cli'): Promise<SaddleService> {
  service = testService({ poolSize, host });
  await service.dispatch('projects', 'new', { path: join(tempDir(), 'sweep.saddle') });
  return service;
}

async function createExperiment(s: SaddleService, spec: Record<string, unknown>): Promise<number> {
  return ((await s.dispatch('experiments', 'create', { spec: { name: 'sweep', seeds: [0], ...spec } })) as { id: number }).id;
}

describe('a sweep of short runs through the host', () => {
  it('stores every series, summary and overlay as the family computes them in-process', async () => {
    const s = await openProject(2);
    // The CLI's project: its sweep goes through SQLite's 2 MB page cache (a window's keeps 16 MB, below).
    expect(s.project!.pageCacheKib).toBe(2000);
    const family = getFamily('mode-flow');
    // Short runs (batched several to a task) and a few longer ones, on two threads.
    const id = await createExperiment(s, { family: 'mode-flow', params: { depth: 3, targets: [1, 0.5], horizonMode: 'time', horizonTime: 1 }, sweep: { initScale: { logspace: [-2, -1, 40] }, horizonTime: [0.01, 50] } });
    await s.dispatch('runs', 'start', { experimentId: id });
    await s.waitForExperiment(id);
    const runs = (await s.dispatch('runs', 'list', { experimentId: id })) as Run[];
    expect(runs).toHaveLength(80);
    // The file as another process (a Python reader) sees it.
    const file = new Database(s.project!.path, { readonly: true });
    const summaryRows = file.prepare('SELECT key, value FROM summaries WHERE runId = ? ORDER BY key').raw();
    for (const run of runs) {
      const chunks: MetricChunk[] = [];
      const summary = await family.run(family.params.parse(run.params), {
        seed: run.seed,
        rng: createRng(run.seed),
        reportDevice: () => {},
        signal: new AbortController().signal,
        emit: (chunk) => chunks.push(chunk),
        progress: () => {},
      });
      expect(run.status).toBe('done');
      expect(run.summary).toEqual(JSON.parse(JSON.stringify(summary)));
      // One row per number: arrays as key[i], nulls as NULL, strings only in the JSON; bit for bit.
      const flattened = Object.entries(summary).flatMap(([key, value]): [string, number | null][] =>
        Array.isArray(value) ? value.map((item, i) => [`${key}[${i}]`, item]) : typeof value === 'string' ? [] : [[key, value]],
      );
      expect(summaryRows.all(run.id)).toEqual(flattened.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(s.project!.getTheory(run.id)).toEqual(JSON.parse(JSON.stringify(family.theory?.(family.params.parse(run.params), run.seed) ?? [])));
      expect(run.startedAtMs).not.toBeNull();
      expect(run.finishedAtMs).toBeGreaterThanOrEqual(run.startedAtMs!);
      expect(run.device).toBe('cpu');
      const stored = s.project!.readSeries(run.id).filter((series) => series.metric !== wallClockMetric);
      const metrics = [...new Set(chunks.map((c) => c.metric))];
      expect(stored.map((series) => series.metric)).toEqual(metrics);
      for (const series of stored) {
        const mine = chunks.filter((c) => c.metric === series.metric);
        // Bit for bit: Float64Array equality compares every value exactly.
        expect(series.x).toEqual(Float64Array.from(mine.flatMap((c) => Array.from(c.x))));
        expect(series.y).toEqual(Float64Array.from(mine.flatMap((c) => Array.from(c.y))));
      }
    }
    file.close();
  });

  it("keeps better-sqlite3's 16 MB page cache where a window reads the project (serve host)", async () => {
    const s = await openProject(1, 'serve');
    expect(s.project!.pageCacheKib).toBe(16_000);
  });

  it('holds little memory per queued run: 4000 queued cost at most 20 MB more than 1000 (one channel each: 114 MB)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const s = await openProject(1);
    const queuedBytes = async (runs: number): Promise<number> => {
      const id = await createExperiment(s, { family: 'mode-flow', params: { depth: 3, targets: [1], horizonMode: 'time', horizonTime: 0.001 }, sweep: { initScale: { logspace: [-2, -1, runs] } } });
      gc();
      const before = process.memoryUsage();
      await s.dispatch('runs', 'start', { experimentId: id });
      gc();
      const after = process.memoryUsage();
      await s.dispatch('runs', 'cancel', { experimentId: id });
      await s.waitForExperiment(id);
      return after.rss - before.rss + (after.heapUsed - before.heapUsed);
    };
    await queuedBytes(200); // warms up the pool and the statements
    const small = await queuedBytes(1000);
    const large = await queuedBytes(4000);
    // A channel and a piscina task per queued run cost ~38 KB each (114 MB for these 3000). The
    // bound leaves room for what runs finish meanwhile (their rows wait up to 200 ms for a commit)
    // and RSS noise: 9.2 MB was seen on a loaded machine.
    expect(large - small).toBeLessThan(20e6);
  });
});
