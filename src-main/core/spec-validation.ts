// Validates an experiment spec against the contract and its family's parameter schema, and names
// every bad field by its path in the spec (e.g. `params.depth`, `sweep.initScale[3]`). The families
// are those of the caller's registry: a family another service loaded is unknown here.
import { loggedFamilyId } from './run-logs';
import { experimentSpec, isPlainObject, type ExperimentSpec, type FieldIssue } from '../contract';
import type { FamilyDefinition } from '../../workers/family';
import { axisValues, countRuns, maxRunsPerExperiment } from '../contract/sweep';
import { ExpectedError, describeIssues, issuesFromZod } from './errors';
import { paramNames, unknownParamIssues } from './param-keys';
import { prototypeKeyIssues } from './prototype-keys';

export interface SpecValidation {
  ok: boolean;
  runCount: number;
  issues: FieldIssue[];
  spec?: ExperimentSpec;
}

/** A refusal names this many fields at most: one issue per bad value of a 10⁵-value sweep helps no one. */
const maxIssues = 20;

/**
 * The last sweep whose every value was checked against its family, and what the check found. The
 * CLI validates a spec, creates the experiment from it and starts it (the stored copy checked once
 * more): three passes over every value of the sweep, each a parse of the family's schema (0.05 ms a
 * value on a cold host, a third of a short run's host CPU), where the first one decides. Keyed by the
 * family's definition and the base params and sweep as JSON; its owner (RunPipeline) keeps one.
 */
export class SweepCheckMemo {
  private last: { family: FamilyDefinition; key: string; issues: FieldIssue[] } | null = null;

  issues(family: FamilyDefinition, params: Record<string, unknown>, sweep: ExperimentSpec['sweep'], check: () => FieldIssue[]): FieldIssue[] {
    const compared = [params, sweep];
    // A key only where JSON text tells the values apart (not NaN from null, nor -0 from 0).
    if (!isJsonFaithful(compared)) return check();
    const key = JSON.stringify(compared);
    if (this.last?.family !== family || this.last.key !== key) this.last = { family, key, issues: check() };
    // A copy: what a caller does with its verdict never reaches the next caller's.
    return [...this.last.issues];
  }
}

/** Nesting deeper than this is never keyed (it is checked without the memo): the walk and JSON.stringify recurse. */
const maxKeyedDepth = 64;

/** Plain objects, arrays, strings, booleans, null and finite numbers other than -0: what JSON text keeps exactly. */
function isJsonFaithful(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (depth >= maxKeyedDepth) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isJsonFaithful(value[i], depth + 1)) return false;
    return true;
  }
  return isPlainObject(value) && Object.values(value).every((item) => isJsonFaithful(item, depth + 1));
}

export function validateSpec(raw: unknown, families: readonly FamilyDefinition[], memo?: SweepCheckMemo): SpecValidation {
  // A request's spec was checked by dispatch already; an experiment read back from a project file to be
  // planned passed no request, and this is its only check (test/integration/stored-spec-keys.test.ts).
  const reserved = prototypeKeyIssues(raw);
  if (reserved.length > 0) return { ok: false, runCount: 0, issues: reserved };
  const parsed = experimentSpec.safeParse(raw);
  // A spec that is no object at all is named as the whole spec.
  if (!parsed.success) return { ok: false, runCount: 0, issues: capped(issuesFromZod(parsed.error).map((issue) => (issue.path ? issue : { ...issue, path: '(spec)' }))) };
  const spec = parsed.data;
  const family = families.find((f) => f.id === spec.family);
  if (!family && spec.family === loggedFamilyId) {
    return { ok: false, runCount: 0, issues: [{ path: 'family', message: 'the runs of a "logged" experiment come from outside (saddle_lab.init or an import, docs/logging.md): nothing here runs them' }] };
  }
  if (!family) {
    const known = families.map((f) => f.id).join(', ');
    return { ok: false, runCount: 0, issues: [{ path: 'family', message: `unknown family "${spec.family}" (known: ${known})` }] };
  }
  // The count first: it bounds the work of checking every value of every axis below.
  const runCount = countRuns(spec.sweep, spec.seeds);
  if (runCount > maxRunsPerExperiment) {
    return { ok: false, runCount, issues: [{ path: 'sweep', message: `${runCount} runs is more than the limit of ${maxRunsPerExperiment}` }] };
  }
  const check = () => paramIssues(family, spec);
  const issues = memo ? memo.issues(family, spec.params, spec.sweep, check) : check();
  return { ok: issues.length === 0, runCount, issues, spec };
}

/** The base params and every value of every sweep axis against the family's schema, each bad field named by its path in the spec. */
function paramIssues(family: FamilyDefinition, spec: ExperimentSpec): FieldIssue[] {
  const issues = new IssueList();
  issues.add(...unknownParamIssues(family, spec.params, 'params'));
  const base = family.params.safeParse(spec.params);
  if (!base.success) issues.add(...issuesFromZod(base.error, 'params'));
  const known = paramNames(family.params);
  for (const [key, axis] of Object.entries(spec.sweep)) {
    if (issues.full) break;
    if (known && !known.has(key)) {
      issues.add({ path: `sweep.${key}`, message: `"${key}" is not a parameter of ${family.id}` });
      continue;
    }
    const values = axisValues(axis);
    for (let i = 0; i < values.length && !issues.full; i++) {
      const point = family.params.safeParse({ ...spec.params, [key]: values[i] });
      if (point.success) continue;
      for (const issue of issuesFromZod(point.error)) {
        const path = issue.path === key || issue.path.startsWith(`${key}.`) || issue.path.startsWith(`${key}[`)
          ? `sweep.${key}[${i}]${issue.path.slice(key.length)}`
          : `params.${issue.path}`;
        issues.add({ path, message: issue.message });
      }
    }
  }
  return issues.list;
}

/** Issues without repeats (a bad base param fails every sweep point alike), at most maxIssues and a last one saying so. */
class IssueList {
  readonly list: FieldIssue[] = [];
  private readonly seen = new Set<string>();

  get full(): boolean {
    return this.list.length > maxIssues;
  }

  add(...issues: FieldIssue[]): void {
    for (const issue of issues) {
      if (this.full) return;
      const key = `${issue.path}\n${issue.message}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.list.push(this.list.length < maxIssues ? issue : { path: issue.path, message: `${issue.message} (further problems are not listed)` });
    }
  }
}

function capped(issues: FieldIssue[]): FieldIssue[] {
  const list = new IssueList();
  list.add(...issues);
  return list.list;
}

export function requireValidSpec(raw: unknown, families: readonly FamilyDefinition[], memo?: SweepCheckMemo): ExperimentSpec {
  const result = validateSpec(raw, families, memo);
  if (!result.ok || !result.spec) {
    throw new ExpectedError(`invalid experiment: ${describeIssues(result.issues)}`, result.issues);
  }
  return result.spec;
}
