// The `slurm` namespace of the API: submit an experiment's sweep as a Slurm array job, collect the
// results into the project, cancel, list jobs. Slurm does the scheduling; this only writes the job
// folder, calls its commands and merges the shards. Hosts with a window also collect on a timer
// while a job is live.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SlurmJobInfo, SlurmOptions } from '../../contract/slurm';
import type { ProjectStore } from '../store/project-store';
import type { RunPipeline } from '../run-pipeline';
import { ExpectedError } from '../errors';
import { collectJob } from './collect';
import { describeRepeatedPoints, repeatedPoints } from './repeated-points';
import { planFormat, splitIntoTasks, writeJobFolder, type CliCommand } from './job-folder';
import { sbatch, sbatchAvailable, scancel } from './slurm-commands';

export interface ClusterDeps {
  appVersion: string;
  store(): ProjectStore;
  /** This install's CLI, as a compute node starts it. */
  cli: CliCommand;
  /** Plans, checks and records a submission as a local start is; analyses runs that came home. */
  pipeline(): RunPipeline;
  /** Runs whose status or progress changed (the service tells its windows). */
  changed(runIds: number[]): void;
}

export const collectIntervalMs = 15_000;

export class ClusterService {
  private timer: NodeJS.Timeout | null = null;
  /** Set by watch(): a host with a window collects on its own while a job is live. */
  private watching = false;
  private collecting: Promise<{ finishedRunIds: number[]; jobs: SlurmJobInfo[] }> | null = null;

  constructor(private readonly deps: ClusterDeps) {}

  async status(): Promise<{ available: boolean; reason: string | null }> {
    if (this.deps.cli.unreachable) return { available: false, reason: this.deps.cli.unreachable };
    return sbatchAvailable();
  }

  async submit(experimentId: number, options: SlurmOptions, again = false): Promise<{ jobId: string; runIds: number[]; folder: string }> {
    if (this.deps.cli.unreachable) throw new ExpectedError(this.deps.cli.unreachable);
    const store = this.deps.store();
    const prepared = this.deps.pipeline().prepareSubmission(experimentId);
    const { spec, planned } = prepared;
    if (!again) {
      const sameFamily = new Set(store.listExperiments().filter((other) => other.family === spec.family).map((other) => other.id));
      const repeated = repeatedPoints(planned, store.listRuns().filter((run) => sameFamily.has(run.experimentId)));
      if (repeated.count > 0) {
        const message = describeRepeatedPoints(repeated, planned.length);
        // The issue names the input field that submits anyway.
        throw new ExpectedError(message, [{ path: 'again', message }]);
      }
    }
    const tasks = splitIntoTasks(planned, options.runsPerTask);
    // The runs are recorded before sbatch so the plan can name each run's project id (its
    // SADDLE_RUN_ID and artifacts folder on the node); a submission that fails removes them.
    const runIds = store.insertRuns(experimentId, tasks.flat(), 'submitted');
    let next = 0;
    const runIdsByTask = tasks.map((runs) => runs.map(() => runIds[next++]));
    let folder: string;
    let jobId: string;
    try {
      let script: string;
      ({ folder, script } = writeJobFolder({
        projectPath: store.path,
        experimentId,
        plan: { format: planFormat, appVersion: this.deps.appVersion, spec, source: prepared.source, tasks, runIds: runIdsByTask },
        options,
        cli: this.deps.cli,
      }));
      try {
        jobId = await sbatch(script, folder);
      } catch (error) {
        rmSync(folder, { recursive: true, force: true });
        throw error;
      }
    } catch (error) {
      store.deleteRuns(runIds);
      // Slurm's default MaxArraySize is 1001.
      if (error instanceof ExpectedError && tasks.length > 1000) throw new ExpectedError(`${error.message} (${tasks.length} array tasks: fewer with --runs-per-task / options.runsPerTask)`);
      throw error;
    }
    try {
      prepared.recordSource(runIds);
      const placement = runIdsByTask.flatMap((ids, taskIndex) => ids.map((runId, position) => ({ runId, taskIndex, shardRunId: position + 1 })));
      store.slurm.insertJob({ jobId, experimentId, folder, taskCount: tasks.length, options, submittedAtMs: Date.now() }, placement);
      this.deps.changed(runIds);
      if (this.watching && !this.timer) this.schedule();
      return { jobId, runIds, folder };
    } catch (error) {
      // Slurm has the job but the project could not record it: do not leave it running unseen.
      await scancel(jobId).catch(() => undefined);
      throw error;
    }
  }

  /** One collect at a time: the timer and a user's click share the one in flight. */
  collect(): Promise<{ finishedRunIds: number[]; jobs: SlurmJobInfo[] }> {
    this.collecting ??= this.collectAll().finally(() => {
      this.collecting = null;
    });
    return this.collecting;
  }

  async cancel(jobId: string | undefined): Promise<{ cancelled: string[] }> {
    const live = this.jobs().filter((job) => job.live);
    const targets = jobId === undefined ? live : live.filter((job) => job.jobId === jobId);
    if (jobId !== undefined && targets.length === 0) {
      const known = this.deps.store().slurm.getJob(jobId);
      throw new ExpectedError(known ? `job ${jobId} has ended already (${known.state})` : `no Slurm job ${jobId} in this project`);
    }
    for (const job of targets) await scancel(job.jobId);
    return { cancelled: targets.map((job) => job.jobId) };
  }

  jobs(experimentId?: number): SlurmJobInfo[] {
    const store = this.deps.store();
    return store.slurm.listJobs(experimentId).map((job) => ({
      jobId: job.jobId,
      experimentId: job.experimentId,
      folder: job.folder,
      taskCount: job.taskCount,
      state: job.state,
      live: job.endedAtMs === null,
      submittedAtMs: job.submittedAtMs,
      endedAtMs: job.endedAtMs,
      runs: store.slurm.runsOfJob(job.jobId).map(({ runId, taskIndex, taskState, taskReason }) => ({ runId, taskIndex, taskState, taskReason })),
    }));
  }

  /** Collects now and then every `collectIntervalMs` while some job of the open project is live. */
  watch(): void {
    this.stop();
    this.watching = true;
    if (this.deps.store().slurm.listJobs().some((job) => job.endedAtMs === null)) void this.tick();
  }

  stop(): void {
    this.watching = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), collectIntervalMs).unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    try {
      const { jobs } = await this.collect();
      if (this.watching && !this.timer && jobs.some((job) => job.live)) this.schedule();
    } catch (error) {
      // Reported, and tried again at the next submit or project open.
      console.error(`collecting Slurm jobs failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Stops the timer and waits for a collect in flight: the project may close after this. */
  async idle(): Promise<void> {
    this.stop();
    await this.collecting?.catch(() => undefined);
    this.stop();
  }

  private async collectAll(): Promise<{ finishedRunIds: number[]; jobs: SlurmJobInfo[] }> {
    const store = this.deps.store();
    const finishedRunIds: number[] = [];
    const touched = new Set<number>();
    for (const job of store.slurm.listJobs()) {
      const result = await collectJob(store, job, this.deps.appVersion);
      if (result.finishedRunIds.length > 0) touched.add(job.experimentId);
      finishedRunIds.push(...result.finishedRunIds);
      this.deps.changed([...result.finishedRunIds, ...result.movedRunIds]);
    }
    for (const experimentId of touched) {
      try {
        await this.deps.pipeline().analyze(experimentId);
      } catch (error) {
        // The runs are home; a failing analysis must not undo that. analyses.compute can run it again.
        console.error(`analyses of experiment ${experimentId} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { finishedRunIds, jobs: this.jobs() };
  }
}

/**
 * The CLI of this install as a compute node starts it: this Node and bin/saddle-lab.mjs. The
 * packaged app runs its own Electron binary as Node (ELECTRON_RUN_AS_NODE): the better-sqlite3 it
 * ships is built for Electron's ABI, which the cluster's `node` cannot load. Its `appRoot` is
 * app.asar.unpacked, where electron-builder.yml unpacks bin/, dist/main/ and their packages.
 */
export function cliCommandOf(
  appRoot: string,
  runtime: { electron: boolean; execPath: string; appImage?: string } = { electron: process.versions.electron !== undefined, execPath: process.execPath, appImage: process.env.APPIMAGE },
): CliCommand {
  const bin = join(appRoot, 'bin', 'saddle-lab.mjs');
  if (!runtime.electron) return { node: runtime.execPath, bin, unreachable: null };
  // An AppImage runs from a mount under /tmp that exists only on this machine, for this process.
  const unreachable = runtime.appImage
    ? `Slurm from an AppImage: its files live in a temporary mount the compute nodes cannot see. Extract it (${runtime.appImage} --appimage-extract) into a folder they mount and start Saddle Lab from there (docs/slurm.md).`
    : null;
  return { node: runtime.execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, bin, unreachable };
}
