// Slurm jobs: a run may be 'submitted' to a cluster (it runs there and comes back on collect), and
// the project remembers each job, its folder and which array task holds which run.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  // SQLite cannot change a CHECK constraint in place: the runs table is rebuilt (the runner has
  // turned foreign keys off for the swap and checks them before committing).
  db.exec(`
    CREATE TABLE runsNew (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      experimentId INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      paramsJson TEXT NOT NULL CHECK (json_valid(paramsJson)),
      seed INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'submitted', 'running', 'done', 'failed', 'diverged', 'cancelled')),
      progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
      queuedAtMs INTEGER NOT NULL,
      startedAtMs INTEGER,
      finishedAtMs INTEGER,
      error TEXT,
      device TEXT,
      appVersion TEXT NOT NULL,
      tagsJson TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tagsJson)),
      notes TEXT NOT NULL DEFAULT '',
      summaryJson TEXT CHECK (summaryJson IS NULL OR json_valid(summaryJson)),
      theoryJson TEXT CHECK (theoryJson IS NULL OR json_valid(theoryJson))
    ) STRICT;
    INSERT INTO runsNew SELECT id, experimentId, paramsJson, seed, status, progress, queuedAtMs, startedAtMs, finishedAtMs,
      error, device, appVersion, tagsJson, notes, summaryJson, theoryJson FROM runs;
    DROP TABLE runs;
    ALTER TABLE runsNew RENAME TO runs;
    CREATE INDEX runsByExperiment ON runs(experimentId);

    -- One row per sbatch submission. state: the job's Slurm state as last collected (PENDING,
    -- RUNNING, COMPLETED, ...; array tasks that ended differently are joined, e.g. COMPLETED+CANCELLED).
    -- endedAtMs: when a collect first saw every array task ended.
    CREATE TABLE slurmJobs (
      jobId TEXT PRIMARY KEY,
      experimentId INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      folder TEXT NOT NULL,
      taskCount INTEGER NOT NULL CHECK (taskCount > 0),
      optionsJson TEXT NOT NULL CHECK (json_valid(optionsJson)),
      submittedAtMs INTEGER NOT NULL,
      state TEXT NOT NULL,
      endedAtMs INTEGER
    ) STRICT;
    CREATE INDEX slurmJobsByExperiment ON slurmJobs(experimentId);

    -- Which array task runs which run; shardRunId is the run's id inside the task's shard file.
    -- taskState/taskReason: Slurm's word for that array task as last collected.
    CREATE TABLE slurmRuns (
      runId INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
      jobId TEXT NOT NULL REFERENCES slurmJobs(jobId) ON DELETE CASCADE,
      taskIndex INTEGER NOT NULL CHECK (taskIndex >= 0),
      shardRunId INTEGER NOT NULL,
      taskState TEXT NOT NULL DEFAULT 'PENDING',
      taskReason TEXT
    ) STRICT;
    CREATE INDEX slurmRunsByJob ON slurmRuns(jobId, taskIndex);
  `);
}
