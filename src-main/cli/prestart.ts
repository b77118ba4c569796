// Loaded by bin/saddle-lab.mjs before the CLI itself when the command runs experiments: starts the
// run pool's first thread at once, so its start-up overlaps the loading of the rest of the CLI,
// which takes the pool over (run-pool.ts). Keep this entry's imports light.
import { fileURLToPath } from 'node:url';
import { prestartRunPool } from '../core/run-pool';

export function prestart(): void {
  prestartRunPool(fileURLToPath(new URL('./pool-worker.js', import.meta.url)));
}
