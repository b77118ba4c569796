// The series store against a fake host: one `runs.series` call brings a run's reductions for both
// x axes (log x only where the host reduced the series), so a log-x toggle asks nothing more; live
// points reach both; replies that arrive together are stored together; a point that arrives while
// the run's data is on its way is kept.
import { createPinia, setActivePinia } from 'pinia';
// The renderer's global types (window.saddle), which the stores read.
import type {} from '../../src-renderer/env';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload, SeriesData } from '../../src-main/contract/api';

type Listener = (payload: unknown) => void;
type SeriesCall = { runIds: number[]; maxPoints: number; alsoLogX?: boolean; logX?: boolean };
type Reply = { runId: number; series: SeriesData[] }[];
const listeners = new Map<string, Listener[]>();
const calls: SeriesCall[] = [];
const answers: ((replies: Reply) => void)[] = [];

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
});
