// Per-layer structure of an escape direction (paper 004, Theorem 3.1): singular values of W_ℓ and
// of the activations Z_ℓ^σ, the rank ratios Σ_{i≥2} s_i² / Σ s_i², the nonlinearity ratio
// ‖Z_ℓ^σ − Z_ℓ‖² / ‖Z_ℓ‖², and the theorem's bound on all three.
import { frobenius, type Matrix } from '../../numeric/matrix';
import { singularValues } from '../../numeric/svd';
import { forward, type Weights } from './network';

export interface LayerStats {
  /** Per layer ℓ = 1…L. */
  weightSingularValues: Float64Array[];
  weightRankRatio: number[];
  /** Per hidden layer ℓ = 1…L−1. */
  activationSingularValues: Float64Array[];
  activationRankRatio: number[];
  nonlinearity: number[];
}

/** Σ_{i≥2} s_i² / Σ_i s_i² = 1 − s₁²/‖A‖_F²; 0 for a zero matrix. */
export function rankRatio(singular: Float64Array): number {
  let total = 0;
  for (const s of singular) total += s * s;
  return total > 0 ? Math.max(0, 1 - (singular[0] * singular[0]) / total) : 0;
}

/** ‖σ(Z) − Z‖² / ‖Z‖²: the share of the pre-activation the ReLU removes. */
export function nonlinearityRatio(z: Matrix): number {
  let removed = 0, total = 0;
  for (const v of z.data) {
    total += v * v;
    if (v < 0) removed += v * v;
  }
  return total > 0 ? removed / total : 0;
}

export function layerStats(weights: Weights, x: Matrix): LayerStats {
  const pass = forward(weights, x);
  const weightSingularValues = weights.map(singularValues);
  const hidden = pass.act.slice(1);
  const activationSingularValues = hidden.map(singularValues);
  return {
    weightSingularValues,
    weightRankRatio: weightSingularValues.map(rankRatio),
    activationSingularValues,
    activationRankRatio: activationSingularValues.map(rankRatio),
    nonlinearity: pass.pre.slice(0, -1).map(nonlinearityRatio),
  };
}

/** c = (‖X‖‖G‖/s*) √(2 log(‖X‖‖G‖/s*)) of Theorem 3.1 (‖X‖‖G‖ ≥ s* by Cauchy–Schwarz and Lemma A.4). */
export function theoremConstant(x: Matrix, g: Matrix, speed: number): number {
  const ratio = (frobenius(x) * frobenius(g)) / speed;
  return ratio * Math.sqrt(2 * Math.log(Math.max(ratio, 1)));
}

/**
 * Theorem 3.1's bound 8c ℓ^{−1/2} / (1 − c ℓ^{−1/2}) on the three ratios at layer ℓ; it holds for
 * ℓ > c². Elsewhere, and where it exceeds 1, the ratios' trivial bound 1 is returned.
 */
export function theoremBound(c: number, layer: number): number {
  const r = c / Math.sqrt(layer);
  if (layer <= c * c || r >= 1) return 1;
  return Math.min(1, (8 * r) / (1 - r));
}
