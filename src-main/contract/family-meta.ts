// Shapes that describe a family and its results to the renderer. Declarative data only.
import { z } from 'zod';
import { isPlainObject } from './plain-object';

export const referenceSpec = z.object({
  label: z.string(),
  paper: z.string().describe('file name in shared/papers or a citation'),
  section: z.string().optional(),
});
export type ReferenceSpec = z.infer<typeof referenceSpec>;

export const formulaSpec = z.object({
  label: z.string(),
  tex: z.string().describe('KaTeX source'),
  ref: z.string().optional(),
});
export type FormulaSpec = z.infer<typeof formulaSpec>;

export const metricSpec = z.object({
  /** Series name, or a prefix ending in '/' for indexed families of series (e.g. 'sigma/'). */
  name: z.string(),
  label: z.string(),
  x: z.string().describe('what the x values are, e.g. "t" or "step"'),
  /** 'points': detected events (escapes, plateau starts) drawn as markers, not joined by a line. */
  style: z.enum(['line', 'points']).default('line'),
});
export type MetricSpec = z.infer<typeof metricSpec>;

export const axisSpec = z.object({
  label: z.string(),
  log: z.boolean().default(false),
  /**
   * Parameters whose sweep makes this axis start logarithmic although `log` is false: e.g. t when
   * initScale is swept, since the escape time ε^{-(L-2)} then spans decades across the runs.
   */
  logWhenSwept: z.array(z.string()).optional(),
});
export type AxisSpec = z.infer<typeof axisSpec>;

export const chartSpec = z.object({
  id: z.string(),
  title: z.string(),
  /** 'heatmap': an indexed metric ('x/') drawn as index × x, coloured by value (one run at a time). */
  kind: z.enum(['lines', 'heatmap']).default('lines'),
  x: axisSpec,
  y: axisSpec,
  /** Metric names; a name ending in '/' matches every indexed series under it. */
  series: z.array(z.string()),
  /** Theory series ids drawn on this chart (toggleable in the UI). */
  theory: z.array(z.string()).default([]),
});
export type ChartSpec = z.infer<typeof chartSpec>;

export const theorySeries = z.object({
  id: z.string().describe('matches a ChartSpec.theory entry'),
  label: z.string(),
  kind: z.enum(['line', 'vline', 'hline', 'marker']),
  /** For vline: x holds the positions. For hline: y holds the levels. */
  x: z.array(z.number()),
  y: z.array(z.number()),
  /** Index of the mode or series this belongs to, so colours can match the data. */
  index: z.number().int().optional(),
  /**
   * 'theory' (the default, also for overlays stored before roles existed): a prediction that holds within a
   * stated tolerance. 'paper-claim': a paper's formula that the runs need not obey, drawn grey and dotted;
   * its label names the paper and section ("paper 001 §7.2 claim: …").
   */
  role: z.enum(['theory', 'paper-claim']).optional(),
});
export type TheorySeries = z.infer<typeof theorySeries>;

const summaryValue = z.union([z.number(), z.null(), z.string(), z.array(z.union([z.number(), z.null()]))]);
export const runSummary = z.record(z.string(), summaryValue);
export type RunSummary = z.infer<typeof runSummary>;

export const analysisCheck = z.object({
  name: z.string(),
  value: z.number().nullable(),
  expected: z.number().nullable(),
  tolerance: z.string(),
  pass: z.boolean(),
  /** The paper claim this check judges (`../claims` ids such as "000-5"); absent for checks of no claim. */
  claim: z.string().regex(/^\d{3}-\d+$/, 'must be a claim id such as "000-5"').optional(),
  /**
   * The paper's own number where it differs from `expected` (the true value, computed exactly): the
   * check then judges Saddle Lab against the truth (`pass`) and the paper against it (`paperHolds`).
   */
  paperValue: z.union([z.number(), z.string()]).nullable().optional(),
  /** False when exact computation contradicts the paper's number beyond the tolerance: verdict paper-wrong. */
  paperHolds: z.boolean().optional(),
});

export const analysisChart = z.object({
  title: z.string(),
  x: axisSpec,
  y: axisSpec,
  series: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['scatter', 'line']),
      x: z.array(z.number()),
      y: z.array(z.number().nullable()),
    }),
  ),
});

export const analysisResult = z.object({
  id: z.string(),
  title: z.string(),
  columns: z.array(z.object({ key: z.string(), label: z.string() })),
  rows: z.array(z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))),
  checks: z.array(analysisCheck),
  chart: analysisChart.optional(),
  notes: z.array(z.string()).default([]),
});
export type AnalysisResult = z.infer<typeof analysisResult>;

/** analysisResult with the rows taken as they are: readAnalysisResult has checked them. */
const analysisResultRowsChecked = analysisResult.extend({ rows: z.custom<AnalysisResult['rows']>(() => true) });

/**
 * analysisResult.safeParse of a result read from JSON text, with its rows (a sweep's table, a row
 * per run) checked by hand first: zod's record-of-unions parse of every cell was most of the cost
 * of a 1000-run sweep's analyses on the host, read in and read back. A result that fails is parsed
 * by zod whole, so the issues named are zod's.
 */
export function readAnalysisResult(raw: unknown): ReturnType<typeof analysisResult.safeParse> {
  const rows = (raw as { rows?: unknown } | null)?.rows;
  if (Array.isArray(rows) && rows.every(isTableRow)) {
    const checked = analysisResultRowsChecked.safeParse(raw);
    if (checked.success) return checked;
  }
  return analysisResult.safeParse(raw);
}

/**
 * A row zod would keep as it is: a plain object of finite numbers, strings, booleans and nulls
 * (JSON text's 1e400 reads as Infinity, which zod refuses; zod drops a "__proto__" key). Any other
 * row leaves the verdict to zod.
 */
function isTableRow(row: unknown): boolean {
  if (!isPlainObject(row) || Object.hasOwn(row, '__proto__')) return false;
  for (const value of Object.values(row)) {
    if (typeof value === 'number' ? !Number.isFinite(value) : value !== null && typeof value !== 'string' && typeof value !== 'boolean') return false;
  }
  return true;
}
export type AnalysisCheck = z.infer<typeof analysisCheck>;

/** 'stored': not installed, described from the copy its runs stored in the project (it cannot run). 'logged': runs logged from outside (docs/logging.md). */
export const familyOrigin = z.enum(['built-in', 'user', 'path', 'project', 'stored', 'logged']);

export const familyInfo = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  references: z.array(referenceSpec),
  formulas: z.array(formulaSpec),
  paramsSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the params'),
  defaults: z.record(z.string(), z.unknown()),
  metrics: z.array(metricSpec),
  charts: z.array(chartSpec),
  analyses: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
  /** Where the family comes from: the app, the user's folder, a --family-path folder or the project's folder. */
  origin: familyOrigin.default('built-in'),
  kind: z.enum(['built-in', 'script', 'code']).default('built-in'),
  /** Folder of a script family, module of a code family; null for a built-in. */
  location: z.string().nullable().default(null),
  /** False for a project folder's family until the user trusts the project's families: it cannot run yet. */
  trusted: z.boolean().default(true),
});
export type FamilyInfo = z.infer<typeof familyInfo>;

/** A family folder or module that failed to load, and why (shown next to the picker). */
export const familyProblem = z.object({ origin: familyOrigin, location: z.string(), message: z.string() });
export type FamilyProblem = z.infer<typeof familyProblem>;

/** What produced a run of a script or code family: the stored copy, and how it compares with what is installed now. */
export const runSource = z.object({
  runId: z.number().int(),
  familyId: z.string(),
  kind: z.enum(['script', 'code']),
  hash: z.string(),
  location: z.string(),
  storedAtMs: z.number(),
  files: z.array(z.object({ path: z.string(), bytes: z.number().int() })),
  stderr: z.string().nullable(),
  installed: z.enum(['same', 'changed', 'missing']),
});
export type RunSource = z.infer<typeof runSource>;

/**
 * A family the open project uses, checked on open: 'changed' when the installed files no longer
 * hash as the latest run's copy, 'missing' when it is not installed (its runs and data still show;
 * nothing runs until the user restores the stored copy or installs it).
 */
export const familyCheck = z.object({
  familyId: z.string(),
  state: z.enum(['same', 'changed', 'missing']),
  kind: z.enum(['script', 'code']).nullable(),
  storedHash: z.string().nullable(),
  installedHash: z.string().nullable(),
  /** Where it ran (stored) or where it is installed now. */
  location: z.string().nullable(),
  message: z.string(),
});
export type FamilyCheck = z.infer<typeof familyCheck>;
