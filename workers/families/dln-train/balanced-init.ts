// Layer values of λ-balanced networks, W_{l+1}ᵀW_{l+1} − W_lW_lᵀ = λI at every hidden layer, for any
// sign of λ and any widths (rectangular layers included). Written in a shared basis, layer l is
// diagonal and mode i carries values v_{l,i}; the condition is v_{l,i}² − v_{l−1,i}² = λ at every
// hidden node of width > i, a missing entry (i ≥ a layer's rank) counting as 0.
import { brentRoot } from '../../numeric/roots';

/**
 * Per-layer singular values of a λ-balanced mode with product a (README, deep λ-balanced mode):
 * a_l² = x + (l − 1)λ with ∏_l (x + (l − 1)λ) = a². λ < 0 is the same mode with the layers in
 * reverse order (a_l² = y + (L − l)|λ|), so the first layer is the largest.
 */
export function lambdaLayerValues(a: number, lambda: number, depth: number): number[] {
  if (lambda < 0) return lambdaLayerValues(a, -lambda, depth).reverse();
  const logTarget = 2 * Math.log(a);
  const logProduct = (x: number): number => {
    let s = 0;
    for (let l = 0; l < depth; l++) s += Math.log(x + l * lambda);
    return s;
  };
  // λ = 0: the balanced mode, every layer a^{1/L} exactly (no root to find).
  let x = a > 0 && lambda === 0 ? a ** (2 / depth) : 0;
  if (a > 0 && lambda > 0) {
    // log ∏ is −∞ at x = 0: Brent's first step from that end is a bisection. The root lies below
    // a^{2/L} (∏ ≥ x^L); twice that is past it by a margin rounding cannot erase, however small λ.
    const f = (y: number): number => logProduct(y) - logTarget;
    const hi = 2 * a ** (2 / depth);
    x = brentRoot(f, 0, hi, f(0), f(hi)).x;
  }
  return Array.from({ length: depth }, (_, l) => Math.sqrt(x + l * lambda));
}

/** Mode i exists in layer l (n_{l+1} × n_l) when i < min(n_l, n_{l+1}). */
const present = (widths: readonly number[], l: number, i: number): boolean => i < Math.min(widths[l], widths[l + 1]);

/**
 * Values v[i][l] of every mode i < max width, layer l; products[i] is the product a of mode i
 * (used for the modes every layer carries, i < min width; the others have product 0). Throws
 * with the hidden layer and mode where no values exist (e.g. λ > 0 with a hidden layer wider than
 * the next one).
 */
export function lambdaModeValues(widths: readonly number[], lambda: number, products: (i: number) => number): number[][] {
  const depth = widths.length - 1;
  const bottleneck = Math.min(...widths);
  return Array.from({ length: Math.max(...widths.slice(1, -1), bottleneck) }, (_, i) => {
    if (i < bottleneck) return lambdaLayerValues(products(i), lambda, depth);
    const squares = new Array<number>(depth).fill(0);
    // A run of layers carrying mode i: its squares grow by λ per layer, pinned where the run stops
    // inside the network (v² = λ after a missing layer, v² = −λ before one).
    for (let l0 = 0; l0 < depth; l0++) {
      if (!present(widths, l0, i) || (l0 > 0 && present(widths, l0 - 1, i))) continue;
      let l1 = l0;
      while (l1 + 1 < depth && present(widths, l1 + 1, i)) l1++;
      for (let l = l0; l <= l1; l++) squares[l] = l0 > 0 ? (l - l0 + 1) * lambda : -(l1 - l + 1) * lambda;
    }
    for (let h = 1; h < depth; h++) {
      if (i >= widths[h]) continue;
      const step = (present(widths, h, i) ? squares[h] : 0) - (present(widths, h - 1, i) ? squares[h - 1] : 0);
      if (squares.some((s) => s < 0) || Math.abs(step - lambda) > 1e-12 * Math.max(1, Math.abs(lambda))) {
        throw new Error(
          `no λ-balanced layers with λ = ${lambda} for widths ${widths.join(', ')}: hidden layer ${h} (width ${widths[h]}) has a direction ${i + 1} ` +
            // λ = 0 (all squares 0) always passes.
            `that ${lambda > 0 ? 'the next layer cannot carry (λ > 0 needs n_{l+1} ≥ n_l past the bottleneck)' : 'the previous layer cannot carry (λ < 0 needs n_{l−1} ≥ n_l before the bottleneck)'}`,
        );
      }
    }
    return squares.map(Math.sqrt);
  });
}
