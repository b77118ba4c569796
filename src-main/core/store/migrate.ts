// The schema runner: brings a project to the newest schema in one transaction, or leaves it as it was.
import type { Database } from 'better-sqlite3';
import { ProjectFileError } from './errors';
import { migrations, type Migration } from './migrations';

export const currentSchemaVersion = latestVersion(migrations);

export function readSchemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function newerVersionError(filePath: string, fileVersion: number, supportedVersion: number): ProjectFileError {
  return new ProjectFileError(
    filePath,
    `"${filePath}" was made by a newer version of Saddle Lab (project format ${fileVersion}; ` +
      `this version reads formats up to ${supportedVersion}). Update Saddle Lab to open it.`,
  );
}

/**
 * Runs every migration newer than the database's `user_version`, then sets `user_version`, all in
 * one transaction: a migration that throws leaves the file exactly as it was.
 */
export function migrate(db: Database, steps: readonly Migration[] = migrations): { fromVersion: number; toVersion: number } {
  const target = latestVersion(steps);
  const fromVersion = readSchemaVersion(db);
  if (fromVersion > target) throw newerVersionError(db.name, fromVersion, target);
  const pending = steps.filter((step) => step.version > fromVersion);
  if (pending.length === 0) return { fromVersion, toVersion: fromVersion };

  // Off during the transaction so a migration can rebuild a table without cascading deletes;
  // foreign_key_check below still refuses to commit a broken reference.
  const foreignKeysWereOn = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (const step of pending) runStep(db, step);
      const violations = db.pragma('foreign_key_check') as unknown[];
      if (violations.length > 0) {
        throw new Error(`Migrating to schema ${target} left ${violations.length} broken foreign key reference(s)`);
      }
      db.pragma(`user_version = ${target}`);
    }).immediate();
  } finally {
    if (foreignKeysWereOn) db.pragma('foreign_keys = ON');
  }
  return { fromVersion, toVersion: target };
}

function runStep(db: Database, step: Migration): void {
  try {
    step.up(db);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Schema migration ${step.version} (${step.name}) failed on "${db.name}": ${reason}`, { cause: error });
  }
}

function latestVersion(steps: readonly Migration[]): number {
  steps.forEach((step, index) => {
    if (step.version !== index + 1) throw new Error(`Migrations must be numbered 1, 2, 3, ...; found ${step.version} at position ${index + 1}`);
  });
  return steps.length;
}
