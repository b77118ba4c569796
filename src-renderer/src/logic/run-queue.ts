// Which runs the queue lists: the project's runs in progress (here or on Slurm) and the current
// experiment's failed, diverged and crashed runs, running first. A 1000-run sweep queued at once is listed
// up to a cap: each listed run is a row that every status change may redraw, and a sidebar of
// a thousand rows tells the researcher no more than "and 950 more queued".
import type { Run, RunStatus } from '../../../src-main/contract/api';
import { isActive } from './live-batch';

/** Rows the queue draws at most; the rest are counted. */
export const maxQueueRows = 50;

const order: Partial<Record<RunStatus, number>> = { running: 0, queued: 1, submitted: 1, failed: 2, diverged: 2, crashed: 2 };

export interface QueueRows {
  /** Listed, in order: running, then queued or on Slurm, then failed or diverged; by id within each. */
  readonly rows: readonly Run[];
  /** Runs that belong in the queue but are not listed, by status. */
  readonly more: Readonly<Partial<Record<RunStatus, number>>>;
}

export function queueRows(runs: readonly Run[], currentExperimentId: number | null, cap = maxQueueRows): QueueRows {
  const queued = runs
    .filter((run) => isActive(run) || run.status === 'submitted' || (run.experimentId === currentExperimentId && (run.status === 'failed' || run.status === 'diverged' || run.status === 'crashed')))
    .sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3) || a.id - b.id);
  const more: Partial<Record<RunStatus, number>> = {};
  for (const run of queued.slice(cap)) more[run.status] = (more[run.status] ?? 0) + 1;
  return { rows: queued.slice(0, cap), more };
}
