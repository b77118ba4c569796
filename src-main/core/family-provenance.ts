// Which files produced a run of a script or code family, kept in the project (content hash +
// copy), and what a reopened project says about its families: the same as installed, changed
// since, or not installed here (then nothing runs until the user restores the stored copy).
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { snapshotFolder, type FamilySnapshot } from '../../workers/script-family/snapshot';
import type { FamilySource } from '../../workers/families/sources';
import { familyIdPattern, manifestFileName } from '../contract/family-files';
import type { FamilyCheck, RunSource } from '../contract';
import { projectFamiliesDir, type FamilyEntry, type FamilyRegistry } from './family-registry';
import type { ProjectStore } from './store/project-store';
import { ExpectedError } from './errors';
import { pathTaken } from './store/project-file';

/** The files of a script or code family as they are now: its folder, or its one module. */
export function snapshotSource(source: FamilySource): FamilySnapshot {
  if (source.kind === 'script') return snapshotFolder(source.dir);
  const data = readFileSync(source.file);
  const path = basename(source.file);
  return { hash: createHash('sha256').update(`${path}\0${data.length}\0`).update(data).digest('hex'), files: [{ path, data }] };
}

function snapshotEntry(entry: FamilyEntry): FamilySnapshot | null {
  return entry.source ? snapshotSource(entry.source) : null;
}

/**
 * Stores the copy the runs are about to run (taken now, or the snapshot given) and returns its
 * hash, which goes in a script's task so the worker runs exactly it.
 */
export function recordRunSource(store: ProjectStore, familyId: string, source: FamilySource, runIds: readonly number[], snapshot = snapshotSource(source)): string {
  const location = source.kind === 'script' ? source.dir : source.file;
  store.familySources.record({ hash: snapshot.hash, familyId, kind: source.kind, location, files: snapshot.files }, runIds);
  return snapshot.hash;
}

export function runSourceOf(store: ProjectStore, registry: FamilyRegistry, runId: number): RunSource | null {
  const record = store.familySources.forRun(runId);
  if (!record) return null;
  return { ...record, installed: compare(registry.find(record.familyId), record.hash).state };
}

/** Every non-built-in family the project names (in its runs' copies or its experiments), checked against what is installed. */
export function checkProjectFamilies(store: ProjectStore, registry: FamilyRegistry): FamilyCheck[] {
  const checks = store.familySources.latestPerFamily().map((stored): FamilyCheck => {
    const { state, installedHash } = compare(registry.find(stored.familyId), stored.hash);
    const message =
      state === 'same'
        ? `${stored.familyId}: installed as its runs ran it`
        : state === 'changed'
          ? `${stored.familyId}: the installed files changed since its latest run (ran ${stored.hash.slice(0, 12)}, now ${installedHash?.slice(0, 12)}); new runs use the installed version`
          : `${stored.familyId} is not installed here: its runs and data are shown; nothing runs until you restore the copy stored in the project (or install it)`;
    return { familyId: stored.familyId, state, kind: stored.kind, storedHash: stored.hash, installedHash, location: registry.find(stored.familyId)?.location ?? stored.location, message };
  });
  const known = new Set(checks.map((c) => c.familyId));
  for (const experiment of store.listExperiments()) {
    if (known.has(experiment.family) || registry.find(experiment.family)) continue;
    known.add(experiment.family);
    checks.push({ familyId: experiment.family, state: 'missing', kind: null, storedHash: null, installedHash: null, location: null, message: `${experiment.family} is not installed here and the project holds no copy of it: its runs and data are shown; install it to run more` });
  }
  return checks;
}

/**
 * Script families the project's runs used that are not installed here, described from their stored
 * manifest: their charts and parameters show the runs and data, but they have no source to run.
 */
export async function storedFamilyEntries(store: ProjectStore, registry: FamilyRegistry): Promise<FamilyEntry[]> {
  const stored = store.familySources.latestPerFamily().filter((s) => s.kind === 'script' && !registry.find(s.familyId));
  if (stored.length === 0) return [];
  // The script runtime and the manifest's checks load only for a project that has such a copy.
  const [{ parseManifest }, { scriptFamily }] = await Promise.all([import('../../workers/families/sources'), import('../../workers/script-family/script-family')]);
  return stored.flatMap((copy): FamilyEntry[] => {
    const manifest = store.familySources.files(copy.hash).find((f) => f.path === manifestFileName);
    const label = `${copy.familyId}: the copy stored in the project (${copy.hash.slice(0, 12)})`;
    try {
      const family = scriptFamily(parseManifest(JSON.parse(manifest?.data.toString('utf8') ?? 'null'), label), copy.location, { sdkDir: null });
      return [{ family, origin: 'stored', kind: 'script', location: label, source: null, trusted: false }];
    } catch {
      // A stored copy this version cannot read: the family-check warning still names the family.
      return [];
    }
  });
}

/**
 * Writes the latest stored copy of a family into the project's families folder (the user asked
 * for it: this is what lets its code run). The family id and every stored path come from the
 * project file, which may be crafted: each must name a place inside that folder (no absolute
 * path, no `..`, nothing reached through a symlink), and nothing already there is overwritten.
 */
export function restoreFamily(store: ProjectStore, familyId: string): string {
  const stored = store.familySources.latestPerFamily().find((s) => s.familyId === familyId);
  if (!stored) throw new ExpectedError(`familyId: the project holds no copy of ${JSON.stringify(familyId)}`, [{ path: 'familyId', message: 'no stored copy' }]);
  const files = store.familySources.files(stored.hash);
  const refuse = (what: string) => new ExpectedError(`familyId: the project's copy of ${JSON.stringify(familyId)} cannot be restored: ${what}. Nothing was written.`, [{ path: 'familyId', message: what }]);
  if (stored.kind === 'script' && !familyIdPattern.test(familyId)) throw refuse('its id is not a family id (lower-case letters, digits and "-")');
  if (files.length === 0) throw refuse('it holds no files');
  for (const file of files) {
    const problem = relativePathProblem(file.path);
    if (problem) throw refuse(`the stored path ${JSON.stringify(file.path)} ${problem}`);
  }
  if (stored.kind === 'code' && (files.length !== 1 || files[0].path.includes('/'))) throw refuse('a code family is one module file');

  const root = projectFamiliesDir(store.path);
  mkdirSync(root, { recursive: true });
  const realRoot = realpathSync(root);
  const target = join(root, stored.kind === 'script' ? familyId : files[0].path);
  if (pathTaken(target)) throw refuse(`${target} exists already: move it away first`);
  let createdFolder = false;
  try {
    if (stored.kind === 'code') {
      writeFileSync(target, files[0].data, { flag: 'wx' });
      return target;
    }
    // A new folder (mkdir fails if the name was taken meanwhile); below it only folders made here.
    mkdirSync(target);
    createdFolder = true;
    for (const file of files) {
      const path = join(target, ...file.path.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      if (!realpathSync(dirname(path)).startsWith(realRoot + sep)) throw refuse(`${file.path} would be written outside ${realRoot}`);
      // 'wx': never replaces a file, and does not follow a symlink at the name.
      writeFileSync(path, file.data, { flag: 'wx' });
    }
    return target;
  } catch (error) {
    if (createdFolder) rmSync(target, { recursive: true, force: true });
    if (error instanceof ExpectedError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw refuse(`its files clash with each other or with ${target} (${code})`);
    throw error;
  }
}

/** Why a stored path is not a plain relative path inside its family's folder; null when it is. */
function relativePathProblem(path: string): string | null {
  if (path === '' || path.includes('\0')) return 'is empty or holds a NUL';
  if (path.startsWith('/') || path.includes('\\') || /^[a-zA-Z]:/.test(path) || isAbsolute(path)) return 'is absolute (or uses "\\")';
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) return 'has an empty, "." or ".." part';
  return null;
}

function compare(entry: FamilyEntry | undefined, storedHash: string): { state: FamilyCheck['state']; installedHash: string | null } {
  if (!entry) return { state: 'missing', installedHash: null };
  let installedHash: string | null = null;
  try {
    installedHash = snapshotEntry(entry)?.hash ?? null;
  } catch {
    // Unreadable now: reported as changed.
  }
  return { state: installedHash === storedHash ? 'same' : 'changed', installedHash };
}
