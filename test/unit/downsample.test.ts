// Display downsampling: few enough points to draw, and no spike lost on the way.
import { describe, expect, it } from 'vitest';
import { downsample, downsampleLinearAndLog, PanelReducer, type XY } from '../../workers/numeric/downsample';

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

/**
 * The reduction as defined, point by point (a logarithm per point, buckets as index lists): the
 * fast implementation must give the same bytes. The minimum of a bucket is the first occurrence of
 * its smallest number; a bucket of NaN only keeps its last point (likewise for the maximum).
 */
function referenceDownsample(x: Float64Array, y: Float64Array, maxPoints: number, logX: boolean): XY {
  if (x.length <= maxPoints) return { x: x.slice(), y: y.slice() };
  const interior = Array.from({ length: x.length - 2 }, (_, k) => k + 1);
  const nonPositive = (v: number) => logX && v <= 0;
  const drawable = (v: number) => Number.isFinite(v) && !nonPositive(v);
  const count = Math.floor((maxPoints - 2) / 2);
  const first = count > 0 && interior.some((i) => nonPositive(x[i])) ? 1 : 0;
  const valueCount = count - first;
  let lowX = Infinity;
  let highX = -Infinity;
  for (const i of interior) if (drawable(x[i])) [lowX, highX] = [Math.min(lowX, x[i]), Math.max(highX, x[i])];
  const coordinate = (v: number) => (logX ? Math.log(v) : v);
  const low = coordinate(lowX);
  const high = coordinate(highX);
  const scale = high > low ? valueCount / (high - low) : 0;
  const members: number[][] = Array.from({ length: count }, () => []);
  for (const i of interior) {
    if (nonPositive(x[i])) {
      if (count > 0) members[0].push(i);
    } else if (drawable(x[i]) && valueCount > 0) {
      const offset = Math.min(valueCount - 1, Math.floor((coordinate(x[i]) - low) * scale));
      if (!Number.isNaN(offset)) members[first + offset].push(i);
    }
  }
  const extreme = (indices: number[], better: (a: number, b: number) => boolean) => {
    const numbers = indices.filter((i) => !Number.isNaN(y[i]));
    if (numbers.length === 0) return indices[indices.length - 1];
    return numbers.reduce((best, i) => (better(y[i], y[best]) ? i : best));
  };
  const kept = [0];
  for (const indices of members) {
    if (indices.length === 0) continue;
    const a = extreme(indices, (u, v) => u < v);
    const b = extreme(indices, (u, v) => u > v);
    kept.push(...(a === b ? [a] : [Math.min(a, b), Math.max(a, b)]));
  }
  kept.push(x.length - 1);
  return { x: Float64Array.from(kept, (i) => x[i]), y: Float64Array.from(kept, (i) => y[i]) };
}

/** Same bytes, NaN payloads and signed zeros included. */
function expectSameBits(actual: XY, expected: XY, label: string): void {
  expect(new Uint8Array(actual.x.buffer, actual.x.byteOffset, actual.x.byteLength), `${label}: x`).toEqual(new Uint8Array(expected.x.buffer, expected.x.byteOffset, expected.x.byteLength));
  expect(new Uint8Array(actual.y.buffer, actual.y.byteOffset, actual.y.byteLength), `${label}: y`).toEqual(new Uint8Array(expected.y.buffer, expected.y.byteOffset, expected.y.byteLength));
}

describe('downsample against the reduction as defined', () => {
  // A small seeded generator (mulberry32), so a failure names a case that can be rerun.
  const randomFrom = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random = randomFrom(23);
  const sortedRandom = (count: number, from: number, to: number) => Float64Array.from({ length: count }, () => from + (to - from) * random()).sort();
  const noise = (count: number) => Float64Array.from({ length: count }, () => random() - 0.5);
  const withNaN = (values: Float64Array, every: number) => values.map((v, i) => (i % every < every / 3 ? NaN : v));

  const cases: [string, Float64Array, Float64Array][] = [];
  const add = (name: string, x: Float64Array, y = noise(x.length)) => cases.push([name, x, y]);
  add('sorted random x', sortedRandom(20_000, 1e-3, 1e3));
  add('evenly spaced x, as the bench stores it', range(20_000, (i) => i * 1e-3));
  add('log-spaced x, points on every decade', range(20_001, (i) => 10 ** (-4 + (8 * i) / 20_000)));
  add('y with NaN gaps', sortedRandom(20_000, 0.5, 2), withNaN(noise(20_000), 97));
  add('y all NaN in places, signed zeros', range(5000, (i) => i), range(5000, (i) => (i % 1000 < 400 ? NaN : i % 2 ? 0 : -0)));
  add('x with NaN and infinities inside', range(5000, (i) => (i % 37 === 0 ? NaN : i % 41 === 0 ? Infinity : i % 43 === 0 ? -Infinity : i)));
  add('blocks of equal x', range(10_000, (i) => Math.floor(i / 250)));
  add('all x equal', new Float64Array(3000).fill(4));
  add('negative and zero x (log x shares them one bucket)', sortedRandom(10_000, -5, 5).map((v, i) => (i % 100 === 0 ? 0 : v)));
  add('sorted x through zero', range(10_000, (i) => -3 + i * 1e-3));
  add('only non-positive x', sortedRandom(3000, -5, 0));
  add('unsorted x', Float64Array.from({ length: 10_000 }, () => 1e-6 + 1e6 * random() ** 8));
  add('tiny positive x, denormals', range(4000, (i) => 5e-324 * (1 + i * 3)));
  add('x spanning the doubles (the range overflows)', range(4000, (i) => (i - 2000) * 8e304));
  add('neighbouring doubles', range(4000, (i) => 1 + i * Number.EPSILON));
  add('a single point', Float64Array.of(3));
  add('two points', Float64Array.of(-1, 2));

  for (const [name, x, y] of cases) {
    it(`gives the same bytes as the plain definition: ${name}`, () => {
      for (const maxPoints of [2, 3, 4, 5, 6, 101, 2000]) {
        const linear = referenceDownsample(x, y, maxPoints, false);
        const log = referenceDownsample(x, y, maxPoints, true);
        expectSameBits(downsample(x, y, maxPoints), linear, `linear, maxPoints ${maxPoints}`);
        expectSameBits(downsample(x, y, maxPoints, { logX: true }), log, `log, maxPoints ${maxPoints}`);
        const both = downsampleLinearAndLog(x, y, maxPoints);
        expectSameBits(both.linear, linear, `one pass, linear, maxPoints ${maxPoints}`);
        expectSameBits(both.log, log, `one pass, log, maxPoints ${maxPoints}`);
      }
    });
  }

  it('reduces a panel as runs.series asks: the shown axis for each series, log x for the long ones', () => {
    // Each case twice with other y (the same x range: the second finds the bucket starts of the
    // first), and the cases interleaved, so that a starts memo mixing up two ranges would show.
    const series = cases.flatMap(([, x, y]) => [{ x, y }, { x, y: noise(x.length) }]);
    for (const [logX, alsoLogX] of [[false, true], [true, false], [false, false]]) {
      const reducer = new PanelReducer(101, logX, alsoLogX);
      series.forEach(({ x, y }, i) => {
        const { shown, log } = reducer.reduce(x, y);
        expectSameBits(shown, referenceDownsample(x, y, 101, logX), `series ${i}, logX ${logX}`);
        if (alsoLogX && x.length > 101) expectSameBits(log!, referenceDownsample(x, y, 101, true), `series ${i}, also log x`);
        else expect(log, `series ${i}: no log-x reduction asked`).toBeUndefined();
      });
    }
  });

  it('a panel reducer returns copies: the buffers it read may be reused for the next series', () => {
    const reducer = new PanelReducer(101, false, true);
    const x = range(5000, (i) => i + 1);
    const y = noise(5000);
    const expected = referenceDownsample(x, y, 101, false);
    const expectedLog = referenceDownsample(x, y, 101, true);
    const { shown, log } = reducer.reduce(x, y);
    const short = reducer.reduce(x.subarray(0, 50), y.subarray(0, 50));
    x.fill(0);
    y.fill(0);
    expectSameBits(shown, expected, 'shown');
    expectSameBits(log!, expectedLog, 'log');
    expect(Array.from(short.shown.x)).toEqual(Array.from(range(50, (i) => i + 1)));
  });
});
