// Log axes cannot show zero or negative values: such points are dropped, never clamped, so the
// chart does not invent data. Non-finite values are dropped on any axis. Subnormal values (below
// about 1e-308, e.g. an exponential loss that underflows) are dropped on log axes too: ECharts
// computes 10^(log10 v) for ticks, which underflows to 0 there and breaks the whole axis.
import type { Point } from './types';

/** The smallest value a log axis shows: the smallest normal double. */
const logAxisMin = 2.2250738585072014e-308;

export function plottable(value: number, log: boolean): boolean {
  return Number.isFinite(value) && (!log || value >= logAxisMin);
}

/**
 * The plottable points as one typed array [x₀, y₀, x₁, y₁, …]: ECharts reads it as it is, where an
 * array of [x, y] pairs is deep-copied by every setOption and costs an allocation per point (a big
 * sweep's chart redrew two to three times slower so).
 */
export function plottablePoints(
  x: readonly number[],
  y: readonly (number | null)[],
  logX: boolean,
  logY: boolean,
): Float64Array {
  const count = Math.min(x.length, y.length);
  const points = new Float64Array(2 * count);
  let size = 0;
  for (let i = 0; i < count; i++) {
    const value = y[i];
    if (value === null || !plottable(x[i], logX) || !plottable(value, logY)) continue;
    points[size++] = x[i];
    points[size++] = value;
  }
  return size === points.length ? points : points.slice(0, size);
}

/** A line or scatter series' data from plottablePoints, with the dimensions ECharts needs to read a typed array. */
export function pointSeries(x: readonly number[], y: readonly (number | null)[], logX: boolean, logY: boolean): { data: Float64Array; dimensions: string[] } {
  return { data: plottablePoints(x, y, logX, logY), dimensions: ['x', 'y'] };
}

/**
 * A series' data as [x, y] pairs, whichever form it has: a typed array of plottablePoints, or
 * [x, y] pairs and {value: [x, y]} items as written by hand.
 */
export function dataPairs(data: unknown): Point[] {
  if (data instanceof Float64Array) return Array.from({ length: data.length / 2 }, (_, i) => [data[2 * i], data[2 * i + 1]]);
  if (!Array.isArray(data)) return [];
  return data.flatMap((point: unknown) => {
    const pair = Array.isArray(point) ? point : (point as { value?: unknown } | null)?.value;
    return Array.isArray(pair) ? [[Number(pair[0]), Number(pair[1])] as Point] : [];
  });
}

/** The min–max band as two index-aligned series for stacking: the lower edge and the spread. */
export function plottableBand(
  x: readonly number[],
  min: readonly number[],
  max: readonly number[],
  logX: boolean,
  logY: boolean,
): { lower: Point[]; spread: Point[] } {
  const lower: Point[] = [];
  const spread: Point[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!plottable(x[i], logX) || !plottable(min[i], logY) || !plottable(max[i], logY)) continue;
    lower.push([x[i], min[i]]);
    spread.push([x[i], max[i] - min[i]]);
  }
  return { lower, spread };
}
