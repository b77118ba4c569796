// Brings a Slurm job's results home: for every array task that has ended, its shard's runs (all
// series, summary, theory, device, timings) go into the project; runs a task never finished are
// marked with Slurm's state and reason; live tasks report progress from their progress files.
// Only runs still 'submitted' are touched, so collecting again changes nothing.
import { existsSync } from 'node:fs';
import type { Run } from '../../contract';
import { ProjectStore, type FinishedStatus } from '../store/project-store';
import type { SlurmJobRecord, SlurmRunRecord } from '../store/slurm-jobs';
import { isEnded, readTaskStates, type TaskState } from './slurm-commands';
import { jobFiles, readProgress, readStopNotice } from './job-folder';
import { copyRunArtifacts, runArtifactsDir } from '../artifacts';

export interface JobCollect {
  /** Runs that got their final status in this collect. */
  finishedRunIds: number[];
  /** Runs still out whose progress or array task state (PENDING → RUNNING …) moved: a window redraws them. */
  movedRunIds: number[];
}

/** A task Slurm has forgotten (no accounting, older than MinJobAge) has ended, one way or another. */
const forgotten: TaskState = { state: 'UNKNOWN', reason: 'Slurm no longer knows this task (no accounting, and older than MinJobAge)' };
const resultStatuses: readonly string[] = ['done', 'diverged', 'failed'];

export async function collectJob(store: ProjectStore, job: SlurmJobRecord, appVersion: string): Promise<JobCollect> {
  const result: JobCollect = { finishedRunIds: [], movedRunIds: [] };
  const records = store.slurm.runsOfJob(job.jobId);
  const waiting = records.filter((r) => store.getRun(r.runId).status === 'submitted');
  if (waiting.length === 0 && job.endedAtMs !== null) return result;

  const states = await readTaskStates(job.jobId);
  const stateOf = (task: number): TaskState => states.get(task) ?? (states.size === 0 ? forgotten : { state: 'PENDING', reason: null });
  const stateBefore = new Map(records.map((r) => [r.taskIndex, r.taskState]));
  for (let task = 0; task < job.taskCount; task++) {
    const { state, reason } = stateOf(task);
    store.slurm.setTaskState(job.jobId, task, state, reason);
  }
  const taskMoved = new Set(waiting.filter((r) => stateBefore.get(r.taskIndex) !== stateOf(r.taskIndex).state).map((r) => r.runId));

  const byTask = new Map<number, SlurmRunRecord[]>();
  for (const r of waiting) byTask.set(r.taskIndex, [...(byTask.get(r.taskIndex) ?? []), r]);
  for (const [task, runs] of byTask) {
    const slurmState = stateOf(task);
    if (isEnded(slurmState.state) || slurmState === forgotten) {
      collectEndedTask(store, job, task, runs, slurmState, appVersion);
      result.finishedRunIds.push(...runs.map((r) => r.runId));
    } else {
      const progressed = new Set(applyProgress(store, job, task, runs));
      result.movedRunIds.push(...runs.filter((r) => progressed.has(r.runId) || taskMoved.has(r.runId)).map((r) => r.runId));
    }
  }
  const taskStates = Array.from({ length: job.taskCount }, (_, task) => stateOf(task).state);
  const ended = taskStates.every((s) => isEnded(s) || s === forgotten.state);
  store.slurm.setJobState(job.jobId, summarizeStates(taskStates), ended);
  return result;
}

/** One word for a job: the live state while any task may run, else every way its tasks ended. */
export function summarizeStates(taskStates: readonly string[]): string {
  const live = taskStates.filter((s) => !isEnded(s) && s !== forgotten.state);
  if (live.length > 0) return live.includes('RUNNING') ? 'RUNNING' : live[0];
  const distinct = [...new Set(taskStates)].sort((a, b) => (a === 'COMPLETED' ? -1 : b === 'COMPLETED' ? 1 : a.localeCompare(b)));
  return distinct.join('+');
}

/**
 * Brings home the runs of an array task that has ended. A shard that cannot be read (damaged,
 * foreign, not matching the plan) fails only this task's runs, with a message naming it; the other
 * tasks are collected as usual. Each run's kept files (the job folder's artifacts/run-<id>/) are
 * copied into the project's, whatever became of the shard.
 */
export function collectEndedTask(store: ProjectStore, job: SlurmJobRecord, task: number, runs: SlurmRunRecord[], slurmState: TaskState, appVersion: string): void {
  try {
    importTask(store, job, task, runs, slurmState, appVersion);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const shardPath = jobFiles.shard(job.folder, task);
    for (const record of runs) {
      if (store.getRun(record.runId).status !== 'submitted') continue;
      store.finishRun(record.runId, {
        status: 'failed',
        error: `the shard of array task ${task} of Slurm job ${job.jobId} (${shardPath}) could not be read: ${reason}; the other tasks' runs were collected`,
        summary: null,
        theory: null,
        finishedAtMs: Date.now(),
      });
    }
  }
  for (const record of runs) bringArtifactsHome(store, job, record.runId);
}

/** A file that could not be copied is named in the run's stderr (runs.source) where it has one; it fails nothing. */
function bringArtifactsHome(store: ProjectStore, job: SlurmJobRecord, runId: number): void {
  const problems = copyRunArtifacts(jobFiles.artifacts(job.folder, runId), runArtifactsDir(store.path, runId));
  const source = problems.length > 0 ? store.familySources.forRun(runId) : null;
  if (source) store.familySources.setStderr(runId, `${source.stderr ?? ''}\n[saddle-lab collect] artifacts left on the cluster side:\n${problems.join('\n')}\n`);
}

function importTask(store: ProjectStore, job: SlurmJobRecord, task: number, runs: SlurmRunRecord[], slurmState: TaskState, appVersion: string): void {
  const shardPath = jobFiles.shard(job.folder, task);
  // The task has ended, so nothing writes the shard any more. Read-only: a read-only connection
  // still sees a killed task's last committed transaction (its -wal), and needs no lock, which a
  // task killed on its node leaves behind (a lock this machine cannot check).
  const shard = existsSync(shardPath) ? ProjectStore.open(shardPath, appVersion, { readOnly: true }) : null;
  try {
    for (const record of runs) {
      const target = store.getRun(record.runId);
      const source = shard ? findShardRun(shard, record.shardRunId, target) : null;
      const finished = source !== null && resultStatuses.includes(source.status);
      store.importRun(record.runId, {
        startedAtMs: source?.startedAtMs ?? null,
        device: source?.device ?? null,
        // A run the task did not finish keeps what it wrote, as a cancelled local run does.
        series: source && shard ? shard.readSeries(source.id) : [],
        outcome: finished
          ? { status: source.status as FinishedStatus, error: source.error, summary: source.summary, theory: shard!.getTheory(source.id), finishedAtMs: source.finishedAtMs ?? Date.now() }
          : { status: unfinishedStatus(slurmState.state), error: describeUnfinished(slurmState, job, task, source?.startedAtMs != null), summary: null, theory: source && shard ? shard.getTheory(source.id) : null, finishedAtMs: Date.now() },
      });
      // A script's stderr, kept with the run as a local run keeps it (runs.source).
      const stderr = source && shard ? shard.familySources.forRun(source.id)?.stderr : null;
      if (stderr) store.familySources.setStderr(record.runId, stderr);
    }
  } finally {
    shard?.close();
  }
}

/** The shard's run, checked against the project's: the plan and the shard must agree on params and seed. */
function findShardRun(shard: ProjectStore, shardRunId: number, target: Run): Run | null {
  const source = shard.listRuns().find((r) => r.id === shardRunId) ?? null;
  if (source && (source.seed !== target.seed || JSON.stringify(source.params) !== JSON.stringify(target.params))) {
    throw new Error(`shard run ${shardRunId} (${shard.path}) does not match project run ${target.id}: the job folder was changed`);
  }
  return source;
}

function unfinishedStatus(slurmState: string): FinishedStatus {
  return slurmState === 'CANCELLED' || slurmState === 'PREEMPTED' ? 'cancelled' : 'failed';
}

function describeUnfinished(slurmState: TaskState, job: SlurmJobRecord, task: number, started: boolean): string {
  const what = slurmState.state === 'COMPLETED'
    ? `the Slurm task ended (COMPLETED) without this run's result`
    : `Slurm ${slurmState.state}${slurmState.reason ? ` (${slurmState.reason})` : ''}`;
  const shard = jobFiles.shard(job.folder, task);
  const where = existsSync(shard) ? `log: ${jobFiles.log(job.folder, task)}` : `no shard at ${shard}`;
  const notice = readStopNotice(job.folder, task);
  return `${what}: job ${job.jobId}, array task ${task}${started ? '' : ', before the run started'}${notice ? ` (slurmstepd: ${notice})` : ''}; ${where}`;
}

function applyProgress(store: ProjectStore, job: SlurmJobRecord, task: number, runs: SlurmRunRecord[]): number[] {
  const progress = readProgress(job.folder, task);
  if (!progress) return [];
  const moved: number[] = [];
  for (const record of runs) {
    const live = progress.runs[String(record.shardRunId)];
    if (!live || live.progress === store.getRun(record.runId).progress) continue;
    store.setRunProgress(record.runId, live.progress);
    moved.push(record.runId);
  }
  return moved;
}
