// One training step of a run: ∇f and the loss at x, the run's gradient sums (Thm 4.2's η Σ‖∇f‖² and
// max |∂ᵢf|, the last step that moved a weight) and the update of every layer. Full-batch regression
// in the Gram form under sign descent or steepest descent with q = 2 or 1.5 runs on the WebAssembly
// kernel (wasm-diagonal-descent.ts), which also takes stretches of steps with no host work in one call;
// everything else runs on Objective and DiagonalNetwork. Both compute the same values bit for bit.
import { DiagonalGramDescent } from '../../numeric/wasm-diagonal-descent';
import type { BatchSampler } from './batch-sampler';
import { type DiagonalNetwork, type OptimizerSettings, specialPower } from './network';
import type { Objective, ScaledGradient } from './objective';
import type { Problem } from './problem';

export interface Stepper {
  /**
   * Step t: returns ∇f's log scale and log f at x before the update; afterwards the network holds the
   * updated weights and x, and `grad` ∇f·e^{−logScale} of this step.
   */
  step(t: number): ScaledGradient;
  /**
   * The kernel only: steps t … t + count − 1 as step() takes them, stopping before the update of a step
   * whose loss is ≤ stopAt or not finite (that step is then the caller's to take); returns the steps taken.
   */
  readonly advance?: (t: number, count: number, stopAt: number) => number;
  readonly gradientEnergy: number;
  readonly maxGradientEntry: number;
  /** The last step t + 1 whose update changed a weight (0: none). */
  readonly lastMoveStep: number;
}

export function createStepper(problem: Problem, objective: Objective, net: DiagonalNetwork, opt: OptimizerSettings, grad: Float64Array, batches: BatchSampler | null): Stepper {
  const power = specialPower(opt);
  if (power === null || batches !== null || problem.task !== 'regression' || !problem.gram || !problem.gramRhs) {
    return new JavaScriptStepper(objective, net, grad, batches, opt.learningRate);
  }
  const descent = new DiagonalGramDescent(problem.gram, problem.gramRhs, problem.halfMeanSquare, problem.n, net.depth, {
    power,
    learningRate: opt.learningRate,
    coupledDecay: opt.coupledDecay,
    decoupledDecay: opt.decoupledDecay,
  });
  descent.setState(net.w, net.x);
  return new KernelStepper(descent, net, grad);
}

class JavaScriptStepper implements Stepper {
  gradientEnergy = 0;
  maxGradientEntry = 0;
  lastMoveStep = 0;

  constructor(
    private readonly objective: Objective,
    private readonly net: DiagonalNetwork,
    private readonly grad: Float64Array,
    private readonly batches: BatchSampler | null,
    private readonly learningRate: number,
  ) {}

  step(t: number): ScaledGradient {
    const { grad, net } = this;
    const gradient = this.objective.scaledGradient(net.x, grad, this.batches ? this.batches.next() : null);
    const scale = Math.exp(gradient.logScale);
    let squared = 0;
    for (let c = 0; c < grad.length; c++) {
      const g = Math.abs(grad[c]) * scale;
      squared += g * g;
      if (g > this.maxGradientEntry) this.maxGradientEntry = g;
    }
    this.gradientEnergy += this.learningRate * squared;
    if (net.step(grad, gradient.logScale)) this.lastMoveStep = t + 1;
    return gradient;
  }
}

class KernelStepper implements Stepper {
  constructor(
    private readonly descent: DiagonalGramDescent,
    private readonly net: DiagonalNetwork,
    private readonly grad: Float64Array,
  ) {}

  step(t: number): ScaledGradient {
    this.advance(t, 1, -Infinity);
    return { logScale: 0, logLoss: Math.log(this.descent.loss) };
  }

  readonly advance = (t: number, count: number, stopAt: number): number => {
    const taken = this.descent.run(t, count, stopAt);
    this.descent.readState(this.net.w, this.net.x);
    this.descent.readGradient(this.grad);
    return taken;
  };

  get gradientEnergy(): number {
    return this.descent.gradientEnergy;
  }

  get maxGradientEntry(): number {
    return this.descent.maxGradientEntry;
  }

  get lastMoveStep(): number {
    return this.descent.lastMoveStep;
  }
}
