// The project's copies of script and code families (tables familySources, familySourceFiles and
// runSources, migration 004): one copy per content hash, each run pointing at the one it ran.
import type Database from 'better-sqlite3';

export interface StoredFamilySource {
  hash: string;
  familyId: string;
  kind: 'script' | 'code';
  /** Where the family was installed when it ran. */
  location: string;
  storedAtMs: number;
}

export interface RunSourceRecord extends StoredFamilySource {
  runId: number;
  files: { path: string; bytes: number }[];
  stderr: string | null;
}

export class FamilySourceTable {
  constructor(private readonly db: Database.Database) {}

  /** Stores the copy unless this hash is stored already, and points the runs at it. */
  record(source: Omit<StoredFamilySource, 'storedAtMs'> & { files: readonly { path: string; data: Buffer }[] }, runIds: readonly number[]): void {
    this.db.transaction(() => {
      const inserted = this.db
        .prepare('INSERT OR IGNORE INTO familySources (hash, familyId, kind, location, storedAtMs) VALUES (?, ?, ?, ?, ?)')
        .run(source.hash, source.familyId, source.kind, source.location, Date.now());
      if (inserted.changes > 0) {
        const file = this.db.prepare('INSERT INTO familySourceFiles (hash, path, data) VALUES (?, ?, ?)');
        for (const f of source.files) file.run(source.hash, f.path, f.data);
      }
      const run = this.db.prepare('INSERT OR REPLACE INTO runSources (runId, hash) VALUES (?, ?)');
      for (const runId of runIds) run.run(runId, source.hash);
    })();
  }

  setStderr(runId: number, stderr: string): void {
    this.db.prepare('UPDATE runSources SET stderr = ? WHERE runId = ?').run(stderr, runId);
  }

  forRun(runId: number): RunSourceRecord | null {
    const row = this.db
      .prepare('SELECT r.runId, r.stderr, s.hash, s.familyId, s.kind, s.location, s.storedAtMs FROM runSources r JOIN familySources s ON s.hash = r.hash WHERE r.runId = ?')
      .get(runId) as Omit<RunSourceRecord, 'files'> | undefined;
    if (!row) return null;
    const files = this.db.prepare('SELECT path, length(data) AS bytes FROM familySourceFiles WHERE hash = ? ORDER BY path').all(row.hash) as { path: string; bytes: number }[];
    return { ...row, files };
  }

  /** For each family the project's runs used, the copy its latest run ran. */
  latestPerFamily(): StoredFamilySource[] {
    return this.db
      .prepare(
        `SELECT s.hash, s.familyId, s.kind, s.location, s.storedAtMs FROM familySources s JOIN runSources r ON r.hash = s.hash
         WHERE r.runId = (SELECT max(r2.runId) FROM runSources r2 JOIN familySources s2 ON s2.hash = r2.hash WHERE s2.familyId = s.familyId)
         ORDER BY s.familyId`,
      )
      .all() as StoredFamilySource[];
  }

  files(hash: string): { path: string; data: Buffer }[] {
    return this.db.prepare('SELECT path, data FROM familySourceFiles WHERE hash = ? ORDER BY path').all(hash) as { path: string; data: Buffer }[];
  }
}
