// The project's record of Slurm jobs (tables slurmJobs and slurmRuns, migration 003): which
// submission holds which runs, in which array task, and what Slurm last said about each task.
import type Database from 'better-sqlite3';

export interface SlurmJobRecord {
  jobId: string;
  experimentId: number;
  /** The self-contained job folder (spec, plan, sbatch script, logs, shards). */
  folder: string;
  taskCount: number;
  options: Record<string, unknown>;
  submittedAtMs: number;
  state: string;
  endedAtMs: number | null;
}

export interface SlurmRunRecord {
  runId: number;
  jobId: string;
  taskIndex: number;
  /** The run's id inside its task's shard file. */
  shardRunId: number;
  taskState: string;
  taskReason: string | null;
}

interface JobRow extends Omit<SlurmJobRecord, 'options'> {
  optionsJson: string;
}

export class SlurmJobTable {
  constructor(private readonly db: Database.Database) {}

  insertJob(job: Omit<SlurmJobRecord, 'state' | 'endedAtMs'>, runs: readonly Omit<SlurmRunRecord, 'jobId' | 'taskState' | 'taskReason'>[]): void {
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO slurmJobs (jobId, experimentId, folder, taskCount, optionsJson, submittedAtMs, state) VALUES (?, ?, ?, ?, ?, ?, 'PENDING')`)
        .run(job.jobId, job.experimentId, job.folder, job.taskCount, JSON.stringify(job.options), Math.round(job.submittedAtMs));
      const insert = this.db.prepare('INSERT INTO slurmRuns (runId, jobId, taskIndex, shardRunId) VALUES (?, ?, ?, ?)');
      for (const run of runs) insert.run(run.runId, job.jobId, run.taskIndex, run.shardRunId);
    })();
  }

  /** Newest first; `experimentId` narrows to one experiment. */
  listJobs(experimentId?: number): SlurmJobRecord[] {
    const rows = (experimentId === undefined
      ? this.db.prepare('SELECT * FROM slurmJobs ORDER BY submittedAtMs DESC, rowid DESC').all()
      : this.db.prepare('SELECT * FROM slurmJobs WHERE experimentId = ? ORDER BY submittedAtMs DESC, rowid DESC').all(experimentId)) as JobRow[];
    return rows.map(({ optionsJson, ...row }) => ({ ...row, options: JSON.parse(optionsJson) as Record<string, unknown> }));
  }

  getJob(jobId: string): SlurmJobRecord | null {
    return this.listJobs().find((job) => job.jobId === jobId) ?? null;
  }

  runsOfJob(jobId: string): SlurmRunRecord[] {
    return this.db.prepare('SELECT * FROM slurmRuns WHERE jobId = ? ORDER BY taskIndex, shardRunId').all(jobId) as SlurmRunRecord[];
  }

  /** Writes only what changed, so a collect that learns nothing new leaves the file as it was. */
  setTaskState(jobId: string, taskIndex: number, state: string, reason: string | null): void {
    this.db
      .prepare('UPDATE slurmRuns SET taskState = ?, taskReason = ? WHERE jobId = ? AND taskIndex = ? AND (taskState IS NOT ? OR taskReason IS NOT ?)')
      .run(state, reason, jobId, taskIndex, state, reason);
  }

  setJobState(jobId: string, state: string, ended: boolean): void {
    this.db.prepare('UPDATE slurmJobs SET state = ? WHERE jobId = ? AND state IS NOT ?').run(state, jobId, state);
    if (ended) this.db.prepare('UPDATE slurmJobs SET endedAtMs = ? WHERE jobId = ? AND endedAtMs IS NULL').run(Date.now(), jobId);
  }
}
