// Runs made outside the pool (issue 24): a Python process logging through saddle_lab.init/log, or
// an import of an MLflow folder, a CSV or an offline run log. Such a run may end `crashed` (its
// process died without finish()), and each one remembers where it came from and, for a run log
// still being written, how many bytes of it are in the project.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  // SQLite cannot change a CHECK constraint in place: the runs table is rebuilt as in migration 3
  // (the runner has turned foreign keys off for the swap and checks them before committing).
  db.exec(`
    CREATE TABLE runsNew (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      experimentId INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      paramsJson TEXT NOT NULL CHECK (json_valid(paramsJson)),
      seed INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'submitted', 'running', 'done', 'failed', 'diverged', 'cancelled', 'crashed')),
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

    -- kind: 'run-log' (saddle_lab.init, read from <project>.runs/), 'mlflow', 'csv'.
    -- source: the run log's file name inside <project>.runs/, or the imported path (unique per kind).
    -- ingestedBytes: how much of a run log is in the project (the next read starts there).
    -- name: the run's name where it came from (wandb's run name, MLflow's runName, the CSV's file).
    -- writerPid / writerHost: the process that writes the log; when it is gone from this host and
    -- the log has no finish record, the run is 'crashed'.
    CREATE TABLE runOrigins (
      runId INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('run-log', 'mlflow', 'csv')),
      source TEXT NOT NULL,
      name TEXT NOT NULL,
      ingestedBytes INTEGER NOT NULL DEFAULT 0 CHECK (ingestedBytes >= 0),
      writerPid INTEGER,
      writerHost TEXT,
      importedAtMs INTEGER NOT NULL,
      UNIQUE (kind, source)
    ) STRICT;
  `);
}
