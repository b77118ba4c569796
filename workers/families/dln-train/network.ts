// The network W_L ⋯ W₁: initializations, the product W_eff and back-propagation of G = ∂ℓ/∂W_eff
// to every layer, ∇W_l = W_{L:l+1}ᵀ G W_{l−1:1}ᵀ (paper 001 §3.2), in 3(L − 1) products of
// preallocated matrices.
import { diagonal, identity, type Matrix, matmul, matmulNT, matmulTN, randomGaussian, randomOrthogonal, zeros } from '../../numeric/matrix';
import type { Rng } from '../../numeric/rng';
import { lambdaModeValues } from './balanced-init';
import { layerWidths, sortedTargets, type DlnTrainParams } from './params';
import type { Task } from './task-types';
import { readWeightFile } from './weight-file';

/**
 * λ-balanced layers (λ = 0: balanced) W_l = R_l D_l R_{l−1}ᵀ with diagonal D_l (balanced-init.ts): R₀ and
 * R_L are T's singular vectors (initAlignment "task") or Haar-random; hidden rotations do not change
 * W_eff and are random when T's vectors are.
 */
function balancedLayers(p: DlnTrainParams, task: Task, rng: Rng, lambda: number): Matrix[] {
  const w = layerWidths(p);
  // Modes T carries: the target values, or the nonzero singular values of a given matrix or of a data set's fit.
  const s = task.referenceSvd.s;
  const rank = p.inputs ? s.filter((x) => x > 1e-12 * s[0]).length : Math.min(sortedTargets(p).length, s.length);
  const modes = lambdaModeValues(w, lambda, (alpha) => (alpha < rank ? p.initScale ** p.depth : 0));
  const randomEnds = p.initAlignment === 'random';
  const rotations = w.map((n, l) => {
    if (l === 0) return randomEnds ? randomOrthogonal(n, rng) : task.targetV;
    if (l === p.depth) return randomEnds ? randomOrthogonal(n, rng) : task.targetU;
    return p.singularVectors === 'random' ? randomOrthogonal(n, rng) : identity(n);
  });
  return Array.from({ length: p.depth }, (_, l) => {
    const d = diagonal(w[l + 1], w[l], modes.map((values) => values[l]));
    return matmulNT(matmul(rotations[l + 1], d), rotations[l]);
  });
}

function orthogonalLayer(rows: number, cols: number, scale: number, rng: Rng): Matrix {
  const n = Math.max(rows, cols);
  const q = randomOrthogonal(n, rng);
  const m = zeros(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.data[i * cols + j] = scale * q.data[i * n + j];
  return m;
}

export function initialLayers(p: DlnTrainParams, task: Task, rng: Rng): Matrix[] {
  const w = layerWidths(p);
  switch (p.init) {
    case 'aligned':
      return balancedLayers(p, task, rng, 0);
    case 'lambda-balanced':
      return balancedLayers(p, task, rng, p.lambda);
    case 'identity':
      return Array.from({ length: p.depth }, (_, l) => diagonal(w[l + 1], w[l], new Array<number>(Math.min(w[l], w[l + 1])).fill(p.initScale)));
    case 'file':
      // The schema requires initFile with init "file".
      return readWeightFile(p.initFile as string, w);
    case 'small-random':
      return Array.from({ length: p.depth }, (_, l) => randomGaussian(w[l + 1], w[l], rng, p.initScale));
    case 'orthogonal':
      return Array.from({ length: p.depth }, (_, l) => orthogonalLayer(w[l + 1], w[l], p.initScale, rng));
  }
}

/** Workspace for W_eff and the layer gradients of one architecture. */
export class Backprop {
  /** prefix[l] = W_{l+1:1}, n_{l+1} × n₀; the last one is W_eff. */
  private readonly prefix: Matrix[];
  /** back[l] = W_{L:l+2}ᵀ G, n_{l+1} × n₀. */
  private readonly back: Matrix[];

  constructor(readonly widths: readonly number[]) {
    const depth = widths.length - 1;
    this.prefix = Array.from({ length: depth }, (_, l) => zeros(widths[l + 1], widths[0]));
    this.back = Array.from({ length: depth }, (_, l) => zeros(widths[l + 1], widths[0]));
  }

  /** W_eff = W_L ⋯ W₁ (owned by the workspace, overwritten by the next call). */
  product(layers: readonly Matrix[]): Matrix {
    this.prefix[0].data.set(layers[0].data);
    for (let l = 1; l < layers.length; l++) matmul(layers[l], this.prefix[l - 1], this.prefix[l]);
    return this.prefix[layers.length - 1];
  }

  /** ∇W_l into grads[l], for G at the W_eff of the last product() call. */
  gradients(layers: readonly Matrix[], g: Matrix, grads: Matrix[]): void {
    const depth = layers.length;
    let m = g;
    for (let l = depth - 1; l >= 1; l--) {
      matmulNT(m, this.prefix[l - 1], grads[l]);
      matmulTN(layers[l], m, this.back[l - 1]);
      m = this.back[l - 1];
    }
    grads[0].data.set(m.data);
  }
}
