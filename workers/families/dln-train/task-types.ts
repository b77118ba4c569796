// The shapes a dln-train task takes, apart from the code that builds them: the task builders
// (task.ts, sensing.ts) and the training code all use them without importing each other.
import type { ComputeBackend, Tensor } from '../../compute/index';
import type { Matrix } from '../../numeric/matrix';
import type { Rng } from '../../numeric/rng';
import type { SVD } from '../../numeric/svd';
import type { DlnTrainParams } from './params';

export interface Task {
  kind: DlnTrainParams['task'];
  /** The matrix the loss is minimized at (target T, Σyx Σxx⁻¹, or the ground truth of completion and sensing). */
  reference: Matrix;
  referenceSvd: SVD;
  /** Left and right singular vectors of T (n_L × n_L and n₀ × n₀), used by the aligned inits. */
  targetU: Matrix;
  targetV: Matrix;
  /** Writes G = ∂ℓ/∂W_eff into grad and returns ℓ(W_eff). */
  lossAndGradient(weff: Matrix, grad: Matrix): number;
  /** The loss and its gradients on a compute backend (gradient descent and SGD). */
  onDevice(be: ComputeBackend): DeviceObjective;
  /** Completion only: 1 on observed entries. */
  mask?: Uint8Array;
  /** Regression or sensing with held-out samples / measurements: their loss. */
  testLoss?(weff: Matrix): number;
}

/**
 * A task's loss on a compute backend. On the float64 CPU backend it performs the same operations
 * in the same order as `Task.lossAndGradient` up to products of 32³ multiply-adds.
 */
export interface DeviceObjective {
  /** Enqueues G = ∂ℓ/∂W_eff into grad and the loss, up to `loss(raw)`, into lossOut (1×1). */
  lossAndGradient(weff: Tensor, grad: Tensor, lossOut: Tensor): void;
  /** ℓ from the value read back from lossOut. */
  loss(raw: number): number;
  /** Enqueues an unbiased minibatch estimate of G into grad (SGD); the batch is drawn on the host. */
  stochasticGradient(weff: Tensor, grad: Tensor, batchSize: number, rng: Rng): void;
  /** T where the loss is ½‖W_eff − T‖²_F (G = W_eff − T): lets full-batch GD on the CPU take the fused step. */
  target?: Matrix;
}

/** The target with full orthogonal singular bases u (n_L × n_L), v (n₀ × n₀) and its thin SVD. */
export interface Target {
  t: Matrix;
  u: Matrix;
  v: Matrix;
  svd: SVD;
}
