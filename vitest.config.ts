import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // The app's engine setup (relaxed SIMD for the gemm kernel), so in-process numerics match the app's.
    setupFiles: ['test/helpers/engine-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A poll waits for the app (a page redrawing, a sweep finishing), whose pace depends on the
    // machine and its load: 1 s by default failed e2e cases on a loaded 2-core machine.
    expect: { poll: { timeout: 20_000 } },
    pool: 'forks',
    // One test file per core (vitest's default leaves one core idle): most files spend their time
    // waiting on a pool, a serve host or Chromium, so on 2 cores this halves the suite's wall time.
    maxWorkers: Math.max(2, availableParallelism()),
    reporters: ['default'],
  },
});
