// Which files produced a run of a script or code family, kept in the project (content hash +
// copy), and what a reopened project says about its families: the same as installed, changed
// since, or not installed here (then nothing runs until the user restores the stored copy).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { snapshotFolder, type FamilySnapshot } from '../../workers/script-family/snapshot';
import { scriptFamily } from '../../workers/script-family/script-family';
import { parseManifest } from '../../workers/families/sources';
import { manifestFileName } from '../contract/script-family';
import type { FamilyCheck, RunSource } from '../contract';
import { projectFamiliesDir, type FamilyEntry, type FamilyRegistry } from './family-registry';
import type { ProjectStore } from './store/project-store';
import { ExpectedError } from './errors';

/** The files of a non-built-in family as installed now: its folder, or its one module. */
export function snapshotEntry(entry: FamilyEntry): FamilySnapshot | null {
  if (!entry.location || entry.kind === 'built-in') return null;
  if (entry.kind === 'script') return snapshotFolder(entry.location);
  const data = readFileSync(entry.location);
  const path = basename(entry.location);
  return { hash: createHash('sha256').update(`${path}\0${data.length}\0`).update(data).digest('hex'), files: [{ path, data }] };
}

/** Stores the copy the runs are about to run; the script's hash goes in the task so the worker runs exactly it. */
export function recordRunSource(store: ProjectStore, entry: FamilyEntry, runIds: readonly number[]): string | null {
  const snapshot = snapshotEntry(entry);
  if (!snapshot || entry.kind === 'built-in' || !entry.location) return null;
  store.familySources.record({ hash: snapshot.hash, familyId: entry.family.id, kind: entry.kind, location: entry.location, files: snapshot.files }, runIds);
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
export function storedFamilyEntries(store: ProjectStore, registry: FamilyRegistry): FamilyEntry[] {
  return store.familySources
    .latestPerFamily()
    .filter((stored) => stored.kind === 'script' && !registry.find(stored.familyId))
    .flatMap((stored): FamilyEntry[] => {
      const manifest = store.familySources.files(stored.hash).find((f) => f.path === manifestFileName);
      const label = `${stored.familyId}: the copy stored in the project (${stored.hash.slice(0, 12)})`;
      try {
        const family = scriptFamily(parseManifest(JSON.parse(manifest?.data.toString('utf8') ?? 'null'), label), stored.location, { sdkDir: null });
        return [{ family, origin: 'stored', kind: 'script', location: label, source: null, trusted: false }];
      } catch {
        // A stored copy this version cannot read: the family-check warning still names the family.
        return [];
      }
    });
}

/**
 * Writes the latest stored copy of a family into the project's families folder (the user asked
 * for it: this is what lets its code run). Refuses to overwrite anything already there.
 */
export function restoreFamily(store: ProjectStore, familyId: string): string {
  const stored = store.familySources.latestPerFamily().find((s) => s.familyId === familyId);
  if (!stored) throw new ExpectedError(`the project holds no copy of ${familyId}`);
  const root = projectFamiliesDir(store.path);
  const files = store.familySources.files(stored.hash);
  const target = stored.kind === 'script' ? join(root, familyId) : join(root, files[0].path);
  if (existsSync(target)) throw new ExpectedError(`${target} exists already: move it away first`);
  for (const file of files) {
    const path = stored.kind === 'script' ? join(target, file.path) : target;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.data);
  }
  return target;
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
