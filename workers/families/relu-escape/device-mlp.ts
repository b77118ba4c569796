// The bias-free ReLU MLP of network.ts on a compute backend, trained by minibatch SGD on softmax
// cross-entropy with the norm-adaptive step lr = min(c/‖θ‖^k, ρ‖θ‖/‖∇L‖) computed on the device,
// so a step needs no readback. Samples are rows here (B × n_ℓ activations, Z_ℓ = A_{ℓ−1} W_ℓᵀ), the
// transpose of network.ts's columns; W_ℓ is n_ℓ × n_{ℓ−1} in both.
import type { ComputeBackend, Tensor } from '../../compute/index';
import type { Matrix } from '../../numeric/matrix';

export interface StepRule {
  /** c, k and ρ of lr = min(c/‖θ‖^k, ρ‖θ‖/‖∇L‖). */
  lrConstant: number;
  lrPower: number;
  maxRelativeStep: number;
}

export class DeviceMlp {
  readonly weights: Tensor[];
  private readonly grads: Tensor[];
  /** pre[ℓ] = Z_{ℓ+1}; act[ℓ] = A_ℓ (act[0] = the input batch). */
  private readonly pre: Tensor[];
  private readonly act: Tensor[];
  /** dPre[ℓ] = ∂L/∂Z_{ℓ+1}; dAct[ℓ] = ∂L/∂A_{ℓ+1}. */
  private readonly dPre: Tensor[];
  private readonly dAct: Tensor[];
  private readonly targets: Tensor;
  private readonly weightSq: Tensor[];
  private readonly gradSq: Tensor[];
  private readonly normSq: { weights: Tensor; grads: Tensor };
  private readonly rate: Tensor;
  private readonly evaluation = new Map<number, { x: Tensor; y: Tensor; pre: Tensor[]; act: Tensor[]; fraction: Tensor }>();
  /** Mean cross-entropy of the last step (1×1). */
  readonly loss: Tensor;

  constructor(
    private readonly be: ComputeBackend,
    initial: readonly Matrix[],
    readonly batchSize: number,
  ) {
    const t = (rows: number, cols: number): Tensor => be.tensor(rows, cols);
    this.weights = initial.map((w) => be.tensor(w.rows, w.cols, w.data));
    this.grads = initial.map((w) => t(w.rows, w.cols));
    this.pre = initial.map((w) => t(batchSize, w.rows));
    this.act = [t(batchSize, initial[0].cols), ...initial.slice(0, -1).map((w) => t(batchSize, w.rows))];
    this.dPre = initial.map((w) => t(batchSize, w.rows));
    this.dAct = initial.slice(0, -1).map((w) => t(batchSize, w.rows));
    this.targets = t(batchSize, initial[initial.length - 1].rows);
    this.weightSq = initial.map(() => t(1, 1));
    this.gradSq = initial.map(() => t(1, 1));
    this.normSq = { weights: t(1, 1), grads: t(1, 1) };
    this.rate = t(1, 1);
    this.loss = t(1, 1);
  }

  /** One SGD step on a batch: inputs B × n₀ and one-hot (or distribution) targets B × n_L, row-major. */
  step(inputs: ArrayLike<number>, targets: ArrayLike<number>, rule: StepRule): void {
    const { be, weights, grads, pre, act, dPre, dAct } = this;
    const depth = weights.length;
    be.write(act[0], inputs);
    be.write(this.targets, targets);
    for (let l = 0; l < depth; l++) {
      be.matmulNT(act[l], weights[l], pre[l]);
      if (l < depth - 1) be.relu(pre[l], act[l + 1]);
    }
    be.softmaxCrossEntropy(pre[depth - 1], this.targets, dPre[depth - 1], this.loss);
    for (let l = depth - 1; l >= 0; l--) {
      be.matmulTN(dPre[l], act[l], grads[l]);
      if (l === 0) break;
      be.matmul(dPre[l], weights[l], dAct[l - 1]);
      be.reluBackward(pre[l - 1], dAct[l - 1], dPre[l - 1]);
    }
    this.sumOfSquares(weights, this.weightSq, this.normSq.weights);
    this.sumOfSquares(grads, this.gradSq, this.normSq.grads);
    be.normAdaptiveRate(this.normSq.weights, this.normSq.grads, this.rate, rule.lrConstant, rule.lrPower, rule.maxRelativeStep);
    for (let l = 0; l < depth; l++) be.sgdStepBy(weights[l], grads[l], this.rate);
  }

  /**
   * Enqueues hits += the number of rows whose largest logit is at the target's largest entry, for
   * `rows` inputs (rows × n₀) and targets (rows × n_L); a forward pass only, on buffers per row count.
   */
  countCorrect(inputs: ArrayLike<number>, targets: ArrayLike<number>, rows: number, hits: Tensor): void {
    const { be, weights } = this;
    let buffers = this.evaluation.get(rows);
    if (!buffers) {
      buffers = {
        x: be.tensor(rows, weights[0].cols),
        y: be.tensor(rows, weights[weights.length - 1].rows),
        pre: weights.map((w) => be.tensor(rows, w.rows)),
        act: weights.slice(0, -1).map((w) => be.tensor(rows, w.rows)),
        fraction: be.tensor(1, 1),
      };
      this.evaluation.set(rows, buffers);
    }
    const { x, y, pre, act, fraction } = buffers;
    be.write(x, inputs);
    be.write(y, targets);
    weights.forEach((w, l) => {
      be.matmulNT(l === 0 ? x : act[l - 1], w, pre[l]);
      if (l < weights.length - 1) be.relu(pre[l], act[l]);
    });
    be.accuracy(pre[weights.length - 1], y, fraction);
    be.axpy(rows, fraction, hits);
  }

  /** total = Σ_ℓ ‖tensors[ℓ]‖², through one 1×1 partial per tensor. */
  private sumOfSquares(tensors: Tensor[], partial: Tensor[], total: Tensor): void {
    tensors.forEach((x, l) => this.be.sumSquares(x, l === 0 ? total : partial[l]));
    for (let l = 1; l < tensors.length; l++) this.be.axpy(1, partial[l], total);
  }
}
