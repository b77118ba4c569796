// Gradient descent and minibatch SGD (time t = η · step) on a compute backend: the layers, W_eff
// and the back-propagation workspaces stay on the device across steps; at the record steps the
// loss, W_eff and the layers are read back and recorded on the CPU in float64 (the SVD-based
// metrics). The same program runs on the float64 CPU backend (identical arithmetic to the matrix.ts
// loop it replaced up to 32³-multiply-add products, which go to the SIMD kernel) and on WebGPU.
import type { RunContext } from '../../family';
import type { ComputeBackend, DeviceProgram, Tensor } from '../../compute/index';
import type { Matrix } from '../../numeric/matrix';
import type { Recorder } from './observables';
import type { DeviceObjective } from './task-types';
import { deviceOptimizer, type DeviceOptimizer } from '../../compute/optimizers';
import { assertFinite, type DescentOptions, type TrainResult } from './train';
import { recordSteps } from '../record-schedule';

/** W_L ⋯ W₁ on a device with its products and gradients, ∇W_l = W_{L:l+1}ᵀ G W_{l−1:1}ᵀ (paper 001 §3.2). */
export class DeviceNetwork {
  readonly layers: Tensor[];
  /** prefix[l] = W_{l+1:1}, n_{l+1} × n₀; the last one is W_eff. */
  private readonly prefix: Tensor[];
  /** back[l] = W_{L:l+2}ᵀ G, n_{l+1} × n₀. */
  private readonly back: Tensor[];
  private readonly grads: Tensor[];

  constructor(
    private readonly be: ComputeBackend,
    initial: readonly Matrix[],
  ) {
    const n0 = initial[0].cols;
    this.layers = initial.map((w) => be.tensor(w.rows, w.cols, w.data));
    this.grads = initial.map((w) => be.tensor(w.rows, w.cols));
    this.prefix = initial.map((w) => be.tensor(w.rows, n0));
    this.back = initial.map((w) => be.tensor(w.rows, n0));
  }

  /** Enqueues W_eff = W_L ⋯ W₁ (a tensor owned by the network, overwritten by the next call). */
  product(): Tensor {
    const { be, layers, prefix } = this;
    be.copy(layers[0], prefix[0]);
    for (let l = 1; l < layers.length; l++) be.matmul(layers[l], prefix[l - 1], prefix[l]);
    return prefix[layers.length - 1];
  }

  /** Enqueues the optimizer's update of every layer from ∇W_l, for G = ∂ℓ/∂W_eff at the W_eff of the last product(). */
  descend(g: Tensor, optimizer: DeviceOptimizer): void {
    const { be, layers, prefix, back, grads } = this;
    let m = g;
    for (let l = layers.length - 1; l >= 1; l--) {
      be.matmulNT(m, prefix[l - 1], grads[l]);
      be.matmulTN(layers[l], m, back[l - 1]);
      m = back[l - 1];
    }
    be.copy(m, grads[0]);
    // Every gradient is formed before any layer moves.
    optimizer.step(layers, grads);
  }
}

const asMatrix = (t: Tensor, data: Float64Array): Matrix => ({ rows: t.rows, cols: t.cols, data });

export function* descentProgram(
  be: ComputeBackend,
  objective: DeviceObjective,
  initial: readonly Matrix[],
  o: DescentOptions,
  recorder: Recorder,
  ctx: RunContext,
): DeviceProgram<TrainResult> {
  const net = new DeviceNetwork(be, initial);
  const optimizer = deviceOptimizer(be, net.layers, o.rule);
  const nL = initial[initial.length - 1].rows, n0 = initial[0].cols;
  const g = be.tensor(nL, n0), loss = be.tensor(1, 1);
  // W_eff where the escape tracker last took the spectrum, and ‖W_eff − that‖²_F, measured on the device.
  const anchor = be.tensor(nL, n0), moved = be.tensor(nL, n0), distance = be.tensor(1, 1);
  const records = recordSteps({ first: 0, last: o.steps, every: o.recordEvery, perDecade: o.perDecade, extra: o.extraSteps });
  let next = 0;
  let layers: Matrix[] = initial.map((w) => ({ ...w, data: Float64Array.from(w.data) }));
  for (let step = 0; ; step++) {
    const weff = net.product();
    const recording = step === records[next];
    // SGD needs the full loss only where it is recorded; GD needs its gradient every step.
    if (recording || o.batchSize === null) objective.lossAndGradient(weff, g, loss);
    if (recording) {
      const [raw, w, ...ls] = yield [loss, weff, ...net.layers];
      const value = objective.loss(raw[0]);
      assertFinite(value, step * o.learningRate);
      layers = ls.map((data, l) => asMatrix(net.layers[l], data));
      recorder.record(step * o.learningRate, layers, asMatrix(weff, w), value);
      next++;
    }
    if (o.escapes && !o.escapes.done) {
      // The escape step is the first step whose σ reaches the level, whatever steps are recorded.
      if (step > 0) be.squaredResidual(weff, anchor, moved, distance);
      const far = step === 0 || (yield [distance])[0][0] >= o.escapes.quietDistanceSquared;
      if (far) {
        const [w] = yield [weff];
        if (step === 0) o.escapes.start(asMatrix(weff, w));
        else for (const alpha of o.escapes.crossed(asMatrix(weff, w))) o.escapes.escaped(alpha, step * o.learningRate);
        be.copy(weff, anchor);
      }
    }
    if (step === o.steps) break;
    if (ctx.signal.aborted) return { status: 'aborted', layers, steps: step };
    if ((step & 255) === 0) ctx.progress(step / o.steps);
    if (o.batchSize !== null) objective.stochasticGradient(weff, g, o.batchSize, ctx.rng);
    net.descend(g, optimizer);
    yield [];
  }
  return { status: 'done', layers, steps: o.steps };
}
