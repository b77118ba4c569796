// The compute backends inside piscina worker threads, as the run pool uses them: the task module is
// bundled like dist/main/pool-worker.js (webgpu external), a GPU run gives the in-process CPU
// losses to float32 accuracy, a cancel message stops GPU work, and the pool can end threads that
// have used the GPU. (Terminating a thread while a GPU promise is pending aborts the whole process,
// a dawn.node defect: see docs/compute.md. GPU runs must stop cooperatively.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Piscina from 'piscina';
import { build } from 'vite';
import { builtinModules } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { once } from 'node:events';
import { CpuBackend } from '../../workers/compute/index';
import { classificationProblem, gpuForTests, trainReluMlp } from './compute-fixtures';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository so that the bundle resolves `webgpu` from node_modules.
const outDir = `${root}/node_modules/.cache/compute-worker-test`;
const probe = await gpuForTests();

describe('compute backends in pool worker threads', () => {
  let pool: Piscina;
  let reference: Float64Array;

  beforeAll(async () => {
    await build({
      configFile: false,
      root,
      logLevel: 'warn',
      build: {
        outDir,
        emptyOutDir: true,
        ssr: true,
        target: 'node20',
        minify: false,
        rollupOptions: {
          input: { task: `${root}/test/unit/compute-worker-entry.ts` },
          external: [/^webgpu(\/.*)?$/, ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
          output: { format: 'es', entryFileNames: '[name].mjs' },
        },
      },
    });
    // The scheduler's pool options that matter to a native module: several threads, a heap limit.
    pool = new Piscina({ filename: pathToFileURL(`${outDir}/task.mjs`).href, maxThreads: 2, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
    reference = (await trainReluMlp(new CpuBackend(), classificationProblem(11), 20, 0.5)).losses;
  });
  afterAll(() => pool?.destroy());

  it('runs the CPU backend in a worker with the in-process losses', async () => {
    const result = await pool.run({ request: 'cpu' });
    expect(result.device).toBe('cpu');
    expect(Array.from(result.losses as Float64Array)).toEqual(Array.from(reference));
  });

  it.skipIf(!probe.available)(`runs the GPU backend in a worker within 1e-4 of float64${probe.available ? '' : ` (skipped: ${probe.reason})`}`, async () => {
    const result = await pool.run({ request: 'gpu' });
    expect(result.device).toBe('gpu');
    expect(result.adapterName).toBe(probe.available && probe.adapterName);
    const losses = result.losses as Float64Array;
    reference.forEach((want, s) => expect(Math.abs(losses[s] - want) / want).toBeLessThan(1e-4));
  });

  it.skipIf(!probe.available)('stops GPU work on a cancel message, then ends its threads cleanly', async () => {
    const { port1, port2 } = new MessageChannel();
    const running = pool.run({ request: 'gpu', cancelPort: port2 }, { transferList: [port2] });
    await once(port1, 'message');
    await new Promise((r) => setTimeout(r, 300));
    port1.postMessage('cancel');
    const result = await running;
    expect(result.steps).toBeGreaterThan(0);
    port1.close();
    // Threads that loaded Dawn and disposed their device are terminated here; the process survives.
    await pool.destroy();
    pool = new Piscina({ filename: pathToFileURL(`${outDir}/task.mjs`).href, maxThreads: 1 });
    expect((await pool.run({ request: 'gpu' })).losses).toHaveLength(20);
  });
});
