// Per-run artifacts (issue 24 item 3): each run of the pool gets a folder of its own that is kept,
// `<project>.artifacts/run-<id>/` (given to a script as SADDLE_ARTIFACTS_DIR with SADDLE_RUN_ID), so
// a sweep never overwrites another run's files; a run logged with saddle_lab.init keeps its files in
// `<project>.artifacts/<its run log's name>/` (the helper's run.dir). Listed with size and SHA-256,
// removed with the run.
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { RunOrigin } from '../contract';
import { ExpectedError } from './errors';
import { projectSiblingPath } from './project-siblings';
import { pathTaken } from './store/project-file';

/** The artifacts root of a project: study.saddle → study.artifacts/. */
function projectArtifactsDir(projectPath: string): string {
  return projectSiblingPath(projectPath, '.artifacts');
}

/**
 * Refuses a new project whose artifacts folder still holds run folders of an earlier project of that
 * name (a file deleted by hand, its folder left): the new project's run 1 would list run-1's files.
 */
export function requireNoLeftoverRunFolders(projectPath: string): void {
  const dir = projectArtifactsDir(projectPath);
  const leftovers = existsSync(dir) ? readdirSync(dir).filter((name) => /^run-\d+$/.test(name)) : [];
  if (leftovers.length === 0) return;
  const named = leftovers.slice(0, 3).join(', ') + (leftovers.length > 3 ? `, … (${leftovers.length})` : '');
  throw new ExpectedError(`path: "${dir}" holds files that runs of an earlier project of this name kept (${named}); move or delete that folder, or choose another name`, [
    { path: 'path', message: `"${dir}" holds run folders of an earlier project` },
  ]);
}

/** A run's own folder: by its run log's name for a logged run (the helper knows no run id), else by id. */
export function runArtifactsDir(projectPath: string, runId: number, origin?: Pick<RunOrigin, 'kind' | 'source'>): string {
  const name = origin?.kind === 'run-log' && !origin.source.includes('/') ? origin.source.replace(/\.jsonl$/, '') : `run-${runId}`;
  return join(projectArtifactsDir(projectPath), name);
}

export interface ArtifactFile {
  /** Relative to the run's folder, '/'-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

/** A file's SHA-256 in lower-case hex: what a run log's image line carries (contract/run-log.ts) and listArtifacts reports. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every file under the run's folder, sorted by path; none when it has no folder. A symlink out of it is left out. */
export function listArtifacts(dir: string): ArtifactFile[] {
  if (!existsSync(dir)) return [];
  const root = realpathSync(dir);
  const files: ArtifactFile[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (!realPathOf(path)?.startsWith(root + sep)) continue;
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) files.push({ path: relative(dir, path).split(sep).join('/'), bytes: stat.size, sha256: sha256Hex(readFileSync(path)) });
    }
  };
  walk(dir);
  return files;
}

/** Null for a dangling symlink. */
function realPathOf(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * The real path of one listed file of a run's folder, for opening or serving it. Refuses a path that
 * is absolute, climbs with `..`, or leads out of the folder once symlinks are followed (a script
 * could leave a link to ~/.ssh there), and anything that is not a plain file.
 */
export function containedArtifact(dir: string, path: string): string {
  const refuse = (why: string) => new ExpectedError(`path: ${JSON.stringify(path)} ${why}`, [{ path: 'path', message: why }]);
  if (path === '' || isAbsolute(path) || /^[a-z]:/i.test(path) || path.split(/[\\/]/).includes('..')) throw refuse("must be a file's path inside the run's folder, as listed (no '..', not absolute)");
  let file: string;
  let root: string;
  try {
    root = realpathSync(dir);
    file = realpathSync(join(dir, path));
  } catch {
    throw refuse("is not a file in the run's folder");
  }
  if (!file.startsWith(root + sep)) throw refuse("leads out of the run's folder (through a symlink)");
  if (!statSync(file).isFile()) throw refuse('is not a plain file');
  return file;
}

/**
 * Save As takes the project's kept files along: `<project>.artifacts/` is copied to the new
 * project's (links as links). Refused, naming `path`, where that folder exists already: its files
 * would be taken for the copy's runs'. Returns the folder made, or null when there was nothing to copy.
 */
export function copyProjectArtifacts(fromProject: string, toProject: string): string | null {
  const from = projectArtifactsDir(fromProject);
  if (!existsSync(from)) return null;
  const to = projectArtifactsDir(toProject);
  if (pathTaken(to)) {
    throw new ExpectedError(`path: the kept run files would go to "${to}", which already exists (another project's?). Move it away first; nothing was written.`, [{ path: 'path', message: `${to} exists` }]);
  }
  try {
    cpSync(from, to, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
  } catch (error) {
    rmSync(to, { recursive: true, force: true });
    throw new ExpectedError(`path: could not copy the kept run files to "${to}" (${error instanceof Error ? error.message : String(error)}); nothing was written.`, [{ path: 'path', message: 'kept files not copied' }]);
  }
  return to;
}

export function removeArtifacts(dirs: readonly string[]): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * Copies a run's folder from a Slurm job folder into its kept folder in the project. Only plain
 * files and folders are copied; a symlink (which could lead anywhere on the cluster) or anything
 * else is left behind and named in the returned problems, as is a file that cannot be read. Names
 * come from readdir, so no path climbs out. No folder there: nothing to bring, no problem.
 */
export function copyRunArtifacts(from: string, to: string): string[] {
  const problems: string[] = [];
  const copy = (source: string, target: string) => {
    try {
      const stat = lstatSync(source);
      if (stat.isDirectory()) {
        mkdirSync(target, { recursive: true });
        for (const name of readdirSync(source).sort()) copy(join(source, name), join(target, name));
      } else if (stat.isFile()) copyFileSync(source, target);
      else problems.push(`${source}: ${stat.isSymbolicLink() ? 'a symlink' : 'not a plain file'}, not copied`);
    } catch (error) {
      problems.push(`${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  if (pathTaken(from)) copy(from, to);
  return problems;
}
