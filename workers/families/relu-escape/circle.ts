// Example 1 of paper 004 (§4, App. D.1): N = 8 points on the unit circle with G_j = (−1)^j. The
// best rank-one escape has speed √2 − 1; the rank-two construction (2) has speed ½ once W₃ is
// flipped to −1 (README: the printed signs give L₀ = +½).
import { zeros } from '../../numeric/matrix';
import type { Weights } from './network';

export const RANK_ONE_SPEED = Math.SQRT2 - 1;
export const RANK_TWO_SPEED = 0.5;

/** Zero weights of the given layer sizes n_0 … n_L. */
function zeroWeights(sizes: readonly number[]): Weights {
  return sizes.slice(1).map((n, l) => zeros(n, sizes[l]));
}

/** One-neuron path: W_1 = [cos φ, sin φ] on neuron 0, then 1 … 1, output weight `sign`; ‖θ‖² = L. */
export function rankOneDirection(sizes: readonly number[], phi: number, sign: 1 | -1): Weights {
  const w = zeroWeights(sizes);
  w[0].data[0] = Math.cos(phi);
  w[0].data[1] = Math.sin(phi);
  for (let l = 1; l < w.length - 1; l++) w[l].data[0] = 1;
  w[w.length - 1].data[0] = sign;
  return w;
}

/**
 * Construction (2) with the README's sign fix: W₁ = ½[e₁; e₂; −e₁; −e₂] on four neurons,
 * W₂ = ½[1, −1, 1, −1] into one neuron, W₃ = −1; deeper networks pass that neuron through unit
 * weights (Prop. 3.2's extension). Needs depth ≥ 3 and a first hidden width ≥ 4.
 */
export function rankTwoDirection(sizes: readonly number[]): Weights {
  if (sizes.length < 4 || sizes[1] < 4) throw new Error('the rank-two construction needs depth ≥ 3 and n₁ ≥ 4');
  const w = zeroWeights(sizes);
  const w1 = w[0];
  [[0.5, 0], [0, 0.5], [-0.5, 0], [0, -0.5]].forEach(([a, b], i) => {
    w1.data[i * w1.cols] = a;
    w1.data[i * w1.cols + 1] = b;
  });
  [0.5, -0.5, 0.5, -0.5].forEach((v, j) => (w[1].data[j] = v));
  for (let l = 2; l < w.length - 1; l++) w[l].data[0] = 1;
  w[w.length - 1].data[0] = -1;
  return w;
}

/** Eq. (6): the rank-one speed at angle φ, with ξ = φ mod π/4; its maximum √2 − 1 is at ξ = 0. */
export function rankOneSpeedEq6(phi: number): number {
  const q = Math.PI / 4;
  const xi = ((phi % q) + q) % q;
  return Math.abs(Math.cos(xi + q) - Math.cos(xi) + Math.cos(xi - q) - Math.cos(xi - 2 * q));
}
