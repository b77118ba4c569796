// The CLI's memory is flat in the number of runs: what it still holds once every run line of a
// sweep is printed grows by at most a stated bound per run between 1000 and 4000 trivial runs.
// Measured in the child after a forced GC (test/helpers/heap-probe.mjs), so the figure is what is
// retained, not garbage a busy machine has not collected yet; nothing here is timed. The peak
// resident set of the same two commands is bounded too, loosely: it is mostly heap the garbage
// collector has grown and not yet returned, which varies from one run to the next.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';

beforeAll(requireBuild);

/**
 * Retained bytes per extra run. What is left per run is the analysis line being written (the
 * escape-time-scaling chart has a point per run): 0.4 KB a run here. Before it, 1.0–1.2 KB: the
 * worker's reply with every analysis, kept alive by its message callback's scope while the CLI
 * listed inside it; the listing held whole (every Run object and its validated copy, before the
 * runs were streamed from the project) was 2.4 KB a run, and lines queued for a slow pipe
 * (console.log) 1.9 KB a run more.
 */
const boundBytesPerRun = 1000;

/**
 * Peak resident set per extra run (all threads, from the child's getrusage). Measured at load 4–15
 * with better-sqlite3's 16 MB page cache: 150–168 MB at 1000 runs, 187–197 MB at 2000, 220–229 MB
 * at 4000, so 19–25 KB a run; with the CLI's 2 MB cache (load 3–5) 134–138 MB at 1000 and 202–212 MB
 * at 4000: 11–18 MB less, the same slope. It does not level off: 243–270 MB at 10 000 runs,
 * 336–368 MB at 16 000 (344–348 with the 16 MB cache: lost in the noise there), where the
 * printed output is 1.1 KB a run. Up to ~4000 runs, much of
 * the slope is V8 growing each thread's young generation (to 2 × 16 MB semi-spaces) as a longer
 * sweep's survivors add up: the host's heap is 29 MB at the end of 1000 runs, 53 MB at 4000.
 * Capping it costs CPU on these short runs (pool thread at 4 MB semi-spaces: 11–28 MB less at 4000,
 * CPU ×1.06–1.09 at 1000 runs; both threads held at 1 MB: 42 MB less, CPU ×1.04–1.06), so it stays.
 * After the last run come the analyses over the whole sweep: the pool worker holds every run
 * parsed and each result as objects (+37 MB at 4000 runs), the host checks and saves their text
 * (+16 MB at 4000, +30 MB at 10 000), and glibc keeps freed transfer buffers (20 MB less at 10 000
 * with MALLOC_ARENA_MAX=1 or MALLOC_MMAP_THRESHOLD_ fixed). Anything that held every run's series at
 * once (36 KB a run here) would break this bound.
 */
const boundPeakBytesPerRun = 40_000;

/** `runs` one-mode runs over t ∈ [0, 10⁻³]: each run is cheap, so the host's own holding shows. */
function trivialSweep(dir: string, runs: number): string {
  const file = join(dir, `sweep-${runs}.json`);
  const params = { depth: 3, targets: [1], initScale: 0.04, horizonMode: 'time', horizonTime: 1e-3 };
  writeFileSync(file, JSON.stringify({ family: 'mode-flow', name: `${runs} short runs`, params, sweep: { initScale: { logspace: [-2, -1, runs] } }, seeds: [0] }));
  return file;
}

interface ChildMemory {
  /** Main-thread heap in use after a forced GC, once every run line is printed. */
  heapUsed: number;
  /** Peak resident set of the whole process, in bytes. */
  peakRss: number;
}

async function memoryOfSweep(runs: number): Promise<ChildMemory> {
  const dir = tempDir();
  const env = { SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-'), NODE_OPTIONS: `--import ${join(repoRoot, 'test', 'helpers', 'heap-probe.mjs')}` };
  const result = await runCli(['run', trivialSweep(dir, runs), '--project', join(dir, 'p.saddle'), '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.split('\n').filter((line) => line.startsWith('{"type":"run"'))).toHaveLength(runs);
  const probe = /^heap-probe (.*)$/m.exec(result.stderr);
  const { heapUsed, maxRssKb } = JSON.parse(probe?.[1] ?? 'null') as { heapUsed: number | null; maxRssKb: number };
  expect(heapUsed, 'the CLI printed no analysis line').not.toBeNull();
  return { heapUsed: heapUsed as number, peakRss: maxRssKb * 1024 };
}

describe('saddle-lab run memory', () => {
  it('holds at most 1 KB more per run after listing 4000 runs than after 1000, and peaks at most 40 KB a run higher', async () => {
    const small = await memoryOfSweep(1000);
    const large = await memoryOfSweep(4000);
    expect((large.heapUsed - small.heapUsed) / 3000).toBeLessThan(boundBytesPerRun);
    expect((large.peakRss - small.peakRss) / 3000).toBeLessThan(boundPeakBytesPerRun);
  }, 600_000);

  it('ends cleanly when the reader leaves after its first chunk (`run --json | head -1`)', async () => {
    const dir = tempDir();
    const env = { SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') };
    // 1000 runs print ~280 KB: most of it is still unwritten when the reader has gone.
    const result = await runCli(['run', trivialSweep(dir, 1000), '--json'], env, { closeStdoutAfterFirstChunk: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 600_000);
});
