// The saddles of the target loss ½‖W_L⋯W₁ − T‖²_F and their index (paper 001 §2.2–2.3). For a proper
// subset S of T's modes, the balanced representative puts s_α^{1/L} on hidden unit α of every layer for
// α ∈ S (W₁ = D₁Vᵀ, W_L = UD_L): W_eff = Σ_{α∈S} s_α u_α v_αᵀ, a critical point. Its index is counted
// from the exact Hessian, assembled column by column from exact Hessian-vector products (hessian.ts)
// and diagonalized by Jacobi rotations; `secondVariationIndex` is the count derived by hand, which
// the analysis compares it with.
import { diagonal, type Matrix, matmul, matmulNT, zeros } from '../../numeric/matrix';
import { symmetricEigen } from '../../numeric/svd';
import { hessianOperator } from './hessian';
import { Backprop } from './network';
import type { Task } from './task-types';

/** An eigenvalue below −this × the largest |eigenvalue| is a negative-curvature direction. */
const NEGATIVE_THRESHOLD = 1e-9;

export interface SaddleMeasurement {
  /** Bit α set: mode α (0-based, descending s) is learned. */
  subset: number;
  loss: number;
  gradientNorm: number;
  /** Eigenvalues of the Hessian below −1e-9 of its spectral radius. */
  negativeEigenvalues: number;
}

/** The balanced representative of subset S (widths n₀ … n_L, every hidden width ≥ the number of modes). */
export function saddleLayers(task: Task, widths: readonly number[], targets: readonly number[], subset: number): Matrix[] {
  const depth = widths.length - 1;
  const values = targets.map((s, alpha) => ((subset >> alpha) & 1 ? s ** (1 / depth) : 0));
  return Array.from({ length: depth }, (_, l) => {
    let w = diagonal(widths[l + 1], widths[l], values);
    if (l === 0) w = matmulNT(w, task.targetV);
    if (l === depth - 1) w = matmul(task.targetU, w);
    return w;
  });
}

function countNegative(task: Task, layers: readonly Matrix[]): number {
  const { apply, size } = hessianOperator(task, layers);
  const dense = zeros(size, size);
  const basis = new Float64Array(size), column = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    basis.fill(0);
    basis[j] = 1;
    apply(basis, column);
    for (let i = 0; i < size; i++) dense.data[i * size + j] = column[i];
  }
  // Symmetrize away the rounding of the products.
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < i; j++) {
      const mean = (dense.data[i * size + j] + dense.data[j * size + i]) / 2;
      dense.data[i * size + j] = mean;
      dense.data[j * size + i] = mean;
    }
  }
  const values = symmetricEigen(dense).values;
  const radius = Math.max(...Array.from(values, Math.abs));
  return values.filter((v) => v < -NEGATIVE_THRESHOLD * radius).length;
}

/** Every proper subset of T's first k modes: its loss, gradient norm and Hessian index. */
export function measureSaddles(task: Task, widths: readonly number[], targets: readonly number[]): SaddleMeasurement[] {
  const bp = new Backprop(widths);
  const nL = widths[widths.length - 1], n0 = widths[0];
  const g = zeros(nL, n0);
  const out: SaddleMeasurement[] = [];
  for (let subset = 0; subset < 2 ** targets.length - 1; subset++) {
    const layers = saddleLayers(task, widths, targets, subset);
    const loss = task.lossAndGradient(bp.product(layers), g);
    const grads = layers.map((w) => zeros(w.rows, w.cols));
    bp.gradients(layers, g, grads);
    const gradientNorm = Math.sqrt(grads.reduce((acc, m) => acc + m.data.reduce((a, x) => a + x * x, 0), 0));
    out.push({ subset, loss, gradientNorm, negativeEigenvalues: countNegative(task, layers) });
  }
  return out;
}

/**
 * The index the second variation gives (distinct s, every hidden width h ≥ k). Its residual term
 * −⟨T − W_eff, δ²W_eff⟩ pairs only the first and last layers' perturbations at L ≥ 3 (every other
 * pair meets a saddle layer that annihilates the unlearned modes): hidden unit α ∈ S with an unlearned
 * β gives the 2 × 2 block [[s_α^{2−2/L}, −s_α^{1−2/L}s_β], [·, s_α^{2−2/L}]], negative iff s_β > s_α.
 * At L = 2 the unused hidden units also pair directly: each of the h − r sees −yᵀ(T − W_eff)x, with
 * k − r negative eigenvalues. At L ≥ 3 an unused unit enters at third order only, and the Hessian at
 * the origin vanishes.
 */
export function secondVariationIndex(targets: readonly number[], depth: number, hiddenWidth: number, subset: number): number {
  const learned = targets.map((_, alpha) => ((subset >> alpha) & 1) === 1);
  const r = learned.filter(Boolean).length;
  let inverted = 0;
  targets.forEach((sa, alpha) => {
    if (!learned[alpha]) return;
    targets.forEach((sb, beta) => {
      if (!learned[beta] && sb > sa) inverted++;
    });
  });
  return (depth === 2 ? (hiddenWidth - r) * (targets.length - r) : 0) + inverted;
}
