// What the multipath analyses read from a finished run: its parsed parameters and summary fields.
import type { AnalysisRunInput } from '../../family';
import { multipathParams, type MultipathParams } from './params';

export interface ParsedRun {
  run: AnalysisRunInput;
  params: MultipathParams;
}

/**
 * Each run's params parsed once per sweep analysis: the family's analyses all read the same run
 * objects, so the parse is kept with the object (null: its params do not parse).
 */
const parsedParams = new WeakMap<AnalysisRunInput, MultipathParams | null>();

/** Runs whose params parse; `skipped` counts the others. */
export function parseRuns(runs: readonly AnalysisRunInput[]): { parsed: ParsedRun[]; skipped: number } {
  const parsed: ParsedRun[] = [];
  let skipped = 0;
  for (const run of runs) {
    if (!parsedParams.has(run)) {
      const p = multipathParams.safeParse(run.params);
      parsedParams.set(run, p.success ? p.data : null);
    }
    const params = parsedParams.get(run);
    if (params) parsed.push({ run, params });
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
