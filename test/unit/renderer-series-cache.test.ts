// The series store against a fake host: one `runs.series` call brings a run's reductions for both
// x axes (log x only where the host reduced the series), so a log-x toggle asks nothing more; live
// points reach both; replies that arrive together are stored together; a point that arrives while
// the run's data is on its way is kept. A newly drawn run is awaited (panels hold their drawing)
// until its series, and its overlays when asked for, are in; overlays of a streaming sweep are gathered.
import { createPinia, setActivePinia } from 'pinia';
// The renderer's global types (window.saddle), which the stores read.
import type {} from '../../src-renderer/env';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload, SeriesData } from '../../src-main/contract/api';
import type { TheorySeries } from '../../src-main/contract/family-meta';

type Listener = (payload: unknown) => void;
type SeriesCall = { runIds: number[]; maxPoints: number; alsoLogX?: boolean; logX?: boolean };
type Reply = { runId: number; series: SeriesData[] }[];
const listeners = new Map<string, Listener[]>();
const calls: SeriesCall[] = [];
const answers: ((replies: Reply) => void)[] = [];
const theoryCalls: number[][] = [];
const theoryAnswers: { resolve: (replies: { runId: number; theory: TheorySeries[] }[]) => void; reject: (error: Error) => void }[] = [];

const fakeApi = {
  on: (event: string, listener: Listener) => {
    listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    return () => undefined;
  },
  runs: {
    series: (input: SeriesCall) => {
      calls.push(input);
      return new Promise<Reply>((resolve) => answers.push(resolve));
    },
    theory: ({ runIds }: { runIds: number[] }) => {
      theoryCalls.push(runIds);
      return new Promise((resolve, reject) => theoryAnswers.push({ resolve, reject }));
    },
  },
};
const connection = { status: () => ({ state: 'open', retryAtMs: null, openCount: 1 }), onStatus: () => () => undefined, retryNow: () => undefined };
vi.mock('../../src-renderer/src/api/client', () => ({ saddle: () => fakeApi, saddleClient: () => ({ api: fakeApi, connection }) }));
// Frames in Node: a timer each (the store applies replies and points once per frame).
vi.stubGlobal('requestAnimationFrame', (callback: () => void) => setTimeout(callback, 0));
vi.stubGlobal('cancelAnimationFrame', (handle: ReturnType<typeof setTimeout>) => clearTimeout(handle));

const { useSeriesStore } = await import('../../src-renderer/src/stores/series');

function push<E extends EventName>(event: E, payload: EventPayload<E>): void {
  for (const listener of listeners.get(event) ?? []) listener(payload);
}

// A loss long enough to be reduced (its log-x reduction differs), and a σ sent whole for both axes.
// The host sends Float64Arrays; the cache holds plain arrays of the same values.
const f64 = (...values: number[]) => Float64Array.from(values);
const loss: SeriesData = { metric: 'loss', x: f64(1, 50, 100), y: f64(1, 0.5, 0.1), totalPoints: 5000, logX: { x: f64(1, 3, 10, 100), y: f64(1, 0.9, 0.7, 0.1) } };
const sigma: SeriesData = { metric: 'sigma/0', x: f64(1, 2, 3), y: f64(0.1, 0.5, 1), totalPoints: 3 };

describe('cached run series', () => {
  beforeEach(() => {
    listeners.clear();
    calls.length = 0;
    answers.length = 0;
    theoryCalls.length = 0;
    theoryAnswers.length = 0;
    setActivePinia(createPinia());
  });

  it('one call brings both axes: the log-x reduction where the host made one, the same points elsewhere', async () => {
    const series = useSeriesStore();
    void series.ensure([7]);
    expect(calls).toEqual([{ runIds: [7], maxPoints: 2000, alsoLogX: true }]);
    answers[0]([{ runId: 7, series: [loss, sigma] }]);
    await expect.poll(() => series.get(7, false)).toBeDefined();
    const linear = series.get(7, false)!.series;
    const log = series.get(7, true)!.series;
    expect(linear.map((item) => [item.metric, item.x])).toEqual([['loss', [1, 50, 100]], ['sigma/0', [1, 2, 3]]]);
    expect(log.map((item) => [item.metric, item.x, item.y])).toEqual([['loss', [1, 3, 10, 100], [1, 0.9, 0.7, 0.1]], ['sigma/0', [1, 2, 3], [0.1, 0.5, 1]]]);
    // Toggling the axis reads the cache: nothing is asked again.
    await series.ensure([7]);
    expect(calls).toHaveLength(1);
  });

  it('live points reach both axes, also those that arrive while the run is being fetched', async () => {
    const series = useSeriesStore();
    void series.ensure([3]);
    push('run.points', { runId: 3, metric: 'sigma/0', x: [4], y: [1.5] });
    await expect.poll(() => series.get(3, false)?.series[0].x).toEqual([4]);
    // Main read the run before that point: the reply lacks it, the cache keeps it.
    answers[0]([{ runId: 3, series: [sigma] }]);
    await expect.poll(() => series.get(3, false)?.series[0].x).toEqual([1, 2, 3, 4]);
    for (const logX of [false, true]) expect(series.get(3, logX)!.series[0]).toEqual({ metric: 'sigma/0', x: [1, 2, 3, 4], y: [0.1, 0.5, 1, 1.5] });
    push('run.points', { runId: 3, metric: 'sigma/0', x: [5], y: [2] });
    await expect.poll(() => series.get(3, false)?.series[0].x).toEqual([1, 2, 3, 4, 5]);
    expect(series.get(3, true)!.series[0].x).toEqual([1, 2, 3, 4, 5]);
  });

  it('replies that arrive in one frame are stored together', async () => {
    const series = useSeriesStore();
    void series.ensure([1]);
    void series.ensure([2]);
    answers[0]([{ runId: 1, series: [sigma] }]);
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    // Read, not stored yet: it waits for the frame, which the second reply catches too.
    expect(series.get(1, false)).toBeUndefined();
    answers[1]([{ runId: 2, series: [sigma] }]);
    await expect.poll(() => series.get(1, false) ?? series.get(2, false)).toBeDefined();
    expect([series.get(1, false)?.runId, series.get(2, false)?.runId]).toEqual([1, 2]);
  });
  it('a run is awaited while its first series are on their way, not while a cached run is read again', async () => {
    const series = useSeriesStore();
    expect(series.awaiting([5], false)).toBe(false);
    void series.ensure([5]);
    expect(series.awaiting([5], false)).toBe(true);
    expect(series.awaiting([6], false)).toBe(false);
    answers[0]([{ runId: 5, series: [sigma] }]);
    await expect.poll(() => series.awaiting([5], false)).toBe(false);
    expect(series.get(5, false)).toBeDefined();
    // A run with nothing stored (not started) is not awaited once the reply is in.
    void series.ensure([8]);
    answers[1]([]);
    await expect.poll(() => series.awaiting([8], false)).toBe(false);
    expect(series.get(8, false)).toBeUndefined();
  });

  it('overlays of newly drawn runs are asked for in the next task and awaited until answered, or failed', async () => {
    const series = useSeriesStore();
    series.ensureTheory([1, 2], false);
    series.ensureTheory([2, 3], false);
    expect(series.awaiting([3], true)).toBe(true);
    expect(series.awaiting([3], false)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Both panels' asks in one call, each run once.
    expect(theoryCalls).toEqual([[1, 2, 3]]);
    const overlay: TheorySeries = { id: 'tauLin', label: 'τ_lin', kind: 'line', x: [0, 1], y: [1, 1] };
    theoryAnswers[0].resolve([{ runId: 1, theory: [overlay] }, { runId: 2, theory: [] }, { runId: 3, theory: [] }]);
    await expect.poll(() => series.awaiting([1, 2, 3], true)).toBe(false);
    expect(series.theory.get(1)).toEqual([overlay]);
    series.ensureTheory([4], false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    theoryAnswers[1].reject(new Error('main went away'));
    await expect.poll(() => series.awaiting([4], true)).toBe(false);
  });

  it('overlays of runs finishing while a sweep streams are gathered, not asked for at once', async () => {
    const series = useSeriesStore();
    series.ensureTheory([9], true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(theoryCalls).toEqual([]);
    series.ensureTheory([10], true);
    await expect.poll(() => theoryCalls).toEqual([[9, 10]]);
  });
  it('a reply for runs newly drawn is stored on the next frame, even right after a costly batch', async () => {
    // Frames 16 ms apart on a fake clock: a batch then costs a frame, and the next batch paced after
    // it would wait 3 frames more; runs the user just chose to draw do not wait that out.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => setTimeout(callback, 16));
    try {
      const series = useSeriesStore();
      void series.ensure([1]);
      answers[0]([{ runId: 1, series: [sigma] }]);
      await vi.advanceTimersByTimeAsync(40);
      expect(series.get(1, false)).toBeDefined();
      void series.ensure([2]);
      answers[1]([{ runId: 2, series: [sigma] }]);
      await vi.advanceTimersByTimeAsync(20);
      expect(series.get(2, false)).toBeDefined();
    } finally {
      vi.useRealTimers();
      vi.stubGlobal('requestAnimationFrame', (callback: () => void) => setTimeout(callback, 0));
    }
  });
});
