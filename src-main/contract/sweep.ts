// The one sweep expansion: an experiment's axes into the runs it stands for (the product of all
// axes, per seed). Main plans and stores runs with it and the renderer previews them with it, so
// both see the same values to the last bit. Pure TypeScript: the renderer bundles it.
import type { SweepAxis } from './spec';

export const maxRunsPerExperiment = 100_000;

/**
 * n values from a to b: value i is a + (b − a)·i/(n − 1), one rounding after an exact product for
 * the usual short decimal ranges, so linspace [0, 1, 11] gives the literals 0, 0.1, …, 1 (a step
 * added i times gives 0.30000000000000004); the last value is b itself.
 */
function evenlySpaced(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + ((b - a) * i) / (n - 1)));
}

/** 10^decade; a whole decade is the literal power of ten (V8's 10 ** -4 is 0.00009999999999999999). */
function powerOfTen(decade: number): number {
  return Number.isInteger(decade) ? Number(`1e${decade}`) : 10 ** decade;
}

/** The values an axis takes, in order. */
export function axisValues(axis: SweepAxis): unknown[] {
  if (Array.isArray(axis)) return axis;
  if ('linspace' in axis) return evenlySpaced(...axis.linspace);
  return evenlySpaced(...axis.logspace).map(powerOfTen);
}

/** How many values an axis takes, without expanding it. */
export function axisLength(axis: SweepAxis): number {
  if (Array.isArray(axis)) return axis.length;
  return 'linspace' in axis ? axis.linspace[2] : axis.logspace[2];
}

/** Runs an experiment expands into: the product of the axes' lengths times the seeds. */
export function countRuns(sweep: Record<string, SweepAxis>, seeds: readonly number[]): number {
  return Object.values(sweep).reduce((count, axis) => count * axisLength(axis), seeds.length);
}

export interface PlannedRun {
  params: Record<string, unknown>;
  seed: number;
}

/** Order: the first sweep axis varies slowest, seeds fastest, so runs of one setting sit together. */
export function expandSweep(params: Record<string, unknown>, sweep: Record<string, SweepAxis>, seeds: readonly number[]): PlannedRun[] {
  let points: Record<string, unknown>[] = [{ ...params }];
  for (const [key, axis] of Object.entries(sweep)) {
    const values = axisValues(axis);
    points = points.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  }
  return points.flatMap((point) => seeds.map((seed) => ({ params: point, seed })));
}
