// The neural tangent kernel of W_eff(θ) on the standard input basis, K = J Jᵀ with J = ∂vec(W_eff)/∂θ,
// kept in factored form: the layer-l block of J maps V_l ↦ S_l V_l P_l (S_l = W_L⋯W_{l+1},
// P_l = W_{l−1}⋯W₁), so K = Σ_l (S_lS_lᵀ) ⊗ (P_lᵀP_l) and ⟨K, K'⟩_F = Σ_{l,m} tr(A_lA'_m) tr(B_lB'_m)
// with A_l = S_lS_lᵀ, B_l = P_lᵀP_l: exact, without forming the (n_L n₀)² matrix. The kernel
// distance of Fort et al. (2020) is 1 − ⟨K₀, K_t⟩/(‖K₀‖‖K_t‖).
import { identity, type Matrix, matmul, matmulNT, matmulTN } from '../../numeric/matrix';

export interface KernelFactors {
  /** A_l = S_lS_lᵀ, n_L × n_L. */
  left: Matrix[];
  /** B_l = P_lᵀP_l, n₀ × n₀. */
  right: Matrix[];
}

export function kernelFactors(layers: readonly Matrix[]): KernelFactors {
  const depth = layers.length;
  const n0 = layers[0].cols, nL = layers[depth - 1].rows;
  const right: Matrix[] = [];
  let prefix = identity(n0);
  for (let l = 0; l < depth; l++) {
    right.push(matmulTN(prefix, prefix));
    prefix = matmul(layers[l], prefix);
  }
  const left = new Array<Matrix>(depth);
  let suffix = identity(nL);
  for (let l = depth - 1; l >= 0; l--) {
    left[l] = matmulNT(suffix, suffix);
    suffix = matmul(suffix, layers[l]);
  }
  return { left, right };
}

/** tr(XY) of symmetric X, Y: Σ_ij X_ij Y_ij. */
function traceOfProduct(x: Matrix, y: Matrix): number {
  let s = 0;
  for (let i = 0; i < x.data.length; i++) s += x.data[i] * y.data[i];
  return s;
}

/** ⟨K, K'⟩_F from the factors. */
export function kernelInner(a: KernelFactors, b: KernelFactors): number {
  let s = 0;
  a.left.forEach((al, l) => b.left.forEach((bm, m) => (s += traceOfProduct(al, bm) * traceOfProduct(a.right[l], b.right[m]))));
  return s;
}

/** 1 − ⟨K₀, K⟩/(‖K₀‖_F‖K‖_F): 0 while the kernel keeps its direction (lazy), up to 1 (rich). */
export function kernelDistance(initial: KernelFactors, initialNorm: number, now: KernelFactors): number {
  return 1 - kernelInner(initial, now) / (initialNorm * Math.sqrt(kernelInner(now, now)));
}
