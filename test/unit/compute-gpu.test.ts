// The WebGPU (float32) backend against the CPU (float64) backend on identical float32-representable
// inputs: every op, on shapes that are not multiples of the 64 × 64 product tile, then two short
// training loops. Tolerances are float32 rounding (2⁻²⁴ ≈ 6e-8) times the error growth of each op:
// one rounding for entrywise ops, √k-ish for k-term dot products and sums, measured against the
// scale of the result (its largest magnitude, or Σ|x| for sums where cancellation shrinks the result).
// Runs for real on any adapter, Mesa's lavapipe included; skips only when no adapter exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend, selectBackend, type ComputeBackend, type Tensor } from '../../workers/compute/index';
import { classificationProblem, gaussian32, gpuForTests, linearProblem, trainLinear2, trainReluMlp } from './compute-fixtures';

const probe = await gpuForTests();
const skipReason = probe.available ? '' : ` (skipped: ${probe.reason})`;

/** max |a − b| / scale. */
function relError(a: Float64Array, b: Float64Array, scale: number): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}

const maxAbs = (v: Float64Array): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const sumAbs = (v: Float64Array): number => v.reduce((m, x) => m + Math.abs(x), 0);

interface OpCase {
  name: string;
  /** Input shapes [rows, cols]; inputs are seeded Gaussians (shifted for ops that need it). */
  inputs: [number, number][];
  outputs: [number, number][];
  run(be: ComputeBackend, inputs: Tensor[], outputs: Tensor[]): void;
  /** Error allowed relative to the CPU result's scale. */
  tol: number;
  /** Scale of an output: max |x| unless a sum, where Σ|terms| is the honest scale. */
  scale?: (cpuOut: Float64Array, inputs: Float64Array[]) => number;
  /** Transforms generated inputs (e.g. one-hot targets, tanh outputs in (−1, 1)). */
  prepare?: (inputs: Float64Array[]) => void;
}

const oneHot = (v: Float64Array, cols: number, seed: number): void => {
  v.fill(0);
  for (let r = 0; r < v.length / cols; r++) v[r * cols + ((r * 7 + seed) % cols)] = 1;
};

const CASES: OpCase[] = [
  { name: 'matmul 67×45 · 45×71', inputs: [[67, 45], [45, 71]], outputs: [[67, 71]], run: (be, [a, b], [c]) => be.matmul(a, b, c), tol: 2e-6 },
  { name: 'matmul 130×257 · 257×129', inputs: [[130, 257], [257, 129]], outputs: [[130, 129]], run: (be, [a, b], [c]) => be.matmul(a, b, c), tol: 4e-6 },
  { name: 'matmulTN (45×67)ᵀ · 45×71', inputs: [[45, 67], [45, 71]], outputs: [[67, 71]], run: (be, [a, b], [c]) => be.matmulTN(a, b, c), tol: 2e-6 },
  { name: 'matmulNT 67×45 · (71×45)ᵀ', inputs: [[67, 45], [71, 45]], outputs: [[67, 71]], run: (be, [a, b], [c]) => be.matmulNT(a, b, c), tol: 2e-6 },
  { name: 'matmul 1×300 · 300×1 (one dot product)', inputs: [[1, 300], [300, 1]], outputs: [[1, 1]], run: (be, [a, b], [c]) => be.matmul(a, b, c), tol: 4e-6, scale: (_, [a, b]) => a.reduce((s, x, i) => s + Math.abs(x * b[i]), 0) },
  { name: 'axpby', inputs: [[33, 65], [33, 65]], outputs: [[33, 65]], run: (be, [x, y], [o]) => be.axpby(0.7, x, -1.3, y, o), tol: 3e-7 },
  { name: 'axpy (in place)', inputs: [[33, 65], [33, 65]], outputs: [], run: (be, [x, y]) => be.axpy(-0.3, x, y), tol: 3e-7 },
  { name: 'scale (in place)', inputs: [[17, 9]], outputs: [], run: (be, [x]) => be.scale(1.7, x), tol: 2e-7 },
  { name: 'sgdStep with weight decay (in place)', inputs: [[33, 65], [33, 65]], outputs: [], run: (be, [w, g]) => be.sgdStep(w, g, 0.05, 0.01), tol: 3e-7 },
  {
    name: 'adamStep (in place), second moments ≥ 0',
    inputs: [[33, 65], [33, 65], [33, 65], [1, 2]],
    outputs: [],
    prepare: ([, , v, c]) => {
      v.forEach((x, i) => (v[i] = Math.fround(x * x)));
      c.set([Math.fround(1 / (1 - 0.9 ** 3)), Math.fround(1 / (1 - 0.999 ** 3))]);
    },
    run: (be, [w, m, v, c]) => be.adamStep(w, m, v, c, 0.01, 1e-3),
    tol: 1e-6,
  },
  { name: 'reshapeCopy 33×65 → 1×2145', inputs: [[33, 65]], outputs: [[1, 33 * 65]], run: (be, [a], [o]) => be.reshapeCopy(a, o), tol: 0 },
  { name: 'mul', inputs: [[33, 65], [33, 65]], outputs: [[33, 65]], run: (be, [a, b], [o]) => be.mul(a, b, o), tol: 2e-7 },
  { name: 'addRowVector (in place)', inputs: [[33, 65], [1, 65]], outputs: [], run: (be, [x, b]) => be.addRowVector(x, b), tol: 2e-7 },
  { name: 'relu', inputs: [[33, 65]], outputs: [[33, 65]], run: (be, [x], [o]) => be.relu(x, o), tol: 0 },
  { name: 'reluBackward', inputs: [[33, 65], [33, 65]], outputs: [[33, 65]], run: (be, [x, g], [o]) => be.reluBackward(x, g, o), tol: 0 },
  {
    name: 'tanh, including |x| up to 60 where exp overflows float32',
    inputs: [[33, 65]],
    outputs: [[33, 65]],
    prepare: ([x]) => x.forEach((v, i) => (x[i] = Math.fround(v * (i % 5 === 0 ? 20 : 1)))),
    run: (be, [x], [o]) => be.tanh(x, o),
    tol: 1e-6,
  },
  {
    name: 'tanhBackward',
    inputs: [[33, 65], [33, 65]],
    outputs: [[33, 65]],
    prepare: ([y]) => y.forEach((v, i) => (y[i] = Math.fround(Math.tanh(v)))),
    run: (be, [y, g], [o]) => be.tanhBackward(y, g, o),
    tol: 4e-7,
  },
  { name: 'sum over 300×301 (several partial-sum passes)', inputs: [[300, 301]], outputs: [[1, 1]], run: (be, [x], [o]) => be.sum(x, o, 0.5), tol: 1e-6, scale: (_, [x]) => 0.5 * sumAbs(x) },
  { name: 'sumSquares over 300×301', inputs: [[300, 301]], outputs: [[1, 1]], run: (be, [x], [o]) => be.sumSquares(x, o, 2), tol: 1e-6 },
  { name: 'colSums 1000×7', inputs: [[1000, 7]], outputs: [[1, 7]], run: (be, [x], [o]) => be.colSums(x, o, 0.1), tol: 1e-6, scale: (_, [x]) => 0.1 * sumAbs(x) / 7 },
  { name: 'squaredResidual 129×65', inputs: [[129, 65], [129, 65]], outputs: [[129, 65], [1, 1]], run: (be, [p, t], [d, l]) => be.squaredResidual(p, t, d, l), tol: 1e-6 },
  {
    name: 'softmaxCrossEntropy 300×10, one-hot targets',
    inputs: [[300, 10], [300, 10]],
    outputs: [[300, 10], [1, 1]],
    prepare: ([z, y]) => {
      z.forEach((v, i) => (z[i] = Math.fround(4 * v)));
      oneHot(y, 10, 3);
    },
    run: (be, [z, y], [g, l]) => be.softmaxCrossEntropy(z, y, g, l),
    tol: 2e-6,
  },
  {
    name: 'softmaxCrossEntropy with soft targets and logits near 80',
    inputs: [[50, 7], [50, 7]],
    outputs: [[50, 7], [1, 1]],
    prepare: ([z, y]) => {
      z.forEach((v, i) => (z[i] = Math.fround(80 + v)));
      y.forEach((v, i) => (y[i] = Math.fround(Math.abs(v))));
    },
    run: (be, [z, y], [g, l]) => be.softmaxCrossEntropy(z, y, g, l),
    tol: 2e-6,
  },
  {
    name: 'accuracy',
    inputs: [[300, 10], [300, 10]],
    outputs: [[1, 1]],
    prepare: ([, y]) => oneHot(y, 10, 5),
    run: (be, [z, y], [o]) => be.accuracy(z, y, o),
    tol: 1e-7,
  },
];

describe.skipIf(!probe.available)(`the WebGPU backend against the CPU backend${skipReason}`, () => {
  let gpu: ComputeBackend;
  const cpu = new CpuBackend();

  beforeAll(async () => {
    const selection = await selectBackend('gpu');
    gpu = selection.backend;
    expect(selection.device).toBe('gpu');
  });
  afterAll(() => gpu?.dispose());

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_, c, seed) => {
    const data = c.inputs.map(([r, k], j) => gaussian32(r * k, 100 * seed + j));
    c.prepare?.(data);
    const results = await Promise.all(
      [cpu, gpu].map(async (be) => {
        const ins = c.inputs.map(([r, k], j) => be.tensor(r, k, data[j]));
        const outs = c.outputs.map(([r, k]) => be.tensor(r, k));
        c.run(be, ins, outs);
        // In-place ops are checked through their first input.
        return Promise.all((outs.length ? outs : ins.slice(0, 1)).map((t) => be.read(t)));
      }),
    );
    const [want, got] = results;
    want.forEach((w, j) => {
      const scale = c.scale?.(w, data) ?? Math.max(maxAbs(w), 1e-30);
      expect(relError(got[j], w, scale), `output ${j}`).toBeLessThanOrEqual(c.tol);
    });
  });

  it('keeps 20 steps of two-layer linear GD within 1e-4 relative of float64', async () => {
    const problem = linearProblem(7);
    const [want, got] = await Promise.all([cpu, gpu].map((be) => trainLinear2(be, problem, 20, 0.02)));
    expect(want[19]).toBeLessThan(0.5 * want[0]);
    for (let s = 0; s < 20; s++) expect(Math.abs(got[s] - want[s]) / want[s]).toBeLessThan(1e-4);
  });

  it('keeps 20 steps of a ReLU MLP with softmax cross-entropy within 1e-4 relative of float64', async () => {
    const problem = classificationProblem(11);
    const [want, got] = await Promise.all([cpu, gpu].map((be) => trainReluMlp(be, problem, 20, 0.5)));
    expect(want.losses[19]).toBeLessThan(0.8 * want.losses[0]);
    for (let s = 0; s < 20; s++) expect(Math.abs(got.losses[s] - want.losses[s]) / want.losses[s]).toBeLessThan(1e-4);
    // Accuracies are k/n; float32 rounds the quotient, so compare the counts k.
    const hits = (v: Float64Array): number[] => Array.from(v, (a) => Math.round(a * problem.n));
    expect(hits(got.accuracies)).toEqual(hits(want.accuracies));
  });

  it('covers tensors past 65535 workgroups of 256 threads with its 2-D dispatch grid', async () => {
    // 4097² = 16 785 409 entries, 8449 more than one row of the grid reaches.
    const n = 4097;
    const x = gpu.tensor(n, n), total = gpu.tensor(1, 1);
    gpu.addRowVector(x, gpu.tensor(1, n, new Float64Array(n).fill(1)));
    gpu.sum(x, total);
    // Above 2²⁴ float32 integers are spaced 2 apart: the sum is exact to ±2.
    expect(Math.abs((await gpu.read(total))[0] - n * n)).toBeLessThanOrEqual(2);
  });

  it('reports shape mismatches and cross-backend tensors before touching the device', () => {
    const a = gpu.tensor(3, 4), b = gpu.tensor(5, 2), out = gpu.tensor(3, 2);
    expect(() => gpu.matmul(a, b, out)).toThrow('matmul: inner dimensions of 3×4 and 5×2 differ');
    expect(() => gpu.relu(a, a)).toThrow('relu: the output may not alias an input');
    expect(() => gpu.relu(cpu.tensor(3, 4), a)).toThrow('tensor belongs to another backend');
  });
});
