// One Slurm array task: runs its share of the plan on the same piscina Scheduler and pool worker
// as a local run, and stores everything in its own shard (a project-format file with one writer:
// this process). Progress goes to a small JSON file that a login node can read while the task runs
// (SQLite's WAL must not be read across hosts while it is being written).
import { ProjectStore } from '../store/project-store';
import { removeWithJournals } from '../store/project-file';
import { RunPipeline } from '../run-pipeline';
import { ExpectedError } from '../errors';
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
  const projectRunIds = plan.runIds[task];
  if (!runs || !projectRunIds) throw new ExpectedError(`--task ${task} is not in this job (it has tasks 0–${plan.tasks.length - 1})`);
  const shardPath = jobFiles.shard(folder, task);
  // A requeued task starts over: one attempt, one shard.
  removeWithJournals(shardPath);
  const store = ProjectStore.create(shardPath, input.appVersion);
  const experiment = store.insertExperiment(plan.spec);
  const progress: TaskProgress = { runs: {}, updatedAtMs: Date.now() };
  let lastWriteMs = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!force && now - lastWriteMs < progressIntervalMs) return;
    lastWriteMs = now;
    progress.updatedAtMs = now;
    writeProgress(folder, task, progress);
  };

  // The runs go through the same pipeline as local ones; the family comes from the plan, checked
  // (trust, hash) when the job was submitted, and no family folder of this node is scanned.
  const pipeline = new RunPipeline({
    workerFile: input.workerFile,
    poolSize: input.poolSize,
    registry: null,
    store: () => store,
    analyzeWhenDone: false,
    listener: {
      status: ({ runId, status, progress: fraction }) => {
        const before = progress.runs[runId]?.progress ?? 0;
        progress.runs[runId] = { status, progress: status === 'done' ? 1 : status === 'running' ? fraction : before };
        if (status !== 'queued') report(status !== 'running' || fraction === 0);
      },
    },
  });
  // scancel and the time limit send SIGTERM first: stop the runs cleanly so the shard keeps every
  // run that did finish (Slurm's SIGKILL follows after KillWait).
  const stop = () => pipeline.cancel(undefined, undefined);
  process.once('SIGTERM', stop);
  try {
    // Each run's kept files go to the job folder under its project id; collect copies them home.
    const kept = projectRunIds.map((projectRunId) => ({ projectRunId, artifactsDir: jobFiles.artifacts(folder, projectRunId) }));
    const finished = pipeline.runPlanned(experiment.id, plan.spec.family, plan.source, runs, kept);
    report(true);
    await finished;
    // A shard that could not be written (the node's disk full) ends the task naming it; collect
    // then reports its runs as not finished.
    const writeFailure = pipeline.writeFailure;
    if (writeFailure) throw writeFailure;
  } finally {
    process.off('SIGTERM', stop);
    await pipeline.closeProject();
    report(true);
    await pipeline.close();
    store.close();
  }
}
