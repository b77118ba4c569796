// Metric series and theory overlays of runs, fetched downsampled (`runs.series`) and cached per
// run and x scale; live `run.points` are appended while a run goes, and the run is refetched once
// it finishes. Cached entries are frozen so Vue does not wrap thousands of numbers in proxies.
import { defineStore } from 'pinia';
import { shallowReactive, watch } from 'vue';
import type { RunStatus, SeriesData } from '../../../src-main/contract/api';
import type { TheorySeries } from '../../../src-main/contract/family-meta';
import { saddle } from '../api/client';
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
const finished: readonly RunStatus[] = ['done', 'failed', 'diverged', 'cancelled'];

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
  const theoryInFlight = new Set<number>();

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

  async function ensureTheory(runIds: readonly number[]): Promise<void> {
    const missing = runIds.filter((runId) => !theory.has(runId) && !theoryInFlight.has(runId));
    missing.forEach((runId) => theoryInFlight.add(runId));
    try {
      for (const batch of chunks(missing, 8)) {
        const replies = await Promise.all(batch.map((runId) => saddle().runs.theory({ runId })));
        batch.forEach((runId, i) => theory.set(runId, Object.freeze(replies[i])));
      }
    } catch (error) {
      app.report(error, 'Loading theory overlays');
    } finally {
      missing.forEach((runId) => theoryInFlight.delete(runId));
    }
  }

  /** Drops cached runs not in `keep` once the cache grows past its bound. */
  function prune(keep: ReadonlySet<number>): void {
    if (cache.size <= maxCached) return;
    for (const [key, entry] of cache) if (!keep.has(entry.runId)) cache.delete(key);
  }

  saddle().on('run.points', ({ runId, metric, x, y }) => {
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
  });

  saddle().on('run.status', ({ runId, status }) => {
    if (!finished.includes(status)) return;
    // The live points were a preview; main now holds the whole run.
    for (const logX of [false, true]) if (cache.has(cacheKey(runId, logX))) void fetchRuns([runId], logX);
    // Theory overlays are stored when the run ends: one asked for earlier came back empty.
    if (theory.has(runId)) {
      theory.delete(runId);
      void ensureTheory([runId]);
    }
  });

  watch(
    () => project.generation,
    () => {
      cache.clear();
      theory.clear();
    },
  );

  return { cache, theory, get, ensure, ensureTheory, prune };
});
