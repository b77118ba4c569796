// The exact gradient flow of a two-layer λ-balanced network on ½‖W₂W₁ − T‖²_F from any init with
// W₂ᵀW₂ − W₁W₁ᵀ = λI, aligned or not (Dominé et al., "From lazy to rich", papers/README.md): with
// Q = [W₁ᵀ; W₂] and F = [[−λ/2·I, Tᵀ], [T, λ/2·I]],
//   QQᵀ(t) = e^{Ft}Q₀ [I + ½Q₀ᵀF⁻¹(e^{2Ft} − I)Q₀]⁻¹ Q₀ᵀe^{Ft},
// and W₂W₁(t) is its lower-left n_L × n₀ block. F is symmetric, so every function of it goes through
// one eigendecomposition; F⁻¹(e^{2Ft} − I) is the entire function (e^{2μt} − 1)/μ of its eigenvalues μ.
// The formula depends on Q₀ only through Q₀Q₀ᵀ (Q₀ → Q₀R, R orthogonal, leaves it unchanged).
import { diagonal, type Matrix, matmul, matmulNT, matmulTN, transpose, zeros } from '../../numeric/matrix';
import { symmetricEigen } from '../../numeric/svd';

/** f(S) = V diag(f(μ)) Vᵀ for a symmetric S = V diag(μ) Vᵀ. */
function spectralFunction(vectors: Matrix, values: Float64Array, f: (mu: number) => number): Matrix {
  const n = values.length;
  return matmulNT(matmul(vectors, diagonal(n, n, values.map(f))), vectors);
}

/** (e^{2μt} − 1)/μ without the 0/0 at μ = 0 (its limit 2t) or cancellation for small μt. */
const growth = (mu: number, t: number): number => (Math.abs(mu * t) < 1e-8 ? 2 * t * (1 + mu * t) : Math.expm1(2 * mu * t) / mu);

/** Largest μt one application of the formula spans: its bracket then has condition ≲ e^{4}·…, not e^{4μ_max·t}. */
const MAX_EXPONENT = 2;

/** QQᵀ after time t from Q (n × h): the closed form, one application. */
function advance(vectors: Matrix, values: Float64Array, q: Matrix, t: number): Matrix {
  const h = q.cols;
  const left = matmul(spectralFunction(vectors, values, (mu) => Math.exp(mu * t)), q);
  const middle = matmulTN(q, matmul(spectralFunction(vectors, values, (mu) => growth(mu, t)), q));
  for (let i = 0; i < h; i++) for (let j = 0; j < h; j++) middle.data[i * h + j] = (i === j ? 1 : 0) + 0.5 * middle.data[i * h + j];
  // The bracket is symmetric positive definite (growth > 0): its inverse through its eigenvalues.
  const m = symmetricEigen(middle);
  return matmulNT(matmul(left, spectralFunction(m.vectors, m.values, (x) => 1 / x)), left);
}

/** An n × h factor Q with QQᵀ = P (P symmetric PSD of rank ≤ h): the formula depends on Q₀ only through Q₀Q₀ᵀ. */
function factor(p: Matrix, h: number): Matrix {
  const { values, vectors } = symmetricEigen(p);
  const n = p.rows, q = zeros(n, h);
  for (let i = 0; i < n; i++) for (let j = 0; j < h; j++) q.data[i * h + j] = vectors.data[i * n + j] * Math.sqrt(Math.max(0, values[j]));
  return q;
}

/**
 * W₂W₁ at each time (ascending), from the initial layers w1 (h × n₀), w2 (n_L × h) and the target
 * (n_L × n₀). Long times are reached in steps of μ_max·Δt ≤ 2, restarting the closed form from the
 * exact QQᵀ of the previous step: in one step e^{2Ft} would swamp the bracket's small eigenvalues.
 */
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
  let q = zeros(n, h);
  const w1t = transpose(w1);
  for (let i = 0; i < n0; i++) q.data.set(w1t.data.subarray(i * h, (i + 1) * h), i * h);
  for (let i = 0; i < nL; i++) q.data.set(w2.data.subarray(i * h, (i + 1) * h), (n0 + i) * h);
  const { values, vectors } = symmetricEigen(f);
  const maxStep = MAX_EXPONENT / Math.max(...values.map(Math.abs), 1e-300);
  let now = 0;
  let qqt = matmulNT(q, q);
  return times.map((t) => {
    if (t < now) throw new Error(`exactTwoLayerProducts: times must ascend (${t} after ${now})`);
    while (now < t) {
      const dt = Math.min(maxStep, t - now);
      qqt = advance(vectors, values, q, dt);
      q = factor(qqt, h);
      now = dt === t - now ? t : now + dt;
    }
    const product = zeros(nL, n0);
    for (let a = 0; a < nL; a++) product.data.set(qqt.data.subarray((n0 + a) * n, (n0 + a) * n + n0), a * n0);
    return product;
  });
}
