// The family contract: the one extension point of Saddle Lab (see ARCHITECTURE.md).
// A family is pure TypeScript: it runs in a worker thread and in unit tests alike.
import type { z } from 'zod';
import type { Rng } from './numeric/rng';
import type {
  AnalysisResult,
  chartSpec,
  FormulaSpec,
  metricSpec,
  ReferenceSpec,
  RunSummary,
  TheorySeries,
} from '../src-main/contract/family-meta';

export type { AnalysisResult, FormulaSpec, ReferenceSpec, RunSummary, TheorySeries };
/** As a family writes them: optional fields (style, kind, log, theory) take their defaults. */
export type MetricSpec = z.input<typeof metricSpec>;
export type ChartSpec = z.input<typeof chartSpec>;

/** One piece of a metric's time series. Emitted arrays are the host's: the family does not change them after. */
export interface MetricChunk {
  metric: string;
  x: Float64Array;
  y: Float64Array;
}


/** The device a run actually used, reported once it is chosen; stored with the run. */
export interface DeviceUsed {
  device: 'cpu' | 'gpu';
  adapterName: string | null;
  /** Why the choice differs from the request (e.g. no adapter, so the CPU), shown with the run. */
  notice: string | null;
}

export interface RunContext {
  /** The run's id in its project (a Slurm task's runs: the project's, not the shard's); absent where no project holds it (tests). */
  runId?: number;
  /** A folder of the run's own, kept with the project (created on first use): weights, checkpoints, files. */
  artifactsDir?: string;
  seed: number;
  rng: Rng;
  /** Families that pick a backend report it; a run that never reports ran on the CPU. */
  reportDevice(used: DeviceUsed): void;
  /** Aborted when the user cancels; long loops check it and return early. */
  signal: AbortSignal;
  emit(chunk: MetricChunk): void;
  /** Fraction done in [0, 1]. Cheap to call often: the host throttles. */
  progress(fraction: number): void;
  /** Text kept with the run (a script family's stderr); hosts without a store leave it out. */
  keepLog?(text: string): void;
}

/** What an analysis sees of one finished run of a sweep. */
export interface AnalysisRunInput {
  runId: number;
  params: Record<string, unknown>;
  seed: number;
  status: string;
  summary: RunSummary | null;
}

export interface AnalysisDefinition {
  id: string;
  title: string;
  description: string;
  /** Whether the analysis applies to a sweep (e.g. it needs several values of a parameter). */
  applies(runs: AnalysisRunInput[]): boolean;
  run(runs: AnalysisRunInput[]): AnalysisResult;
}

export interface FamilyDefinition<P extends z.ZodType = z.ZodType> {
  id: string;
  title: string;
  summary: string;
  references: ReferenceSpec[];
  formulas: FormulaSpec[];
  /** Defaults, bounds, units and descriptions of every field; drives the generated form. */
  params: P;
  metrics: MetricSpec[];
  charts: ChartSpec[];
  run(params: z.output<P>, ctx: RunContext): Promise<RunSummary> | RunSummary;
  /** `seed` is the run's: overlays that depend on its random init rebuild it from the seed (absent: no run yet). */
  theory?(params: z.output<P>, seed?: number): TheorySeries[];
  analyses?: AnalysisDefinition[];
}

/**
 * The option of a family's cross-field rules (`.superRefine(rules, crossFieldRules)`): they run only
 * once every field has passed its own bounds. Zod runs them after a failed bound otherwise, and a
 * rule that builds an array of `depth` entries would loop on `depth: 1e308` or throw on `-2`.
 */
export const crossFieldRules: z.core.$ZodSuperRefineParams = { when: (payload) => payload.issues.length === 0 };

export function defineFamily<P extends z.ZodType>(family: FamilyDefinition<P>): FamilyDefinition<P> {
  return family;
}

/** Thrown by a family when the numbers blow up; the scheduler stores the run as `diverged`. */
export class DivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergedError';
  }
}
