// Loss and gradient ∇f(x) of a Problem, on the full batch or on a mini-batch of rows, written into
// preallocated arrays. A full-batch regression step with k > n uses ZᵀZ/k: O(n²) instead of O(kn), on
// the WebAssembly SIMD matrix-vector kernel; the recorded loss is always the residual form, exact down
// to the smallest losses.
import { MatrixVectorProduct } from '../../numeric/wasm-matvec';
import type { Problem } from './problem';

/** ∇f = e^{logScale}·(the gradient written), with log f over the same rows. */
export interface ScaledGradient {
  logScale: number;
  logLoss: number;
}

export class Objective {
  private readonly residual: Float64Array;
  /**
   * x ↦ (ZᵀZ/k) x, packed at the first full-batch gradient: a run on the WebAssembly step loop
   * (stepper.ts), which holds its own packed A, asks this Objective for losses only, unless it measures
   * the Hessian (hessian.ts takes a gradient per measurement).
   */
  private gram: MatrixVectorProduct | null = null;

  /** `fusedGram`: whether the Gram product uses fused multiply-adds (default: as the gemm kernel does). */
  constructor(
    private readonly problem: Problem,
    private readonly fusedGram?: boolean,
  ) {
    this.residual = new Float64Array(problem.k);
  }

  /**
   * Writes ∇f(x) (over `batch`, or all rows when batch is null) into grad and returns the loss over
   * the same rows. Non-finite results are left for the caller to detect.
   */
  gradient(x: Float64Array, grad: Float64Array, batch: Int32Array | null): number {
    const pr = this.problem;
    if (pr.task === 'classification') {
      const { logScale, logLoss } = this.exponential(x, grad, batch);
      const scale = Math.exp(logScale);
      for (let c = 0; c < pr.n; c++) grad[c] *= scale;
      return Math.exp(logLoss);
    }
    if (batch === null && pr.gram && pr.gramRhs) {
      this.gram ??= new MatrixVectorProduct(pr.gram, pr.n, this.fusedGram);
      return gramGradient(this.gram, pr.gramRhs, pr.halfMeanSquare, x, grad, pr.n);
    }
    return this.squared(x, grad, batch);
  }

  /**
   * Writes ∇f(x)·e^{−logScale} into grad: the exponential loss's gradient divided by its largest
   * sample weight e^{−min margin}, which stays finite where ∇f itself underflows (regression: scale 1).
   */
  scaledGradient(x: Float64Array, grad: Float64Array, batch: Int32Array | null): ScaledGradient {
    if (this.problem.task === 'classification') return this.exponential(x, grad, batch);
    return { logScale: 0, logLoss: Math.log(this.gradient(x, grad, batch)) };
  }

  /** Full-batch f(x) and log f(x); the logarithm stays finite where the exponential loss underflows to 0. */
  lossWithLog(x: Float64Array, scratch: Float64Array): { loss: number; logLoss: number } {
    if (this.problem.task === 'classification') {
      const { logLoss } = this.exponential(x, scratch, null);
      return { loss: Math.exp(logLoss), logLoss };
    }
    const loss = this.loss(x, scratch);
    return { loss, logLoss: Math.log(loss) };
  }

  /**
   * Full-batch loss alone: the recorded metric and the final loss. Regression uses the residual
   * form ‖Zx − y‖²/(2k): the Gram form ½xᵀAx − bᵀx + ‖y‖²/(2k) cancels to about 1e-16·f(0) and
   * cannot show a loss below that.
   */
  loss(x: Float64Array, scratch: Float64Array): number {
    if (this.problem.task === 'classification') return this.lossWithLog(x, scratch).loss;
    const { rows, targets, n, k } = this.problem;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const o = j * n;
      let s = -targets[j];
      for (let c = 0; c < n; c++) s += rows[o + c] * x[c];
      sum += s * s;
    }
    return sum / (2 * k);
  }

  private squared(x: Float64Array, grad: Float64Array, batch: Int32Array | null): number {
    const { rows, targets, n } = this.problem;
    const count = batch ? batch.length : this.problem.k;
    const r = this.residual;
    let sum = 0;
    for (let b = 0; b < count; b++) {
      const j = batch ? batch[b] : b;
      const o = j * n;
      let s = -targets[j];
      for (let c = 0; c < n; c++) s += rows[o + c] * x[c];
      r[b] = s / count;
      sum += s * s;
    }
    accumulateRows(rows, r, batch, count, n, grad);
    return sum / (2 * count);
  }

  /**
   * f = (1/k) Σⱼ e^{−μⱼ} = e^{−μ_min}·(1/k) Σⱼ e^{−(μⱼ − μ_min)}: every normalised weight is ≤ 1 and
   * the nearest sample's is 1, so neither the sum nor the scaled gradient underflows or overflows.
   */
  private exponential(x: Float64Array, grad: Float64Array, batch: Int32Array | null): ScaledGradient {
    const { rows, n } = this.problem;
    const count = batch ? batch.length : this.problem.k;
    // Each sample's margin, then its weight in the scaled gradient.
    const perSample = this.residual;
    let minMargin = Infinity;
    for (let b = 0; b < count; b++) {
      const o = (batch ? batch[b] : b) * n;
      let margin = 0;
      for (let c = 0; c < n; c++) margin += rows[o + c] * x[c];
      perSample[b] = margin;
      minMargin = Math.min(minMargin, margin);
    }
    let sum = 0;
    for (let b = 0; b < count; b++) {
      const e = Math.exp(minMargin - perSample[b]);
      perSample[b] = -e / count;
      sum += e;
    }
    accumulateRows(rows, perSample, batch, count, n, grad);
    return { logScale: -minMargin, logLoss: Math.log(sum / count) - minMargin };
  }
}

/** grad = Σ_b weight_b · row_{j_b}. */
function accumulateRows(rows: Float64Array, weight: Float64Array, batch: Int32Array | null, count: number, n: number, grad: Float64Array): void {
  grad.fill(0);
  for (let b = 0; b < count; b++) {
    const o = (batch ? batch[b] : b) * n;
    const w = weight[b];
    for (let c = 0; c < n; c++) grad[c] += w * rows[o + c];
  }
}

/** h = Ax − b with A = ZᵀZ/k, b = Zᵀy/k; f = ½xᵀAx − bᵀx + ‖y‖²/(2k) = ½xᵀh − ½bᵀx + ‖y‖²/(2k). */
function gramGradient(a: MatrixVectorProduct, rhs: Float64Array, c0: number, x: Float64Array, h: Float64Array, n: number): number {
  a.apply(x, h);
  for (let r = 0; r < n; r++) h[r] -= rhs[r];
  let xh = 0, bx = 0;
  for (let c = 0; c < n; c++) {
    xh += x[c] * h[c];
    bx += rhs[c] * x[c];
  }
  // The loss is a square: at an interpolating x the three terms cancel to rounding, which can fall
  // below zero, and its logarithm would read as a divergence.
  return Math.max(0, 0.5 * xh - 0.5 * bx + c0);
}
