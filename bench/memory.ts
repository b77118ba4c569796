// The CLI's peak memory against the number of runs (issue 23: "memory flat in the number of runs"):
// peak resident set (all threads, the process's own getrusage at exit) of `saddle-lab run --json`
// on sweeps of 1000 and 4000 of the overhead section's short runs, in alternated pairs; each pair's
// growth per extra run, the median taken. A Python loop calling SciPy for as many runs, keeping
// nothing, is shown beside it for scale: its memory is flat by construction, the CLI's stores every
// run and analyses the sweep.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type BenchFigure } from './figures';
import { shortRunSweep } from './overhead';
import { numpyPython, peerEnvironment } from './python-peer';

const [smallSweep, largeSweep] = [1000, 4000];
const pairs = 3;
/** KiB per extra run taken as flat: the retained heap the CLI's memory test allows a run (the analyses' rows of it). */
const flatKbPerRun = 1;

export function benchMemory(root: string): BenchFigure[] {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-memory-'));
  try {
    const [small, large] = [smallSweep, largeSweep].map((runs) => {
      const sweep = shortRunSweep(root, dir, runs);
      return () => sweep().peakRssKb;
    });
    const measured = Array.from({ length: pairs }, () => {
      const smallKb = small();
      const largeKb = large();
      return { smallKb, largeKb, perRunKb: (largeKb - smallKb) / (largeSweep - smallSweep) };
    });
    const perRun = measured.map((pair) => pair.perRunKb);
    const perRunKb = median(perRun);
    const peer = pythonPeakKb(root);
    return [
      { name: `CLI peak memory, ${smallSweep} short runs`, value: median(measured.map((pair) => pair.smallKb)) / 1024, unit: 'MiB', baseline: `median of ${pairs}` },
      { name: `CLI peak memory, ${largeSweep} short runs`, value: median(measured.map((pair) => pair.largeKb)) / 1024, unit: 'MiB', baseline: `median of ${pairs}` },
      {
        name: `CLI peak memory per extra run (${smallSweep} → ${largeSweep})`,
        value: perRunKb,
        unit: 'KiB',
        baseline: `median of ${pairs} alternated pairs, ${Math.min(...perRun).toPrecision(3)}–${Math.max(...perRun).toPrecision(3)} KiB; target flat (≤ ${flatKbPerRun} KiB): ${perRunKb <= flatKbPerRun ? 'met' : 'not met'}`,
      },
      peer === null
        ? { name: 'Python loop calling solve_ivp, peak memory: peer missing', value: NaN, unit: '', baseline: 'no python with numpy and scipy (set SADDLE_BENCH_PYTHON)' }
        : {
            name: 'Python loop calling solve_ivp (keeps nothing), peak memory per extra call',
            value: (peer.largeKb - peer.smallKb) / (largeSweep - smallSweep),
            unit: 'KiB',
            baseline: `context: ${(peer.smallKb / 1024).toFixed(0)} → ${(peer.largeKb / 1024).toFixed(0)} MiB`,
          },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The SciPy loop's peak resident set at the two sweep sizes, or null without a Python that has SciPy. */
function pythonPeakKb(root: string): { smallKb: number; largeKb: number } | null {
  const python = numpyPython();
  if (!python) return null;
  const peak = (calls: number) => {
    const out = execFileSync(python.path, [join(root, 'bench', 'python', 'trivial_scipy.py'), String(calls)], { encoding: 'utf8', env: peerEnvironment(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    return (JSON.parse(out) as { maxRssKb: number }).maxRssKb;
  };
  try {
    return { smallKb: peak(smallSweep), largeKb: peak(largeSweep) };
  } catch {
    return null; // no scipy in that interpreter
  }
}
