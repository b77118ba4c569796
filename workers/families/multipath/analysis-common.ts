// What the multipath analyses read from a finished run: its parsed parameters and summary fields.
import type { AnalysisRunInput } from '../../family';
import { multipathParams, type MultipathParams } from './params';

export interface ParsedRun {
  run: AnalysisRunInput;
  params: MultipathParams;
}

/** Runs whose params parse; `skipped` counts the others. */
export function parseRuns(runs: readonly AnalysisRunInput[]): { parsed: ParsedRun[]; skipped: number } {
  const parsed: ParsedRun[] = [];
  let skipped = 0;
  for (const run of runs) {
    const p = multipathParams.safeParse(run.params);
    if (p.success) parsed.push({ run, params: p.data });
    else skipped++;
  }
  return { parsed, skipped };
}

export function summaryNumber(run: AnalysisRunInput, key: string): number | null {
  const v = run.summary?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function summaryString(run: AnalysisRunInput, key: string): string | null {
  const v = run.summary?.[key];
  return typeof v === 'string' ? v : null;
}

/** Observed outcome: the summary's class, or 'diverged' for a run the scheduler stored as diverged. */
export function observedOutcome(run: AnalysisRunInput): string | null {
  if (run.status === 'diverged') return 'diverged';
  return run.status === 'done' ? summaryString(run, 'outcome') : null;
}

export const leadTarget = (p: MultipathParams): number => Math.max(...p.targets);
