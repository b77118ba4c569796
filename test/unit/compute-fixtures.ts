// Short training loops written once against ComputeBackend, run on both backends by the compute
// tests (and inside a pool worker by compute-worker.test.ts). Inputs are float32-representable so
// the two backends start from identical numbers and differ only in arithmetic.
import { probeGpu, type ComputeBackend, type GpuProbe, type Tensor } from '../../workers/compute/index';
import { createRng } from '../../workers/numeric/rng';

/**
 * This machine's adapter for the GPU tests, which skip without one. CI sets SADDLE_REQUIRE_GPU=1
 * (it installs lavapipe), turning a missing adapter into a failure instead of a silent skip.
 */
export async function gpuForTests(): Promise<GpuProbe> {
  const probe = await probeGpu();
  if (!probe.available) {
    if (process.env.SADDLE_REQUIRE_GPU === '1') throw new Error(`SADDLE_REQUIRE_GPU=1 but there is no WebGPU adapter: ${probe.reason}`);
    console.warn(`GPU compute tests skipped: ${probe.reason}`);
  }
  return probe;
}

export function gaussian32(count: number, seed: number, scale = 1): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: count }, () => Math.fround(scale * rng.normal()));
}

export interface LinearProblem {
  n: number;
  d: number;
  h: number;
  o: number;
  x: Float64Array;
  y: Float64Array;
  w1: Float64Array;
  w2: Float64Array;
}

/** A linear teacher Y = X T and a two-layer student from small random weights (samples are rows). */
export function linearProblem(seed: number, n = 64, d = 12, h = 10, o = 8): LinearProblem {
  const x = gaussian32(n * d, seed);
  const t = gaussian32(d * o, seed + 1);
  const y = new Float64Array(n * o);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < o; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[i * d + k] * t[k * o + j];
      y[i * o + j] = Math.fround(s);
    }
  return { n, d, h, o, x, y, w1: gaussian32(d * h, seed + 2, 0.3), w2: gaussian32(h * o, seed + 3, 0.3) };
}

/** Full-batch GD on L = ‖X W₁ W₂ − Y‖²_F / (2n); returns L before each step. */
export async function trainLinear2(be: ComputeBackend, p: LinearProblem, steps: number, lr: number): Promise<Float64Array> {
  const x = be.tensor(p.n, p.d, p.x), y = be.tensor(p.n, p.o, p.y);
  const w1 = be.tensor(p.d, p.h, p.w1), w2 = be.tensor(p.h, p.o, p.w2);
  const hidden = be.tensor(p.n, p.h), pred = be.tensor(p.n, p.o), resid = be.tensor(p.n, p.o), loss = be.tensor(1, 1);
  const g1 = be.tensor(p.d, p.h), g2 = be.tensor(p.h, p.o), back = be.tensor(p.n, p.h);
  const log = be.scalarLog(steps);
  for (let s = 0; s < steps; s++) {
    be.matmul(x, w1, hidden);
    be.matmul(hidden, w2, pred);
    be.squaredResidual(pred, y, resid, loss);
    be.scale(0.5 / p.n, loss);
    log.push(loss);
    be.matmulTN(hidden, resid, g2);
    be.matmulNT(resid, w2, back);
    be.matmulTN(x, back, g1);
    be.sgdStep(w1, g1, lr / p.n);
    be.sgdStep(w2, g2, lr / p.n);
  }
  return log.flush();
}

export interface ClassificationProblem {
  n: number;
  d: number;
  h: number;
  c: number;
  x: Float64Array;
  /** One-hot rows. */
  y: Float64Array;
  w1: Float64Array;
  w2: Float64Array;
}

/** Labels from a random linear classifier of Gaussian inputs; a ReLU MLP from random weights. */
export function classificationProblem(seed: number, n = 96, d = 20, h = 32, c = 5): ClassificationProblem {
  const x = gaussian32(n * d, seed);
  const teacher = gaussian32(d * c, seed + 1);
  const y = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let best = 0, bestScore = -Infinity;
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[i * d + k] * teacher[k * c + j];
      if (s > bestScore) [best, bestScore] = [j, s];
    }
    y[i * c + best] = 1;
  }
  return { n, d, h, c, x, y, w1: gaussian32(d * h, seed + 2, 1 / Math.sqrt(d)), w2: gaussian32(h * c, seed + 3, 1 / Math.sqrt(h)) };
}

export interface MlpTrace {
  losses: Float64Array;
  accuracies: Float64Array;
}

/** Full-batch GD on the mean softmax cross-entropy of X → ReLU(X W₁ + b₁) W₂ + b₂. */
export async function trainReluMlp(be: ComputeBackend, p: ClassificationProblem, steps: number, lr: number): Promise<MlpTrace> {
  const x = be.tensor(p.n, p.d, p.x), y = be.tensor(p.n, p.c, p.y);
  const w1 = be.tensor(p.d, p.h, p.w1), b1 = be.tensor(1, p.h), w2 = be.tensor(p.h, p.c, p.w2), b2 = be.tensor(1, p.c);
  const z1 = be.tensor(p.n, p.h), a1 = be.tensor(p.n, p.h), z2 = be.tensor(p.n, p.c);
  const dz2 = be.tensor(p.n, p.c), da1 = be.tensor(p.n, p.h), dz1 = be.tensor(p.n, p.h);
  const gw1 = be.tensor(p.d, p.h), gb1 = be.tensor(1, p.h), gw2 = be.tensor(p.h, p.c), gb2 = be.tensor(1, p.c);
  const loss = be.tensor(1, 1), acc = be.tensor(1, 1);
  const losses = be.scalarLog(steps), accuracies = be.scalarLog(steps);
  const forward = (): void => {
    be.matmul(x, w1, z1);
    be.addRowVector(z1, b1);
    be.relu(z1, a1);
    be.matmul(a1, w2, z2);
    be.addRowVector(z2, b2);
  };
  for (let s = 0; s < steps; s++) {
    forward();
    be.softmaxCrossEntropy(z2, y, dz2, loss);
    be.accuracy(z2, y, acc);
    losses.push(loss);
    accuracies.push(acc);
    be.matmulTN(a1, dz2, gw2);
    be.colSums(dz2, gb2);
    be.matmulNT(dz2, w2, da1);
    be.reluBackward(z1, da1, dz1);
    be.matmulTN(x, dz1, gw1);
    be.colSums(dz1, gb1);
    for (const [w, g] of [[w1, gw1], [b1, gb1], [w2, gw2], [b2, gb2]] as [Tensor, Tensor][]) be.sgdStep(w, g, lr);
  }
  return { losses: await losses.flush(), accuracies: await accuracies.flush() };
}
