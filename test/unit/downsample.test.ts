// Display downsampling: few enough points to draw, and no spike lost on the way.
import { describe, expect, it } from 'vitest';
import { downsample, packSeries, unpackSeries } from '../../workers/numeric/downsample';

const range = (count: number, f: (i: number) => number) => Float64Array.from({ length: count }, (_, i) => f(i));

/** Every output point is an input point, taken in increasing index order. */
function expectSubsequence(x: Float64Array, y: Float64Array, out: { x: Float64Array; y: Float64Array }): void {
  let cursor = 0;
  for (let k = 0; k < out.x.length; k++) {
    while (cursor < x.length && !(Object.is(x[cursor], out.x[k]) && Object.is(y[cursor], out.y[k]))) cursor++;
    expect(cursor, `output point ${k} is not a later input point`).toBeLessThan(x.length);
    cursor++;
  }
}

describe('downsample', () => {
  it('returns copies when there are no more points than asked for', () => {
    const x = range(10, (i) => i);
    const y = range(10, (i) => i * i);
    const out = downsample(x, y, 10);
    expect(out.x).toEqual(x);
    expect(out.y).toEqual(y);
    expect(out.x).not.toBe(x);
  });

  it('keeps at most maxPoints, the first and last points, in x order', () => {
    const count = 100_000;
    const x = range(count, (i) => i * 0.01);
    const y = range(count, (i) => Math.sin(i / 500) + 0.1 * Math.sin(i * 1.7));
    for (const maxPoints of [2, 3, 4, 5, 100, 2000, 2001]) {
      const out = downsample(x, y, maxPoints);
      expect(out.x.length).toBeLessThanOrEqual(maxPoints);
      expect(out.x[0]).toBe(x[0]);
      expect(out.x.at(-1)).toBe(x.at(-1));
      expectSubsequence(x, y, out);
    }
    expect(downsample(x, y, 2000).x.length).toBeGreaterThan(1900);
  });

  it('keeps a one-point spike and a one-point dip wherever they are', () => {
    const count = 100_000;
    const x = range(count, (i) => i);
    for (const at of [1, 777, 50_001, count - 2]) {
      const y = new Float64Array(count).fill(1);
      y[at] = 1e6;
      y[at + 1 === count - 1 ? at - 1 : at + 1] = -1e6;
      const out = downsample(x, y, 500);
      expect(Math.max(...out.y)).toBe(1e6);
      expect(Math.min(...out.y)).toBe(-1e6);
      expect(out.x).toContain(at);
    }
  });

  it('keeps the minimum and maximum of every bucket: the envelope of a noisy signal survives', () => {
    const count = 60_000;
    const x = range(count, (i) => i * 0.37);
    const y = range(count, (i) => ((i * 761) % 1000) / 1000 + (i % 5000 === 0 ? 5 : 0));
    const maxPoints = 602;
    const out = downsample(x, y, maxPoints);
    // The buckets, by definition: (maxPoints - 2) / 2 equal slices of the interior points' x range.
    const buckets = (maxPoints - 2) / 2;
    const low = x[1];
    const width = (x[count - 2] - low) / buckets;
    const bucketOf = (v: number) => Math.min(buckets - 1, Math.floor((v - low) / width));
    const kept = new Set(Array.from(out.x, (v, k) => `${v},${out.y[k]}`));
    for (let bucket = 0; bucket < buckets; bucket++) {
      let lowest = -1;
      let highest = -1;
      for (let i = 1; i < count - 1; i++) {
        if (bucketOf(x[i]) !== bucket) continue;
        if (lowest < 0 || y[i] < y[lowest]) lowest = i;
        if (highest < 0 || y[i] > y[highest]) highest = i;
      }
      expect(kept.has(`${x[lowest]},${y[lowest]}`), `minimum of bucket ${bucket}`).toBe(true);
      expect(kept.has(`${x[highest]},${y[highest]}`), `maximum of bucket ${bucket}`).toBe(true);
    }
  });

  it('in log x, spreads the kept points evenly over the decades', () => {
    // Log-spaced times from 1e-3 to 1e3 plus a few at t = 0 (x <= 0 cannot be drawn on a log axis).
    const count = 60_000;
    const x = new Float64Array(count);
    for (let i = 3; i < count; i++) x[i] = 10 ** (-3 + (6 * (i - 3)) / (count - 4));
    x[1] = -1;
    const y = range(count, (i) => Math.cos(i));
    const out = downsample(x, y, 602, { logX: true });
    expect(out.x.length).toBeLessThanOrEqual(602);
    expectSubsequence(x, y, out);
    const perDecade = [-3, -2, -1, 0, 1, 2].map((decade) => out.x.filter((v) => v >= 10 ** decade && v < 10 ** (decade + 1)).length);
    for (const kept of perDecade) expect(kept).toBeGreaterThan(90);
    // The non-positive points share one bucket that keeps its extremes.
    expect(out.x.filter((v) => v <= 0).length).toBeGreaterThanOrEqual(2);

    // Bucketing in linear x instead leaves the first four decades a handful of points.
    const linear = downsample(x, y, 602);
    expect(linear.x.filter((v) => v < 10).length).toBeLessThan(10);
  });

  it('does not let NaN replace a number, but keeps a bucket that is all NaN', () => {
    const count = 10_000;
    const x = range(count, (i) => i);
    const y = range(count, (i) => (i >= 5000 && i < 6000 ? NaN : i % 7));
    const out = downsample(x, y, 42);
    expect(Array.from(out.y).filter(Number.isNaN).length).toBeGreaterThan(0);
    expect(Math.max(...Array.from(out.y).filter((v) => !Number.isNaN(v)))).toBe(6);
    const mixed = downsample(range(100, (i) => i), range(100, (i) => (i % 2 ? NaN : i)), 4);
    expect(Array.from(mixed.y.subarray(1, -1)).some(Number.isNaN)).toBe(false);
  });

  it('leaves out interior points whose x is NaN or infinite, but never the ends', () => {
    const x = range(1000, (i) => i);
    x[10] = NaN;
    x[20] = Infinity;
    x[999] = Infinity;
    const out = downsample(x, range(1000, (i) => i), 100);
    expect(Array.from(out.x).some(Number.isNaN)).toBe(false);
    expect(Array.from(out.x).filter((v) => v === Infinity)).toEqual([Infinity]);
    expect(out.x.at(-1)).toBe(Infinity);
  });

  it('rejects mismatched lengths and a maxPoints below 2', () => {
    expect(() => downsample(new Float64Array(3), new Float64Array(2), 10)).toThrow(RangeError);
    expect(() => downsample(new Float64Array(3), new Float64Array(3), 1)).toThrow(RangeError);
    expect(() => downsample(new Float64Array(3), new Float64Array(3), 2.5)).toThrow(RangeError);
  });
});

describe('packing series for one transfer', () => {
  it('round-trips several series of different lengths, empty ones included', () => {
    const list = [
      { x: Float64Array.of(1, 2, 3), y: Float64Array.of(-0, NaN, 5) },
      { x: new Float64Array(0), y: new Float64Array(0) },
      { x: Float64Array.of(7), y: Float64Array.of(8) },
    ];
    const back = unpackSeries(packSeries(list));
    expect(back).toHaveLength(3);
    back.forEach((s, i) => {
      expect(Array.from(s.x)).toEqual(Array.from(list[i].x));
      expect(Object.is(s.y[0], list[i].y[0]) || list[i].y.length === 0).toBe(true);
      expect(Array.from(s.y)).toEqual(Array.from(list[i].y));
    });
  });
});
