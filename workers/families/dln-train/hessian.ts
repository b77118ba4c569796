// Exact Hessian-vector products of a dln-train loss in all layer parameters, and the spectrum
// measurements built on them (top-k by Lanczos, trace by Hutchinson). Every task's G = ∂ℓ/∂W_eff is
// affine in W_eff, so dG = G(W_eff + dW) − G(W_eff) exactly; with P_l = W_{l−1}⋯W₁ (P₀ = I),
// S_l = W_L⋯W_{l+1} (S_L = I) and their directional derivatives dP, dS along V:
//   H[V]_l = dS_lᵀ G P_lᵀ + S_lᵀ dG P_lᵀ + S_lᵀ G dP_lᵀ,   dW_eff = Σ_l S_l V_l P_l.
import { axpy, clone, identity, type Matrix, matmul, matmulNT, matmulTN, views, zeros } from '../../numeric/matrix';
import { measureSpectrum, type SpectrumSettings, type SymmetricOperator } from '../../numeric/lanczos';
import type { Rng } from '../../numeric/rng';
import type { Task } from './task-types';

/** v ↦ ∇²ℓ(θ) v at the given layers (copied), θ the flattened layers W₁ … W_L. */
export function hessianOperator(task: Task, layers: readonly Matrix[]): { apply: SymmetricOperator; size: number } {
  const depth = layers.length;
  const w = layers.map(clone);
  const n0 = w[0].cols, nL = w[depth - 1].rows;
  const prefix: Matrix[] = [identity(n0)];
  for (let l = 0; l < depth; l++) prefix.push(matmul(w[l], prefix[l]));
  const suffix: Matrix[] = new Array<Matrix>(depth);
  suffix[depth - 1] = identity(nL);
  for (let l = depth - 1; l >= 1; l--) suffix[l - 1] = matmul(suffix[l], w[l]);
  const weff = prefix[depth];
  const g = zeros(nL, n0);
  task.lossAndGradient(weff, g);
  const shifted = zeros(nL, n0), gShifted = zeros(nL, n0);
  const size = w.reduce((s, m) => s + m.data.length, 0);
  const apply: SymmetricOperator = (v, out) => {
    const dirs = views(v, w), outs = views(out, w);
    const dPrefix: Matrix[] = [zeros(n0, n0)];
    for (let l = 0; l < depth; l++) dPrefix.push(axpy(1, matmul(dirs[l], prefix[l]), matmul(w[l], dPrefix[l])));
    const dSuffix: Matrix[] = new Array<Matrix>(depth);
    dSuffix[depth - 1] = zeros(nL, nL);
    for (let l = depth - 1; l >= 1; l--) dSuffix[l - 1] = axpy(1, matmul(suffix[l], dirs[l]), matmul(dSuffix[l], w[l]));
    for (let i = 0; i < shifted.data.length; i++) shifted.data[i] = weff.data[i] + dPrefix[depth].data[i];
    task.lossAndGradient(shifted, gShifted);
    const dg = gShifted;
    for (let i = 0; i < dg.data.length; i++) dg.data[i] -= g.data[i];
    for (let l = 0; l < depth; l++) {
      const term = matmulNT(matmulTN(dSuffix[l], g), prefix[l]);
      axpy(1, matmulNT(matmulTN(suffix[l], dg), prefix[l]), term);
      axpy(1, matmulNT(matmulTN(suffix[l], g), dPrefix[l]), term);
      outs[l].data.set(term.data);
    }
  };
  return { apply, size };
}

/** The top-k eigenvalues and the Hutchinson trace of ∇²ℓ at the layers (empty / null when not asked). */
export function measureHessian(task: Task, layers: readonly Matrix[], s: SpectrumSettings, rng: Rng): { top: Float64Array; trace: number | null } {
  const { apply, size } = hessianOperator(task, layers);
  return measureSpectrum(apply, size, s, rng);
}
