// Per-run overhead of a sweep of short runs: the CLI's CPU per extra run (sweeps of 100 and 1100
// runs, so start-up cancels) less what the family itself takes per run in-process, against the
// target of 0.5 ms; a Python loop calling SciPy's solve_ivp once per run (bench/python/trivial_scipy.py)
// is shown beside it for scale. A run here is
// one mode of depth 3 over t ∈ [0, 10⁻³]: the family's own work is small, the host's shows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFamily } from '../workers/families/index';
import { createRng } from '../workers/numeric/rng';
import { expandSweep } from '../src-main/contract/sweep';
import { medianTimes, timeCli } from './cli-process';
import { numpyPython, peerEnvironment } from './python-peer';
import type { BenchFigure } from './figures';

const params = { depth: 3, targets: [1], initScale: 0.04, horizonMode: 'time', horizonTime: 1e-3 };
const [smallSweep, largeSweep] = [100, 1100];
const repeats = 3;
/** Issue 23: what the host may add to each run of a sweep, in CPU time. */
const targetOverheadMs = 0.5;

const sweepSpec = (runs: number) => ({ family: 'mode-flow', name: `${runs} short runs`, params, sweep: { initScale: { logspace: [-2, -1, runs] as [number, number, number] } }, seeds: [0] });

export async function benchOverhead(root: string): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-overhead-'));
  try {
    const cpuOf = (runs: number) => {
      const file = join(dir, `sweep-${runs}.json`);
      writeFileSync(file, JSON.stringify(sweepSpec(runs)));
      return medianTimes(repeats, () => timeCli(root, (d) => ['run', file, '--project', join(d, 'p.saddle'), '--json'])).cpuMs;
    };
    const small = cpuOf(smallSweep);
    const large = cpuOf(largeSweep);
    const perRunMs = (large - small) / (largeSweep - smallSweep);
    const familyMs = await familyCpuPerRun(largeSweep);
    const overheadMs = perRunMs - familyMs;
    const python = numpyPython();
    let peerMs: number | null = null;
    if (python) {
      try {
        const out = execFileSync(python.path, [join(root, 'bench', 'python', 'trivial_scipy.py'), String(largeSweep)], { encoding: 'utf8', env: peerEnvironment(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
        peerMs = (JSON.parse(out) as { secondsPerCall: number }).secondsPerCall * 1000;
      } catch {
        peerMs = null; // no scipy in that interpreter
      }
    }
    const target = `target ≤ ${targetOverheadMs} ms CPU per run: ${overheadMs <= targetOverheadMs ? 'met' : 'not met'}`;
    return [
      { name: `CLI CPU per run (sweeps of ${smallSweep} and ${largeSweep} runs, default pool)`, value: perRunMs, unit: 'ms' },
      { name: 'of which the family itself (in-process, same runs)', value: familyMs, unit: 'ms' },
      { name: 'per-run overhead (host, transport, storage)', value: overheadMs, unit: 'ms', baseline: target },
      peerMs === null
        ? { name: 'Python loop calling solve_ivp: peer missing', value: NaN, unit: '', baseline: 'no python with numpy and scipy (set SADDLE_BENCH_PYTHON)' }
        : {
            name: `Python loop calling solve_ivp, CPU per call (${python?.path})`,
            value: peerMs,
            unit: 'ms',
            baseline: `context, not the target: the overhead above is ${(overheadMs / peerMs).toPrecision(3)}× one such call`,
          },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU per run of the same runs called in-process (median of three passes after a warm-up). */
async function familyCpuPerRun(count: number): Promise<number> {
  const family = getFamily('mode-flow');
  const runs = expandSweep(params, sweepSpec(count).sweep, [0]);
  const pass = async () => {
    const start = process.cpuUsage();
    for (const run of runs) {
      const parsed = family.params.parse(run.params);
      family.theory?.(parsed, run.seed);
      await family.run(parsed, { seed: run.seed, rng: createRng(run.seed), reportDevice: () => {}, signal: new AbortController().signal, emit: () => {}, progress: () => {} });
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 / runs.length;
  };
  await pass();
  const times = [await pass(), await pass(), await pass()].sort((a, b) => a - b);
  return times[1];
}
