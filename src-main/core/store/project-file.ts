// The project file on disk: creating one, checking a file before trusting SQLite with it, opening it
// for writing, and copying it. No table other than `meta` is touched here.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { ProjectFileError } from './errors';
import { linkExclusive } from './exclusive-link';
import { currentSchemaVersion, migrate, newerVersionError, readSchemaVersion } from './migrate';

// A CommonJS package, required rather than imported: an ESM import has Node scan its source for
// named exports first (cjs-module-lexer: with piscina, ~8 ms of every CLI start).
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/**
 * Inside Electron the app loads better-sqlite3's Electron build, kept apart from Node's build
 * (see scripts/electron-native.mjs); everywhere else the package's own build.
 */
function connectionOptions(options: BetterSqlite3.Options = {}): BetterSqlite3.Options {
  const binding = process.versions.electron ? process.env.SADDLE_LAB_SQLITE_BINDING : undefined;
  return binding ? { ...options, nativeBinding: binding } : options;
}

/** `PRAGMA application_id` of every project file: "SadL" in ASCII. */
export const saddleApplicationId = 0x5361644c;
export const projectFileExtension = '.saddle';

/** Larger than SQLite's 4 KiB default: most of a project is series blobs, which then span fewer pages. */
const pageSizeBytes = 16_384;
const sqliteMagic = Buffer.from('SQLite format 3\0', 'latin1');
const headerBytes = 100;
const journalSuffixes = ['-wal', '-shm', '-journal'] as const;

/** The name a project gets from its file name: `runs/lr-sweep.saddle` → `lr-sweep`. */
export function projectNameFromPath(filePath: string): string {
  return path.basename(filePath, projectFileExtension);
}

/** Creates a new, empty project at `filePath`, which must not exist yet. */
export function createProjectFile(filePath: string, appVersion: string): void {
  if (fs.existsSync(filePath)) throw alreadyExists(filePath);
  requireFolder(filePath, 'create');
  // Built under a temporary name and renamed at the end, so a failure never leaves half a project.
  const temporaryPath = temporarySiblingPath(filePath);
  try {
    const db = new Database(temporaryPath, connectionOptions());
    try {
      db.pragma(`page_size = ${pageSizeBytes}`);
      // Built without syncs or a journal file (each commit cost a few fsyncs, ~50 ms of a CLI
      // run's start-up on a busy disk): nobody sees the file until publishExclusive, which syncs
      // it first, and a failed build is removed.
      db.pragma('synchronous = OFF');
      db.pragma('journal_mode = MEMORY');
      db.pragma(`application_id = ${saddleApplicationId}`);
      migrate(db);
      const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        // A BigInt binds as an integer; a number would be stored as REAL in the untyped value column.
        insert.run('createdAtMs', BigInt(Date.now()));
        insert.run('appVersion', appVersion);
        insert.run('name', projectNameFromPath(filePath));
      })();
      // Last, once every page is in the main file: open() checks its header (the id) before it
      // lets SQLite near a file.
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }
    publishExclusive(temporaryPath, filePath, alreadyExists);
  } catch (error) {
    throw asProjectFileError(error, filePath, 'create');
  } finally {
    removeWithJournals(temporaryPath);
  }
}

/**
 * Gives the finished file at `temporaryPath` its name, only if that name is free: a hard link
 * fails when the name exists, so of two processes creating one project, one wins and the other
 * is told; neither ever sees or leaves half a file. The data reach the disk before the name does.
 */
function publishExclusive(temporaryPath: string, filePath: string, taken: (filePath: string) => ProjectFileError): void {
  fsyncPath(temporaryPath);
  try {
    if (linkExclusive(temporaryPath, filePath) === 'copied') fsyncPath(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw taken(filePath);
    throw error;
  }
  fsyncPath(path.dirname(filePath));
}

function fsyncPath(target: string): void {
  const descriptor = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(descriptor);
  } catch (error) {
    // Some file systems cannot sync a folder; the file itself was synced.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL' && (error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
  } finally {
    fs.closeSync(descriptor);
  }
}

function alreadyExists(filePath: string): ProjectFileError {
  return new ProjectFileError(filePath, `"${filePath}" already exists. Choose another name for the new project.`);
}

/** Save As onto an existing file that the caller did not say to replace; the `overwrite` issue is what a form asks the user about. */
export function saveAsTargetExists(filePath: string): ProjectFileError {
  return new ProjectFileError(filePath, `path: "${filePath}" already exists. Save As replaces a file only with overwrite: true; choose another name or confirm the replacement.`, {
    issues: [
      { path: 'path', message: `"${filePath}" already exists` },
      { path: 'overwrite', message: 'must be true to replace the existing file' },
    ],
  });
}

/**
 * Checks, without writing to it, that `filePath` is a healthy project this version can open.
 * A file that fails is left byte for byte as it was, and nothing is left next to it.
 */
export function checkProjectFile(filePath: string): void {
  const header = readHeader(filePath);
  if (header.length === 0) throw notAProject(filePath, 'the file is empty');
  if (header.length < headerBytes || !header.subarray(0, sqliteMagic.length).equals(sqliteMagic)) {
    throw notAProject(filePath, 'it is not an SQLite database');
  }
  if (header.readInt32BE(68) !== saddleApplicationId) {
    throw notAProject(filePath, 'it is an SQLite database that another program made');
  }
  inspectWithSqlite(filePath);
}

/** Opens a checked project for writing and brings its schema up to date. */
export function openProjectDatabase(filePath: string): BetterSqlite3.Database {
  let db: BetterSqlite3.Database | undefined;
  try {
    // SQLite would quietly open a write-protected file read-only and fail at the first write;
    // the folder must be writable too, for the -wal and -shm files.
    fs.accessSync(filePath, fs.constants.W_OK);
    fs.accessSync(path.dirname(filePath), fs.constants.W_OK);
    db = new Database(filePath, connectionOptions({ fileMustExist: true }));
    db.pragma('journal_mode = WAL');
    // With WAL, NORMAL never corrupts the file on a crash; it may lose the last commits on power loss.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw asProjectFileError(error, filePath, 'open');
  }
}

/**
 * Opens a checked project read-only: nothing is migrated or marked, so it works on a project
 * another process is writing and on a full disk. An older schema is refused (reading needs the
 * current one; opening for writing upgrades it).
 */
export function openProjectForReading(filePath: string): BetterSqlite3.Database {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(filePath, connectionOptions({ readonly: true, fileMustExist: true }));
    const version = readSchemaVersion(db);
    if (version < currentSchemaVersion) {
      throw new ProjectFileError(
        filePath,
        `"${filePath}" was written by an older Saddle Lab (schema ${version}) and cannot be read without upgrading it: open it once for writing (it is upgraded in place).`,
      );
    }
    return db;
  } catch (error) {
    db?.close();
    throw asProjectFileError(error, filePath, 'open');
  }
}

/**
 * Writes a compact copy of `db` to `targetPath`, named after its new file. With `overwrite` an
 * existing target is replaced only at the last step, by renaming a finished copy over it; without
 * it the copy takes the name only if it is free (a file that appeared meanwhile is refused too).
 */
export function copyProjectFile(db: BetterSqlite3.Database, targetPath: string, { overwrite }: { overwrite: boolean }): void {
  requireFolder(targetPath, 'save');
  const temporaryPath = temporarySiblingPath(targetPath);
  try {
    db.prepare('VACUUM INTO ?').run(temporaryPath);
    const copy = new Database(temporaryPath, connectionOptions({ fileMustExist: true }));
    try {
      copy.prepare("UPDATE meta SET value = ? WHERE key = 'name'").run(projectNameFromPath(targetPath));
    } finally {
      copy.close();
    }
    if (overwrite) fs.renameSync(temporaryPath, targetPath);
    else publishExclusive(temporaryPath, targetPath, saveAsTargetExists);
    // A journal the replaced (or a deleted) file left behind would be replayed into the copy on open.
    for (const suffix of journalSuffixes) fs.rmSync(targetPath + suffix, { force: true });
  } catch (error) {
    throw asProjectFileError(error, targetPath, 'save');
  } finally {
    removeWithJournals(temporaryPath);
  }
}

/** Whether a failed write failed for want of disk space (SQLite's SQLITE_FULL, or ENOSPC from a file write). */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

/** What the user is told when a write to the project ran out of disk space. */
export function diskFullError(filePath: string, cause: unknown): ProjectFileError {
  return new ProjectFileError(
    filePath,
    `disk full while writing ${filePath}; finished runs are kept. Runs that were in progress end as failed (or, where even that could not be written, as cancelled when the project is next opened). Free some space, then open the project again; it can be read (export) meanwhile.`,
    { cause },
  );
}

/** Whether two paths name the same file (symlinks and case-insensitive file systems included). */
export function isSameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const statA = fs.statSync(a);
    const statB = fs.statSync(b);
    return statA.dev === statB.dev && statA.ino === statB.ino;
  } catch {
    return false;
  }
}

/** Whether anything has the name `filePath` (a dangling link too: writing there would follow it). */
export function pathTaken(filePath: string): boolean {
  try {
    fs.lstatSync(filePath);
    return true;
  } catch {
    return false;
  }
}

/** better-sqlite3 reports a missing folder as a TypeError; say it plainly instead. */
function requireFolder(filePath: string, action: 'create' | 'save'): void {
  const folder = path.dirname(filePath);
  if (!fs.existsSync(folder)) throw new ProjectFileError(filePath, `Could not ${action} "${filePath}": the folder "${folder}" does not exist.`);
}

function readHeader(filePath: string): Buffer {
  let descriptor: number;
  try {
    if (!fs.statSync(filePath).isFile()) throw new ProjectFileError(filePath, `"${filePath}" is a folder, not a project file.`);
    descriptor = fs.openSync(filePath, 'r');
  } catch (error) {
    throw asProjectFileError(error, filePath, 'open');
  }
  try {
    const header = Buffer.alloc(headerBytes);
    const length = fs.readSync(descriptor, header, 0, headerBytes, 0);
    return header.subarray(0, length);
  } finally {
    fs.closeSync(descriptor);
  }
}

function inspectWithSqlite(filePath: string): void {
  // A read-only connection to a WAL database still creates -wal and -shm; remove them if the file
  // turns out to be unusable, so a refused file is left as it was found.
  const journalsBefore = existingJournals(filePath);
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(filePath, connectionOptions({ readonly: true, fileMustExist: true }));
    const version = readSchemaVersion(db);
    if (version > currentSchemaVersion) throw newerVersionError(filePath, version, currentSchemaVersion);
    // integrity_check, not quick_check: only it compares each index with its table ("row 3002
    // missing from index"), and a file passed with such damage is then written to. On a 777 MiB
    // project (3000 runs, 12000 series chunks) it took 0.76-0.84 s against quick_check's 0.64-0.67 s.
    const [verdict] = db.prepare('PRAGMA integrity_check(1)').pluck().all() as string[];
    if (verdict !== 'ok') throw damaged(filePath, `integrity check: ${firstProblem(verdict)}`);
    db.close();
  } catch (error) {
    db?.close();
    for (const journal of existingJournals(filePath)) {
      if (!journalsBefore.includes(journal)) fs.rmSync(journal, { force: true });
    }
    if (error instanceof Database.SqliteError && /^SQLITE_(CORRUPT|NOTADB)/.test(error.code)) throw damaged(filePath, error.message, error);
    throw asProjectFileError(error, filePath, 'open');
  }
}

/** integrity_check reports like "*** in database main ***\nTree 6 page 6: ..."; the first real line says enough. */
function firstProblem(report: string): string {
  return report.split('\n').find((line) => line !== '' && !line.startsWith('***')) ?? report;
}

function existingJournals(filePath: string): string[] {
  return journalSuffixes.map((suffix) => filePath + suffix).filter((journal) => fs.existsSync(journal));
}

function notAProject(filePath: string, reason: string): ProjectFileError {
  return new ProjectFileError(filePath, `"${filePath}" is not a Saddle Lab project: ${reason}.`);
}

function damaged(filePath: string, detail: string, cause?: unknown): ProjectFileError {
  return new ProjectFileError(
    filePath,
    `"${filePath}" is a damaged Saddle Lab project (${detail}). It was left unchanged; ` +
      'restore it from a backup or from a copy made with Save As.',
    { cause },
  );
}

const fileProblems: Record<string, string> = {
  ENOENT: 'the file or its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  SQLITE_FULL: 'the disk is full',
  SQLITE_READONLY: 'the file or its folder is read-only',
  SQLITE_CANTOPEN: 'the file or its folder cannot be accessed',
};

/** Names the file in file-system and SQLite failures; anything else (a bug) passes through as it is. */
export function asProjectFileError(error: unknown, filePath: string, action: 'create' | 'open' | 'save'): unknown {
  if (error instanceof ProjectFileError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = code === undefined ? undefined : fileProblems[code];
  if (known === undefined && !(error instanceof Database.SqliteError)) return error;
  const reason = known ?? (error as Error).message;
  return new ProjectFileError(filePath, `Could not ${action} "${filePath}": ${reason}.`, { cause: error });
}

/** Removes a database file and whatever journals SQLite left beside it; nothing there is not an error. */
export function removeWithJournals(filePath: string): void {
  for (const suffix of ['', ...journalSuffixes]) fs.rmSync(filePath + suffix, { force: true });
}

function temporarySiblingPath(filePath: string): string {
  return `${filePath}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
}
