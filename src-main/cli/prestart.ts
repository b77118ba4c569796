// Loaded by bin/saddle-lab.mjs before the CLI itself when the command runs experiments: starts the
// run pool's first thread at once, so its start-up overlaps the loading of the rest of the CLI,
// which is handed the pool and takes it over (run-pool.ts). Keep this entry's imports light.
import { fileURLToPath } from 'node:url';
import { PrestartedPool } from '../core/run-pool';

export function prestart(): PrestartedPool {
  return new PrestartedPool(fileURLToPath(new URL('./pool-worker.js', import.meta.url)));
}
