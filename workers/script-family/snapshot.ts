// The files of a script family folder, with one content hash: what a run copies into its working
// folder and what the project stores with the run, so a reopened project can say what produced it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface FamilySnapshot {
  /** sha256 over the sorted relative paths and contents. */
  hash: string;
  files: { path: string; data: Buffer }[];
}

/** Generated or bulky folders that are not the family's code. */
const skippedFolders = new Set(['__pycache__', 'node_modules', '.git', '.venv', 'venv']);

/**
 * Files that are not the family's code either: dot-files (vim's `.train.py.swp`, emacs's lock
 * `.#train.py`, `.DS_Store`), backups `train.py~` and emacs's autosave `#train.py#`. An editor
 * opened on a script mid-sweep must not change the hash every queued run is checked against.
 */
function isEditorDropping(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || (name.length > 1 && name.startsWith('#') && name.endsWith('#'));
}
export const maxSnapshotBytes = 8 * 1024 * 1024;
export const maxSnapshotFiles = 500;

export function snapshotFolder(dir: string): FamilySnapshot {
  const paths: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name) && !entry.name.startsWith('.')) walk(full);
      } else if (entry.isFile() && !isEditorDropping(entry.name)) {
        paths.push(relative(dir, full).split(sep).join('/'));
        if (paths.length > maxSnapshotFiles) throw new Error(`${dir} holds more than ${maxSnapshotFiles} files: a family folder should hold only its code`);
      }
    }
  };
  walk(dir);
  paths.sort();
  const hash = createHash('sha256');
  let bytes = 0;
  const files = paths.map((path) => {
    const data = readFileSync(join(dir, path));
    bytes += data.length;
    if (bytes > maxSnapshotBytes) throw new Error(`${dir} holds more than ${maxSnapshotBytes / 1024 / 1024} MB: a family folder should hold only its code (data sets belong elsewhere)`);
    hash.update(`${path}\0${data.length}\0`).update(data);
    return { path, data };
  });
  return { hash: hash.digest('hex'), files };
}

