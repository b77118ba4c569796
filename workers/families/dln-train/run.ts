// One dln-train run: build the task and the initial layers from the seed, train (the flow on the
// CPU; GD / SGD on the backend the `device` parameter selects, reported to the host), then detect
// plateaus, compare with theory and summarize.
import { runProgram, type SelectOptions } from '../../compute/index';
import type { RunContext, RunSummary } from '../../family';
import { type Matrix, zeros } from '../../numeric/matrix';
import { minNuclearNormCompletion, type CompletionResult } from '../../numeric/nuclear-completion';
import { singularValues } from '../../numeric/svd';
import { createRng } from '../../numeric/rng';
import { measureHessian } from './hessian';
import { exactTwoLayerProducts } from './exact-two-layer';
import { initialLayers } from './network';
import { balanceMatrices, MAX_FULL_SPECTRUM_WIDTH, Recorder } from './observables';
import { bernoulliReading, linearFlowError, maxRelativeGap, plateauSpectrumErrors, positiveValueAt, ratioPeak, valueAt } from './claim-measures';
import { measureSaddles } from './saddle-index';
import { frobenius, matmul } from '../../numeric/matrix';
import { layerWidths, sortedTargets, stepCount, type DlnTrainParams } from './params';
import { ESCAPE_FRACTION, segmentRun, type Segmentation } from './plateaus';
import { gapTimescales, hasLinearizedEscapes, linearizedEscapeTimes, logisticMode, predictedSigmas, saxeTime, theoryKind } from './theory';
import { buildTask, referenceValues } from './task';
import type { Task } from './task-types';
import { descentProgram } from './descent';
import type { UpdateRule } from '../../compute/optimizers';
import { flow, recordPlan, type TrainResult } from './train';
import { EscapeTracker } from './escapes';

/** Seed offset of the Hessian measurements' random stream. */
const HESSIAN_STREAM = 0x4e55;

/** The convex comparison costs an SVD per ADMM iteration: skipped above 64 × 64. */
const MAX_COMPLETION_ENTRIES = 64 * 64;
const COMPLETION_TOLERANCE = 1e-7;

/**
 * The values escapes and plateaus are read against: the reference spectrum, except for completion and
 * sensing, whose interpolant need not be the ground truth: there, the learned spectrum at the end of the run
 * (modes above 1% of the largest).
 */
function escapeLevels(task: Task, recorder: Recorder, reference: number[]): number[] {
  if (task.kind !== 'completion' && task.kind !== 'sensing') return reference;
  const final: number[] = [];
  for (let i = 0; recorder.get(`sigma/${i}`).length > 0; i++) final.push(recorder.last(`sigma/${i}`) ?? 0);
  return final.filter((x) => x > 1e-2 * final[0]);
}

function emitAnnotations(seg: Segmentation, recorder: Recorder, reference: number[], ctx: RunContext): void {
  const escapes = seg.escapeTimes.map((t, alpha) => ({ t, alpha })).filter((e): e is { t: number; alpha: number } => e.t !== null);
  escapes.sort((a, b) => a.t - b.t);
  const loss = recorder.get('loss');
  const lossAt = (time: number): number => {
    let i = 0;
    while (i < recorder.x.length - 1 && recorder.x[i + 1] <= time) i++;
    return loss[i];
  };
  const emit = (metric: string, x: number[], y: number[]): void => {
    if (x.length > 0) ctx.emit({ metric, x: Float64Array.from(x), y: Float64Array.from(y) });
  };
  emit('escape', escapes.map((e) => e.t), escapes.map((e) => reference[e.alpha] / 2));
  emit('escapeLoss', escapes.map((e) => e.t), escapes.map((e) => lossAt(e.t)));
  emit('plateau', seg.plateaus.map((p) => (p.start + p.end) / 2), seg.plateaus.map((p) => p.loss));
}

/** Unaligned two-layer λ-balanced target runs (small enough) have the exact matrix solution of exact-two-layer.ts. */
const MAX_EXACT_MATRIX_WIDTH = 64;

/** σ_α(t) of the exact two-layer λ-balanced solution at the record times, for the target modes; null where it does not apply. */
function exactTwoLayerSigmas(p: DlnTrainParams, task: Task, initial: readonly Matrix[], times: readonly number[], modes: number): Float64Array[] | null {
  const balanced = p.init === 'lambda-balanced' || p.init === 'aligned';
  const w = layerWidths(p);
  if (p.depth !== 2 || p.task !== 'target' || !balanced || theoryKind(p) !== null || w[0] + w[2] > MAX_EXACT_MATRIX_WIDTH) return null;
  const products = exactTwoLayerProducts(task.reference, initial[0], initial[1], p.init === 'aligned' ? 0 : p.lambda, times);
  const spectra = products.map(singularValues);
  return Array.from({ length: modes }, (_, alpha) => Float64Array.from(spectra, (s) => s[alpha]));
}

/** max over records and target modes of |σ_α − σ_α^theory| / σ_α^theory. */
function theoryError(p: DlnTrainParams, recorder: Recorder, exact: Float64Array[] | null): number | null {
  const predicted = exact ?? predictedSigmas(p, recorder.x);
  if (!predicted) return null;
  let worst = 0;
  predicted.forEach((y, alpha) => {
    const data = recorder.get(`sigma/${alpha}`);
    y.forEach((v, i) => (worst = Math.max(worst, Math.abs(data[i] - v) / v)));
  });
  return worst;
}

/** max_t (σ₁/σ₂)/(s₁/s₂): how far mode 1 runs ahead of mode 2 (1 when both grow in proportion, the lazy limit). */
function greedyRatio(recorder: Recorder, reference: number[]): number | null {
  if (reference.length < 2) return null;
  const s1 = recorder.get('sigma/0'), s2 = recorder.get('sigma/1');
  let best: number | null = null;
  s1.forEach((v, i) => {
    if (s2[i] > 0) best = Math.max(best ?? 0, v / s2[i] / (reference[0] / reference[1]));
  });
  return best;
}

function relativeChange(initial: readonly Matrix[], final: readonly Matrix[]): number {
  let diff = 0, norm = 0;
  initial.forEach((w, l) => {
    for (let i = 0; i < w.data.length; i++) {
      diff += (final[l].data[i] - w.data[i]) ** 2;
      norm += w.data[i] ** 2;
    }
  });
  return Math.sqrt(diff / norm);
}

function completionSummary(task: Task, recorder: Recorder, convex: CompletionResult | null): RunSummary {
  const nuclear = recorder.last('nuclearNorm');
  const finalLoss = recorder.last('loss');
  // ℓ = ½‖P_Ω(W_eff − T)‖², so √(ℓ(W_eff)/ℓ(0)) is the fit's error relative to the observations.
  const { rows, cols } = task.reference;
  const lossAtZero = task.lossAndGradient(zeros(rows, cols), zeros(rows, cols));
  return {
    observedFitError: finalLoss !== null && lossAtZero > 0 ? Math.sqrt(finalLoss / lossAtZero) : null,
    observedEntries: task.mask ? task.mask.reduce((a, b) => a + b, 0) : null,
    minNuclearNorm: convex?.nuclearNorm ?? null,
    minNuclearNormLowerBound: convex?.lowerBound ?? null,
    minNuclearNormConverged: convex ? (convex.converged ? 'yes' : 'no') : null,
    nuclearNormRatio: convex && nuclear !== null ? nuclear / convex.nuclearNorm : null,
    recoveryError: recorder.last('recoveryError'),
  };
}

/** The 10 % and 90 % crossings of every mode, located on the flow's trajectory like the escapes. */
const TRANSITION_FRACTIONS = [0.1, 0.9] as const;

/** What paper 001's checks read of a run's series (examples/claims/001.json; claim-measures.ts). */
function paperClaimSummary(p: DlnTrainParams, task: Task, initial: readonly Matrix[], final: readonly Matrix[], recorder: Recorder, seg: Segmentation, reference: number[], crossings: EscapeTracker[]): RunSummary {
  const times = recorder.x;
  const sigma = reference.map((_, alpha) => recorder.get(`sigma/${alpha}`));
  const target = p.task === 'target';
  const velocities = recorder.sigmaVelocityRecords;
  const bernoulli = velocities ? bernoulliReading(p.depth, reference, sigma, velocities) : null;
  const firstEscape = seg.escapeTimes[0] ?? null;
  const peak = reference.length >= 2 ? ratioPeak(times, sigma[0], sigma[1]) : null;
  const finalProduct = final.slice(1).reduce((acc, w) => matmul(w, acc), final[0]);
  const saddles = p.saddleIndex ? measureSaddles(task, layerWidths(p), reference) : null;
  return {
    initialBalanceDefects: p.depth >= 2 ? balanceMatrices(initial).map(frobenius) : null,
    linearFlowError: p.depth === 1 && target ? linearFlowError(task.reference, initial[0], final[0], times, sigma) : null,
    logisticMaxRelativeError: p.depth === 2 && theoryKind(p) === 'mode-flow' ? maxRelativeGap(times, sigma, (alpha, t) => logisticMode(reference[alpha], p.initScale ** 2, t)) : null,
    transitionStarts: crossings.length > 0 ? crossings[0].times : null,
    transitionEnds: crossings.length > 0 ? crossings[1].times : null,
    halfwayB: bernoulli?.halfwayB ?? null,
    halfwayBDot: bernoulli?.halfwayBDot ?? null,
    bernoulliResidual: bernoulli?.residual ?? null,
    sigmasAtFirstModeEscape: firstEscape !== null ? sigma.map((y) => positiveValueAt(times, y, firstEscape)) : null,
    ratioPeakTime: peak?.time ?? null,
    ratioPeakGap: peak?.gap ?? null,
    alignmentAtEscapes: target ? seg.escapeTimes.map((t, alpha) => (t === null || recorder.get(`alignment/${alpha}`).length === 0 ? null : valueAt(times, recorder.get(`alignment/${alpha}`), t))) : null,
    plateauSpectrumErrors: target ? plateauSpectrumErrors(seg.plateaus, times, sigma, reference) : null,
    finalSpectrum: task.kind === 'completion' ? Array.from(singularValues(finalProduct)) : null,
    saddleSubsets: saddles?.map((m) => m.subset) ?? null,
    saddleLosses: saddles?.map((m) => m.loss) ?? null,
    saddleGradientNorms: saddles?.map((m) => m.gradientNorm) ?? null,
    saddleIndices: saddles?.map((m) => m.negativeEigenvalues) ?? null,
  };
}

function updateRule(p: DlnTrainParams): UpdateRule {
  if (p.optimizer === 'momentum') return { kind: 'momentum', learningRate: p.learningRate, momentum: p.momentum };
  if (p.optimizer === 'adam') return { kind: 'adam', learningRate: p.learningRate, beta1: p.beta1, beta2: p.beta2, epsilon: p.epsilon };
  return { kind: 'plain', learningRate: p.learningRate };
}

/** `options` lets tests substitute the WebGPU provider; the family passes none. */
export async function runDlnTrain(p: DlnTrainParams, ctx: RunContext, options: SelectOptions = {}): Promise<RunSummary> {
  ctx.progress(0);
  const widths = layerWidths(p);
  const task = buildTask(p, ctx.rng);
  const initial = initialLayers(p, task, ctx.rng);
  const reference = referenceValues(task);
  const recorder = new Recorder(task, p.depth, reference.length, initial, p.init === 'lambda-balanced' ? p.lambda : 0, ctx);
  const convex =
    task.kind === 'completion' && task.mask && task.reference.data.length <= MAX_COMPLETION_ENTRIES
      ? minNuclearNormCompletion({ values: task.reference, mask: task.mask }, { tolerance: COMPLETION_TOLERANCE })
      : null;

  const hessian = { topK: p.hessianTopK, traceProbes: p.hessianTraceProbes };
  // Its own stream, so measuring the Hessian leaves the run's draws (SGD batches) unchanged.
  recorder.measureHessianEvery(p.hessianEvery, hessian, createRng(ctx.seed ^ HESSIAN_STREAM));
  const plan = recordPlan(widths);
  const steps = stepCount(p);
  // GD / SGD export at the step nearest each requested time; time = step · η, as the records use.
  const checkpointSteps = (p.checkpoints ?? []).map((t) => Math.min(steps, Math.round(t / p.learningRate)));
  recorder.exportAt(p.optimizer === 'flow' ? (p.checkpoints ?? []) : checkpointSteps.map((s) => s * p.learningRate));
  // Completion and sensing read escapes against the learned spectrum, known only at the end: between records there.
  const escapes = task.kind === 'completion' || task.kind === 'sensing' ? null : new EscapeTracker(reference.map((s) => ESCAPE_FRACTION * s));
  const crossings = p.optimizer === 'flow' && task.kind === 'target' ? TRANSITION_FRACTIONS.map((f) => new EscapeTracker(reference.map((s) => f * s))) : [];
  // The network's own σ̇_α, for the Bernoulli form of the aligned mode law (paper 001 §5.3).
  if (p.optimizer === 'flow' && p.depth >= 2 && theoryKind(p) === 'mode-flow' && Math.max(...widths) <= MAX_FULL_SPECTRUM_WIDTH) recorder.trackSigmaVelocities();
  let result: TrainResult;
  if (p.optimizer === 'flow') {
    result = flow(task, initial, widths, { horizon: p.horizon, rtol: p.rtol, records: plan, extraTimes: p.checkpoints ?? [], escapes, crossings }, recorder, ctx);
  } else {
    const descent = {
      learningRate: p.learningRate,
      rule: updateRule(p),
      steps,
      recordEvery: p.recordEvery ?? Math.max(1, Math.ceil(steps / plan.uniform)),
      perDecade: plan.perDecade,
      batchSize: p.optimizer === 'sgd' ? p.batchSize : null,
      extraSteps: checkpointSteps,
      escapes,
    };
    const widest = Math.max(...widths);
    result = await runProgram(p.device, widest, ctx, (be) => descentProgram(be, task.onDevice(be), initial, descent, recorder, ctx), options);
  }
  if (result.status === 'aborted') return {};
  recorder.flush();

  const finalHessian = hessian.topK > 0 || hessian.traceProbes > 0 ? measureHessian(task, result.layers, hessian, createRng(ctx.seed ^ HESSIAN_STREAM)) : null;
  const levels = escapeLevels(task, recorder, reference);
  const seg = segmentRun(recorder.x, recorder.get('loss'), levels.map((_, alpha) => recorder.get(`sigma/${alpha}`)), levels, escapes?.times);
  emitAnnotations(seg, recorder, levels, ctx);
  const sigma = reference.map((_, alpha) => recorder.get(`sigma/${alpha}`));
  const targets = sortedTargets(p);
  const balance = Array.from({ length: p.depth - 1 }, (_, l) => recorder.last(`balance/${l + 1}`) ?? 0);
  ctx.progress(1);
  return {
    finalLoss: recorder.last('loss'),
    finalTestLoss: task.testLoss ? recorder.last('testLoss') : null,
    finalSigmas: sigma.map((y) => y[y.length - 1]),
    finalAlignment: reference.map((_, alpha) => recorder.last(`alignment/${alpha}`)),
    finalEffectiveRank: recorder.last('effectiveRank'),
    finalNuclearNorm: recorder.last('nuclearNorm'),
    finalSchatten: recorder.last('schatten'),
    escapeTimes: seg.escapeTimes,
    learningOrder: seg.escapeTimes
      .map((t, alpha) => ({ t, alpha }))
      .filter((e) => e.t !== null)
      .sort((a, b) => (a.t ?? 0) - (b.t ?? 0))
      .map((e) => e.alpha),
    plateauCount: seg.plateaus.length,
    plateauStarts: seg.plateaus.map((x) => x.start),
    plateauDurations: seg.plateaus.map((x) => x.duration),
    plateauRanks: seg.plateaus.map((x) => x.rank),
    plateauLosses: seg.plateaus.map((x) => x.loss),
    saxeTimes: p.depth === 2 && theoryKind(p) === 'mode-flow' ? targets.map((s) => saxeTime(s, p.initScale ** 2)) : null,
    // The escapes the σ chart draws as theory for this run's init, and paper 001 §7.2's claim, which the runs contradict.
    predictedEscapeTimes: hasLinearizedEscapes(p) ? linearizedEscapeTimes(task, initial) : null,
    paperClaimGapTimescales: p.init === 'small-random' ? gapTimescales(targets, p.initScale) : null,
    theoryMaxRelativeError: theoryError(p, recorder, exactTwoLayerSigmas(p, task, initial, recorder.x, reference.length)),
    finalBalanceDefect: balance.length > 0 ? Math.max(...balance) : null,
    maxBalanceDrift: Math.max(...recorder.get('balanceDrift')),
    greedyRatio: greedyRatio(recorder, reference),
    relativeWeightChange: relativeChange(initial, result.layers),
    steps: result.steps,
    rhsEvaluations: result.rhsEvaluations ?? null,
    records: recorder.x.length,
    checkpointTimes: p.checkpoints ? recorder.checkpointTimes : null,
    finalHessianTop: finalHessian && hessian.topK > 0 ? Array.from(finalHessian.top) : null,
    finalHessianTrace: finalHessian?.trace ?? null,
    ...paperClaimSummary(p, task, initial, result.layers, recorder, seg, reference, crossings),
    ...(task.kind === 'completion' ? completionSummary(task, recorder, convex) : {}),
    ...(task.kind === 'sensing' ? { recoveryError: recorder.last('recoveryError') } : {}),
  };
}
