// Steepest family: training steps for the paper's regression setting (n = 100, k = 300, L = 3, sign
// descent) against numpy's Gram form run in the same bench (bench/python/numpy_peers.py, CPU time per
// step on both sides, 10⁶ steps): the run's path (the WebAssembly step loop, wasm-diagonal-descent.ts)
// and the JavaScript path it falls back to (Adam, mini-batches, other q); against a naive implementation
// (per-step Zx over all k rows, nested arrays, per-layer products recomputed, Math.pow); the whole
// 10⁶-step run of the default experiment with its metrics against numpy's 10⁶ bare steps; and a
// weight-decay grid through the CLI with pools of 1 and 2 workers (bench/cli-process.ts: the whole
// `node bin/saddle-lab.mjs` process, wall and CPU of all its threads, medians of a few runs). The
// run's step is timed once (10⁶ steps): its CPU per step and its steps per second (wall) both come
// from that one call.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { family } from '../workers/families/steepest';
import { DiagonalNetwork } from '../workers/families/steepest/network';
import { Objective } from '../workers/families/steepest/objective';
import { steepestParams } from '../workers/families/steepest/params';
import { makeProblem, type Problem } from '../workers/families/steepest/problem';
import { createStepper } from '../workers/families/steepest/stepper';
import { createRng } from '../workers/numeric/rng';
import { medianTimes, timeCli, type ProcessTimes } from './cli-process';
import type { BenchFigure } from './figures';
import { numpyPython, PEER_MISSING, runNumpyPeer, secondsPerStep } from './python-peer';
import { quietContext } from './run-context';

const SETTING = { features: 100, samples: 300, support: 5, depth: 3, q: 1, learningRate: 1e-4 };
/** Steps of the numpy comparison (the paper's run length). */
const PEER_STEPS = 1_000_000;
/** Timed CLI runs of the grid per pool (after one warm-up); their median is printed. */
const CLI_REPEATS = 3;

/** The textbook loop: O(kn) per gradient, arrays of arrays, each layer's partner product recomputed. */
function naiveSteps(problem: Problem, depth: number, q: number, eta: number, steps: number): number {
  const { n, k } = problem;
  const z = Array.from({ length: k }, (_, j) => Array.from(problem.rows.subarray(j * n, (j + 1) * n)));
  const y = Array.from(problem.targets);
  const w = Array.from({ length: depth }, (_, i) => new Array<number>(n).fill(i === 0 ? 0 : 0.1));
  let loss = 0;
  for (let t = 0; t < steps; t++) {
    const x = new Array<number>(n).fill(1).map((_, c) => w.reduce((p, layer) => p * layer[c], 1));
    const r = z.map((row, j) => row.reduce((s, v, c) => s + v * x[c], 0) - y[j]);
    loss = r.reduce((s, v) => s + v * v, 0) / (2 * k);
    const h = x.map((_, c) => r.reduce((s, rj, j) => s + rj * z[j][c], 0) / k);
    const grads = w.map((_, i) => h.map((hc, c) => hc * w.reduce((p, layer, l) => (l === i ? p : p * layer[c]), 1)));
    grads.forEach((g, i) => g.forEach((gc, c) => (w[i][c] -= eta * Math.sign(gc) * Math.pow(Math.abs(gc), q - 1))));
  }
  return loss;
}

/** Steps between the run loop's checks: the stretches the kernel takes in one call. */
const STRETCH = 4096;

function diagonalNetwork(problem: Problem, depth: number, q: number, eta: number) {
  const settings = { kind: 'steepest' as const, q, learningRate: eta, coupledDecay: 0, decoupledDecay: 0, beta1: 0, beta2: 0, epsilon: 0 };
  const net = new DiagonalNetwork(problem.n, depth, settings);
  net.initialize('saddle', 0.1, 0, q, createRng(0));
  return { net, settings };
}

/** The run's path: the WebAssembly step loop in stretches; returns the loss before the last update. */
function kernelSteps(problem: Problem, depth: number, q: number, eta: number, steps: number): number {
  const { net, settings } = diagonalNetwork(problem, depth, q, eta);
  const stepper = createStepper(problem, new Objective(problem), net, settings, new Float64Array(problem.n), null);
  if (!stepper.advance) throw new Error('steepest bench: the setting is not on the kernel');
  let loss = 0;
  for (let t = 0; t < steps; ) {
    const count = Math.min(STRETCH, steps - t);
    t += stepper.advance(t, count - 1, -Infinity);
    loss = Math.exp(stepper.step(t++).logLoss);
  }
  return loss;
}

/** The JavaScript path (Objective.gradient, DiagonalNetwork.step); returns the loss before the last update. */
function javascriptSteps(problem: Problem, depth: number, q: number, eta: number, steps: number): number {
  const { net } = diagonalNetwork(problem, depth, q, eta);
  const objective = new Objective(problem);
  const grad = new Float64Array(problem.n);
  let loss = 0;
  for (let t = 0; t < steps; t++) {
    loss = objective.gradient(net.x, grad, null);
    net.step(grad);
  }
  return loss;
}

/**
 * CPU time per step of numpy's Gram form (bench/python/numpy_peers.py), the run's kernel (`kernel`,
 * timed by the caller over 10⁶ steps) and the JavaScript path (2.5·10⁵ steps); and of the default
 * 10⁶-step run with its metrics (family.run).
 */
function numpyComparison(root: string, problem: Problem, p: { depth: number; q: number; learningRate: number }, kernel: number): BenchFigure[] {
  const javascript = secondsPerStep((s) => javascriptSteps(problem, p.depth, p.q, p.learningRate, s), PEER_STEPS / 4).cpu;
  const ctx = quietContext();
  const cpu0 = process.cpuUsage();
  family.run(family.params.parse({ steps: PEER_STEPS }), ctx);
  const cpu = process.cpuUsage(cpu0);
  const fullRun = (cpu.user + cpu.system) / 1e6;
  const peer = runNumpyPeer(root, 'steepest', PEER_STEPS);
  const python = numpyPython();
  const us = 1e6;
  const versus = (seconds: number, target: string) => (peer ? { baseline: `numpy Gram form${target}`, ratio: seconds / peer.secondsPerStep } : {});
  return [
    peer && python
      ? { name: 'numpy Gram form, CPU per step (10⁶ steps)', value: peer.secondsPerStep * us, unit: 'µs', baseline: `${python.path}, numpy ${peer.numpy}, 1 OpenBLAS thread` }
      : { name: 'numpy Gram form, CPU per step', value: NaN, unit: 'µs', baseline: PEER_MISSING },
    { name: "the run's step (WASM step loop), CPU per step (10⁶ steps)", value: kernel * us, unit: 'µs', ...versus(kernel, ' (target ≤ 0.5)') },
    { name: 'JavaScript path (Adam, mini-batches, other q), CPU per step', value: javascript * us, unit: 'µs', ...versus(javascript, '') },
    { name: 'default run, 10⁶ steps with metrics (family.run), CPU per step', value: (fullRun / PEER_STEPS) * us, unit: 'µs', ...versus(fullRun / PEER_STEPS, ' (no metrics)') },
  ];
}

export function benchSteepest(root: string): BenchFigure[] {
  const p = steepestParams.parse(SETTING);
  const problem = makeProblem(p, createRng(0));
  // The run's step, timed once: CPU per step (against numpy) and steps per second (wall, against the naive loop).
  const kernel = secondsPerStep((s) => kernelSteps(problem, p.depth, p.q, p.learningRate, s), PEER_STEPS);
  const naive = secondsPerStep((s) => naiveSteps(problem, p.depth, p.q, p.learningRate, s), 2000);
  // Both loops take the same steps from the same data: their losses after the timed run agree.
  const check = Math.abs(naiveSteps(problem, p.depth, p.q, p.learningRate, 500) / kernelSteps(problem, p.depth, p.q, p.learningRate, 500) - 1);

  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-spec-'));
  const specFile = join(dir, 'grid.json');
  // Table 4's grid (3 depths × 4 × 4 decays = 48 runs) at 2·10⁴ steps instead of 10⁶, to keep the bench short.
  writeFileSync(
    specFile,
    JSON.stringify({
      family: 'steepest',
      params: { samples: 80, optimizer: 'sign', steps: 20_000 },
      sweep: { depth: [1, 2, 10], coupledDecay: [0, 1e-4, 1e-3, 1e-2], decoupledDecay: [0, 1e-4, 1e-3, 1e-2] },
    }),
  );
  const cli = (pool: number): ProcessTimes =>
    medianTimes(CLI_REPEATS, () => timeCli(root, (d) => ['run', specFile, '--project', join(d, 'b.saddle'), '--json', '--pool', String(pool)]));
  let pool1: ProcessTimes, pool2: ProcessTimes;
  try {
    pool1 = cli(1);
    pool2 = cli(2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  return [
    ...numpyComparison(root, problem, p, kernel.cpu),
    { name: 'naive loop, n = 100, k = 300, L = 3, sign descent', value: 1 / naive.wall, unit: 'steps/s' },
    { name: 'WASM step loop (ZᵀZ precomputed)', value: 1 / kernel.wall, unit: 'steps/s', baseline: 'naive loop', ratio: naive.wall / kernel.wall },
    { name: 'relative difference of the two losses after 500 steps', value: check, unit: '' },
    { name: 'Table 4 grid, 48 runs × 2·10⁴ steps, CLI pool of 1', value: pool1.wallMs, unit: 'ms', baseline: `wall, median of ${CLI_REPEATS}` },
    { name: 'same grid, CLI pool of 2', value: pool2.wallMs, unit: 'ms', baseline: 'pool of 1', ratio: pool2.wallMs / pool1.wallMs },
    { name: 'Table 4 grid, CLI pool of 1, CPU (all threads)', value: pool1.cpuMs, unit: 'ms', baseline: `median of ${CLI_REPEATS}` },
    { name: 'same grid, CLI pool of 2, CPU (all threads)', value: pool2.cpuMs, unit: 'ms', baseline: 'pool of 1, CPU', ratio: pool2.cpuMs / pool1.cpuMs },
  ];
}
