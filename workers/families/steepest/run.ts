// One training run of the deep diagonal network (regression or classification): the loop, the
// metrics at the recorded steps, the saddle-escape step and the summary with the run's geometry.
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { BatchSampler } from './batch-sampler';
import { balanceDecayFactor, balanceDistance, balanceResiduals, balanceSummaries } from './balance';
import { bregmanClass, bregmanLabel, coercivity, coupledRegularizer, decoupledRegularizer, maxBregmanDepth, metricExponent } from './geometry';
import { createRng } from '../../numeric/rng';
import { measureDiagonalHessian } from './hessian';
import { DiagonalNetwork, type OptimizerSettings } from './network';
import { Objective } from './objective';
import { effectiveQ, type SteepestParams } from './params';
import { groundTruthDistance, l1, linfMargin } from './measures';
import { MetricSampler } from './metric-samples';
import { makeProblem } from './problem';
import { recordSteps } from './schedule';
import { createStepper } from './stepper';
import { SeriesLog } from '../series-log';

/** Seed offset of the Hessian measurements' random stream. */
const HESSIAN_STREAM = 0x4e55;
/** Steps between checks of the abort signal and progress reports. */
const CHECK_EVERY = 4096;
/** Support coordinates drawn on their own chart at most. */
const MAX_SUPPORT_SERIES = 32;
/** Networks with at most this many weights record their weight-space path until the escape. */
const MAX_PATH_WEIGHTS = 64;
/** The final x is kept in the summary (for the analyses' margin and interpolant solves) up to this many features. */
const MAX_FINAL_X = 1000;

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Scalars that describe the run's geometry (Lemma 4.13, Cor. 4.9/4.10/4.14, Thm 4.16). */
export function geometrySummary(p: SteepestParams): RunSummary {
  const q = effectiveQ(p);
  const bregman = bregmanClass(q, p.depth);
  const decoupled = decoupledRegularizer(q, p.depth);
  const coupled = coupledRegularizer(p.depth);
  const maxDepth = maxBregmanDepth(q);
  return {
    qEffective: q,
    metricExponent: metricExponent(q, p.depth),
    coercivity: coercivity(p.init, q, p.depth, p.initScale, p.balanceConstant),
    isBregman: bregman === 'none' ? 0 : 1,
    bregmanDomain: bregmanLabel(bregman),
    maxBregmanDepth: Number.isFinite(maxDepth) ? maxDepth : null,
    decoupledRegularizer: decoupled.label,
    decoupledRegularizerExponent: decoupled.exponent,
    coupledRegularizer: coupled.label,
    coupledRegularizerExponent: coupled.exponent,
  };
}

/** Text of the run's warning when its last steps changed no weight. */
function frozenWarning(frozenAtStep: number, steps: number): string {
  return `frozen: no weight changed after step ${frozenAtStep} of ${steps} (every update below the weights’ rounding)`;
}

export function runTraining(p: SteepestParams, ctx: RunContext): RunSummary {
  ctx.progress(0);
  const problem = makeProblem(p, ctx.rng);
  const { n } = problem;
  const q = effectiveQ(p);
  const settings: OptimizerSettings = {
    kind: p.optimizer,
    q: p.q,
    learningRate: p.learningRate,
    coupledDecay: p.coupledDecay,
    decoupledDecay: p.decoupledDecay,
    beta1: p.beta1,
    beta2: p.beta2,
    epsilon: p.epsilon,
  };
  const net = new DiagonalNetwork(n, p.depth, settings);
  net.initialize(p.init, p.initScale, p.balanceConstant, q, ctx.rng);
  const objective = new Objective(problem);
  const batches = p.batchSize === undefined ? null : new BatchSampler(problem.k, p.batchSize, ctx.rng);
  const grad = new Float64Array(n);
  const stepper = createStepper(problem, objective, net, settings, grad, batches);
  const scratch = new Float64Array(n);
  const x = net.x;

  const initialLoss = objective.loss(x, scratch);
  const threshold = p.escapeFraction * initialLoss;
  const initialBalance = balanceResiduals(net.w, n, p.depth, q);
  // The metric is the map from ∇f to ẋ: weight decay adds a velocity of its own, Adam has no metric.
  const sampler = p.optimizer !== 'adam' && p.coupledDecay === 0 && p.decoupledDecay === 0 ? new MetricSampler(n, q, p.learningRate) : null;
  // Weight-space path length until the escape (Fig. 3's path along the balance curve); small
  // networks only, where copying the weights each step costs little next to the step itself.
  const tracksPath = net.w.length <= MAX_PATH_WEIGHTS;
  const wBefore = new Float64Array(tracksPath ? net.w.length : 0);
  let escapePath = 0;
  // Largest |B(t) − B(0)·e^{−qηα₂t}| over the recorded steps, layer pairs and features (Lemma 4.5).
  let maxBalanceDrift = 0;
  const support = [...problem.groundTruth.keys()].filter((c) => problem.groundTruth[c] !== 0).slice(0, MAX_SUPPORT_SERIES);
  const schedule = recordSteps(p.steps, p.recordPoints);
  // ~100 series (one per feature): chunks at most once a second, every chunk is a row to store.
  const out = new SeriesLog(ctx, { ms: 1000 });
  let escapeStep: number | null = null;
  let escapeLoss = NaN;
  const spectrum = { topK: p.hessianTopK, traceProbes: p.hessianTraceProbes };
  const measuring = spectrum.topK > 0 || spectrum.traceProbes > 0;
  // Its own stream, so measuring leaves the mini-batch draws unchanged.
  const hessianRng = createRng(ctx.seed ^ HESSIAN_STREAM);
  let recorded = 0;

  /** Stores every metric of the state after `step` updates. */
  const record = (step: number, loss: number, logLoss: number): void => {
    for (let c = 0; c < n; c++) if (!Number.isFinite(x[c])) throw new DivergedError(`x[${c}] is ${x[c]} at step ${step}`);
    out.next(step);
    out.put('loss', loss);
    // The exponential loss underflows to 0 long before training ends; its logarithm does not.
    if (problem.task === 'classification') out.put('logLoss', logLoss);
    out.put('distance', groundTruthDistance(problem, x, 2));
    out.put('l1Norm', l1(x));
    let offSupport = 0;
    for (let c = 0; c < n; c++) {
      out.put(`x/${c}`, x[c]);
      if (problem.groundTruth[c] === 0) offSupport += Math.abs(x[c]);
    }
    out.put('offSupport', offSupport);
    support.forEach((c, j) => out.put(`support/${j}`, x[c]));
    if (p.depth > 1) {
      const residuals = balanceResiduals(net.w, n, p.depth, q);
      const factor = balanceDecayFactor(q, p.learningRate, p.decoupledDecay, step);
      for (let i = 0; i < residuals.length; i++) maxBalanceDrift = Math.max(maxBalanceDrift, Math.abs(residuals[i] - initialBalance[i] * factor));
      const balance = balanceSummaries(residuals, initialBalance, n);
      balance.mean.forEach((v, j) => out.put(`balance/${j + 1}`, v));
      balance.ratio.forEach((v, j) => {
        if (Number.isFinite(v)) out.put(`balanceRatio/${j + 1}`, v);
      });
    }
    if (measuring && recorded % p.hessianEvery === 0) {
      const { top, trace } = measureDiagonalHessian(problem, objective, net.w, p.depth, spectrum, hessianRng);
      top.forEach((v, i) => out.put(`hessianTop/${i}`, v));
      if (trace !== null) out.put('hessianTrace', trace);
    }
    recorded++;
    // The margin is undefined at x = 0; such records are left out rather than stored as NaN.
    const margin = problem.task === 'classification' ? linfMargin(problem, x) : NaN;
    if (Number.isFinite(margin)) out.put('margin', margin);
  };

  let next = 0;
  // Where the kernel stops so that the exact escape test below sees a step: for normal f, exp(log f)
  // is within ~1e-13 of f relatively (log f is off by about an ulp of |log f| ≤ 745), and the absolute
  // term covers subnormal f; every f the test lets pass is ≤ this bound.
  const escapeBound = threshold * (1 + 1e-12) + 1e-300;
  let t = 0;
  while (t < p.steps) {
    const sampling = sampler !== null && (t === 0 || t + 1 === schedule[next]);
    const pathBefore = tracksPath && escapeStep === null;
    if (stepper.advance && !sampling && !pathBefore) {
      // Steps before the next one this loop looks at (a record, a metric sample, a check) need no host work.
      const until = Math.min(schedule[next] - 1, Math.ceil(t / CHECK_EVERY) * CHECK_EVERY);
      if (until > t) {
        t += stepper.advance(t, until - t, escapeStep === null ? escapeBound : -Infinity);
        if (t === until) continue;
        // Stopped before step t's update: its loss is the escape test's (or not finite).
      }
    }
    if (sampling) sampler.hold(x);
    if (pathBefore) wBefore.set(net.w);
    const { logScale, logLoss } = stepper.step(t);
    const loss = Math.exp(logLoss);
    if (!(logLoss < Infinity)) throw new DivergedError(`loss is ${loss} at step ${t}`);
    // Full batch: the exact first step at or below the threshold. Mini-batch losses are noisy
    // estimates, so there the full loss is tested at the recorded steps below.
    if (escapeStep === null && !batches && loss <= threshold) {
      escapeStep = t;
      escapeLoss = loss;
    }
    if (sampling) sampler.observe(x, grad, logScale, t === 0);
    // The path runs to the escape, the escape step's update left out.
    if (pathBefore && escapeStep === null) {
      let s = 0;
      for (let i = 0; i < wBefore.length; i++) s += (net.w[i] - wBefore[i]) ** 2;
      escapePath += Math.sqrt(s);
    }
    if ((t & (CHECK_EVERY - 1)) === 0) {
      if (ctx.signal.aborted) return {};
      ctx.progress(t / p.steps);
    }
    t++;
    if (t !== schedule[next]) continue;
    const { loss: full, logLoss: fullLogLoss } = objective.lossWithLog(x, scratch);
    if (!(fullLogLoss < Infinity)) throw new DivergedError(`loss is ${full} at step ${t}`);
    if (escapeStep === null && batches && full <= threshold) {
      escapeStep = t;
      escapeLoss = full;
    }
    record(t, full, fullLogLoss);
    next++;
    out.flushIfDue();
  }
  out.flush();

  let xMax = 0;
  for (let c = 0; c < n; c++) xMax = Math.max(xMax, Math.abs(x[c]));
  ctx.emit({ metric: 'xFinal', x: Float64Array.from({ length: n }, (_, c) => c), y: x.map((v) => (xMax > 0 ? v / xMax : 0)) });
  if (escapeStep !== null) ctx.emit({ metric: 'escape', x: Float64Array.of(escapeStep), y: Float64Array.of(escapeLoss) });
  ctx.progress(1);

  const finalHessian = measuring ? measureDiagonalHessian(problem, objective, net.w, p.depth, spectrum, createRng(ctx.seed ^ HESSIAN_STREAM)) : null;
  const finalBalance = balanceResiduals(net.w, n, p.depth, q);
  const final = objective.lossWithLog(x, scratch);
  const { lastMoveStep, gradientEnergy, maxGradientEntry } = stepper;
  const frozenAtStep = lastMoveStep < p.steps ? lastMoveStep : null;
  return {
    ...geometrySummary(p),
    frozenAtStep,
    warning: frozenAtStep === null ? null : frozenWarning(frozenAtStep, p.steps),
    escapeStep,
    escaped: escapeStep === null ? 0 : 1,
    initialLoss,
    finalLoss: final.loss,
    finalLogLoss: finite(final.logLoss),
    finalDistance: groundTruthDistance(problem, x, 2),
    finalDistanceL1: groundTruthDistance(problem, x, 1),
    finalL1Norm: l1(x),
    finalOffSupportL1: problem.groundTruth.reduce((s, g, c) => (g === 0 ? s + Math.abs(x[c]) : s), 0),
    balanceDistance: balanceDistance(finalBalance, initialBalance, balanceDecayFactor(q, p.learningRate, p.decoupledDecay, p.steps)),
    initialBalanceScale: initialBalance.length === 0 ? null : initialBalance.reduce((s, b) => s + Math.abs(b), 0) / initialBalance.length,
    maxBalanceDrift: p.depth > 1 ? maxBalanceDrift : null,
    escapePathLength: tracksPath && escapeStep !== null ? escapePath : null,
    gradientEnergy: finite(gradientEnergy),
    maxGradientEntry: finite(maxGradientEntry),
    finalX: n <= MAX_FINAL_X ? Array.from(x) : null,
    ...(sampler ? sampler.summary() : {}),
    finalMargin: finite(problem.task === 'classification' ? linfMargin(problem, x) : NaN),
    recordedSteps: schedule.length,
    finalHessianTop: finalHessian && spectrum.topK > 0 ? Array.from(finalHessian.top) : null,
    finalHessianTrace: finalHessian?.trace ?? null,
  };
}
