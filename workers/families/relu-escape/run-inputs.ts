// The relu-escape runs an analysis reads: finished runs of one experiment kind, with their parsed
// params and summary (analyses see summaries, not series).
import type { AnalysisResult, AnalysisRunInput } from '../../family';
import { reluEscapeParams, type ReluEscapeParams } from './params';

export type Check = AnalysisResult['checks'][number];

export interface ReluRun {
  runId: number;
  seed: number;
  p: ReluEscapeParams;
  summary: Record<string, unknown>;
}

export function doneRuns(runs: AnalysisRunInput[], experiment: ReluEscapeParams['experiment']): ReluRun[] {
  return runs.flatMap((run) => {
    const parsed = reluEscapeParams.safeParse(run.params);
    if (run.status !== 'done' || !run.summary || !parsed.success || parsed.data.experiment !== experiment) return [];
    return [{ runId: run.runId, seed: run.seed, p: parsed.data, summary: run.summary }];
  });
}

export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const numbers = (v: unknown): (number | null)[] => (Array.isArray(v) ? v.map(num) : []);
/** The finite numbers of an array summary (nulls dropped). */
export const finite = (v: unknown): number[] => numbers(v).filter((x): x is number => x !== null);
