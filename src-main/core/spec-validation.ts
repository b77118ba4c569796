// Validates an experiment spec against the contract and its family's parameter schema, and names
// every bad field by its path in the spec (e.g. `params.depth`, `sweep.initScale[3]`). The families
// are those of the caller's registry: a family another service loaded is unknown here.
import { experimentSpec, type ExperimentSpec, type FieldIssue } from '../contract';
import type { FamilyDefinition } from '../../workers/family';
import { axisValues, countRuns, maxRunsPerExperiment } from '../contract/sweep';
import { ExpectedError, describeIssues, issuesFromZod } from './errors';
import { paramNames, unknownParamIssues } from './param-keys';

export interface SpecValidation {
  ok: boolean;
  runCount: number;
  issues: FieldIssue[];
  spec?: ExperimentSpec;
}

export function validateSpec(raw: unknown, families: readonly FamilyDefinition[]): SpecValidation {
  const parsed = experimentSpec.safeParse(raw);
  if (!parsed.success) return { ok: false, runCount: 0, issues: issuesFromZod(parsed.error) };
  const spec = parsed.data;
  const family = families.find((f) => f.id === spec.family);
  if (!family) {
    const known = families.map((f) => f.id).join(', ');
    return { ok: false, runCount: 0, issues: [{ path: 'family', message: `unknown family "${spec.family}" (known: ${known})` }] };
  }
  const issues: FieldIssue[] = unknownParamIssues(family, spec.params, 'params');
  const base = family.params.safeParse(spec.params);
  if (!base.success) issues.push(...issuesFromZod(base.error, 'params'));
  const known = paramNames(family.params);
  for (const [key, axis] of Object.entries(spec.sweep)) {
    if (known && !known.has(key)) {
      issues.push({ path: `sweep.${key}`, message: `"${key}" is not a parameter of ${family.id}` });
      continue;
    }
    axisValues(axis).forEach((value, i) => {
      const point = family.params.safeParse({ ...spec.params, [key]: value });
      if (point.success) return;
      for (const issue of issuesFromZod(point.error)) {
        const path = issue.path === key || issue.path.startsWith(`${key}.`) || issue.path.startsWith(`${key}[`)
          ? `sweep.${key}[${i}]${issue.path.slice(key.length)}`
          : `params.${issue.path}`;
        if (!issues.some((seen) => seen.path === path)) issues.push({ path, message: issue.message });
      }
    });
  }
  const runCount = countRuns(spec.sweep, spec.seeds);
  if (runCount > maxRunsPerExperiment) {
    issues.push({ path: 'sweep', message: `${runCount} runs is more than the limit of ${maxRunsPerExperiment}` });
  }
  return { ok: issues.length === 0, runCount, issues, spec };
}

export function requireValidSpec(raw: unknown, families: readonly FamilyDefinition[]): ExperimentSpec {
  const result = validateSpec(raw, families);
  if (!result.ok || !result.spec) {
    throw new ExpectedError(`invalid experiment: ${describeIssues(result.issues)}`, result.issues);
  }
  return result.spec;
}
