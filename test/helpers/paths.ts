// Locations of the built app for tests: `npm test` builds before it runs vitest.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const workerFile = join(repoRoot, 'dist', 'main', 'pool-worker.js');
export const cliBin = join(repoRoot, 'bin', 'saddle-lab.mjs');
export const examplesDir = join(repoRoot, 'examples');
/** Screenshots and rendered figures a person looks at after a run. */
export const artifacts = join(repoRoot, 'test-artifacts');

export function requireBuild(): void {
  if (!existsSync(workerFile)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
}

export function tempDir(prefix = 'saddle-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
