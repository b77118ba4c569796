// Fig. 2 of the mirror-descent paper (125 runs): the solver alone in-process, then end to end
// through the CLI (process start, pool, storage, analyses; `node bin/saddle-lab.mjs`, not npx) with
// the default pool and with one and two threads, against SciPy's solve_ivp (DOP853) solving the
// same 125 problems to the escape event, on the Python that has numpy and SciPy (python-peer.ts).
// The default-pool CLI and SciPy run in alternated pairs, and the ratio is each pair's, the median
// taken: the machine's load drifts between runs minutes apart.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getFamily } from '../workers/families/index';
import { expandSweep } from '../src-main/contract/sweep';
import { exampleFile } from '../src-main/contract';
import { medianTimes, timeCli, type ProcessTimes } from './cli-process';
import { median, type BenchFigure } from './figures';
import { numpyPython, peerEnvironment, SCIPY_MISSING, type NumpyPython } from './python-peer';
import { quietContext } from './run-context';

const repeats = 3;
/** Alternated CLI/SciPy pairs: their ratio swung 0.50–0.74 within one run of 3 on this machine. */
const scipyPairs = 5;

export async function benchFig2(root: string): Promise<BenchFigure[]> {
  const specFile = join(root, 'examples', 'mirror-descent-fig2.json');
  const spec = exampleFile.parse(JSON.parse(readFileSync(specFile, 'utf8')));
  const family = getFamily(spec.family);
  const runs = expandSweep(spec.params, spec.sweep, spec.seeds);

  const solveAll = async () => {
    for (const run of runs) {
      const ctx = quietContext(run.seed);
      await family.run(family.params.parse(run.params), ctx);
    }
  };
  await solveAll();
  const solverCpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.cpuUsage();
    await solveAll();
    const used = process.cpuUsage(start);
    solverCpu.push((used.user + used.system) / 1000);
  }
  const solverMs = solverCpu.sort((a, b) => a - b)[Math.floor(repeats / 2)];

  const cliOnce = (pool: number | null): ProcessTimes =>
    timeCli(root, (dir) => ['run', specFile, '--project', join(dir, 'b.saddle'), '--json', ...(pool === null ? [] : ['--pool', String(pool)])]);
  const cli = (pool: number | null): ProcessTimes => medianTimes(repeats, () => cliOnce(pool));
  const python = numpyPython();
  const scipyVersion = python ? scipyVersionOf(python) : null;
  // Pairs: the CLI with the default pool, then SciPy, each pair's ratio kept.
  cliOnce(null);
  const pairs = Array.from({ length: scipyPairs }, () => {
    const ours = cliOnce(null);
    return { ours, scipyMs: python && scipyVersion ? scipySolveMs(root, python) : NaN };
  });
  const defaultPool = { cpuMs: median(pairs.map((pair) => pair.ours.cpuMs)), wallMs: median(pairs.map((pair) => pair.ours.wallMs)) };
  const oneThread = cli(1);
  const twoThreads = cli(2);
  const nodeStart = medianTimes(repeats, () => {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return { wallMs: performance.now() - start, cpuMs: NaN, peakRssKb: NaN };
  });

  const figures: BenchFigure[] = [{ name: 'Fig. 2 solver alone (125 runs to convergence, one thread), CPU', value: solverMs, unit: 'ms' }];
  if (scipyVersion === null) {
    figures.push({ name: 'SciPy solve_ivp DOP853 to the escape event: peer missing', value: NaN, unit: '', baseline: python ? `${python.path} has no scipy` : SCIPY_MISSING });
  } else {
    console.log(`  note: peer ${python?.path} (numpy ${python?.numpyVersion}, scipy ${scipyVersion})`);
    figures.push({ name: 'SciPy solve_ivp DOP853 to the escape event (125 runs), CPU', value: median(pairs.map((pair) => pair.scipyMs)), unit: 'ms' });
  }
  const vsScipy = (ms: (times: ProcessTimes) => number) => {
    if (scipyVersion === null) return {};
    const ratios = pairs.map((pair) => ms(pair.ours) / pair.scipyMs);
    const range = `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`;
    return { baseline: `SciPy solving only, CPU, median of ${scipyPairs} alternated pairs (${range}; target ≤ 0.5)`, ratio: median(ratios) };
  };
  figures.push(
    { name: 'Fig. 2 end to end via CLI, default pool, CPU (all threads)', value: defaultPool.cpuMs, unit: 'ms', ...vsScipy((times) => times.cpuMs) },
    { name: 'Fig. 2 end to end via CLI, default pool, wall', value: defaultPool.wallMs, unit: 'ms', ...vsScipy((times) => times.wallMs) },
    { name: 'Fig. 2 end to end via CLI, pool of 1, wall', value: oneThread.wallMs, unit: 'ms', baseline: 'solver alone', ratio: oneThread.wallMs / solverMs },
    { name: 'Fig. 2 end to end via CLI, pool of 2, wall', value: twoThreads.wallMs, unit: 'ms', baseline: 'pool of 1', ratio: twoThreads.wallMs / oneThread.wallMs },
    { name: 'Fig. 2 end to end via CLI, pool of 2, CPU', value: twoThreads.cpuMs, unit: 'ms', baseline: 'pool of 1, CPU', ratio: twoThreads.cpuMs / oneThread.cpuMs },
    { name: 'of which bare Node start-up, wall', value: nodeStart.wallMs, unit: 'ms' },
  );
  return figures;
}

/** SciPy's version in that interpreter, or null where SciPy is missing. */
function scipyVersionOf(python: NumpyPython): string | null {
  try {
    return execFileSync(python.path, ['-c', 'import scipy; print(scipy.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** SciPy's CPU time for the 125 problems (bench/python/mode_flow_scipy.py: the best of two passes in one process, imports left out). */
function scipySolveMs(root: string, python: NumpyPython): number {
  const out = execFileSync(python.path, [join(root, 'bench', 'python', 'mode_flow_scipy.py'), '2'], { encoding: 'utf8', env: peerEnvironment(), timeout: 600_000 });
  return (JSON.parse(out) as { seconds: number }).seconds * 1000;
}
