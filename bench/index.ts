// `npm run bench [-- NAME…]`: every capability's figures, as ratios against baselines measured in
// this run. Names pick sections (e.g. `npm run bench -- panels steepest`); none runs them all.
import { benchCompute, benchComputeFamilies } from './compute';
import { benchDlnTrain } from './dln-train';
import { benchDlnTrainExperiments } from './dln-train-experiments';
import { benchDlnTrainRecords } from './dln-train-records';
import { benchFig2 } from './fig2';
import { benchHostLatency } from './host-latency';
import { printFigures, type BenchFigure } from './figures';
import { benchLinalg } from './linalg';
import { benchLogging } from './logging';
import { benchMemory } from './memory';
import { benchMultipath } from './multipath';
import { benchOverhead, familyLoop, familyLoopEnv } from './overhead';
import { benchPanels } from './panels';
import { benchReluEscape } from './relu-escape';
import { benchScriptFamilies } from './script-families';
import { benchSlurm } from './slurm';
import { benchSteepest } from './steepest';
import { benchStorage } from './storage';
import { benchUi } from './ui';
import { enableRelaxedSimd } from '../workers/numeric/relaxed-simd';

enableRelaxedSimd(); // as the app's scheduler does, so the CPU backend is the one users get
// The overhead section's child process: the family alone, timed as the CLI is (see bench/overhead.ts).
const familyLoopRuns = process.env[familyLoopEnv];
if (familyLoopRuns) {
  await familyLoop(Number(familyLoopRuns));
  process.exit(0);
}
const root = process.env.SADDLE_BENCH_ROOT;
if (!root) throw new Error('SADDLE_BENCH_ROOT is not set: run `npm run bench`');

const sections: [name: string, title: string, run: () => BenchFigure[] | Promise<BenchFigure[]>][] = [
  ['fig2', 'Mode flow, Fig. 2 sweep', () => benchFig2(root)],
  ['overhead', 'Per-run overhead of a sweep of short runs (CLI, default pool)', () => benchOverhead(root)],
  ['memory', 'CLI peak memory against the number of runs (sweeps of short runs)', () => benchMemory(root)],
  ['storage', 'Storage', () => benchStorage(root)],
  ['host-latency', 'Host latency while a 55-run multipath sweep finishes (serve host, pool of 2)', () => benchHostLatency(root)],
  ['panels', 'Comparison panel', () => benchPanels(root)],
  ['ui', 'The window against the engine: Fig. 2-style sweeps run from Chromium on the serve host', () => benchUi(root)],
  ['linalg', 'Dense linear algebra (workers/numeric/matrix.ts, svd.ts)', () => benchLinalg()],
  ['compute', 'Compute backends: matrix products, CPU float64 vs OpenBLAS, WebGPU float32 vs CPU', () => benchCompute()],
  ['compute-families', 'Compute backends in the families: dln-train GD and paper-004 MLP steps, WebGPU float32 vs CPU float64', () => benchComputeFamilies()],
  ['dln-train', 'dln-train, GD steps on ½‖W_L⋯W₁ − T‖²', () => benchDlnTrain(root)],
  ['dln-train-records', "dln-train recorded metrics' share of a short GD run (L = 3, dense W_eff)", () => benchDlnTrainRecords(root)],
  ['dln-train-experiments', 'dln-train experiment tools: Hessian top-k, kernel distance, wide spectra, momentum / Adam', () => benchDlnTrainExperiments()],
  ['multipath', 'Multipath, reduced vs full-matrix models', () => benchMultipath(root)],
  ['steepest', 'Steepest, diagonal regression n = 100, k = 300, L = 3', () => benchSteepest(root)],
  ['relu-escape', 'relu-escape, projected descent (circle) and MNIST training', () => benchReluEscape()],
  ['script-families', 'Script families: line-protocol ingest from python3 and per-run process cost', () => benchScriptFamilies(root)],
  ['logging', 'W&B-style logging: saddle_lab.log() against writing the same JSON lines, and their ingest', () => benchLogging(root)],
  ['slurm', 'Slurm: an 8-run sweep submitted to the local cluster and collected, against running it here', () => benchSlurm(root)],
];

const wanted = (process.env.SADDLE_BENCH_ONLY ?? '').split(',').filter((name) => name !== '');
const unknown = wanted.filter((name) => !sections.some(([known]) => known === name));
if (unknown.length > 0) {
  console.error(`npm run bench: unknown section(s) ${unknown.join(', ')}; known: ${sections.map(([name]) => name).join(', ')}`);
  process.exit(2);
}
for (const [name, title, run] of sections) {
  if (wanted.length === 0 || wanted.includes(name)) printFigures(title, await run());
}
