// The runs an experiment stands for, with every parameter resolved by its family's schema. Shared
// by local starts and Slurm submissions, so both run exactly the same points.
import type { z } from 'zod';
import type { ExperimentSpec } from '../contract';
import type { FamilyDefinition } from '../../workers/family';
import { expandSweep, type PlannedRun } from '../contract/sweep';
import { ExpectedError, describeIssues, issuesFromZod } from './errors';
import { unknownParamIssues } from './param-keys';

/** The sweep's runs in expansion order; axes are validated one by one, so a combination can still break a cross-field rule. */
export function planRuns(spec: Pick<ExperimentSpec, 'params' | 'sweep' | 'seeds'>, family: FamilyDefinition): PlannedRun[] {
  return expandSweep(spec.params, spec.sweep, spec.seeds).map((p, i) => ({ ...p, params: parsePoint(family, p.params, `runs[${i}]`) }));
}

/**
 * Parameters of one planned run with the defaults filled in, so a run stands on its own months
 * later. A bad point fails as the user's error, its fields named under `prefix` (e.g. `points[1].depth`).
 */
export function parsePoint(family: { id: string; params: z.ZodType }, params: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const parsed = family.params.safeParse(params);
  const unknown = unknownParamIssues(family, params, prefix);
  if (!parsed.success || unknown.length > 0) {
    const issues = [...unknown, ...(parsed.success ? [] : issuesFromZod(parsed.error, prefix))];
    throw new ExpectedError(`invalid run parameters: ${describeIssues(issues)}`, issues);
  }
  return parsed.data as Record<string, unknown>;
}
