// The first schema. Tables are STRICT and units are in the column names, so a Python user reading
// the file needs no other documentation than docs/project-file.md.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    -- Project-wide facts: createdAtMs (INTEGER), appVersion (TEXT, the app that created the file), name (TEXT).
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value ANY NOT NULL
    ) STRICT;

    -- AUTOINCREMENT so a deleted id is never handed out again (exports and caches refer to ids).
    CREATE TABLE experiments (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      family TEXT NOT NULL,
      paramsJson TEXT NOT NULL CHECK (json_valid(paramsJson)),
      sweepJson TEXT NOT NULL CHECK (json_valid(sweepJson)),
      seedsJson TEXT NOT NULL CHECK (json_valid(seedsJson)),
      notes TEXT NOT NULL DEFAULT '',
      tagsJson TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tagsJson)),
      createdAtMs INTEGER NOT NULL,
      updatedAtMs INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      experimentId INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      paramsJson TEXT NOT NULL CHECK (json_valid(paramsJson)),
      seed INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'diverged', 'cancelled')),
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
    CREATE INDEX runsByExperiment ON runs(experimentId);

    -- x and y are little-endian float64 arrays of pointCount values each.
    -- A rowid table on purpose: WITHOUT ROWID suits small rows, these rows are mostly blob.
    CREATE TABLE series (
      runId INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      metric TEXT NOT NULL,
      chunkIndex INTEGER NOT NULL CHECK (chunkIndex >= 0),
      pointCount INTEGER NOT NULL CHECK (pointCount >= 0),
      x BLOB NOT NULL CHECK (length(x) = 8 * pointCount),
      y BLOB NOT NULL CHECK (length(y) = 8 * pointCount),
      PRIMARY KEY (runId, metric, chunkIndex)
    ) STRICT;

    -- runs.summaryJson flattened for SQL: numbers and nulls; an array summary becomes key[0], key[1], ...
    CREATE TABLE summaries (
      runId INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value REAL,
      PRIMARY KEY (runId, key)
    ) STRICT;
    CREATE INDEX summariesByKey ON summaries(key, value);

    CREATE TABLE analyses (
      experimentId INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      analysisId TEXT NOT NULL,
      computedAtMs INTEGER NOT NULL,
      resultJson TEXT NOT NULL CHECK (json_valid(resultJson)),
      PRIMARY KEY (experimentId, analysisId)
    ) STRICT;

    CREATE TABLE dashboards (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      experimentId INTEGER REFERENCES experiments(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      layoutJson TEXT NOT NULL CHECK (json_valid(layoutJson)),
      updatedAtMs INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX dashboardsByExperiment ON dashboards(experimentId);
  `);
}
