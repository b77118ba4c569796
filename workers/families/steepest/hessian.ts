// Exact Hessian-vector products of the loss f(x), x = w₁ ⊙ ⋯ ⊙ w_L, in the layer weights (weight decay
// left out), and the spectrum measurements on them. With h = ∇f(x), g_{i,c} = Π_{j≠i} w_{j,c} and
// δx = Σ_i g_i ⊙ v_i:  (Hv)_{i,c} = g_{i,c}(∇²f(x) δx)_c + h_c Σ_{j≠i} v_{j,c} Π_{k≠i,j} w_{k,c}, where
// ∇²f = ZᵀZ/k (regression) or (1/k)Σ_j e^{−⟨z_j,x⟩} z_j z_jᵀ (classification, labels folded into z_j).
import { measureSpectrum, type SpectrumSettings, type SymmetricOperator } from '../../numeric/lanczos';
import type { Rng } from '../../numeric/rng';
import type { Objective } from './objective';
import type { Problem } from './problem';

/** v ↦ ∇²_w f v at the layer-major weights w (copied; w[i·n + c] is layer i, feature c). */
export function diagonalHessianOperator(problem: Problem, objective: Objective, weights: Float64Array, depth: number): { apply: SymmetricOperator; size: number } {
  const { n, k, rows } = problem;
  const w = Float64Array.from(weights);
  const x = new Float64Array(n), h = new Float64Array(n), g = new Float64Array(depth * n);
  for (let c = 0; c < n; c++) {
    let p = 1;
    for (let i = 0; i < depth; i++) p *= w[i * n + c];
    x[c] = p;
    // g_{i,c} from prefix and suffix products: no division (w can be 0 at the saddle init).
    let prefix = 1;
    for (let i = 0; i < depth; i++) {
      let suffix = 1;
      for (let j = i + 1; j < depth; j++) suffix *= w[j * n + c];
      g[i * n + c] = prefix * suffix;
      prefix *= w[i * n + c];
    }
  }
  objective.gradient(x, h, null);
  // Classification: the curvature weight e^{−⟨z_j, x⟩}/k of each sample; regression: 1/k.
  const weight = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let margin = 0;
    for (let c = 0; c < n; c++) margin += rows[j * n + c] * x[c];
    weight[j] = (problem.task === 'classification' ? Math.exp(-margin) : 1) / k;
  }
  const dx = new Float64Array(n), curvature = new Float64Array(n);
  const apply: SymmetricOperator = (v, out) => {
    dx.fill(0);
    for (let i = 0; i < depth; i++) for (let c = 0; c < n; c++) dx[c] += g[i * n + c] * v[i * n + c];
    curvature.fill(0);
    for (let j = 0; j < k; j++) {
      let zdx = 0;
      for (let c = 0; c < n; c++) zdx += rows[j * n + c] * dx[c];
      const f = weight[j] * zdx;
      for (let c = 0; c < n; c++) curvature[c] += f * rows[j * n + c];
    }
    for (let i = 0; i < depth; i++) {
      for (let c = 0; c < n; c++) {
        // Σ_{j≠i} v_j Π_{k≠i,j} w_k: the directional derivative of Π_{k≠i} w_k, carried in forward mode.
        let p = 1, dp = 0;
        for (let m = 0; m < depth; m++) {
          if (m === i) continue;
          dp = dp * w[m * n + c] + p * v[m * n + c];
          p *= w[m * n + c];
        }
        out[i * n + c] = g[i * n + c] * curvature[c] + h[c] * dp;
      }
    }
  };
  return { apply, size: depth * n };
}

/** The top-k eigenvalues and the Hutchinson trace of ∇²_w f (empty / null when not asked). */
export function measureDiagonalHessian(problem: Problem, objective: Objective, weights: Float64Array, depth: number, s: SpectrumSettings, rng: Rng): { top: Float64Array; trace: number | null } {
  const { apply, size } = diagonalHessianOperator(problem, objective, weights, depth);
  return measureSpectrum(apply, size, s, rng);
}
