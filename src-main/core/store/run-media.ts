// What logged runs logged besides numbers (table runMedia, migration 006): text, images, histograms
// and refused values, one row per (run, kind, key, step). Written by the run-log ingest, read by runs.media.
import type Database from 'better-sqlite3';
import type { RunMedia } from '../../contract';

export type MediaRow =
  | { kind: 'text' | 'problem'; runId: number; key: string; step: number; text: string }
  | { kind: 'image'; runId: number; key: string; step: number; path: string; bytes: number; sha256: string; caption: string | null }
  | { kind: 'histogram'; runId: number; key: string; step: number; counts: readonly number[]; edges: readonly number[] };

interface StoredRow {
  kind: MediaRow['kind'];
  key: string;
  step: number;
  text: string | null;
  path: string | null;
  bytes: number | null;
  sha256: string | null;
  countsJson: string | null;
  edgesJson: string | null;
}

export class RunMediaTable {
  constructor(private readonly db: Database.Database) {}

  /**
   * Stores the rows; a key holds one value per step, so a value logged again at the same step
   * replaces the one there, of whatever kind (an image whose file was rewritten at that step was
   * first read as a problem, then as the image that replaced it).
   */
  put(rows: readonly MediaRow[]): void {
    const clearOtherKinds = this.db.prepare('DELETE FROM runMedia WHERE runId = ? AND key = ? AND step = ? AND kind != ?');
    const upsert = this.db.prepare(`
      INSERT INTO runMedia (runId, kind, key, step, text, path, bytes, sha256, countsJson, edgesJson)
      VALUES (@runId, @kind, @key, @step, @text, @path, @bytes, @sha256, @countsJson, @edgesJson)
      ON CONFLICT (runId, kind, key, step) DO UPDATE SET text = excluded.text, path = excluded.path, bytes = excluded.bytes,
        sha256 = excluded.sha256, countsJson = excluded.countsJson, edgesJson = excluded.edgesJson`);
    for (const row of rows) {
      clearOtherKinds.run(row.runId, row.key, row.step, row.kind);
      upsert.run({
        runId: row.runId,
        kind: row.kind,
        key: row.key,
        step: row.step,
        text: row.kind === 'image' ? row.caption : row.kind === 'histogram' ? null : row.text,
        path: row.kind === 'image' ? row.path : null,
        bytes: row.kind === 'image' ? row.bytes : null,
        sha256: row.kind === 'image' ? row.sha256 : null,
        countsJson: row.kind === 'histogram' ? JSON.stringify(row.counts) : null,
        edgesJson: row.kind === 'histogram' ? JSON.stringify(row.edges) : null,
      });
    }
  }

  /** Everything the run logged besides numbers, by key then step. */
  ofRun(runId: number): RunMedia {
    const rows = this.db.prepare('SELECT kind, key, step, text, path, bytes, sha256, countsJson, edgesJson FROM runMedia WHERE runId = ? ORDER BY key, step').all(runId) as StoredRow[];
    const media: RunMedia = { runId, texts: [], images: [], histograms: [], problems: [] };
    const histograms = new Map<string, RunMedia['histograms'][number]>();
    for (const row of rows) {
      if (row.kind === 'text') media.texts.push({ key: row.key, step: row.step, text: row.text ?? '' });
      else if (row.kind === 'problem') media.problems.push({ key: row.key, step: row.step, message: row.text ?? '' });
      else if (row.kind === 'image') media.images.push({ key: row.key, step: row.step, path: row.path ?? '', bytes: row.bytes ?? 0, sha256: row.sha256 ?? '', caption: row.text });
      else {
        let histogram = histograms.get(row.key);
        if (!histogram) {
          histogram = { key: row.key, steps: [], edges: [], counts: [] };
          histograms.set(row.key, histogram);
          media.histograms.push(histogram);
        }
        histogram.steps.push(row.step);
        histogram.counts.push(JSON.parse(row.countsJson ?? '[]') as number[]);
        histogram.edges.push(JSON.parse(row.edgesJson ?? '[]') as number[]);
      }
    }
    return media;
  }
}
