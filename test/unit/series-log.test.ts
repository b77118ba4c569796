// The shared run recorder: records kept whole, chunks cut by count or by age, gaps left out.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SeriesLog } from '../../workers/families/series-log';
import { fakeRunContext } from './fake-run-context';

describe('SeriesLog', () => {
  afterEach(() => vi.useRealTimers());

  it('a metric not recorded at some records is emitted without them (no NaN, no zeros)', () => {
    const ctx = fakeRunContext();
    const log = new SeriesLog(ctx, {});
    log.next(1);
    log.put('margin', 0.5);
    log.next(2);
    log.put('loss', 2);
    log.next(3);
    log.put('margin', 0.7);
    log.flush();
    expect(ctx.series('margin')).toEqual({ x: [1, 3], y: [0.5, 0.7] });
    expect(ctx.series('loss')).toEqual({ x: [2], y: [2] });
    expect(log.get('margin')).toEqual([0.5, NaN, 0.7]);
    expect(log.last('loss')).toBe(2);
    expect(log.last('absent')).toBeNull();
  });

  it('cuts a chunk every `records` records, keeps the whole series, and sends each record once', () => {
    const ctx = fakeRunContext();
    const log = new SeriesLog(ctx, { records: 3 });
    for (let i = 0; i < 7; i++) {
      log.next(i);
      log.put('loss', 10 * i);
      log.flushIfDue();
    }
    expect(ctx.chunks.map((c) => Array.from(c.x))).toEqual([[0, 1, 2], [3, 4, 5]]);
    log.flush();
    log.flush();
    expect(ctx.series('loss')).toEqual({ x: [0, 1, 2, 3, 4, 5, 6], y: [0, 10, 20, 30, 40, 50, 60] });
    expect(log.get('loss')).toHaveLength(7);
    expect(log.x).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('cuts a chunk once the last one is `ms` old, and never an empty one', () => {
    vi.useFakeTimers();
    const ctx = fakeRunContext();
    const log = new SeriesLog(ctx, { ms: 1000 });
    log.next(0);
    log.put('loss', 1);
    log.flushIfDue();
    expect(ctx.chunks).toHaveLength(0);
    vi.advanceTimersByTime(1000);
    log.flushIfDue();
    expect(ctx.chunks).toHaveLength(1);
    vi.advanceTimersByTime(5000);
    log.flushIfDue();
    expect(ctx.chunks).toHaveLength(1);
  });

  it('gives every chunk its own arrays (the host transfers them)', () => {
    const ctx = fakeRunContext();
    const log = new SeriesLog(ctx, {});
    log.next(0);
    log.put('a', 1);
    log.put('b', 2);
    log.flush();
    const [a, b] = ctx.chunks;
    expect(a.x.buffer).not.toBe(b.x.buffer);
  });
});
