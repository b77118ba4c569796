// What the reduced model cannot see: it keeps every layer aligned with the target's modes, so the
// Hessian directions that mix modes (or a mode with the target's null space) are not in it. This
// builds the full network at reduced states (layers diagonal in the mode basis, one null
// direction added) and follows a perturbation in those directions along the reduced orbit.
import { MatrixNet } from './matrix-net';
import { hessianVectorProduct } from './hessian';
import { gdStep, residuals, type ReducedModel } from './reduced';

/**
 * Growth per step of a perturbation off the aligned layers while the reduced model takes `steps`
 * GD steps from w (on an orbit, its Lyapunov factor; the first half of the steps only aligns the
 * perturbation with the fastest-growing direction). Off-diagonal layer entries are their own
 * block of the Hessian at diagonal layers (flipping one basis vector fixes the layers and negates
 * them), so δ ← P_off (I − ηH) δ follows that block alone. Above 1 the full network does not stay
 * on the reduced model's orbit: it leaves along a cross-mode direction.
 */
export function transverseGrowth(model: ReducedModel, w0: Float64Array, eta: number, steps: number): number {
  const full = embed(model);
  const w = Float64Array.from(w0);
  const r = new Float64Array(model.targets.length);
  const n = full.theta.length;
  let delta = Float64Array.from({ length: n }, (_, i) => (full.isDiagonal(i) ? 0 : Math.sin(2.3 * (i + 1))));
  normalize(delta);
  const hv = new Float64Array(n);
  let logGrowth = 0;
  for (let t = 0; t < steps; t++) {
    full.place(w);
    hessianVectorProduct(full.gradient, full.theta, delta, hv);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = full.isDiagonal(i) ? 0 : delta[i] - eta * hv[i];
    const norm = normalize(next);
    if (norm === 0) return 0;
    if (2 * t >= steps) logGrowth += Math.log(norm);
    delta = next;
    residuals(model, w, r);
    gdStep(model, w, r, eta);
  }
  return Math.exp(logGrowth / (steps - Math.ceil(steps / 2)));
}

function normalize(v: Float64Array): number {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return norm;
}

/** The full network (d = K + 1) whose layers hold the reduced scalars on their diagonals. */
function embed(model: ReducedModel) {
  const K = model.targets.length, P = model.depths.length, d = K + 1;
  const target = { rows: d, cols: d, data: new Float64Array(d * d) };
  model.targets.forEach((s, k) => (target.data[k * d + k] = s));
  const net = new MatrixNet({ d, depths: model.depths, activation: 'linear' }, target);
  const layerOf = model.depths.flatMap((L, p) => Array.from({ length: L }, () => p));
  const theta = new Float64Array(layerOf.length * d * d);
  return {
    theta,
    gradient: (t: Float64Array, g: Float64Array): void => void net.gradient(t, g),
    isDiagonal: (i: number): boolean => Math.floor((i % (d * d)) / d) === i % d,
    place(w: Float64Array): void {
      theta.fill(0);
      layerOf.forEach((p, layer) => {
        for (let k = 0; k < K; k++) theta[layer * d * d + k * d + k] = w[k * P + p];
      });
    },
  };
}
