// Expands an experiment's sweep axes into the runs it stands for: the product of all axes, per seed.
import type { SweepAxis } from '../contract';

export const maxRunsPerExperiment = 100_000;

export function axisValues(axis: SweepAxis): unknown[] {
  if (Array.isArray(axis)) return axis;
  if ('linspace' in axis) {
    const [a, b, n] = axis.linspace;
    return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
  }
  const [a, b, n] = axis.logspace;
  return Array.from({ length: n }, (_, i) => 10 ** (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}

export function countRuns(sweep: Record<string, SweepAxis>, seeds: number[]): number {
  return Object.values(sweep).reduce((n, axis) => n * axisValues(axis).length, seeds.length);
}

export interface PlannedRun {
  params: Record<string, unknown>;
  seed: number;
}

/** Order: the first sweep axis varies slowest, seeds fastest, so runs of one setting sit together. */
export function expandSweep(params: Record<string, unknown>, sweep: Record<string, SweepAxis>, seeds: number[]): PlannedRun[] {
  let points: Record<string, unknown>[] = [{ ...params }];
  for (const [key, axis] of Object.entries(sweep)) {
    const values = axisValues(axis);
    points = points.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  }
  return points.flatMap((point) => seeds.map((seed) => ({ params: point, seed })));
}
