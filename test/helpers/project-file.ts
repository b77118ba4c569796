// Looking into a project file from outside the app, as another program would: read-only.
import Database from 'better-sqlite3';

export interface RunRow {
  id: number;
  status: string;
  error: string | null;
  paramsJson: string;
  seed: number;
  summaryJson: string | null;
}

/** Runs a query on a read-only connection (it sees the app's committed writes, -wal included). */
export function readProject<T>(filePath: string, read: (db: Database.Database) => T): T {
  const db = new Database(filePath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** SQLite's full integrity_check: 'ok', or the problems it lists. */
export function integrityCheck(filePath: string): string {
  return readProject(filePath, (db) => (db.prepare('PRAGMA integrity_check').pluck().all() as string[]).join('\n'));
}

export function runRows(filePath: string): RunRow[] {
  return readProject(filePath, (db) => db.prepare('SELECT id, status, error, paramsJson, seed, summaryJson FROM runs ORDER BY id').all() as RunRow[]);
}

/**
 * A run's stored series as one hex string per metric: the bytes of x of every chunk in order, then
 * those of y (how the points fall into chunks may differ between two runs of the same thing);
 * without the wall clock (`_wall`), which differs between any two runs.
 */
export function seriesBytes(filePath: string, runId: number): Record<string, string> {
  return readProject(filePath, (db) => {
    const rows = db.prepare("SELECT metric, x, y FROM series WHERE runId = ? AND metric <> '_wall' ORDER BY metric, chunkIndex").all(runId) as { metric: string; x: Buffer; y: Buffer }[];
    const byMetric: Record<string, { x: string; y: string }> = {};
    for (const row of rows) {
      const series = (byMetric[row.metric] ??= { x: '', y: '' });
      series.x += row.x.toString('hex');
      series.y += row.y.toString('hex');
    }
    return Object.fromEntries(Object.entries(byMetric).map(([metric, { x, y }]) => [metric, `${x}/${y}`]));
  });
}

/**
 * Resolves once `condition` holds, checking every 20 ms: a test waits on the project reaching a
 * state (another process's writes), not on a fixed time. The test's own timeout bounds it; a
 * process the state depends on that ends first fails the wait with its output.
 */
export async function waitUntil(condition: () => boolean, writer?: Promise<{ code: number | null; stderr: string }>): Promise<void> {
  let ended: { code: number | null; stderr: string } | null = null;
  void writer?.then((result) => (ended = result));
  while (!condition()) {
    if (ended) throw new Error(`the writing process ended (exit ${String((ended as { code: number | null }).code)}) before the state waited for: ${(ended as { stderr: string }).stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
