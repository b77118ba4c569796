// Metric series and theory overlays of runs, fetched downsampled (`runs.series`) and cached per
// run and x scale; live `run.points` are appended while a run goes, and the run is refetched once
// it finishes (points are applied once per frame). Refetches and overlay requests are gathered for a moment, so a sweep whose runs
// finish together costs a few calls, not a few per run. Cached entries are frozen so Vue does not
// wrap thousands of numbers in proxies.
import { defineStore } from 'pinia';
import { shallowReactive, watch } from 'vue';
import type { RunStatus, SeriesData } from '../../../src-main/contract/api';
import type { TheorySeries } from '../../../src-main/contract/family-meta';
import { saddle } from '../api/client';
import { FrameBatch, joinPoints, type LivePoints } from '../logic/live-batch';
import { appendPoints, type MetricSeries } from '../logic/live-series';
import { useAppStore } from './app';
import { useProjectStore } from './project';

export interface CachedRunSeries {
  readonly runId: number;
  readonly logX: boolean;
  readonly series: readonly MetricSeries[];
}

/** Points per series asked of main: plenty for a panel a few hundred pixels wide. */
const maxPoints = 2000;
/** Live points kept per series before thinning. */
const liveCap = 4000;
/** Cached runs kept beyond those on screen. */
const maxCached = 400;
const batchSize = 500;
/** How long finished runs and overlay requests are gathered before they are fetched together. */
const gatherMs = 250;
/**
 * Finished runs re-read per call: a call is read and downsampled in one go by main and handled in
 * one go here, so small calls let other requests (and the page) in between.
 */
const refetchBatch = 8;
const finished: readonly RunStatus[] = ['done', 'failed', 'diverged', 'cancelled'];

/** Only a finished run has data that no longer change, and theory overlays stored with it. */
export function isFinished(status: RunStatus): boolean {
  return finished.includes(status);
}

function cacheKey(runId: number, logX: boolean): string {
  return `${runId}:${logX ? 'log' : 'lin'}`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function frozen(runId: number, logX: boolean, series: readonly MetricSeries[]): CachedRunSeries {
  return Object.freeze({ runId, logX, series: Object.freeze(series.map((item) => Object.freeze(item))) });
}

export const useSeriesStore = defineStore('series', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const cache = shallowReactive(new Map<string, CachedRunSeries>());
  const theory = shallowReactive(new Map<number, readonly TheorySeries[]>());
  const inFlight = new Set<string>();
  /** Requested or on their way, so each run's overlays are asked for once. */
  const theoryAsked = new Set<number>();
  const theoryDue = new Set<number>();
  const refetchDue = new Set<number>();
  let theoryTimer: ReturnType<typeof setTimeout> | null = null;
  let refetchTimer: ReturnType<typeof setTimeout> | null = null;

  function get(runId: number, logX: boolean): CachedRunSeries | undefined {
    return cache.get(cacheKey(runId, logX));
  }

  /** Stores fetched data, keeping live points that arrived after main read it. */
  function storeFetched(runId: number, logX: boolean, fetched: readonly SeriesData[]): void {
    const previous = get(runId, logX)?.series ?? [];
    const merged: MetricSeries[] = fetched.map(({ metric, x, y }) => ({ metric, x, y }));
    for (const old of previous) {
      const index = merged.findIndex((item) => item.metric === old.metric);
      if (index < 0) merged.push(old);
      else merged[index] = appendPoints(merged[index], old.metric, old.x, old.y, liveCap);
    }
    cache.set(cacheKey(runId, logX), frozen(runId, logX, merged));
  }

  async function fetchRuns(runIds: readonly number[], logX: boolean): Promise<void> {
    const keys = runIds.map((runId) => cacheKey(runId, logX));
    keys.forEach((key) => inFlight.add(key));
    try {
      for (const batch of chunks(runIds, batchSize)) {
        const replies = await saddle().runs.series({ runIds: batch, maxPoints, logX });
        for (const reply of replies) storeFetched(reply.runId, logX, reply.series);
      }
    } catch (error) {
      app.report(error, 'Loading run data');
    } finally {
      keys.forEach((key) => inFlight.delete(key));
    }
  }

  /** Fetches what is not cached or on its way. */
  function ensure(runIds: readonly number[], logX: boolean): Promise<void> {
    const missing = runIds.filter((runId) => !cache.has(cacheKey(runId, logX)) && !inFlight.has(cacheKey(runId, logX)));
    return missing.length > 0 ? fetchRuns(missing, logX) : Promise.resolve();
  }

  /** Overlays of finished runs (callers pass only those: a running run has none stored yet), asked for once. */
  function ensureTheory(runIds: readonly number[]): void {
    for (const runId of runIds) {
      if (theoryAsked.has(runId)) continue;
      theoryAsked.add(runId);
      theoryDue.add(runId);
    }
    if (theoryDue.size > 0) theoryTimer ??= setTimeout(() => void fetchTheory(), gatherMs);
  }

  async function fetchTheory(): Promise<void> {
    theoryTimer = null;
    const runIds = [...theoryDue];
    theoryDue.clear();
    try {
      for (const batch of chunks(runIds, batchSize)) {
        for (const reply of await saddle().runs.theory({ runIds: batch })) theory.set(reply.runId, Object.freeze(reply.theory));
      }
    } catch (error) {
      runIds.forEach((runId) => theoryAsked.delete(runId));
      app.report(error, 'Loading theory overlays');
    }
  }

  /** The live points were a preview: cached finished runs are read again, together. */
  function refetchFinished(): void {
    refetchTimer = null;
    const runIds = [...refetchDue];
    refetchDue.clear();
    for (const logX of [false, true]) {
      const cached = runIds.filter((runId) => cache.has(cacheKey(runId, logX)));
      for (const batch of chunks(cached, refetchBatch)) void fetchRuns(batch, logX);
    }
  }

  /** Drops cached runs not in `keep` once the cache grows past its bound. */
  function prune(keep: ReadonlySet<number>): void {
    if (cache.size <= maxCached) return;
    for (const [key, entry] of cache) if (!keep.has(entry.runId)) cache.delete(key);
  }

  /** A frame's live points, joined per run and metric so each cached series is rebuilt once. */
  function applyPoints(batches: LivePoints[]): void {
    for (const { runId, metric, x, y } of joinPoints(batches)) {
      for (const logX of [false, true]) {
        const key = cacheKey(runId, logX);
        const entry = cache.get(key);
        // Runs nobody looks at are not accumulated; a fetch under way merges what arrives meanwhile.
        if (!entry && !inFlight.has(key)) continue;
        const series = entry?.series ?? [];
        const index = series.findIndex((item) => item.metric === metric);
        const updated = appendPoints(series[index], metric, x, y, liveCap);
        const next = index >= 0 ? series.map((item, i) => (i === index ? updated : item)) : [...series, updated];
        cache.set(key, frozen(runId, logX, next));
      }
    }
  }
  const pointsBatch = new FrameBatch<LivePoints>(applyPoints);
  saddle().on('run.points', (points) => pointsBatch.push(points));

  saddle().on('run.statuses', ({ changes }) => {
    for (const { runId, status } of changes) if (isFinished(status)) refetchDue.add(runId);
    if (refetchDue.size > 0) refetchTimer ??= setTimeout(refetchFinished, gatherMs);
  });

  watch(
    () => project.generation,
    () => {
      pointsBatch.clear();
      cache.clear();
      theory.clear();
      theoryAsked.clear();
      theoryDue.clear();
      refetchDue.clear();
    },
  );

  return { cache, theory, get, ensure, ensureTheory, prune };
});
