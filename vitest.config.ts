import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // The app's engine setup (relaxed SIMD for the gemm kernel), so in-process numerics match the app's.
    setupFiles: ['test/helpers/engine-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
