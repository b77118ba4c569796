// Multipath family: steps per second of the reduced recursion (bare, and as a whole run with exact
// sharpness, phase detection and recording) against a naive loop over every layer weight measured
// in the same run (arrays of arrays, Math.pow, per-layer partner products recomputed); of bare GD
// on the full-matrix and Tanh models (d = 4, P = 2, L = 3) against the bare reduced recursion; and
// of a whole full-matrix run (power-iteration sharpness at every sample) against its bare steps;
// and the device loop (DeviceMatrixNet on the float64 CPU backend) with heavy ball and Adam, and
// with hidden width h = 8, against the same loop with plain GD on square layers. The reduced recursion
// and bare full-matrix GD also run against numpy's same loops (bench/python/numpy_peers.py), CPU time
// per step on both sides.
import { CpuBackend } from '../workers/compute/index';
import { deviceOptimizer, type UpdateRule } from '../workers/compute/optimizers';
import { family } from '../workers/families/multipath';
import { DeviceMatrixNet } from '../workers/families/multipath/device-net';
import { MatrixNet, type Activation } from '../workers/families/multipath/matrix-net';
import { gdStep, residuals, type ReducedModel } from '../workers/families/multipath/reduced';
import { initialTheta, targetMatrix } from '../workers/families/multipath/run-matrix';
import type { BenchFigure } from './figures';
import { secondsPerStep, PEER_MISSING, runNumpyPeer } from './python-peer';
import { quietContext } from './run-context';

const MODEL: ReducedModel = { targets: [1, 0.5, 0.25, 0.1], depths: [3, 3] };
const ETA = 0.75;

/** GD on ½Σ_k (s_k − Σ_p Π_l w_{k,p,l})² with every layer weight stored and differentiated separately. */
function naiveSteps(steps: number): number {
  const w = MODEL.targets.map(() => MODEL.depths.map((L, p) => new Array<number>(L).fill(p === 0 ? 0.01 : 0.009)));
  let loss = 0;
  for (let t = 0; t < steps; t++) {
    loss = 0;
    w.forEach((mode, k) => {
      const r = MODEL.targets[k] - mode.reduce((sum, layers) => sum + layers.reduce((p, v) => p * v, 1), 0);
      loss += 0.5 * Math.pow(r, 2);
      const grads = mode.map((layers) => layers.map((_, l) => -r * layers.reduce((p, v, m) => (m === l ? p : p * v), 1)));
      grads.forEach((g, p) => g.forEach((gl, l) => (mode[p][l] -= ETA * gl)));
    });
  }
  return loss;
}

function bareSteps(steps: number): number {
  const w = new Float64Array(MODEL.targets.length * 2).map((_, i) => (i % 2 === 0 ? 0.01 : 0.009));
  const r = new Float64Array(MODEL.targets.length);
  let loss = residuals(MODEL, w, r);
  for (let t = 0; t < steps; t++) {
    gdStep(MODEL, w, r, ETA);
    loss = residuals(MODEL, w, r);
  }
  return loss;
}

function matrixSteps(activation: Activation, steps: number): number {
  const shape = { d: MODEL.targets.length, depths: MODEL.depths, activation };
  const basis = targetMatrix(MODEL.targets, 'random', 0);
  const net = new MatrixNet(shape, basis.T);
  const theta = initialTheta(shape, basis, [0.1, 0.09], 'random', 0);
  const grad = new Float64Array(theta.length);
  let loss = 0;
  for (let t = 0; t < steps; t++) {
    loss = net.gradient(theta, grad);
    for (let i = 0; i < theta.length; i++) theta[i] -= 0.1 * grad[i];
  }
  return loss;
}

/** Steps of the device loop: gradient, then the update rule, on every layer. */
function deviceSteps(rule: UpdateRule, width: number | undefined, steps: number): void {
  const be = new CpuBackend();
  const shape = { d: MODEL.targets.length, width, depths: MODEL.depths, activation: 'linear' as const };
  const basis = targetMatrix(MODEL.targets, 'random', 0);
  const net = new DeviceMatrixNet(be, shape, basis.T, initialTheta(shape, basis, [0.1, 0.09], 'random', 0));
  const layers = net.layers.flat(), grads = net.grads.flat();
  const optimizer = deviceOptimizer(be, layers, rule);
  for (let t = 0; t < steps; t++) {
    net.gradient();
    optimizer.step(layers, grads);
  }
}

function rate(fn: (steps: number) => unknown, steps: number): number {
  fn(Math.ceil(steps / 10)); // warm-up: let the JIT compile the loop
  const t0 = performance.now();
  fn(steps);
  return steps / ((performance.now() - t0) / 1000);
}

/** Steps per second of a whole family run (no-op emit), from the summary's step count. */
async function runRate(input: Record<string, unknown>): Promise<number> {
  const ctx = quietContext();
  const params = family.params.parse(input);
  await family.run(params, ctx);
  const t0 = performance.now();
  const summary = await family.run(params, ctx);
  return (summary.steps as number) / ((performance.now() - t0) / 1000);
}

/** CPU time per step of the reduced recursion and of bare full-matrix GD against numpy's loops. */
function numpyComparison(root: string): BenchFigure[] {
  return [
    { name: 'reduced recursion, CPU per step', section: 'multipath-reduced', steps: 200_000, ours: secondsPerStep(bareSteps, 2_000_000).cpu },
    { name: 'full-matrix GD (d = 4, P = 2, L = 3), CPU per step', section: 'multipath-full', steps: 50_000, ours: secondsPerStep((n) => matrixSteps('linear', n), 50_000).cpu },
  ].map(({ name, section, steps, ours }) => {
    const peer = runNumpyPeer(root, section, steps);
    if (!peer) return { name, value: ours * 1e6, unit: 'µs', baseline: PEER_MISSING };
    return { name, value: ours * 1e6, unit: 'µs', baseline: `numpy ${(peer.secondsPerStep * 1e6).toPrecision(3)} µs`, ratio: ours / peer.secondsPerStep };
  });
}

export async function benchMultipath(root: string): Promise<BenchFigure[]> {
  const naive = rate(naiveSteps, 200_000);
  const bare = rate(bareSteps, 2_000_000);
  // η above 2/λ_balanced on mode 0 keeps the run going for all its steps.
  const common = { pathways: 2, depth: 3, targets: MODEL.targets, initScale: 0.01, initAsymmetry: 0.1, learningRate: 0.9 };
  const reduced = await runRate({ ...common, maxSteps: 200_000 });
  const fullBare = rate((n) => matrixSteps('linear', n), 50_000);
  const mlpBare = rate((n) => matrixSteps('tanh', n), 50_000);
  const fullRun = await runRate({ ...common, model: 'full', maxSteps: 20_000 });
  const plain: UpdateRule = { kind: 'plain', learningRate: 0.01 };
  const devicePlain = rate((n) => deviceSteps(plain, undefined, n), 50_000);
  const deviceMomentum = rate((n) => deviceSteps({ kind: 'momentum', learningRate: 0.01, momentum: 0.9 }, undefined, n), 50_000);
  const deviceAdam = rate((n) => deviceSteps({ kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, undefined, n), 50_000);
  const deviceWide = rate((n) => deviceSteps(plain, 8, n), 50_000);
  return [
    ...numpyComparison(root),
    { name: 'naive loop, every layer weight (4 modes, P = 2, L = 3)', value: naive, unit: 'steps/s' },
    { name: 'reduced recursion, bare', value: bare, unit: 'steps/s', baseline: 'naive loop', ratio: bare / naive },
    { name: 'reduced run: exact sharpness, phases, recording', value: reduced, unit: 'steps/s', baseline: 'reduced bare', ratio: reduced / bare },
    { name: 'full-matrix GD, bare (d = 4)', value: fullBare, unit: 'steps/s', baseline: 'reduced bare', ratio: fullBare / bare },
    { name: 'Tanh MLP GD, bare (d = 4)', value: mlpBare, unit: 'steps/s', baseline: 'full-matrix bare', ratio: mlpBare / fullBare },
    { name: 'full-matrix run: power-iteration sharpness, recording', value: fullRun, unit: 'steps/s', baseline: 'full-matrix bare', ratio: fullRun / fullBare },
    { name: 'full-matrix device loop, GD (CPU backend, d = 4)', value: devicePlain, unit: 'steps/s', baseline: 'full-matrix bare', ratio: devicePlain / fullBare },
    { name: 'full-matrix device loop, heavy ball', value: deviceMomentum, unit: 'steps/s', baseline: 'device loop, GD', ratio: deviceMomentum / devicePlain },
    { name: 'full-matrix device loop, Adam', value: deviceAdam, unit: 'steps/s', baseline: 'device loop, GD', ratio: deviceAdam / devicePlain },
    { name: 'full-matrix device loop, GD, hidden width h = 8 (d = 4)', value: deviceWide, unit: 'steps/s', baseline: 'device loop, GD, square', ratio: deviceWide / devicePlain },
  ];
}
