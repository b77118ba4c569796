// The worker's reply for one run, checked on arrival in the main thread. The one rule for
// non-finite results (docs/architecture.md): NaN or ±Infinity in a summary or a theory overlay
// ends the run as `diverged`, naming the values, as a non-finite metric point does; the run keeps
// no summary (and no overlay, if the overlay held it). A reply of the wrong shape fails the run.
//
// The shape of a well-formed reply is checked by hand against the contract's runSummary and
// theorySeries, not by a zod parse: on the host's thread, where the first thousands of runs of a
// sweep meet it cold, zod's parse cost 0.04-0.05 ms of CPU per run and this check 0.014-0.017
// (2000 stored mode-flow outcomes in a fresh process, JIT included, 3 runs each at load ~12).
// test/unit/run-outcome.test.ts holds it to zod's verdicts and to what zod keeps.
import { z } from 'zod';
import { isPlainObject, theorySeries } from '../contract';
import type { RunSummary, TheorySeries } from '../contract';
import type { RunOutcome } from '../../workers/pool-worker';

/** The outcome as the contract types it (non-finite results: `diverged`); throws an Error naming every malformed field. */
export function checkOutcome(raw: unknown): RunOutcome {
  const nonFinite = nonFiniteFields(raw);
  if (nonFinite.length > 0) {
    const listed = nonFinite.slice(0, 5).join(', ') + (nonFinite.length > 5 ? `, … (${nonFinite.length} in all)` : '');
    // A rare path: zod reads the overlay (kept when it is whole and well formed, else none).
    const theory = z.array(theorySeries).safeParse((raw as { theory?: unknown }).theory);
    return { status: 'diverged', error: `the run's results hold non-finite numbers: ${listed}`, summary: null, theory: theory.success ? theory.data : [] };
  }
  const issues: string[] = [];
  const outcome = readOutcome(raw, issues);
  if (!outcome) throw new Error(`the worker's reply is malformed: ${issues.join('; ')}`);
  return outcome;
}

const statuses = new Set(['done', 'diverged', 'cancelled']);
const theoryKinds = new Set<unknown>(theorySeries.shape.kind.options);
const theoryRoles = new Set<unknown>(theorySeries.shape.role.unwrap().options);

/** The reply as a RunOutcome of its own keys (what zod's object schemas kept), or null with `issues` filled. */
function readOutcome(raw: unknown, issues: string[]): RunOutcome | null {
  if (!isPlainObject(raw)) {
    issues.push('(outcome): expected an object');
    return null;
  }
  const { status, error, summary, theory } = raw;
  if (!statuses.has(status as string)) issues.push(`status: expected one of done, diverged, cancelled`);
  if (status === 'done') checkSummary(summary, issues);
  else {
    if (typeof error !== 'string') issues.push('error: expected a string');
    if (summary !== null) issues.push('summary: expected null');
  }
  if (!Array.isArray(theory)) issues.push('theory: expected an array');
  else for (let i = 0; i < theory.length; i++) checkTheorySeries(theory[i], `theory.${i}`, issues);
  if (issues.length > 0) return null;
  const overlays = (theory as unknown[]).map(theorySeriesOf);
  return status === 'done'
    ? { status, summary: summaryOf(summary as RunSummary), theory: overlays }
    : { status: status as 'diverged' | 'cancelled', error: error as string, summary: null, theory: overlays };
}

/** runSummary: every value a number, null, a string, or an array of numbers and nulls. */
function checkSummary(summary: unknown, issues: string[]): void {
  if (!isPlainObject(summary)) {
    issues.push('summary: expected an object');
    return;
  }
  for (const [key, value] of Object.entries(summary)) {
    if (typeof value === 'number' || value === null || typeof value === 'string') continue;
    if (Array.isArray(value) && everyItem(value, (item) => typeof item === 'number' || item === null)) continue;
    issues.push(`summary.${key}: expected a number, null, a string or an array of numbers and nulls`);
  }
}

/** The summary as zod's record kept it: an own "__proto__" key (a family's JSON.parse makes one) dropped. */
function summaryOf(summary: RunSummary): RunSummary {
  if (!Object.hasOwn(summary, '__proto__')) return summary;
  return Object.fromEntries(Object.entries(summary).filter(([key]) => key !== '__proto__'));
}

function checkTheorySeries(series: unknown, path: string, issues: string[]): void {
  if (!isPlainObject(series)) {
    issues.push(`${path}: expected an object`);
    return;
  }
  if (typeof series.id !== 'string') issues.push(`${path}.id: expected a string`);
  if (typeof series.label !== 'string') issues.push(`${path}.label: expected a string`);
  if (!theoryKinds.has(series.kind)) issues.push(`${path}.kind: expected one of ${[...theoryKinds].join(', ')}`);
  for (const axis of ['x', 'y'] as const) {
    const values = series[axis];
    if (!Array.isArray(values) || !everyItem(values, (value) => typeof value === 'number')) issues.push(`${path}.${axis}: expected an array of numbers`);
  }
  if (series.index !== undefined && !Number.isSafeInteger(series.index)) issues.push(`${path}.index: expected an integer`);
  if (series.role !== undefined && !theoryRoles.has(series.role)) issues.push(`${path}.role: expected one of ${[...theoryRoles].join(', ')}`);
}

/** A checked series with only the contract's keys, as zod's object schema keeps them. */
function theorySeriesOf(raw: unknown): TheorySeries {
  const { id, label, kind, x, y, index, role } = raw as TheorySeries;
  const series: TheorySeries = { id, label, kind, x, y };
  if (index !== undefined) series.index = index;
  if (role !== undefined) series.role = role;
  return series;
}

/**
 * Every index of the array, holes too (a reply's arrays come by structured clone, which keeps a
 * sparse array's holes; zod reads a hole as undefined and refuses it, where every() and forEach()
 * pass over it).
 */
function everyItem(values: readonly unknown[], accepts: (item: unknown) => boolean): boolean {
  for (let i = 0; i < values.length; i++) if (!accepts(values[i])) return false;
  return true;
}

/** Paths such as `summary.finalLoss = NaN` or `theory[0].y[3] = Infinity`. */
function nonFiniteFields(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const { summary, theory } = raw as { summary?: unknown; theory?: unknown };
  // Paths are spelled out only where something is wrong: a theory overlay holds thousands of numbers.
  if (allFinite(summary) && allFinite(theory)) return [];
  const found: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key);
    }
  };
  visit(summary, 'summary');
  visit(theory, 'theory');
  return found;
}

function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (typeof value === 'object' && value !== null) return Object.values(value).every(allFinite);
  return true;
}
