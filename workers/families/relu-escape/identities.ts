// Exact identities of bias-free ReLU networks that the runs measure at their own points (paper 004):
// Euler's identity and degree-L homogeneity of L₀ (eq. (1), App. A.1–A.2), and the weak balancedness
// diag(W_{ℓ+1}ᵀW_{ℓ+1}) − diag(W_ℓW_ℓᵀ) that gradient flow conserves while the full matrix moves (§5 (3)).
import { type Matrix, matmulNT, matmulTN, subInPlace } from '../../numeric/matrix';
import { dot, forward, localizedLossAndGradient, scaled, squaredNorm, traceInner, type Weights } from './network';

/** |⟨θ, ∇L₀⟩ − L·L₀| / (‖θ‖‖∇L₀‖): Euler's identity, scaled by the size of its terms; 0 at a zero gradient. */
export function eulerResidual(theta: Weights, x: Matrix, g: Matrix): number {
  const { loss, grad } = localizedLossAndGradient(theta, x, g);
  const scale = Math.sqrt(squaredNorm(theta) * squaredNorm(grad));
  return scale > 0 ? Math.abs(dot(theta, grad) - theta.length * loss) / scale : 0;
}

/** |L₀(λθ) − λ^L L₀(θ)| / (λ^L Σ|G||Y_θ|): homogeneity at the factor λ, scaled by the terms of the trace. */
export function homogeneityResidual(theta: Weights, x: Matrix, g: Matrix, lambda = 2): number {
  const y = forward(theta, x).pre[theta.length - 1];
  const yScaled = forward(scaled(theta, lambda), x).pre[theta.length - 1];
  let size = 0;
  for (let i = 0; i < y.data.length; i++) size += Math.abs(g.data[i] * y.data[i]);
  const factor = lambda ** theta.length;
  return size > 0 ? Math.abs(traceInner(g, yScaled) - factor * traceInner(g, y)) / (factor * size) : 0;
}

/**
 * Per pair of adjacent layers (ℓ, ℓ + 1), the balance matrix W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ (n_ℓ × n_ℓ, one
 * row and column per hidden neuron). Its diagonal, ‖outgoing column‖² − ‖incoming row‖² of each neuron,
 * is conserved by gradient flow on any cost of the outputs (ReLU is positively homogeneous per neuron).
 */
export function balanceMatrices(theta: Weights): Matrix[] {
  return theta.slice(1).map((next, l) => subInPlace(matmulTN(next, next), matmulNT(theta[l], theta[l])));
}

/**
 * How far the balance matrices moved between two points, relative to ‖θ_end‖²: the largest change of
 * a diagonal entry (weak balancedness) and the Frobenius norm of the whole change (full balancedness).
 */
export function balanceDrift(start: Matrix[], end: Matrix[], normSquared: number): { weak: number; full: number } {
  let weak = 0, full = 0;
  start.forEach((a, l) => {
    const b = end[l];
    for (let i = 0; i < a.rows; i++) weak = Math.max(weak, Math.abs(b.data[i * a.cols + i] - a.data[i * a.cols + i]));
    for (let i = 0; i < a.data.length; i++) full += (b.data[i] - a.data[i]) ** 2;
  });
  return { weak: weak / normSquared, full: Math.sqrt(full) / normSquared };
}

/**
 * The rate of change of the balance matrices under gradient flow at θ, d/dt(W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ)
 * with θ′ = −∇L(θ) = `negGrad`, relative to ‖θ‖‖∇L‖ (the size of its terms): the largest diagonal
 * entry (weak balancedness: 0 up to rounding, since zσ′(z) = σ(z)) and the Frobenius norm of the whole.
 */
export function balanceRates(theta: Weights, negGrad: Weights): { weak: number; full: number } {
  const scale = Math.sqrt(squaredNorm(theta) * squaredNorm(negGrad));
  if (!(scale > 0)) return { weak: 0, full: 0 };
  let weak = 0, full = 0;
  theta.slice(1).forEach((next, l) => {
    const dNext = negGrad[l + 1], w = theta[l], dW = negGrad[l];
    // d/dt(AᵀA) = A′ᵀA + AᵀA′ and d/dt(BBᵀ) = B′Bᵀ + BB′ᵀ.
    const rate = matmulTN(dNext, next);
    const rateT = matmulTN(next, dNext);
    const inner = matmulNT(dW, w);
    const innerT = matmulNT(w, dW);
    for (let i = 0; i < rate.rows; i++) {
      for (let j = 0; j < rate.cols; j++) {
        const k = i * rate.cols + j;
        const v = rate.data[k] + rateT.data[k] - inner.data[k] - innerT.data[k];
        full += v * v;
        if (i === j) weak = Math.max(weak, Math.abs(v));
      }
    }
  });
  return { weak: weak / scale, full: Math.sqrt(full) / scale };
}
