// The reduced model of paper 002 (App. E.2, README working forms): per mode k and pathway p one
// per-layer scalar w, pathway value a = w^{L_p}, residual r_k = s_k − Σ_p a_p, loss Σ_k ½ r_k².
// GD on the layer weights keeps every layer of a pathway equal (Prop. B.4), so the exact
// recursion is w ← w + η r w^{L_p−1}. Heavy ball and Adam give every layer of a pathway the same
// gradient too, so they keep the layers equal and one scalar per layer state stays exact (Adam,
// acting entry by entry, only in the aligned basis). State layout: w[k·P + p].
import type { UpdateRule } from '../../compute/optimizers';

export interface ReducedModel {
  targets: readonly number[];
  depths: readonly number[];
}

/** w^L for a small integer L, by repeated multiplication (exact sign, no pow call). */
export function intPow(w: number, L: number): number {
  let v = 1;
  for (let i = 0; i < L; i++) v *= w;
  return v;
}

/** r_k = s_k − Σ_p w_{k,p}^{L_p}, written into `out`; returns the loss Σ ½ r_k². */
export function residuals(m: ReducedModel, w: Float64Array, out: Float64Array): number {
  const P = m.depths.length;
  let loss = 0;
  for (let k = 0; k < m.targets.length; k++) {
    let sum = 0;
    for (let p = 0; p < P; p++) sum += intPow(w[k * P + p], m.depths[p]);
    const r = m.targets[k] - sum;
    out[k] = r;
    loss += 0.5 * r * r;
  }
  return loss;
}

/** One exact GD step w ← w + η r w^{L−1}, with r from `r` (the residuals at w). */
export function gdStep(m: ReducedModel, w: Float64Array, r: Float64Array, eta: number): void {
  const P = m.depths.length;
  for (let k = 0; k < m.targets.length; k++) {
    const g = eta * r[k];
    for (let p = 0; p < P; p++) {
      const i = k * P + p;
      w[i] += g * intPow(w[i], m.depths[p] - 1);
    }
  }
}

/** One update of the reduced model at w, given the residuals r at w. */
export type ReducedStep = (w: Float64Array, r: Float64Array) => void;

/**
 * The update rule on the per-layer scalars, whose layer gradient is −r w^{L−1}. Heavy ball is
 * kept in increment form Δ ← βΔ + η r w^{L−1}, w ← w + Δ (Δ = −ηv for v ← βv + ∇), so β = 0 is
 * gdStep bit for bit; Adam is compute/optimizers.ts's rule with the same operation order.
 */
export function reducedStepper(m: ReducedModel, rule: UpdateRule, size: number): ReducedStep {
  const P = m.depths.length;
  const eta = rule.learningRate;
  if (rule.kind === 'plain') return (w, r) => gdStep(m, w, r, eta);
  if (rule.kind === 'momentum') {
    const delta = new Float64Array(size);
    return (w, r) => {
      for (let k = 0; k < m.targets.length; k++) {
        const g = eta * r[k];
        for (let p = 0; p < P; p++) {
          const i = k * P + p;
          delta[i] = rule.momentum * delta[i] + g * intPow(w[i], m.depths[p] - 1);
          w[i] += delta[i];
        }
      }
    };
  }
  const first = new Float64Array(size), second = new Float64Array(size);
  let t = 0;
  return (w, r) => {
    t++;
    const c1 = 1 / (1 - rule.beta1 ** t), c2 = 1 / (1 - rule.beta2 ** t);
    for (let k = 0; k < m.targets.length; k++) {
      for (let p = 0; p < P; p++) {
        const i = k * P + p;
        const g = -r[k] * intPow(w[i], m.depths[p] - 1);
        first[i] = rule.beta1 * first[i] + (1 - rule.beta1) * g;
        second[i] = rule.beta2 * second[i] + (1 - rule.beta2) * (g * g);
        w[i] = w[i] - (eta * c1 * first[i]) / (Math.sqrt(c2 * second[i]) + rule.epsilon);
      }
    }
  };
}

/** Gradient-flow right-hand side ẇ = r w^{L−1}. */
export function flowRhs(m: ReducedModel, w: Float64Array, dw: Float64Array, r: Float64Array): void {
  residuals(m, w, r);
  const P = m.depths.length;
  for (let k = 0; k < m.targets.length; k++) {
    for (let p = 0; p < P; p++) dw[k * P + p] = r[k] * intPow(w[k * P + p], m.depths[p] - 1);
  }
}

/**
 * Top eigenvalue of the Hessian of ½ r² for one mode in the layer coordinates w_{p,l}, at a
 * depth-balanced point (every layer of pathway p equal to w_p). With g = ∂a/∂w (entries w_p^{L_p−1})
 * and B = ∂²a/∂w² (block p: w_p^{L_p−2}(11ᵀ − I)), H = g gᵀ − r B. Within each block, vectors ⊥ 1
 * have eigenvalue r w_p^{L_p−2}; on the block-constant vectors H = c cᵀ + D with
 * c_p = √L_p w_p^{L_p−1}, D_p = −r (L_p − 1) w_p^{L_p−2}, whose top eigenvalue is the largest root of
 * the secular equation 1 = Σ c_p²/(λ − D_p) (or max D where it has none above max D).
 * At zero loss this is Σ_p L_p a_p^{2−2/L_p} (Prop. 4.1 / 5.1).
 * `scratch` (2P entries) lets a caller that asks every step reuse one buffer instead of allocating.
 */
export function modeSharpness(depths: readonly number[], w: Float64Array, offset: number, r: number, scratch = new Float64Array(2 * depths.length)): number {
  const P = depths.length;
  let top = -Infinity;
  let maxD = -Infinity, sumC2 = 0;
  const c2 = scratch.subarray(0, P), D = scratch.subarray(P, 2 * P);
  for (let p = 0; p < P; p++) {
    const L = depths[p];
    const wp = w[offset + p];
    const wL2 = intPow(wp, L - 2);
    // Directions orthogonal to the block-constant one exist for L ≥ 2.
    top = Math.max(top, r * wL2);
    c2[p] = L * wL2 * wL2 * wp * wp;
    D[p] = -r * (L - 1) * wL2;
    maxD = Math.max(maxD, D[p]);
    sumC2 += c2[p];
  }
  let rank1: number;
  if (P === 1) rank1 = D[0] + c2[0];
  else if (P === 2) {
    const a = D[0] + c2[0], d = D[1] + c2[1], b2 = c2[0] * c2[1];
    rank1 = 0.5 * (a + d + Math.sqrt((a - d) * (a - d) + 4 * b2));
  } else {
    // f(λ) = 1 − Σ c²/(λ − D) increases on (max D, ∞) and f(max D + Σc²) ≥ 0.
    let lo = maxD, hi = maxD + sumC2;
    for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(Math.abs(hi), 1e-300); i++) {
      const mid = 0.5 * (lo + hi);
      let f = 1;
      for (let p = 0; p < P; p++) f -= c2[p] / (mid - D[p]);
      if (f < 0) lo = mid;
      else hi = mid;
    }
    rank1 = hi;
  }
  return Math.max(top, rank1);
}

/** The model's sharpness: the largest mode sharpness (the Hessian is block-diagonal across modes). */
export function sharpness(m: ReducedModel, w: Float64Array, r: Float64Array, scratch = new Float64Array(2 * m.depths.length)): number {
  let top = -Infinity;
  const P = m.depths.length;
  for (let k = 0; k < m.targets.length; k++) top = Math.max(top, modeSharpness(m.depths, w, k * P, r[k], scratch));
  return top;
}

/** Pathway values a_{k,p} = w^{L_p}, same layout as w. */
export function pathwayValues(m: ReducedModel, w: Float64Array, out: Float64Array): Float64Array {
  const P = m.depths.length;
  for (let i = 0; i < w.length; i++) out[i] = intPow(w[i], m.depths[i % P]);
  return out;
}
