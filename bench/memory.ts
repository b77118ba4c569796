// The CLI's peak memory against the number of runs (issue 23: "memory flat in the number of runs"):
// peak resident set (all threads, the process's own getrusage at exit) of `saddle-lab run --json`
// on sweeps of 1000 and 4000 of the overhead section's short runs, in alternated pairs; each pair's
// growth per extra run, the median taken. A Python loop calling SciPy for as many runs, keeping
// nothing, is shown beside it for scale: its memory is flat by construction, the CLI's stores every
// run and analyses the sweep.
import { median, type BenchFigure } from './figures';
import { shortRunSweepPairs, trivialScipyLoop } from './overhead';
import { SCIPY_MISSING } from './python-peer';

const [smallSweep, largeSweep] = [1000, 4000];
const pairs = 3;
/** KiB per extra run taken as flat: the retained heap the CLI's memory test allows a run (the analyses' rows of it). */
const flatKbPerRun = 1;

export function benchMemory(root: string): BenchFigure[] {
  const measured = shortRunSweepPairs(root, [smallSweep, largeSweep], pairs).map(({ small, large }) => ({
    smallKb: small.peakRssKb,
    largeKb: large.peakRssKb,
    perRunKb: (large.peakRssKb - small.peakRssKb) / (largeSweep - smallSweep),
  }));
  const perRun = measured.map((pair) => pair.perRunKb);
  const perRunKb = median(perRun);
  const [peerSmall, peerLarge] = [trivialScipyLoop(root, smallSweep), trivialScipyLoop(root, largeSweep)];
  return [
    { name: `CLI peak memory, ${smallSweep} short runs`, value: median(measured.map((pair) => pair.smallKb)) / 1024, unit: 'MiB', baseline: `median of ${pairs}` },
    { name: `CLI peak memory, ${largeSweep} short runs`, value: median(measured.map((pair) => pair.largeKb)) / 1024, unit: 'MiB', baseline: `median of ${pairs}` },
    {
      name: `CLI peak memory per extra run (${smallSweep} → ${largeSweep})`,
      value: perRunKb,
      unit: 'KiB',
      baseline: `median of ${pairs} alternated pairs, ${Math.min(...perRun).toPrecision(3)}–${Math.max(...perRun).toPrecision(3)} KiB; target flat (≤ ${flatKbPerRun} KiB): ${perRunKb <= flatKbPerRun ? 'met' : 'not met'}`,
    },
    peerSmall === null || peerLarge === null
      ? { name: 'Python loop calling solve_ivp, peak memory: peer missing', value: NaN, unit: '', baseline: SCIPY_MISSING }
      : {
          name: 'Python loop calling solve_ivp (keeps nothing), peak memory per extra call',
          value: (peerLarge.maxRssKb - peerSmall.maxRssKb) / (largeSweep - smallSweep),
          unit: 'KiB',
          baseline: `context: ${(peerSmall.maxRssKb / 1024).toFixed(0)} → ${(peerLarge.maxRssKb / 1024).toFixed(0)} MiB`,
        },
  ];
}
