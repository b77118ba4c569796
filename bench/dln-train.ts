// dln-train: full-batch GD steps on the target task as the family takes them (CPU backend), CPU time per
// step against numpy's same step (bench/python/numpy_peers.py, one OpenBLAS thread) at depth 3 and
// d = 8 … 1024, medians of alternated pairs; and steps per second for d ∈ {16, 64, 256} and L ∈ {2, 4, 8} with the family's products
// (Backprop) against the same step built on the naive i-j-k loops, measured in this run. A step is
// 3(L − 1) products of d × d matrices.
import { CpuBackend } from '../workers/compute/cpu';
import { descentEngine } from '../workers/families/dln-train/descent';
import { targetObjective } from '../workers/families/dln-train/task';
import { Backprop } from '../workers/families/dln-train/network';
import { axpy, type Matrix, randomGaussian, zeros } from '../workers/numeric/matrix';
import { createRng } from '../workers/numeric/rng';
import { type BenchFigure, median } from './figures';
import { matmulNaive, secondsPerCall } from './linalg';
import { secondsPerStep, PEER_MISSING, runNumpyPeer } from './python-peer';

function naiveTN(a: Matrix, b: Matrix, out: Matrix): void {
  for (let i = 0; i < a.cols; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.rows; p++) s += a.data[p * a.cols + i] * b.data[p * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
}

function naiveNT(a: Matrix, b: Matrix, out: Matrix): void {
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.rows; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += a.data[i * a.cols + p] * b.data[j * b.cols + p];
      out.data[i * b.rows + j] = s;
    }
}

/** One GD step on ½‖W_L⋯W₁ − T‖² with the naive loops: the baseline. */
function naiveStep(layers: Matrix[], target: Matrix, eta: number, prefix: Matrix[], back: Matrix[], grads: Matrix[], g: Matrix): void {
  const depth = layers.length;
  prefix[0].data.set(layers[0].data);
  for (let l = 1; l < depth; l++) matmulNaive(layers[l], prefix[l - 1], prefix[l]);
  for (let i = 0; i < g.data.length; i++) g.data[i] = prefix[depth - 1].data[i] - target.data[i];
  let m = g;
  for (let l = depth - 1; l >= 1; l--) {
    naiveNT(m, prefix[l - 1], grads[l]);
    naiveTN(layers[l], m, back[l - 1]);
    m = back[l - 1];
  }
  grads[0].data.set(m.data);
  for (let l = 0; l < depth; l++) axpy(-eta, grads[l], layers[l]);
}

/** GD steps as the family takes them on the CPU backend (descent.ts: the engine it picks for the target objective and the plain rule). */
export function familySteps(d: number, depth: number, eta: number): (steps: number) => void {
  const rng = createRng(3);
  const be = new CpuBackend();
  const target = randomGaussian(d, d, rng);
  const initial = Array.from({ length: depth }, () => randomGaussian(d, d, rng, 1 / Math.sqrt(d)));
  const engine = descentEngine(be, targetObjective(be, target), initial, { kind: 'plain', learningRate: eta }, null);
  return (steps) => {
    for (let t = 0; t < steps; t++) engine.advance(rng);
  };
}

/** Alternated (numpy, ours) pairs per width: the ratio is taken pair by pair, so a change of the machine's load between pairs moves both sides. */
const NUMPY_PAIRS = 3;

/** CPU time per GD step against numpy's, depth 3, d = 8 … 1024: medians of NUMPY_PAIRS alternated pairs. */
function numpyComparison(root: string): BenchFigure[] {
  const depth = 3, eta = 1e-6;
  return [8, 16, 32, 64, 128, 256, 512, 1024].map((d) => {
    // About 0.3 s per side: a step is 6(L − 1)d³ flops (at ~1e10 flop/s) plus ~5 µs of bookkeeping; short
    // windows at small d would time the JIT's warm-up instead of the step.
    const steps = Math.max(3, Math.round(0.3 / ((6 * (depth - 1) * d ** 3) / 1e10 + 5e-6)));
    const ours = familySteps(d, depth, eta);
    const name = `GD step, d = ${d}, L = ${depth}, CPU per step`;
    const pairs: { ours: number; numpy: number }[] = [];
    for (let p = 0; p < NUMPY_PAIRS; p++) {
      const peer = runNumpyPeer(root, 'dln-train', steps, [d, depth]);
      if (!peer) return { name, value: secondsPerStep(ours, steps).cpu * 1e6, unit: 'µs', baseline: PEER_MISSING };
      pairs.push({ numpy: peer.secondsPerStep, ours: secondsPerStep(ours, steps).cpu });
    }
    const numpy = median(pairs.map((p) => p.numpy));
    return { name, value: median(pairs.map((p) => p.ours)) * 1e6, unit: 'µs', baseline: `numpy ${(numpy * 1e6).toPrecision(3)} µs (medians of ${NUMPY_PAIRS} alternated pairs)`, ratio: median(pairs.map((p) => p.ours / p.numpy)) };
  });
}

export function benchDlnTrain(root: string): BenchFigure[] {
  const figures: BenchFigure[] = numpyComparison(root);
  const rng = createRng(3);
  for (const d of [16, 64, 256]) {
    for (const depth of [2, 4, 8]) {
      const eta = 1e-6;
      const target = randomGaussian(d, d, rng);
      const layers = Array.from({ length: depth }, () => randomGaussian(d, d, rng, 1 / Math.sqrt(d)));
      const grads = layers.map(() => zeros(d, d));
      const g = zeros(d, d);
      const bp = new Backprop(Array.from({ length: depth + 1 }, () => d));
      const tiled = secondsPerCall(() => {
        const weff = bp.product(layers);
        for (let i = 0; i < g.data.length; i++) g.data[i] = weff.data[i] - target.data[i];
        bp.gradients(layers, g, grads);
        for (let l = 0; l < depth; l++) axpy(-eta, grads[l], layers[l]);
      }, 200, 2);
      const prefix = layers.map(() => zeros(d, d)), back = layers.map(() => zeros(d, d));
      const naive = secondsPerCall(() => naiveStep(layers, target, eta, prefix, back, grads, g), 200, 2);
      const gflop = (3 * (depth - 1) * 2 * d ** 3) / 1e9;
      figures.push(
        { name: `GD steps/s, d = ${d}, L = ${depth}`, value: 1 / tiled, unit: 'steps/s', baseline: 'naive kernel', ratio: naive / tiled },
        { name: `  products in the step, d = ${d}, L = ${depth}`, value: gflop / tiled, unit: 'GFLOP/s', baseline: `naive ${(gflop / naive).toPrecision(3)} GFLOP/s` },
      );
    }
  }
  return figures;
}
