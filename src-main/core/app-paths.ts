// Where the built pieces live, from an entry file in dist/main. Inside a packaged app the worker
// must be loaded from app.asar.unpacked: worker threads cannot read files inside an asar archive.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppPaths {
  root: string;
  workerFile: string;
  rendererDir: string;
  preloadFile: string;
  examplesDir: string;
}

export function appPaths(entryUrl: string): AppPaths {
  const root = join(dirname(fileURLToPath(entryUrl)), '..', '..');
  const unpacked = root.replace(/app\.asar(?=$|[\\/])/, 'app.asar.unpacked');
  return {
    root,
    workerFile: join(unpacked, 'dist', 'main', 'pool-worker.js'),
    rendererDir: join(root, 'dist', 'renderer'),
    preloadFile: join(root, 'dist', 'preload', 'preload.cjs'),
    examplesDir: join(root, 'examples'),
  };
}
