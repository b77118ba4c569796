// Fig. 2 of the mirror-descent paper (125 runs): the solver alone in-process, then end to end
// through the CLI (process start, pool, storage, analyses) with the default pool and with one and
// two workers, against SciPy's solve_ivp (DOP853) doing only the solving of the same 125 problems.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFamily } from '../workers/families/index';
import { createRng } from '../workers/numeric/rng';
import { expandSweep } from '../src-main/contract/sweep';
import { exampleFile } from '../src-main/contract';
import type { BenchFigure } from './figures';

export async function benchFig2(root: string): Promise<BenchFigure[]> {
  const specFile = join(root, 'examples', 'mirror-descent-fig2.json');
  const spec = exampleFile.parse(JSON.parse(readFileSync(specFile, 'utf8')));
  const family = getFamily(spec.family);
  const runs = expandSweep(spec.params, spec.sweep, spec.seeds);

  const solverMs = await timeBest(3, async () => {
    for (const run of runs) {
      const ctx = {
        seed: run.seed,
        rng: createRng(run.seed),
        reportDevice: () => {},
        signal: new AbortController().signal,
        emit: () => {},
        progress: () => {},
      };
      await family.run(family.params.parse(run.params), ctx);
    }
  });

  const cli = (pool: number | null) =>
    timeBest(3, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-'));
      try {
        const poolArgs = pool === null ? [] : ['--pool', String(pool)];
        const result = spawnSync(process.execPath, [join(root, 'bin', 'saddle-lab.mjs'), 'run', specFile, '--project', join(dir, 'b.saddle'), '--json', ...poolArgs], {
          encoding: 'utf8',
          env: { ...process.env, SADDLE_LAB_CONFIG_DIR: dir },
        });
        if (result.status !== 0) throw new Error(`CLI failed: ${result.stderr}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  const defaultPoolMs = await cli(null);
  const oneWorkerMs = await cli(1);
  const twoWorkersMs = await cli(2);
  const nodeStartMs = await timeBest(3, async () => {
    spawnSync(process.execPath, ['-e', '0']);
  });
  const scipyMs = scipySolveMs(root);

  return [
    { name: 'Fig. 2 solver alone (125 runs, one thread)', value: solverMs, unit: 'ms' },
    scipyMs === null
      ? { name: 'SciPy solve_ivp DOP853, solving only', value: NaN, unit: 'ms', baseline: 'skipped: no python3 with numpy and scipy' }
      : { name: 'SciPy solve_ivp DOP853, solving only (125 runs)', value: scipyMs, unit: 'ms' },
    {
      name: 'Fig. 2 end to end via CLI, default pool',
      value: defaultPoolMs,
      unit: 'ms',
      ...(scipyMs === null ? {} : { baseline: 'SciPy solving only (target ≤ 0.5)', ratio: defaultPoolMs / scipyMs }),
    },
    { name: 'Fig. 2 end to end via CLI, pool of 1', value: oneWorkerMs, unit: 'ms', baseline: 'solver alone', ratio: oneWorkerMs / solverMs },
    { name: 'Fig. 2 end to end via CLI, pool of 2', value: twoWorkersMs, unit: 'ms', baseline: '1 s target', ratio: twoWorkersMs / 1000 },
    { name: 'parallel efficiency, 2 workers vs 1 (T1 / 2·T2)', value: oneWorkerMs / (2 * twoWorkersMs), unit: '', baseline: 'ideal 1.0' },
    { name: 'of which bare Node start-up', value: nodeStartMs, unit: 'ms' },
  ];
}

/** Best of three in SciPy (bench/python/mode_flow_scipy.py), or null where numpy and SciPy are missing. */
function scipySolveMs(root: string): number | null {
  try {
    const out = execFileSync('python3', [join(root, 'bench', 'python', 'mode_flow_scipy.py'), '3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    return (JSON.parse(out) as { seconds: number }).seconds * 1000;
  } catch {
    return null;
  }
}

async function timeBest(repeats: number, fn: () => Promise<void>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
