// Points of a new Slurm submission that the project has runs for already: resubmitting a spec from
// the CLI, or pressing Submit twice, would otherwise run them again without a word.
import type { Run } from '../../contract';
import type { PlannedRun } from '../../contract/sweep';

export interface RepeatedPoints {
  /** Planned runs whose parameters and seed an existing run has. */
  count: number;
  experimentIds: number[];
}

/** Failed and cancelled runs stand for nothing: submitting their points again is the way to redo them. */
const standsForItsPoint = new Set<Run['status']>(['queued', 'submitted', 'running', 'done', 'diverged']);

/** JSON with object keys sorted, so equal parameters give equal text whatever their order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `existing`: the project's runs of the same family (parameters resolved, as planned runs are). */
export function repeatedPoints(planned: readonly PlannedRun[], existing: readonly Pick<Run, 'experimentId' | 'params' | 'seed' | 'status'>[]): RepeatedPoints {
  const owners = new Map<string, number>();
  for (const run of existing) if (standsForItsPoint.has(run.status)) owners.set(`${canonical(run.params)}#${run.seed}`, run.experimentId);
  const experimentIds = new Set<number>();
  let count = 0;
  for (const run of planned) {
    const owner = owners.get(`${canonical(run.params)}#${run.seed}`);
    if (owner === undefined) continue;
    count++;
    experimentIds.add(owner);
  }
  return { count, experimentIds: [...experimentIds].sort((a, b) => a - b) };
}

export function describeRepeatedPoints(repeated: RepeatedPoints, plannedCount: number): string {
  const experiments = repeated.experimentIds.length === 1 ? `experiment ${repeated.experimentIds[0]}` : `experiments ${repeated.experimentIds.join(', ')}`;
  return `${repeated.count} of ${plannedCount} runs repeat points (parameters and seed) that already have runs in this project (${experiments})`;
}
