// What produced each run of a script or code family: the family's files, stored once per content
// hash (a sweep of 500 runs stores its script once), each run pointing at its copy, with the
// stderr the run kept. A project reopened months later can say exactly what ran, and whether the
// installed family still hashes the same.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE familySources (
      hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
      familyId TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('script', 'code')),
      location TEXT NOT NULL,
      storedAtMs INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE familySourceFiles (
      hash TEXT NOT NULL REFERENCES familySources(hash) ON DELETE CASCADE,
      path TEXT NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (hash, path)
    ) STRICT;
    CREATE TABLE runSources (
      runId INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
      hash TEXT NOT NULL REFERENCES familySources(hash),
      stderr TEXT
    ) STRICT;
    CREATE INDEX runSourcesByHash ON runSources(hash);
    CREATE INDEX familySourcesByFamily ON familySources(familyId, storedAtMs);
  `);
}
