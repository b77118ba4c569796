import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // The app's engine setup (relaxed SIMD for the gemm kernel), so in-process numerics match the app's.
    setupFiles: ['test/helpers/engine-setup.ts'],
    // Tests wait on the events they need; these limits only end a hung test. They are generous because
    // the pace of a run depends on the machine's load: at load 12 on 2 cores a lavapipe GPU case took
    // over a minute (60 s failed it), and a poll's 20 s failed e2e cases.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    expect: { poll: { timeout: 180_000 } },
    pool: 'forks',
    // One test file per core (vitest's default leaves one core idle): most files spend their time
    // waiting on a pool, a serve host or Chromium, so on 2 cores this halves the suite's wall time.
    maxWorkers: Math.max(2, availableParallelism()),
    reporters: ['default'],
  },
});
