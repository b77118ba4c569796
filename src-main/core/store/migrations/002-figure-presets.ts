// Figure presets: named physical sizes and fonts for publication export (single or double column),
// kept with the project so every figure of a paper comes out alike.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE figurePresets (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL UNIQUE,
      widthIn REAL NOT NULL CHECK (widthIn > 0),
      heightIn REAL NOT NULL CHECK (heightIn > 0),
      fontFamily TEXT NOT NULL,
      fontSizePt REAL NOT NULL CHECK (fontSizePt > 0),
      dpi INTEGER NOT NULL CHECK (dpi > 0),
      updatedAtMs INTEGER NOT NULL
    ) STRICT;
  `);
}
