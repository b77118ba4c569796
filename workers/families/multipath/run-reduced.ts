// The reduced model run: the exact scalar GD (heavy-ball, Adam) recursion, or GD's gradient-flow limit with DOP853.
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { integrate } from '../../numeric/ode';
import { Observer } from './observer';
import { DIVERGENCE_FACTOR, pathwayDepths, pathwayInitScales, stabilityThreshold, updateRule, type MultipathParams } from './params';
import { flowRhs, gdStep, pathwayValues, reducedStepper, residuals, sharpness, type ReducedModel } from './reduced';
import { BalancingGap, flowInvariants, invariantDrift, layerHessianTop, leafVariance, returnThresholdByGd } from './run-measures';
import { worstOvershoot } from './theory';
import { transverseGrowth } from './full-network-check';

const PROGRESS_EVERY = 4096;
/** Steps of the final orbit over which a perturbation off the aligned layers is followed. */
const TRANSVERSE_STEPS = 256;
/** Growth per step above which that perturbation counts as growing (finite-difference noise is ~1e-6). */
const TRANSVERSE_UNSTABLE = 1 + 1e-3;
/** Dense-output samples per accepted DOP853 step, so the flow's curves are smooth. */
const FLOW_SAMPLES_PER_STEP = 4;

/** Initial per-layer scalars w[k·P + p]: ε_p on every mode, or the worst overshoot of the chain. */
export function initialWeights(p: MultipathParams, model: ReducedModel): Float64Array {
  const scales = pathwayInitScales(p);
  const P = model.depths.length;
  const w = new Float64Array(model.targets.length * P);
  model.targets.forEach((s, k) => {
    for (let q = 0; q < P; q++) {
      const L = model.depths[q];
      // x = w / s^{1/L} and h = η s^{2−2/L} normalize the chain (App. F.2).
      w[k * P + q] = p.worstCaseStart ? worstOvershoot(L, p.learningRate * s ** (2 - 2 / L)).x * s ** (1 / L) : scales[q];
    }
  });
  return w;
}

function divergedLoss(model: ReducedModel): number {
  const big = DIVERGENCE_FACTOR * Math.max(...model.targets);
  return 0.5 * model.targets.length * big * big;
}

export function runReducedGd(p: MultipathParams, ctx: RunContext): RunSummary {
  const model: ReducedModel = { targets: p.targets, depths: pathwayDepths(p) };
  const threshold = stabilityThreshold(p);
  const obs = new Observer({ targets: p.targets, depths: model.depths, threshold, tolerance: p.tolerance, samples: p.samples }, ctx);
  const w = initialWeights(p, model);
  const plainUpdate = reducedStepper(model, updateRule(p), w.length);
  // Linear warm-up η_t = η·min(1, (t+1)/T) (GD only, checked by the params).
  const update: (x: Float64Array, res: Float64Array, t: number) => void =
    p.warmupSteps > 0 ? (x, res, t) => gdStep(model, x, res, p.learningRate * Math.min(1, (t + 1) / p.warmupSteps)) : plainUpdate;
  const r = new Float64Array(p.targets.length);
  const a = new Float64Array(w.length);
  const sharpnessScratch = new Float64Array(2 * model.depths.length);
  const limit = divergedLoss(model);
  const P = model.depths.length;
  const lead = p.targets.indexOf(Math.max(...p.targets));
  const invariantsAtStart = flowInvariants(model.depths, w, lead * P);
  const gap = new BalancingGap(model.depths, lead * P);
  let loss = residuals(model, w, r);
  let step = 0;
  let diverged = false;
  for (;;) {
    pathwayValues(model, w, a);
    const lambda = sharpness(model, w, r, sharpnessScratch);
    obs.step(step, a, r, lambda);
    gap.observe(w, gapPhase(obs, a, lead * P, P, p.targets[lead]));
    // A per-layer scalar through zero flips the mode's singular vectors (Section 6); for even L
    // the pathway value a = w^L cannot show it.
    for (let i = 0; i < w.length; i++) if (w[i] < 0) obs.mark('signFlip', step);
    if (obs.due(step)) obs.record(step, a, r, loss, lambda);
    if (!Number.isFinite(loss)) throw new DivergedError(`non-finite loss at step ${step}`);
    diverged = loss > limit;
    // After a warm-up GD may sit on the winner-takes-all point it settled on while η_t was small:
    // that point only counts as the end once it is linearly stable at the full η.
    const settled = obs.converged(r) && (p.warmupSteps === 0 || (step >= p.warmupSteps && threshold !== null && lambda <= threshold));
    if (diverged || settled || step >= p.maxSteps) {
      obs.record(step, a, r, loss, lambda);
      const converged = !diverged && settled;
      const summary = { ...obs.finish(step, a, r, loss, lambda, diverged, converged), ...endMeasures(p, model, w, lead, invariantsAtStart, converged), ...gap.summary() };
      // The cross-mode check linearizes GD's map; the other rules carry state it does not follow.
      const checked = !diverged && !converged && p.optimizer === 'gd';
      return checked ? { ...summary, ...crossModeCheck(model, w, p.learningRate) } : { ...summary, crossModeGrowth: null };
    }
    update(w, r, step);
    loss = residuals(model, w, r);
    step++;
    if (step % PROGRESS_EVERY === 0) {
      if (ctx.signal.aborted) return {};
      ctx.progress(step / p.maxSteps);
    }
  }
}

/** Which balancing-gap accumulator a step feeds: the edge-of-stability phase, the learned phase before it, or none. */
function gapPhase(obs: Observer, a: Float64Array, offset: number, P: number, target: number): 'eos' | 'before' | null {
  if (P < 2) return null;
  if (obs.events.has('edgeOfStability')) return 'eos';
  let learned = 0;
  for (let q = 0; q < P; q++) learned += a[offset + q];
  return learned >= 0.5 * target ? 'before' : null;
}

/** Summary fields measured at the end point for paper 002's claims (lead mode). */
function endMeasures(p: MultipathParams, model: ReducedModel, w: Float64Array, lead: number, invariantsAtStart: number[] | null, converged: boolean): RunSummary {
  const P = model.depths.length;
  const mode = w.subarray(lead * P, (lead + 1) * P);
  const hessian = converged ? layerHessianTop(model.depths, mode, p.targets[lead]) : null;
  const search = p.wcrSearch ? returnThresholdByGd(model.depths[0], p.targets[lead]) : null;
  return {
    flowInvariantDrift: invariantDrift(invariantsAtStart, flowInvariants(model.depths, mode, 0)),
    finalLeafVariance: P >= 2 ? leafVariance(model.depths, mode, 0) : null,
    finalLayerHessianTop: hessian?.top ?? null,
    finalLayerHessianSecond: hessian?.second ?? null,
    ...(search ? { wcrEtaFound: search.eta, wcrEtaBracketLow: search.bracket[0], wcrEtaBracketHigh: search.bracket[1] } : {}),
  };
}

/**
 * A bounded orbit of the reduced model need not be one of the full network: the reduced model
 * keeps the layers aligned with the modes, and a cross-mode direction can grow on the orbit.
 */
function crossModeCheck(model: ReducedModel, w: Float64Array, eta: number): RunSummary {
  const growth = transverseGrowth(model, w, eta, TRANSVERSE_STEPS);
  if (!(growth > TRANSVERSE_UNSTABLE)) return { crossModeGrowth: growth };
  return {
    crossModeGrowth: growth,
    outcomeNote:
      `reduced model only: it stays bounded on this orbit, but the full network does not stay on it; a perturbation ` +
      `off the aligned layers (a cross-mode Hessian direction) grows ×${growth.toFixed(3)} per step there (model "full" shows the full network)`,
  };
}

export function runReducedFlow(p: MultipathParams, ctx: RunContext): RunSummary {
  const model: ReducedModel = { targets: p.targets, depths: pathwayDepths(p) };
  const obs = new Observer({ targets: p.targets, depths: model.depths, threshold: stabilityThreshold(p), tolerance: p.tolerance, samples: p.samples, flow: true }, ctx);
  const w0 = initialWeights(p, model);
  const r = new Float64Array(p.targets.length);
  const a = new Float64Array(w0.length);
  const y = new Float64Array(w0.length);
  const sharpnessScratch = new Float64Array(2 * model.depths.length);
  const tEnd = p.learningRate * p.maxSteps;
  const observe = (t: number, state: Float64Array): number => {
    const loss = residuals(model, state, r);
    pathwayValues(model, state, a);
    const lambda = sharpness(model, state, r, sharpnessScratch);
    obs.step(t / p.learningRate, a, r, lambda);
    obs.record(t / p.learningRate, a, r, loss, lambda);
    return loss;
  };
  observe(0, w0);
  const scratch = new Float64Array(p.targets.length);
  const result = integrate((_t, state, dw) => flowRhs(model, state, dw, scratch), 0, w0, tEnd, {
    rtol: 1e-10,
    atol: 1e-14,
    maxSteps: 1_000_000,
    signal: ctx.signal,
    events: [
      {
        // Terminal once every mode is within tolerance: max_k |r_k|/s_k − tol falls through 0.
        g: (_t, state) => {
          residuals(model, state, scratch);
          let worst = 0;
          for (let k = 0; k < p.targets.length; k++) worst = Math.max(worst, Math.abs(scratch[k]) / p.targets[k]);
          return worst - p.tolerance;
        },
        direction: -1,
        terminal: true,
      },
    ],
    onStep(t, _state, dense) {
      for (let i = 1; i <= FLOW_SAMPLES_PER_STEP; i++) {
        const ti = dense.t0 + ((dense.t1 - dense.t0) * i) / FLOW_SAMPLES_PER_STEP;
        observe(ti, dense.evaluate(ti, y));
      }
      ctx.progress(Math.min(1, t / tEnd));
    },
  });
  if (result.status === 'aborted') return {};
  if (result.status === 'non-finite') throw new DivergedError(result.message);
  if (!result.success) throw new Error(`multipath flow integration failed (${result.status}): ${result.message}`);
  const loss = observe(result.t, result.y);
  const lambda = sharpness(model, result.y, r);
  const P = model.depths.length, lead = p.targets.indexOf(Math.max(...p.targets));
  const drift = invariantDrift(flowInvariants(model.depths, w0, lead * P), flowInvariants(model.depths, result.y, lead * P));
  return { ...obs.finish(result.t / p.learningRate, a, r, loss, lambda, false, result.status === 'event'), flowInvariantDrift: drift };
}
