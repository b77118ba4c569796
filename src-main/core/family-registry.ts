// Every family this host can run, with where it comes from: the built-ins, the user's folder
// (<config>/families), folders named with --family-path, and the open project's folder
// (<project>.families/ next to foo.saddle). A family that fails to load is listed with its
// error; nothing else breaks. A project never runs code by itself: its folder's code modules are
// imported, and its families run, only once the user trusts that folder.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { builtInFamilyIds, loadBuiltInFamily } from '../../workers/families/load';
import type { FamilySource } from '../../workers/families/sources';
import { codeFamilyExtensions, manifestFileName } from '../contract/family-files';
import type { FamilyDefinition } from '../../workers/family';
import { defaultConfigDir } from './recent';
import { ExpectedError } from './errors';
import { projectSiblingPath } from './project-siblings';
import { projectRunsDir } from './run-logs';

export type FamilyOrigin = 'built-in' | 'user' | 'path' | 'project' | 'stored';

export interface FamilyEntry {
  family: FamilyDefinition;
  origin: FamilyOrigin;
  kind: 'built-in' | 'script' | 'code';
  /** The folder of a script family, the module of a code family; null for a built-in. */
  location: string | null;
  source: FamilySource | null;
  /** False for a project folder's family until the user trusts that folder: it may not run yet. */
  trusted: boolean;
}

export interface FamilyProblem {
  origin: FamilyOrigin;
  location: string;
  message: string;
}

export interface RegistryOptions {
  /** Folders given with --family-path, in order. */
  familyPaths?: string[];
  /** The user's folder; default <config dir>/families. */
  userDir?: string;
  /** Folder of the Python helper, put on the scripts' PYTHONPATH. */
  sdkDir: string | null;
  /**
   * The built-in families to load, for a host whose command runs one known family (the CLI's
   * `run`: its spec's); default all. Each other costs ~15 ms of start-up to compile. Those left
   * out stay taken by id, and all load for a project with run logs (which may name any family).
   */
  builtIns?: readonly string[];
}

/** The folder of a project's own families: foo.saddle → foo.families/. */
export function projectFamiliesDir(projectPath: string): string {
  return projectSiblingPath(projectPath, '.families');
}

export function userFamiliesDir(): string {
  return join(defaultConfigDir(), 'families');
}

export class FamilyRegistry {
  /** Empty until the first load(). */
  private entries: FamilyEntry[] = [];
  private problems: FamilyProblem[] = [];

  constructor(private readonly options: RegistryOptions) {}

  list(): readonly FamilyEntry[] {
    return this.entries;
  }

  errors(): readonly FamilyProblem[] {
    return this.problems;
  }

  /** Throws for a built-in left out by `builtIns`: an answer of "not installed" would be wrong. */
  find(id: string): FamilyEntry | undefined {
    const entry = this.entries.find((e) => e.family.id === id);
    if (!entry && builtInFamilyIds.includes(id)) throw new Error(`the built-in family "${id}" is not loaded in this host (RegistryOptions.builtIns)`);
    return entry;
  }

  /** The definitions this registry lists: what specs are validated and planned against. */
  definitions(): FamilyDefinition[] {
    return this.entries.map((entry) => entry.family);
  }

  /** The family with this id, or the user's error naming the families listed here. */
  require(id: string): FamilyDefinition {
    const entry = this.find(id);
    if (!entry) throw new ExpectedError(`unknown family "${id}" (known: ${this.entries.map((e) => e.family.id).join(', ')}): a script or code family must be installed in the user's folder, the project's <name>.families/ folder or named with --family-path`, [{ path: 'family', message: `unknown family "${id}"` }]);
    return entry.family;
  }

  /**
   * Scans the folders again (the project's too, when one is open) and makes the result the one
   * lookup. `trusted` says which of the project's own families may load and run code: all of them
   * (the user trusted the project) or those at the locations the user restored.
   */
  async load(projectPath: string | null, trusted: (location: string) => boolean = () => false): Promise<void> {
    const folders: { dir: string; origin: FamilyOrigin }[] = [
      { dir: this.options.userDir ?? userFamiliesDir(), origin: 'user' },
      ...(this.options.familyPaths ?? []).map((dir) => ({ dir: resolve(dir), origin: 'path' as const })),
      ...(projectPath ? [{ dir: projectFamiliesDir(projectPath), origin: 'project' as const }] : []),
    ];
    const entries = await this.builtInEntries(projectPath);
    const problems: FamilyProblem[] = [];
    for (const { dir, origin } of folders) {
      // Only a folder named with --family-path must exist; the others are optional.
      if (!existsSync(dir)) {
        if (origin === 'path') problems.push({ origin, location: dir, message: `${dir}: no such folder (--family-path)` });
        continue;
      }
      for (const candidate of candidatesIn(dir)) {
        try {
          const trustedHere = origin !== 'project' || trusted(candidate.path);
          if (candidate.kind === 'code' && !trustedHere) {
            throw new Error(`${candidate.path}: not loaded: code in a project's folder runs only once you trust the project's families`);
          }
          const entry = await this.loadOne(candidate, origin, trustedHere);
          const clash = entries.find((e) => e.family.id === entry.family.id) ?? (builtInFamilyIds.includes(entry.family.id) ? { origin: 'built-in', location: null } : undefined);
          if (clash) throw new Error(`${candidate.path}: the id "${entry.family.id}" is taken by the ${clash.origin} family at ${clash.location ?? 'the app'}`);
          entries.push(entry);
        } catch (error) {
          problems.push({ origin, location: candidate.path, message: (error as Error).message });
        }
      }
    }
    this.entries = entries;
    this.problems = problems;
  }

  private async builtInEntries(projectPath: string | null): Promise<FamilyEntry[]> {
    const { builtIns } = this.options;
    const all = !builtIns || (projectPath !== null && existsSync(projectRunsDir(projectPath)));
    const ids = all ? builtInFamilyIds : builtInFamilyIds.filter((id) => builtIns.includes(id));
    const families = await Promise.all(ids.map(loadBuiltInFamily));
    return families.map((family) => ({ family, origin: 'built-in', kind: 'built-in', location: null, source: null, trusted: true }));
  }

  private async loadOne(candidate: Candidate, origin: FamilyOrigin, trusted: boolean): Promise<FamilyEntry> {
    if (candidate.kind === 'script') {
      // The script runtime and the manifest's checks load only for a script family found.
      const [{ readManifest }, { scriptFamily }] = await Promise.all([import('../../workers/families/sources'), import('../../workers/script-family/script-family')]);
      const family = scriptFamily(readManifest(candidate.path), candidate.path, { sdkDir: this.options.sdkDir });
      return { family, origin, kind: 'script', location: candidate.path, source: { kind: 'script', dir: candidate.path, sdkDir: this.options.sdkDir }, trusted };
    }
    const { importCodeFamily } = await import('../../workers/families/code-family');
    const family = await importCodeFamily(candidate.path);
    return { family, origin, kind: 'code', location: candidate.path, source: { kind: 'code', file: candidate.path }, trusted };
  }
}

interface Candidate {
  kind: 'script' | 'code';
  path: string;
}

/** A folder is itself a script family (it holds the manifest) or holds families: sub-folders with a manifest and modules. */
function candidatesIn(dir: string): Candidate[] {
  if (existsSync(join(dir, manifestFileName))) return [{ kind: 'script', path: dir }];
  const found: Candidate[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, manifestFileName))) found.push({ kind: 'script', path });
    } else if ((codeFamilyExtensions as readonly string[]).includes(extname(name)) && !name.endsWith('.d.ts')) {
      found.push({ kind: 'code', path });
    }
  }
  return found;
}
