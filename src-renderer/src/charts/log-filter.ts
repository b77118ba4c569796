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

export function plottablePoints(
  x: readonly number[],
  y: readonly (number | null)[],
  logX: boolean,
  logY: boolean,
): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const value = y[i];
    if (value !== null && plottable(x[i], logX) && plottable(value, logY)) points.push([x[i], value]);
  }
  return points;
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
