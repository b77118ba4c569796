// Bias-free ReLU MLP Y_θ = W_L σ(W_{L−1} ⋯ σ(W_1 X)) on a data matrix X (d_in × N), paper 004 §2,
// with the localized loss L₀(θ) = Tr[Gᵀ Y_θ] and back-propagation of any output gradient ∂C/∂Y.
// σ'(0) = 0, so z σ'(z) = σ(z) everywhere and Euler's identity ⟨θ, ∇L₀⟩ = L·L₀ holds exactly.
import { type Matrix, matmul, matmulNT, matmulTN, randomGaussian } from '../../numeric/matrix';
import type { Rng } from '../../numeric/rng';

/** Parameters θ = (W_1, …, W_L); W_ℓ is n_ℓ × n_{ℓ−1}. */
export type Weights = Matrix[];

export interface ForwardPass {
  /** Pre-activations Z_ℓ, ℓ = 1…L (Z_L = Y_θ). */
  pre: Matrix[];
  /** Activations Z_ℓ^σ, ℓ = 0…L−1 (Z_0^σ = X). */
  act: Matrix[];
}

/** Layer sizes n_0 = d_in, n_1…n_{L−1} (hidden), n_L = d_out. */
export function layerSizes(inputDim: number, hidden: readonly number[], outputDim: number): number[] {
  return [inputDim, ...hidden, outputDim];
}

export function randomWeights(sizes: readonly number[], rng: Rng, std: number): Weights {
  return sizes.slice(1).map((n, l) => randomGaussian(n, sizes[l], rng, std));
}

export function forward(weights: Weights, x: Matrix): ForwardPass {
  const pre: Matrix[] = [];
  const act: Matrix[] = [x];
  weights.forEach((w, l) => {
    const z = matmul(w, act[l]);
    pre.push(z);
    if (l < weights.length - 1) act.push({ rows: z.rows, cols: z.cols, data: z.data.map((v) => (v > 0 ? v : 0)) });
  });
  return { pre, act };
}

export function output(weights: Weights, x: Matrix): Matrix {
  const { pre } = forward(weights, x);
  return pre[pre.length - 1];
}

/** Tr[Gᵀ Y]. */
export function traceInner(g: Matrix, y: Matrix): number {
  let s = 0;
  for (let i = 0; i < g.data.length; i++) s += g.data[i] * y.data[i];
  return s;
}

/** L₀(θ) = Tr[Gᵀ Y_θ], paper 004 eq. (1). */
export function localizedLoss(weights: Weights, x: Matrix, g: Matrix): number {
  return traceInner(g, output(weights, x));
}

/** ∂/∂W_ℓ of Tr[dYᵀ Y_θ] for a fixed output gradient dY, by back-propagation through `pass`. */
export function backward(weights: Weights, pass: ForwardPass, dY: Matrix): Weights {
  const grads: Weights = new Array(weights.length);
  let dz = dY;
  for (let l = weights.length - 1; l >= 0; l--) {
    grads[l] = matmulNT(dz, pass.act[l]);
    if (l === 0) break;
    const da = matmulTN(weights[l], dz);
    const z = pass.pre[l - 1].data;
    for (let i = 0; i < da.data.length; i++) if (!(z[i] > 0)) da.data[i] = 0;
    dz = da;
  }
  return grads;
}

/** L₀(θ) and ∇L₀(θ). */
export function localizedLossAndGradient(weights: Weights, x: Matrix, g: Matrix): { loss: number; grad: Weights } {
  const pass = forward(weights, x);
  const y = pass.pre[pass.pre.length - 1];
  return { loss: traceInner(g, y), grad: backward(weights, pass, g) };
}

export function dot(a: Weights, b: Weights): number {
  let s = 0;
  a.forEach((m, l) => {
    const d = b[l].data;
    for (let i = 0; i < m.data.length; i++) s += m.data[i] * d[i];
  });
  return s;
}

export function squaredNorm(a: Weights): number {
  return dot(a, a);
}

export function scaled(a: Weights, factor: number): Weights {
  return a.map((m) => ({ rows: m.rows, cols: m.cols, data: m.data.map((v) => v * factor) }));
}
