// The update rules of gradient descent on a compute backend, applied to every layer once all the
// gradients are formed: plain (GD / SGD), heavy-ball momentum and Adam. Time is t = η · step for all.
// Shared by dln-train and multipath.
import type { ComputeBackend, Tensor } from './types';

export type UpdateRule =
  | { kind: 'plain'; learningRate: number }
  /** Heavy ball (PyTorch's form): v ← βv + g, W ← W − ηv, v₀ = 0. */
  | { kind: 'momentum'; learningRate: number; momentum: number }
  /** Adam (Kingma & Ba 2015, Alg. 1): bias-corrected moments, W ← W − η m̂/(√v̂ + ε). */
  | { kind: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number };

export interface DeviceOptimizer {
  step(layers: readonly Tensor[], grads: readonly Tensor[]): void;
}

export function deviceOptimizer(be: ComputeBackend, shapes: readonly Tensor[], rule: UpdateRule): DeviceOptimizer {
  const like = (): Tensor[] => shapes.map((w) => be.tensor(w.rows, w.cols));
  switch (rule.kind) {
    case 'plain':
      return { step: (layers, grads) => layers.forEach((w, l) => be.axpy(-rule.learningRate, grads[l], w)) };
    case 'momentum': {
      const velocity = like();
      return {
        step(layers, grads) {
          layers.forEach((w, l) => {
            be.scale(rule.momentum, velocity[l]);
            be.axpy(1, grads[l], velocity[l]);
            be.axpy(-rule.learningRate, velocity[l], w);
          });
        },
      };
    }
    case 'adam': {
      const [first, second, squares] = [like(), like(), like()];
      const corrections = be.tensor(1, 2);
      let t = 0;
      return {
        step(layers, grads) {
          t++;
          be.write(corrections, [1 / (1 - rule.beta1 ** t), 1 / (1 - rule.beta2 ** t)]);
          layers.forEach((w, l) => {
            be.scale(rule.beta1, first[l]);
            be.axpy(1 - rule.beta1, grads[l], first[l]);
            be.mul(grads[l], grads[l], squares[l]);
            be.scale(rule.beta2, second[l]);
            be.axpy(1 - rule.beta2, squares[l], second[l]);
            be.adamStep(w, first[l], second[l], corrections, rule.learningRate, rule.epsilon);
          });
        },
      };
    }
  }
}
