// What a logged run logs besides numbers (issue 24 item 6, docs/logging.md): text, images and
// histograms, one row per (run, kind, key, step); a value logged again at the same step replaces
// the row. An image's bytes stay a file in the run's folder (its path, size and SHA-256 are here);
// a histogram's counts and edges are JSON arrays (JSON writes a double exactly). A value the helper
// or the host refused is a 'problem' row with the message that names the field.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE runMedia (
      runId INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('text', 'image', 'histogram', 'problem')),
      key TEXT NOT NULL,
      step REAL NOT NULL,
      -- text: the text; image: its caption; problem: the message
      text TEXT,
      -- image only: path in the run's folder, its size and SHA-256 (read by the host when stored)
      path TEXT,
      bytes INTEGER,
      sha256 TEXT,
      -- histogram only: counts[i] fell in [edges[i], edges[i+1])
      countsJson TEXT CHECK (countsJson IS NULL OR json_valid(countsJson)),
      edgesJson TEXT CHECK (edgesJson IS NULL OR json_valid(edgesJson)),
      PRIMARY KEY (runId, kind, key, step),
      CHECK (kind != 'image' OR (path IS NOT NULL AND bytes IS NOT NULL AND sha256 IS NOT NULL)),
      CHECK (kind != 'histogram' OR (countsJson IS NOT NULL AND edgesJson IS NOT NULL)),
      CHECK (kind NOT IN ('text', 'problem') OR text IS NOT NULL)
    ) STRICT;
  `);
}
