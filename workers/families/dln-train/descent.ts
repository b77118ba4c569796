// Gradient descent and minibatch SGD (time t = η · step) on a compute backend: the layers, W_eff
// and the back-propagation workspaces stay on the device across steps; at the record steps the
// loss, W_eff and the layers are read back and recorded on the CPU in float64 (the SVD-based
// metrics). The same program runs on the float64 CPU backend (matrix.ts's products, as the loop it
// replaced: SIMD kernels for whole 4 × 4 blocks or from 32³ multiply-adds, the tiled loop otherwise) and on
// WebGPU. Full-batch GD on the target task on the CPU takes the fused WebAssembly step instead (the same
// arithmetic on matrices kept in the kernels' memory, wasm-deep-linear.ts): at d = 16 the general path's per-op
// copies, checks and calls made a step 5.9× as long, at d = 256 its copies and JavaScript loops 1.1×.
import type { RunContext } from '../../family';
import { CpuBackend } from '../../compute/cpu';
import type { ComputeBackend, DeviceProgram, Tensor } from '../../compute/index';
import type { Matrix } from '../../numeric/matrix';
import type { Rng } from '../../numeric/rng';
import { DeepLinearDescent } from '../../numeric/wasm-deep-linear';
import type { Recorder } from './observables';
import type { DeviceObjective } from './task-types';
import { deviceOptimizer, type DeviceOptimizer, type UpdateRule } from '../../compute/optimizers';
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

const asMatrix = (t: { rows: number; cols: number }, data: Float64Array): Matrix => ({ rows: t.rows, cols: t.cols, data });

/** Yields the tensors it needs read back (none on the fused CPU path) and returns what it made of them. */
type Reading<T> = Generator<readonly Tensor[], T, Float64Array[]>;

/** A value that needs nothing read back from a device. */
function* known<T>(value: T): Reading<T> {
  // Yields nothing; `yield*` makes this a generator like the device engine's reads.
  yield* [];
  return value;
}

/** The network being trained as the descent loop sees it: the state at the current step, and one step. */
export interface DescentEngine {
  /** The raw loss (objective.loss makes it ℓ), W_eff and the layers at the current step. */
  state(): Reading<{ loss: number; product: Float64Array; layers: Float64Array[] }>;
  product(): Reading<Float64Array>;
  /** ‖W_eff − anchor‖²_F; the anchor is W_eff where `anchorHere` was last called. */
  squaredDistanceFromAnchor(): Reading<number>;
  anchorHere(): void;
  /** Moves every layer by the update rule (SGD draws its batch from rng); W_eff is then the new one. */
  advance(rng: Rng): void;
}

/** Any update rule, objective and backend: the ops are enqueued on the backend, read back by yielding. */
export class DeviceDescent implements DescentEngine {
  private readonly net: DeviceNetwork;
  private readonly optimizer: DeviceOptimizer;
  private readonly g: Tensor;
  private readonly loss: Tensor;
  // W_eff where the escape tracker last took the spectrum, and ‖W_eff − that‖²_F, measured on the device.
  private readonly anchor: Tensor;
  private readonly moved: Tensor;
  private readonly distance: Tensor;
  private weff: Tensor;

  constructor(
    private readonly be: ComputeBackend,
    private readonly objective: DeviceObjective,
    initial: readonly Matrix[],
    rule: UpdateRule,
    private readonly batchSize: number | null,
  ) {
    this.net = new DeviceNetwork(be, initial);
    this.optimizer = deviceOptimizer(be, this.net.layers, rule);
    const nL = initial[initial.length - 1].rows, n0 = initial[0].cols;
    this.g = be.tensor(nL, n0);
    this.loss = be.tensor(1, 1);
    this.anchor = be.tensor(nL, n0);
    this.moved = be.tensor(nL, n0);
    this.distance = be.tensor(1, 1);
    this.weff = this.forward();
  }

  /** W_eff, and for GD its gradient (needed every step; SGD needs the full loss only where it is recorded). */
  private forward(): Tensor {
    const weff = this.net.product();
    if (this.batchSize === null) this.objective.lossAndGradient(weff, this.g, this.loss);
    return weff;
  }

  *state(): Reading<{ loss: number; product: Float64Array; layers: Float64Array[] }> {
    if (this.batchSize !== null) this.objective.lossAndGradient(this.weff, this.g, this.loss);
    const [[loss], product, ...layers] = yield [this.loss, this.weff, ...this.net.layers];
    return { loss, product, layers };
  }

  *product(): Reading<Float64Array> {
    return (yield [this.weff])[0];
  }

  *squaredDistanceFromAnchor(): Reading<number> {
    this.be.squaredResidual(this.weff, this.anchor, this.moved, this.distance);
    return (yield [this.distance])[0][0];
  }

  anchorHere(): void {
    this.be.copy(this.weff, this.anchor);
  }

  advance(rng: Rng): void {
    if (this.batchSize !== null) this.objective.stochasticGradient(this.weff, this.g, this.batchSize, rng);
    this.net.descend(this.g, this.optimizer);
    this.weff = this.forward();
  }
}

/** Full-batch GD on ½‖W_eff − T‖² on the CPU: one WebAssembly call per step (wasm-deep-linear.ts). */
export class FusedTargetDescent implements DescentEngine {
  private readonly fused: DeepLinearDescent;

  /** `packed` as for DeepLinearDescent (by width unless told). */
  constructor(initial: readonly Matrix[], target: Matrix, learningRate: number, packed?: boolean) {
    this.fused = new DeepLinearDescent(initial, target, learningRate, undefined, packed);
  }

  state(): Reading<{ loss: number; product: Float64Array; layers: Float64Array[] }> {
    return known({ loss: this.fused.squaredResidual(), product: this.fused.product(), layers: this.fused.layers() });
  }

  product(): Reading<Float64Array> {
    return known(this.fused.product());
  }

  squaredDistanceFromAnchor(): Reading<number> {
    return known(this.fused.squaredDistanceFromAnchor());
  }

  anchorHere(): void {
    this.fused.anchorHere();
  }

  advance(): void {
    this.fused.step();
  }
}

/**
 * The engine a descent runs on: the fused step where it applies (CPU, full-batch plain GD on the target
 * objective), the same arithmetic as the general path (bit for bit where every width is a multiple of 4); the
 * general path otherwise.
 */
export function descentEngine(be: ComputeBackend, objective: DeviceObjective, initial: readonly Matrix[], rule: UpdateRule, batchSize: number | null): DescentEngine {
  if (be instanceof CpuBackend && rule.kind === 'plain' && batchSize === null && objective.target) {
    return new FusedTargetDescent(initial, objective.target, rule.learningRate);
  }
  return new DeviceDescent(be, objective, initial, rule, batchSize);
}

export function* descentProgram(
  be: ComputeBackend,
  objective: DeviceObjective,
  initial: readonly Matrix[],
  o: DescentOptions,
  recorder: Recorder,
  ctx: RunContext,
): DeviceProgram<TrainResult> {
  const engine = descentEngine(be, objective, initial, o.rule, o.batchSize);
  const weffShape = { rows: initial[initial.length - 1].rows, cols: initial[0].cols };
  const records = recordSteps({ first: 0, last: o.steps, every: o.recordEvery, perDecade: o.perDecade, extra: o.extraSteps });
  let next = 0;
  let layers: Matrix[] = initial.map((w) => ({ ...w, data: Float64Array.from(w.data) }));
  for (let step = 0; ; step++) {
    if (step === records[next]) {
      const state = yield* engine.state();
      const value = objective.loss(state.loss);
      assertFinite(value, step * o.learningRate);
      layers = state.layers.map((data, l) => asMatrix(initial[l], data));
      recorder.record(step * o.learningRate, layers, asMatrix(weffShape, state.product), value);
      next++;
    }
    if (o.escapes && !o.escapes.done) {
      // The escape step is the first step whose σ reaches the level, whatever steps are recorded.
      const far = step === 0 || (yield* engine.squaredDistanceFromAnchor()) >= o.escapes.quietDistanceSquared;
      if (far) {
        const weff = asMatrix(weffShape, yield* engine.product());
        if (step === 0) o.escapes.start(weff);
        else for (const alpha of o.escapes.crossed(weff)) o.escapes.escaped(alpha, step * o.learningRate);
        engine.anchorHere();
      }
    }
    if (step === o.steps) break;
    if (ctx.signal.aborted) return { status: 'aborted', layers, steps: step };
    if ((step & 255) === 0) ctx.progress(step / o.steps);
    engine.advance(ctx.rng);
    yield [];
  }
  return { status: 'done', layers, steps: o.steps };
}
