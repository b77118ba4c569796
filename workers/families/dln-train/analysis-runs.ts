// What every dln-train analysis reads of a run: its validated params and its summary, with the
// summary's numbers and lists read defensively (a stored run may lack a field a newer version writes).
import type { AnalysisResult, AnalysisRunInput } from '../../family';
import { dlnTrainParams, type DlnTrainParams } from './params';

export type Row = AnalysisResult['rows'][number];
export type Check = AnalysisResult['checks'][number];

export interface FinishedRun {
  runId: number;
  params: DlnTrainParams;
  summary: NonNullable<AnalysisRunInput['summary']>;
}

export function finished(runs: AnalysisRunInput[]): FinishedRun[] {
  return runs.flatMap((run) => {
    const parsed = dlnTrainParams.safeParse(run.params);
    return run.status === 'done' && run.summary && parsed.success ? [{ runId: run.runId, params: parsed.data, summary: run.summary }] : [];
  });
}

export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const list = (v: unknown): (number | null)[] => (Array.isArray(v) ? v.map(num) : []);

/** Whether consecutive values never go up (or down), ignoring nulls. */
export function monotone(values: (number | null)[], direction: 'down' | 'up'): boolean {
  const present = values.filter((v): v is number => v !== null);
  return present.every((v, i) => i === 0 || (direction === 'down' ? v <= present[i - 1] * (1 + 1e-9) : v >= present[i - 1] * (1 - 1e-9)));
}

/** |value − expected| ≤ tolerance·|expected|, false for a missing value. */
export function withinRelative(value: number | null, expected: number, tolerance: number): boolean {
  return value !== null && Math.abs(value - expected) <= tolerance * Math.abs(expected);
}
