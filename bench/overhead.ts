// Per-run overhead of a sweep of short runs: the CLI's CPU per extra run (sweeps of 100 and 1100
// runs, so start-up cancels; the two run in alternated pairs, each pair differenced, the median
// taken: a difference of two separate medians swung 0.19-0.58 ms on this machine) less what the
// family itself takes per run, against the target of 0.5 ms. The family's share is measured the
// same way: its runs and its sweep analyses in a fresh process for the same two sweeps
// (familyLoopEnv), so its JIT warm-up counts as the family's, as it does inside the CLI (measured
// warm, after a warm-up pass, it left its warm-up to the host's share).
// A Python loop calling SciPy's solve_ivp once per run (bench/python/trivial_scipy.py) is shown
// beside it for scale. A run here is one mode of depth 3 over t ∈ [0, 10⁻³]: the family's own
// work is small, the host's shows.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFamily } from '../workers/families/index';
import { expandSweep } from '../src-main/contract/sweep';
import type { AnalysisRunInput, RunSummary } from '../workers/family';
import { timeCli, type ProcessTimes } from './cli-process';
import { median, type BenchFigure } from './figures';
import { numpyPython, peerEnvironment, SCIPY_MISSING } from './python-peer';
import { quietContext } from './run-context';

const params = { depth: 3, targets: [1], initScale: 0.04, horizonMode: 'time', horizonTime: 1e-3 };
const [smallSweep, largeSweep] = [100, 1100];
/** Alternated pairs (small sweep, large sweep) of CLI runs, after one warm-up of each. */
const cliPairs = 5;
/** Issue 23: what the host may add to each run of a sweep, in CPU time. */
const targetOverheadMs = 0.5;

const sweepSpec = (runs: number) => ({ family: 'mode-flow', name: `${runs} short runs`, params, sweep: { initScale: { logspace: [-2, -1, runs] as [number, number, number] } }, seeds: [0] });

/** Each of `pairs` alternated CLI runs of sweeps of `sizes` short runs (after one warm-up of each): both runs' figures. */
export function shortRunSweepPairs(root: string, sizes: [small: number, large: number], pairs: number): { small: ProcessTimes; large: ProcessTimes }[] {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-sweeps-'));
  try {
    const [small, large] = sizes.map((runs) => {
      const file = join(dir, `sweep-${runs}.json`);
      writeFileSync(file, JSON.stringify(sweepSpec(runs)));
      return () => timeCli(root, (d) => ['run', file, '--project', join(d, 'p.saddle'), '--json']);
    });
    small();
    large();
    return Array.from({ length: pairs }, () => ({ small: small(), large: large() }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** bench/python/trivial_scipy.py for `calls` runs on the Python that has numpy: its CPU per call and peak memory; null without SciPy there. */
export function trivialScipyLoop(root: string, calls: number): { python: string; secondsPerCall: number; maxRssKb: number } | null {
  const python = numpyPython();
  if (!python) return null;
  try {
    const out = execFileSync(python.path, [join(root, 'bench', 'python', 'trivial_scipy.py'), String(calls)], { encoding: 'utf8', env: peerEnvironment(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    return { python: python.path, ...(JSON.parse(out) as { secondsPerCall: number; maxRssKb: number }) };
  } catch {
    return null; // no scipy in that interpreter
  }
}

export async function benchOverhead(root: string): Promise<BenchFigure[]> {
  const pairs = shortRunSweepPairs(root, [smallSweep, largeSweep], cliPairs).map(({ small, large }) => (large.cpuMs - small.cpuMs) / (largeSweep - smallSweep));
  const perRunMs = median(pairs);
  const family = familyCpuPerRun();
  const overheadMs = perRunMs - family.runsMs - family.analysesMs;
  const warmMs = await warmFamilyCpuPerRun(largeSweep);
  const peer = trivialScipyLoop(root, largeSweep);
  const target = `target ≤ ${targetOverheadMs} ms CPU per run: ${overheadMs <= targetOverheadMs ? 'met' : 'not met'}`;
  return [
    {
      name: `CLI CPU per run (sweeps of ${smallSweep} and ${largeSweep} runs, default pool)`,
      value: perRunMs,
      unit: 'ms',
      baseline: `median of ${cliPairs} alternated pairs, ${Math.min(...pairs).toPrecision(3)}–${Math.max(...pairs).toPrecision(3)} ms`,
    },
    { name: "of which the family's runs (fresh process, same sweeps)", value: family.runsMs, unit: 'ms' },
    { name: "of which the family's sweep analyses (same)", value: family.analysesMs, unit: 'ms' },
    { name: 'per-run overhead (host, transport, storage)', value: overheadMs, unit: 'ms', baseline: target },
    {
      name: "the family's runs warm (in-process, after a warm-up pass)",
      value: warmMs,
      unit: 'ms',
      baseline: `context: measured so, the family's JIT warm-up and its analyses count as overhead: ${(perRunMs - warmMs).toPrecision(3)} ms`,
    },
    peer === null
      ? { name: 'Python loop calling solve_ivp: peer missing', value: NaN, unit: '', baseline: SCIPY_MISSING }
      : {
          name: `Python loop calling solve_ivp, CPU per call (${peer.python})`,
          value: peer.secondsPerCall * 1000,
          unit: 'ms',
          baseline: `context, not the target: the overhead above is ${(overheadMs / (peer.secondsPerCall * 1000)).toPrecision(3)}× one such call`,
        },
  ];
}

/**
 * Set in the environment of a child process of the bench (the bench's own file run again): it runs
 * the family loop for that many runs of the sweep and prints its process CPU, then exits.
 */
export const familyLoopEnv = 'SADDLE_BENCH_FAMILY_LOOP';

/**
 * The family's CPU per run as the CLI pays it: its runs (params parsed, theory, run) and its sweep
 * analyses over them, each in a fresh process for the small and the large sweep (alternated, medians
 * of five), differenced like the CLI's figure.
 */
function familyCpuPerRun(): { runsMs: number; analysesMs: number } {
  const bench = fileURLToPath(import.meta.url);
  const loop = (runs: number) => {
    const result = spawnSync(process.execPath, [bench], { encoding: 'utf8', env: { ...process.env, [familyLoopEnv]: String(runs) } });
    if (result.status !== 0) throw new Error(`the family loop failed (${result.status}): ${result.stderr}`);
    return JSON.parse(result.stdout) as { runsMs: number; analysesMs: number };
  };
  const passes = Array.from({ length: 5 }, () => [loop(smallSweep), loop(largeSweep)]);
  const per = (key: 'runsMs' | 'analysesMs') => median(passes.map(([small, large]) => (large[key] - small[key]) / (largeSweep - smallSweep)));
  return { runsMs: per('runsMs'), analysesMs: per('analysesMs') };
}

/**
 * The child's side of familyCpuPerRun: the process's CPU (every thread: the JIT's too) over the
 * runs, then over the analyses; the bench's own loading before them is left out (it is no part of
 * the family and only adds noise to the difference). The analyses read each run as the pool
 * worker's analyze does: params and summary from JSON text.
 */
export async function familyLoop(count: number): Promise<void> {
  const family = getFamily('mode-flow');
  const planned = expandSweep(params, sweepSpec(count).sweep, [0]);
  const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
  const start = process.cpuUsage();
  const stored: { paramsJson: string; seed: number; summaryJson: string }[] = [];
  for (const run of planned) {
    const parsed = family.params.parse(run.params);
    family.theory?.(parsed, run.seed);
    const summary = await family.run(parsed, quietContext(run.seed));
    stored.push({ paramsJson: JSON.stringify(parsed), seed: run.seed, summaryJson: JSON.stringify(summary) });
  }
  const runsMs = cpuMs(process.cpuUsage(start));
  const analysesStart = process.cpuUsage();
  const runs: AnalysisRunInput[] = stored.map((run, i) => ({ runId: i + 1, params: JSON.parse(run.paramsJson) as Record<string, unknown>, seed: run.seed, status: 'done', summary: JSON.parse(run.summaryJson) as RunSummary }));
  JSON.stringify((family.analyses ?? []).filter((analysis) => analysis.applies(runs)).map((analysis) => analysis.run(runs)));
  process.stdout.write(JSON.stringify({ runsMs, analysesMs: cpuMs(process.cpuUsage(analysesStart)) }));
}

/** CPU per run of the same runs called in-process, warm (median of three passes after a warm-up): context. */
async function warmFamilyCpuPerRun(count: number): Promise<number> {
  const family = getFamily('mode-flow');
  const runs = expandSweep(params, sweepSpec(count).sweep, [0]);
  const pass = async () => {
    const start = process.cpuUsage();
    for (const run of runs) {
      const parsed = family.params.parse(run.params);
      family.theory?.(parsed, run.seed);
      await family.run(parsed, quietContext(run.seed));
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 / runs.length;
  };
  await pass();
  return median([await pass(), await pass(), await pass()]);
}
