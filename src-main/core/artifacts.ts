// Per-run artifacts (issue 24 item 3): each run of the pool gets a folder of its own that is kept,
// `<project>.artifacts/run-<id>/` (given to a script as SADDLE_ARTIFACTS_DIR with SADDLE_RUN_ID), so
// a sweep never overwrites another run's files; a run logged with saddle_lab.init keeps its files in
// `<project>.artifacts/<its run log's name>/` (the helper's run.dir). Listed with size and SHA-256,
// removed with the run.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RunOrigin } from '../contract';

/** The artifacts root of a project: study.saddle → study.artifacts/. */
export function projectArtifactsDir(projectPath: string): string {
  return projectPath.replace(/\.saddle$/i, '') + '.artifacts';
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

/** Every file under the run's folder, sorted by path; none when it has no folder. */
export function listArtifacts(dir: string): ArtifactFile[] {
  if (!existsSync(dir)) return [];
  const files: ArtifactFile[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) files.push({ path: relative(dir, path).split(sep).join('/'), bytes: stat.size, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') });
    }
  };
  walk(dir);
  return files;
}

export function removeArtifacts(dirs: readonly string[]): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
