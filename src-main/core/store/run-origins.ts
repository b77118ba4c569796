// Where each run made outside the pool came from (table runOrigins, migration 005): a run log
// beside the project (and how much of it is in), an imported MLflow run or CSV file.
import type Database from 'better-sqlite3';
import type { RunOriginKind } from '../../contract';

export interface RunOrigin {
  runId: number;
  kind: RunOriginKind;
  /** A run log's file name in <project>.runs/, or the imported path. */
  source: string;
  /** The run's name where it came from (wandb's run name, MLflow's runName, the CSV file's name). */
  name: string;
  ingestedBytes: number;
  writerPid: number | null;
  writerHost: string | null;
  importedAtMs: number;
}

export class RunOriginTable {
  constructor(private readonly db: Database.Database) {}

  record(origin: Omit<RunOrigin, 'importedAtMs' | 'ingestedBytes'>): void {
    this.db
      .prepare('INSERT INTO runOrigins (runId, kind, source, name, writerPid, writerHost, importedAtMs) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(origin.runId, origin.kind, origin.source, origin.name, origin.writerPid, origin.writerHost, Date.now());
  }

  bySource(kind: RunOriginKind, source: string): RunOrigin | undefined {
    return this.db.prepare('SELECT * FROM runOrigins WHERE kind = ? AND source = ?').get(kind, source) as RunOrigin | undefined;
  }

  ofRun(runId: number): RunOrigin | undefined {
    return this.db.prepare('SELECT * FROM runOrigins WHERE runId = ?').get(runId) as RunOrigin | undefined;
  }

  /** Origins of many runs at once (a runs table). */
  ofRuns(runIds: readonly number[]): Map<number, RunOrigin> {
    const rows = this.db.prepare('SELECT * FROM runOrigins WHERE runId IN (SELECT value FROM json_each(?))').all(JSON.stringify(runIds)) as RunOrigin[];
    return new Map(rows.map((row) => [row.runId, row]));
  }

  setIngestedBytes(runId: number, bytes: number): void {
    this.db.prepare('UPDATE runOrigins SET ingestedBytes = ? WHERE runId = ?').run(bytes, runId);
  }
}
