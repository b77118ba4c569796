// The exact gradient flow of a two-layer λ-balanced network on ½‖W₂W₁ − T‖²_F from any init with
// W₂ᵀW₂ − W₁W₁ᵀ = λI, aligned or not (Dominé et al., "From lazy to rich", papers/README.md): with
// Q = [W₁ᵀ; W₂] and F = [[−λ/2·I, Tᵀ], [T, λ/2·I]],
//   QQᵀ(t) = e^{Ft}Q₀ [I + ½Q₀ᵀF⁻¹(e^{2Ft} − I)Q₀]⁻¹ Q₀ᵀe^{Ft},
// and W₂W₁(t) is its lower-left n_L × n₀ block. F is symmetric, so every function of it goes through
// one eigendecomposition; F⁻¹(e^{2Ft} − I) is the entire function (e^{2μt} − 1)/μ of its eigenvalues μ.
import { diagonal, type Matrix, matmul, matmulNT, matmulTN, transpose, zeros } from '../../numeric/matrix';
import { symmetricEigen } from '../../numeric/svd';

/** f(S) = V diag(f(μ)) Vᵀ for a symmetric S = V diag(μ) Vᵀ. */
function spectralFunction(vectors: Matrix, values: Float64Array, f: (mu: number) => number): Matrix {
  const n = values.length;
  return matmulNT(matmul(vectors, diagonal(n, n, values.map(f))), vectors);
}

/** (e^{2μt} − 1)/μ without the 0/0 at μ = 0 (its limit 2t) or cancellation for small μt. */
const growth = (mu: number, t: number): number => (Math.abs(mu * t) < 1e-8 ? 2 * t * (1 + mu * t) : Math.expm1(2 * mu * t) / mu);

/** W₂W₁ at each time, from the initial layers w1 (h × n₀), w2 (n_L × h) and the target (n_L × n₀). */
export function exactTwoLayerProducts(target: Matrix, w1: Matrix, w2: Matrix, lambda: number, times: readonly number[]): Matrix[] {
  const n0 = target.cols, nL = target.rows, h = w1.rows, n = n0 + nL;
  const f = zeros(n, n);
  for (let i = 0; i < n0; i++) f.data[i * n + i] = -lambda / 2;
  for (let i = 0; i < nL; i++) f.data[(n0 + i) * n + n0 + i] = lambda / 2;
  for (let a = 0; a < nL; a++) {
    for (let b = 0; b < n0; b++) {
      f.data[(n0 + a) * n + b] = target.data[a * n0 + b];
      f.data[b * n + n0 + a] = target.data[a * n0 + b];
    }
  }
  const q0 = zeros(n, h);
  const w1t = transpose(w1);
  for (let i = 0; i < n0; i++) q0.data.set(w1t.data.subarray(i * h, (i + 1) * h), i * h);
  for (let i = 0; i < nL; i++) q0.data.set(w2.data.subarray(i * h, (i + 1) * h), (n0 + i) * h);
  const { values, vectors } = symmetricEigen(f);
  return times.map((t) => {
    const left = matmul(spectralFunction(vectors, values, (mu) => Math.exp(mu * t)), q0);
    const middle = matmulTN(q0, matmul(spectralFunction(vectors, values, (mu) => growth(mu, t)), q0));
    for (let i = 0; i < h; i++) for (let j = 0; j < h; j++) middle.data[i * h + j] = (i === j ? 1 : 0) + 0.5 * middle.data[i * h + j];
    // The bracket is symmetric positive definite (growth > 0): its inverse through its eigenvalues.
    const m = symmetricEigen(middle);
    const qqt = matmulNT(matmul(left, spectralFunction(m.vectors, m.values, (x) => 1 / x)), left);
    const product = zeros(nL, n0);
    for (let a = 0; a < nL; a++) product.data.set(qqt.data.subarray((n0 + a) * n, (n0 + a) * n + n0), a * n0);
    return product;
  });
}
