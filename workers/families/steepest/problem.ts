// The data of one run (App. I and F): a Gaussian design Z (k × n, entries N(0, 1)), the sparse
// ground truth x*, targets y = Zx* (regression) or labels sign⟨zⱼ, x*⟩ (classification).
// Regression loss f(x) = ‖Zx − y‖²/(2k); classification f(x) = (1/k) Σⱼ exp(−yⱼ⟨zⱼ, x⟩).
import type { Rng } from '../../numeric/rng';
import { groundTruthOf, type SteepestParams } from './params';

export interface Problem {
  task: 'regression' | 'classification';
  n: number;
  k: number;
  /** Rows of Z, row-major k × n. For classification each row is already multiplied by its label. */
  rows: Float64Array;
  /** Regression targets yⱼ (zeros for classification, whose labels are folded into rows). */
  targets: Float64Array;
  groundTruth: Float64Array;
  /** Regression only: ZᵀZ/k (n × n) and Zᵀy/k, so a full-batch gradient costs n² instead of 2kn when 2k > n. */
  gram: Float64Array | null;
  gramRhs: Float64Array | null;
  /** Regression only: ‖y‖²/(2k), the loss at x = 0. */
  halfMeanSquare: number;
}

export function makeProblem(p: SteepestParams, rng: Rng): Problem {
  if (p.task === 'scalar-flow') throw new Error('scalar-flow has no data');
  const n = p.features;
  const k = p.samples;
  const groundTruth = groundTruthOf(p);
  const rows = new Float64Array(k * n);
  for (let i = 0; i < rows.length; i++) rows[i] = rng.normal();
  const targets = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let c = 0; c < n; c++) s += rows[j * n + c] * groundTruth[c];
    targets[j] = s;
  }
  if (p.task === 'classification') {
    for (let j = 0; j < k; j++) {
      // A sample on the decision boundary gets label +1, so the data stay separable (margin ≥ 0).
      if (targets[j] < 0) for (let c = 0; c < n; c++) rows[j * n + c] = -rows[j * n + c];
    }
    return { task: 'classification', n, k, rows, targets: new Float64Array(k), groundTruth, gram: null, gramRhs: null, halfMeanSquare: 0 };
  }
  let yy = 0;
  for (let j = 0; j < k; j++) yy += targets[j] * targets[j];
  // Residual form costs 2kn per gradient, the Gram form n².
  const useGram = 2 * k > n;
  return {
    task: 'regression',
    n,
    k,
    rows,
    targets,
    groundTruth,
    gram: useGram ? gramMatrix(rows, k, n) : null,
    gramRhs: useGram ? gramRhs(rows, targets, k, n) : null,
    halfMeanSquare: yy / (2 * k),
  };
}

function gramMatrix(rows: Float64Array, k: number, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let j = 0; j < k; j++) {
    const o = j * n;
    for (let r = 0; r < n; r++) {
      const zr = rows[o + r] / k;
      if (zr === 0) continue;
      for (let c = r; c < n; c++) a[r * n + c] += zr * rows[o + c];
    }
  }
  for (let r = 0; r < n; r++) for (let c = 0; c < r; c++) a[r * n + c] = a[c * n + r];
  return a;
}

function gramRhs(rows: Float64Array, targets: Float64Array, k: number, n: number): Float64Array {
  const b = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const yj = targets[j] / k;
    for (let c = 0; c < n; c++) b[c] += rows[j * n + c] * yj;
  }
  return b;
}
