// The neural tangent kernel of W_eff(θ) on the standard input basis, K = J Jᵀ with J = ∂vec(W_eff)/∂θ,
// kept in factored form: the layer-l block of J maps V_l ↦ S_l V_l P_l (S_l = W_L⋯W_{l+1},
// P_l = W_{l−1}⋯W₁), so K = Σ_l (S_lS_lᵀ) ⊗ (P_lᵀP_l) and ⟨K, K'⟩_F = Σ_{l,m} tr(A_lA'_m) tr(B_lB'_m)
// with A_l = S_lS_lᵀ, B_l = P_lᵀP_l: exact, without forming the (n_L n₀)² matrix. The kernel
// distance of Fort et al. (2020) is 1 − ⟨K₀, K_t⟩/(‖K₀‖‖K_t‖).
// Cost per set of factors: 2(L − 2) chain products and 2(L − 1) Gram products (P₁ = I and S_L = I are
// kept implicit; W_eff itself is never formed), and ⟨K, K'⟩ reads each pair of factors once.
import { gramNT, gramTN, type Matrix, matmul } from '../../numeric/matrix';

export interface KernelFactors {
  /** A_l = S_lS_lᵀ, n_L × n_L; null for the last layer, whose S is the identity. */
  left: (Matrix | null)[];
  /** B_l = P_lᵀP_l, n₀ × n₀; null for the first layer, whose P is the identity. */
  right: (Matrix | null)[];
  n0: number;
  nL: number;
}

export function kernelFactors(layers: readonly Matrix[]): KernelFactors {
  const depth = layers.length;
  const n0 = layers[0].cols, nL = layers[depth - 1].rows;
  const right: (Matrix | null)[] = [null];
  let prefix = layers[0];
  for (let l = 1; l < depth; l++) {
    right.push(gramTN(prefix));
    if (l + 1 < depth) prefix = matmul(layers[l], prefix);
  }
  const left = new Array<Matrix | null>(depth).fill(null);
  let suffix = layers[depth - 1];
  for (let l = depth - 2; l >= 0; l--) {
    left[l] = gramNT(suffix);
    if (l > 0) suffix = matmul(suffix, layers[l]);
  }
  return { left, right, n0, nL };
}

function dot(x: Float64Array, y: Float64Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < x.length; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < x.length; i++) s0 += x[i] * y[i];
  return s0 + s1 + s2 + s3;
}

function trace(x: Matrix): number {
  let s = 0;
  for (let i = 0; i < x.rows; i++) s += x.data[i * x.cols + i];
  return s;
}

/** tr(XY) of symmetric n × n X, Y (Σ_ij X_ij Y_ij), null standing for the identity. */
function traceOfProduct(x: Matrix | null, y: Matrix | null, n: number): number {
  if (x && y) return dot(x.data, y.data);
  if (x) return trace(x);
  if (y) return trace(y);
  return n;
}

/** ⟨K, K'⟩_F from the factors (each term once more where K' is K itself: the sum is symmetric). */
export function kernelInner(a: KernelFactors, b: KernelFactors): number {
  const self = a === b;
  let s = 0;
  for (let l = 0; l < a.left.length; l++) {
    for (let m = self ? l : 0; m < b.left.length; m++) {
      const term = traceOfProduct(a.left[l], b.left[m], a.nL) * traceOfProduct(a.right[l], b.right[m], a.n0);
      s += self && m > l ? 2 * term : term;
    }
  }
  return s;
}

/** 1 − ⟨K₀, K⟩/(‖K₀‖_F‖K‖_F): 0 while the kernel keeps its direction (lazy), up to 1 (rich). */
export function kernelDistance(initial: KernelFactors, initialNorm: number, now: KernelFactors): number {
  return 1 - kernelInner(initial, now) / (initialNorm * Math.sqrt(kernelInner(now, now)));
}
