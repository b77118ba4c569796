// `summaries` becomes a view of runs.summaryJson (issue 23): the app never reads the table, and
// keeping it cost every finished run a row per summary number in two B-trees (the table and its
// (key, value) index), the largest part of the store's per-run writes in a sweep of short runs.
// SQL readers see the same rows: one per number, arrays as key[0], key[1], …, nulls as NULL, every
// value REAL (SQLite parses the JSON a double was written as back to the same double). A
// summary key that itself looks like `a[0]` beside an array `a` now gives two rows where the
// table kept one.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    DROP INDEX summariesByKey;
    DROP TABLE summaries;
    CREATE VIEW summaries (runId, key, value) AS
      SELECT r.id, s.key, CAST(s.value AS REAL)
      FROM runs r, json_each(r.summaryJson) s
      WHERE s.type IN ('integer', 'real', 'null')
      UNION ALL
      SELECT r.id, s.key || '[' || item.key || ']', CAST(item.value AS REAL)
      FROM runs r, json_each(r.summaryJson) s, json_each(s.value) item
      WHERE s.type = 'array';
  `);
}
