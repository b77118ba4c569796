// The tensor-ops contract that matrix-heavy families are written against once. Two implementations:
// cpu.ts (float64 on typed arrays) and gpu.ts (float32 WebGPU buffers with WGSL kernels).
//
// Every op is enqueued, not awaited: on the GPU the work runs asynchronously and buffers stay on the
// device across steps; only `read` and `ScalarLog.flush` bring numbers back. Outputs are preallocated
// by the caller and are overwritten; an output may not alias an input unless the op is documented as
// in place (the GPU cannot bind one buffer both read-only and writable in one dispatch).

export type DeviceRequest = 'auto' | 'cpu' | 'gpu';

/** An r × c row-major matrix owned by one backend (host memory on the CPU, a storage buffer on the GPU). */
export interface Tensor {
  readonly rows: number;
  readonly cols: number;
  /** rows × cols. */
  readonly size: number;
}

/**
 * Scalars (or small tensors) recorded on the device each step and read back in one batch: push
 * copies the tensor's current value into the log without waiting; flush returns every value pushed
 * since the last flush, in order, each tensor contributing `size` entries.
 */
export interface ScalarLog {
  readonly capacity: number;
  readonly length: number;
  push(t: Tensor): void;
  flush(): Promise<Float64Array>;
}

export interface ComputeBackend {
  readonly device: 'cpu' | 'gpu';
  readonly precision: 'float64' | 'float32';
  /** 'cpu-float64' or 'webgpu-float32'. */
  readonly label: string;

  /** A new tensor, zero-filled or holding `data` (row-major, rows × cols entries). */
  tensor(rows: number, cols: number, data?: ArrayLike<number>): Tensor;
  /** Overwrites a tensor with host data (e.g. the next minibatch). */
  write(t: Tensor, data: ArrayLike<number>): void;
  /** Waits for queued work and returns the tensor's entries. */
  read(t: Tensor): Promise<Float64Array>;
  scalarLog(capacity: number): ScalarLog;
  copy(src: Tensor, dst: Tensor): void;
  /** dst gets src's entries in row-major order: a reshape (e.g. an n_L × n₀ matrix as a 1 × n_Ln₀ row); sizes must match. */
  reshapeCopy(src: Tensor, dst: Tensor): void;

  /** out = AB (A: m×k, B: k×n). */
  matmul(a: Tensor, b: Tensor, out: Tensor): void;
  /** out = AᵀB (A: k×m, B: k×n). */
  matmulTN(a: Tensor, b: Tensor, out: Tensor): void;
  /** out = ABᵀ (A: m×k, B: n×k). */
  matmulNT(a: Tensor, b: Tensor, out: Tensor): void;

  /** out = αx + βy. */
  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, out: Tensor): void;
  /** y += αx, in place. */
  axpy(alpha: number, x: Tensor, y: Tensor): void;
  /** x *= α, in place. */
  scale(alpha: number, x: Tensor): void;
  /** One fused SGD step in place: w ← w − lr (g + λw). */
  sgdStep(w: Tensor, grad: Tensor, lr: number, weightDecay?: number): void;
  /** SGD with a step size held on the device: w ← w − lr[0] g in place (lr: 1×1, e.g. from normAdaptiveRate). */
  sgdStepBy(w: Tensor, grad: Tensor, lr: Tensor): void;
  /**
   * out (1×1) = min(c / ‖θ‖^k, ρ ‖θ‖ / ‖g‖) from paramSq = ‖θ‖² and gradSq = ‖g‖² (1×1 each): the
   * norm-adaptive step c/‖θ‖^k capped so that one step moves θ by at most ρ‖θ‖ (paper 004 App. B).
   */
  normAdaptiveRate(paramSq: Tensor, gradSq: Tensor, out: Tensor, c: number, k: number, rho: number): void;
  /**
   * The Adam update of w in place from moments already updated: w ← w − lr · c₁m / (√(c₂v) + ε), with
   * the bias corrections c₁ = 1/(1 − β₁ᵗ), c₂ = 1/(1 − β₂ᵗ) held on the device (corrections: 1×2),
   * so a step changes no kernel coefficient.
   */
  adamStep(w: Tensor, m: Tensor, v: Tensor, corrections: Tensor, lr: number, epsilon: number): void;
  /** out = a ⊙ b (entrywise). */
  mul(a: Tensor, b: Tensor, out: Tensor): void;
  /** x[i, :] += bias[0, :] for every row, in place (bias: 1 × cols). */
  addRowVector(x: Tensor, bias: Tensor): void;

  /** out = max(x, 0). */
  relu(x: Tensor, out: Tensor): void;
  /** gradIn = gradOut ⊙ 1[x > 0], x the ReLU's input. */
  reluBackward(x: Tensor, gradOut: Tensor, gradIn: Tensor): void;
  /** out = tanh(x). */
  tanh(x: Tensor, out: Tensor): void;
  /** gradIn = gradOut ⊙ (1 − y²), y = tanh(x) the forward output. */
  tanhBackward(y: Tensor, gradOut: Tensor, gradIn: Tensor): void;

  /** out (1×1) = scale · Σ x. */
  sum(x: Tensor, out: Tensor, scale?: number): void;
  /** out (1×1) = scale · ‖x‖²_F. */
  sumSquares(x: Tensor, out: Tensor, scale?: number): void;
  /** out (1 × cols) = scale · Σ_i x[i, :] (e.g. a bias gradient). */
  colSums(x: Tensor, out: Tensor, scale?: number): void;

  /** diff = pred − target and loss (1×1) = ‖pred − target‖²_F, fused. */
  squaredResidual(pred: Tensor, target: Tensor, diff: Tensor, loss: Tensor): void;
  /**
   * Mean softmax cross-entropy over the n rows of `logits` against target distributions `targets`
   * (one-hot rows for class labels): loss (1×1) = (1/n) Σ_i Σ_j −Y_ij log softmax(Z_i)_j and
   * grad = (softmax(Z) · rowsum(Y) − Y) / n, its gradient in Z.
   */
  softmaxCrossEntropy(logits: Tensor, targets: Tensor, grad: Tensor, loss: Tensor): void;
  /** out (1×1) = fraction of rows whose logits' argmax is the targets' argmax (first index on ties). */
  accuracy(logits: Tensor, targets: Tensor, out: Tensor): void;

  /** Resolves once all enqueued work has finished (and surfaces a GPU error, if any). */
  flush(): Promise<void>;
  /** Releases device memory; the backend and its tensors are unusable afterwards. */
  dispose(): void;
}
