// One Slurm array task: runs its share of the plan on the same piscina Scheduler and pool worker
// as a local run, and stores everything in its own shard (a project-format file with one writer:
// this process). Progress goes to a small JSON file that a login node can read while the task runs
// (SQLite's WAL must not be read across hosts while it is being written).
import { rmSync } from 'node:fs';
import { ProjectStore } from '../store/project-store';
import { Scheduler } from '../scheduler';
import { RunWriter } from '../chunk-writer';
import { ExpectedError } from '../errors';
import { describeDevice } from '../device-label';
import { jobFiles, readPlan, writeProgress, type TaskProgress } from './job-folder';

export interface SlurmTaskInput {
  folder: string;
  task: number;
  workerFile: string;
  appVersion: string;
  /** Threads for this task's runs: the CPUs Slurm gave it. */
  poolSize: number;
}

const progressIntervalMs = 1000;

/** Resolves once every run of the task has ended and the shard is closed. */
export async function runSlurmTask(input: SlurmTaskInput): Promise<void> {
  const { folder, task } = input;
  const plan = readPlan(folder);
  const runs = plan.tasks[task];
  if (!runs) throw new ExpectedError(`--task ${task} is not in this job (it has tasks 0–${plan.tasks.length - 1})`);
  const shardPath = jobFiles.shard(folder, task);
  // A requeued task starts over: one attempt, one shard.
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${shardPath}${suffix}`, { force: true });
  const store = ProjectStore.create(shardPath, input.appVersion);
  const experiment = store.insertExperiment(plan.spec);
  const runIds = store.insertRuns(experiment.id, runs);
  const progress: TaskProgress = { runs: Object.fromEntries(runIds.map((id) => [id, { status: 'queued', progress: 0 }])), updatedAtMs: Date.now() };
  let lastWriteMs = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!force && now - lastWriteMs < progressIntervalMs) return;
    lastWriteMs = now;
    progress.updatedAtMs = now;
    writeProgress(folder, task, progress);
  };
  report(true);

  const writer = new RunWriter(() => store);
  const scheduler = new Scheduler(
    { workerFile: input.workerFile, poolSize: input.poolSize },
    {
      onStarted: (runId, atMs) => {
        writer.started(runId, atMs); // the device is recorded when the worker reports it
        progress.runs[runId] = { status: 'running', progress: 0 };
        report(true);
      },
      onChunk: (chunk) => writer.chunk(chunk),
      onProgress: (runId, fraction) => {
        progress.runs[runId] = { status: 'running', progress: fraction };
        report();
      },
      onDevice: (runId, used) => writer.device(runId, describeDevice(used)),
      onFinished: (runId, outcome) => {
        writer.finished(runId, { status: outcome.status, error: outcome.status === 'done' ? null : outcome.error, summary: outcome.summary, theory: outcome.theory, finishedAtMs: Date.now() });
        progress.runs[runId] = { status: outcome.status, progress: outcome.status === 'done' ? 1 : progress.runs[runId].progress };
        report(true);
      },
    },
  );
  // scancel and the time limit send SIGTERM first: stop the runs cleanly so the shard keeps every
  // run that did finish (Slurm's SIGKILL follows after KillWait).
  const stop = () => scheduler.cancel(runIds);
  process.once('SIGTERM', stop);
  try {
    await Promise.all(runIds.map((runId, i) => scheduler.submit({ runId, family: plan.spec.family, source: plan.source ?? undefined, params: runs[i].params, seed: runs[i].seed })));
  } finally {
    process.off('SIGTERM', stop);
    writer.flush();
    report(true);
    await scheduler.close();
    store.close();
  }
}
