// Metric series and theory overlays of runs, fetched downsampled (`runs.series`) and cached per
// run, both reductions at once (linear and log x: toggling an axis asks nothing of main); live
// `run.points` are appended while a run goes, and the run is refetched once it finishes (points
// are applied once per frame). Refetches and, while runs stream, overlay requests are gathered for
// a moment, so a sweep whose runs finish together costs a few calls, not a few per run; overlays
// asked for otherwise (runs newly drawn) go with their series. Panels hold their drawing while a
// newly drawn run is `awaiting` (ChartPanel.vue). Cached entries are frozen
// so Vue does not wrap thousands of numbers in proxies.
import { defineStore } from 'pinia';
import { shallowReactive, watch } from 'vue';
import type { RunStatus, SeriesData } from '../../../src-main/contract/api';
import type { TheorySeries } from '../../../src-main/contract/family-meta';
import { saddle } from '../api/client';
import { FrameBatch, joinPoints, type LivePoints } from '../logic/live-batch';
import { appendPoints, type MetricSeries } from '../logic/live-series';
import { useAppStore } from './app';
import { useProjectStore } from './project';

type FetchedRun = { runId: number; series: readonly SeriesData[] };

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
const finished: readonly RunStatus[] = ['done', 'failed', 'diverged', 'cancelled', 'crashed'];

/** Only a finished run has data that no longer change, and theory overlays stored with it. */
export function isFinished(status: RunStatus): boolean {
  return finished.includes(status);
}

/** A run's series reduced for each x axis; the two share the series that needed no reduction. */
interface CachedRun {
  readonly linear: CachedRunSeries;
  readonly log: CachedRunSeries;
}

/** The values as a plain array (charts and live points work on arrays); a loop, 10x quicker than Array.from. */
function numbers(values: Float64Array): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function frozen(runId: number, logX: boolean, series: readonly MetricSeries[]): CachedRunSeries {
  return Object.freeze({ runId, logX, series: Object.freeze(series.map((item) => Object.freeze(item))) });
}

function cachedRun(runId: number, linear: readonly MetricSeries[], log: readonly MetricSeries[]): CachedRun {
  return Object.freeze({ linear: frozen(runId, false, linear), log: frozen(runId, true, log) });
}

export const useSeriesStore = defineStore('series', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const cache = shallowReactive(new Map<number, CachedRun>());
  const theory = shallowReactive(new Map<number, readonly TheorySeries[]>());
  /** Runs whose series are asked for and not stored yet (reactive: `awaiting` reads it). */
  const inFlight = shallowReactive(new Set<number>());
  /** Requested or on their way, so each run's overlays are asked for once. */
  const theoryAsked = new Set<number>();
  /** Runs whose overlays are asked for and not answered yet (reactive: `awaiting` reads it). */
  const theoryPending = shallowReactive(new Set<number>());
  const theoryDue = new Set<number>();
  const refetchDue = new Set<number>();
  let theoryTimer: ReturnType<typeof setTimeout> | null = null;
  let refetchTimer: ReturnType<typeof setTimeout> | null = null;

  function get(runId: number, logX: boolean): CachedRunSeries | undefined {
    const entry = cache.get(runId);
    return logX ? entry?.log : entry?.linear;
  }

  /** Stores fetched data, keeping live points that arrived after main read it. */
  function storeFetched(runId: number, fetched: readonly SeriesData[]): void {
    const both = fetched.map(({ metric, x, y, logX }) => {
      const linear: MetricSeries = { metric, x: numbers(x), y: numbers(y) };
      return { linear, log: logX ? { metric, x: numbers(logX.x), y: numbers(logX.y) } : linear };
    });
    const merged = (axis: 'linear' | 'log') => {
      const series: MetricSeries[] = both.map((item) => item[axis]);
      for (const old of cache.get(runId)?.[axis].series ?? []) {
        const index = series.findIndex((item) => item.metric === old.metric);
        if (index < 0) series.push(old);
        else series[index] = appendPoints(series[index], old.metric, old.x, old.y, liveCap);
      }
      return series;
    };
    cache.set(runId, cachedRun(runId, merged('linear'), merged('log')));
  }

  /** Replies that arrived in one frame, stored together: the panels then redraw once for them all. */
  const fetchedBatch = new FrameBatch<FetchedRun>((replies) => {
    for (const { runId, series } of replies) {
      storeFetched(runId, series);
      inFlight.delete(runId);
    }
  });

  /**
   * Reads runs' series. `soon`: runs newly drawn, stored on the next frame; re-reads of finished
   * runs wait out the batch pacing instead (after a batch that cost c, 3c), as a sweep's flood
   * does: "show all" clicked just after the first data drew had its reply and still waited ~300 ms.
   */
  async function fetchRuns(runIds: readonly number[], soon: boolean): Promise<void> {
    runIds.forEach((runId) => inFlight.add(runId));
    // A run stays in flight until its reply is stored (live points meanwhile are kept for it).
    const waiting = new Set(runIds);
    try {
      for (const batch of chunks(runIds, batchSize)) {
        const replies = await saddle().runs.series({ runIds: batch, maxPoints, alsoLogX: true });
        fetchedBatch.push(...replies);
        if (soon) fetchedBatch.hurry();
        const replied = new Set(replies.map((reply) => reply.runId));
        for (const runId of batch) {
          waiting.delete(runId);
          if (!replied.has(runId)) inFlight.delete(runId);
        }
      }
    } catch (error) {
      app.report(error, 'Loading run data');
    } finally {
      waiting.forEach((runId) => inFlight.delete(runId));
    }
  }

  /** Fetches what is not cached or on its way. */
  function ensure(runIds: readonly number[]): Promise<void> {
    const missing = runIds.filter((runId) => !cache.has(runId) && !inFlight.has(runId));
    return missing.length > 0 ? fetchRuns(missing, true) : Promise.resolve();
  }

  /**
   * Overlays of finished runs (callers pass only those: a running run has none stored yet), asked
   * for once: while runs stream, gathered for `gatherMs` with other runs finishing; otherwise (runs
   * newly drawn) in the next task, together with what every panel asked for in this one.
   */
  function ensureTheory(runIds: readonly number[], streaming: boolean): void {
    for (const runId of runIds) {
      if (theoryAsked.has(runId)) continue;
      theoryAsked.add(runId);
      theoryDue.add(runId);
      theoryPending.add(runId);
    }
    if (theoryDue.size === 0) return;
    if (!streaming && theoryTimer) {
      clearTimeout(theoryTimer);
      theoryTimer = null;
    }
    theoryTimer ??= setTimeout(() => void fetchTheory(), streaming ? gatherMs : 0);
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
    } finally {
      runIds.forEach((runId) => theoryPending.delete(runId));
    }
  }

  /** Some of these runs have no series stored yet but are on their way, or (`overlays`) their overlays are. */
  function awaiting(runIds: readonly number[], overlays: boolean): boolean {
    return runIds.some((runId) => (inFlight.has(runId) && !cache.has(runId)) || (overlays && theoryPending.has(runId)));
  }

  /** The live points were a preview: cached finished runs are read again, together. */
  function refetchFinished(): void {
    refetchTimer = null;
    const cached = [...refetchDue].filter((runId) => cache.has(runId));
    refetchDue.clear();
    for (const batch of chunks(cached, refetchBatch)) void fetchRuns(batch, false);
  }

  /** Drops cached runs not in `keep` once the cache grows past its bound. */
  function prune(keep: ReadonlySet<number>): void {
    if (cache.size <= maxCached) return;
    for (const runId of cache.keys()) if (!keep.has(runId)) cache.delete(runId);
  }

  /** A frame's live points, joined per run and metric so each cached series is rebuilt once. */
  function applyPoints(batches: LivePoints[]): void {
    for (const { runId, metric, x, y } of joinPoints(batches)) {
      const entry = cache.get(runId);
      // Runs nobody looks at are not accumulated; a fetch under way merges what arrives meanwhile.
      if (!entry && !inFlight.has(runId)) continue;
      // Live points are not reduced: both axes get the same ones.
      const appended = (series: readonly MetricSeries[]) => {
        const index = series.findIndex((item) => item.metric === metric);
        const updated = appendPoints(series[index], metric, x, y, liveCap);
        return index >= 0 ? series.map((item, i) => (i === index ? updated : item)) : [...series, updated];
      };
      cache.set(runId, cachedRun(runId, appended(entry?.linear.series ?? []), appended(entry?.log.series ?? [])));
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
      fetchedBatch.clear();
      cache.clear();
      inFlight.clear();
      theory.clear();
      theoryAsked.clear();
      theoryDue.clear();
      theoryPending.clear();
      refetchDue.clear();
    },
  );

  return { cache, theory, get, ensure, ensureTheory, awaiting, prune };
});
