// One escape run: restarts of projected gradient descent on the sphere, the per-layer structure
// of the best direction found (Theorem 3.1), and the flow started on it (Prop. 2.2).
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { RANK_ONE_SPEED } from './circle';
import { frobenius } from '../../numeric/matrix';
import { singularValues } from '../../numeric/svd';
import { eulerResidual, homogeneityResidual } from './identities';
import { doublingIndex, escapeTimeBoundRatio, flowFromDirection, type FlowTrace, impliedSpeed, maxRelErrorToDoubling, unitSphereSpeed } from './norm-flow';
import { layerStats, rankRatio, theoremBound, theoremConstant } from './layer-stats';
import { layerSizes, type Weights } from './network';
import { hiddenWidths, isCircleExample, type ReluEscapeParams } from './params';
import { buildProblem } from './problem';
import { type DescentResult, projectedDescent, randomStart } from './sphere-descent';

/** Speed samples kept per restart trajectory. */
const TRACE_POINTS = 200;
const DESCENT_SHARE = 0.85;

const range = (n: number, from = 1): Float64Array => Float64Array.from({ length: n }, (_, i) => i + from);

export function runEscape(p: ReluEscapeParams, ctx: RunContext): RunSummary {
  const problem = buildProblem(p, ctx.rng);
  const { x, g } = problem;
  const sizes = layerSizes(x.rows, hiddenWidths(p), g.rows);
  ctx.progress(0);

  const results: DescentResult[] = [];
  // Euler's identity and homogeneity (004-1) at every restart's start and end (the best direction among them).
  let eulerMax = 0, homogeneityMax = 0;
  const identitiesAt = (w: Weights): void => {
    eulerMax = Math.max(eulerMax, eulerResidual(w, x, g));
    homogeneityMax = Math.max(homogeneityMax, homogeneityResidual(w, x, g));
  };
  for (let r = 0; r < p.restarts; r++) {
    const start = randomStart(sizes, ctx.rng);
    identitiesAt(start);
    const result = projectedDescent(start, x, g, {
      steps: p.steps,
      stepSize: p.stepSize,
      stepDecay: p.stepDecay,
      record: TRACE_POINTS,
      signal: ctx.signal,
      progress: (f) => ctx.progress((DESCENT_SHARE * (r + f)) / p.restarts),
    });
    if (result.aborted) return {};
    if (!Number.isFinite(result.speed)) throw new DivergedError(`restart ${r}: non-finite speed ${result.speed}`);
    identitiesAt(result.weights);
    results.push(result);
    ctx.emit({ metric: `restartSpeed/${r}`, x: result.steps, y: result.speeds });
    ctx.progress((DESCENT_SHARE * (r + 1)) / p.restarts);
  }
  const speeds = results.map((r) => r.speed);
  ctx.emit({ metric: 'finalSpeed', x: range(speeds.length, 0), y: Float64Array.from(speeds) });
  const best = results.reduce((a, b) => (b.speed > a.speed ? b : a));

  const stats = layerStats(best.weights, x);
  stats.weightSingularValues.forEach((s, l) => ctx.emit({ metric: `svWeights/${l + 1}`, x: range(s.length), y: Float64Array.from(s) }));
  stats.activationSingularValues.forEach((s, l) => ctx.emit({ metric: `svActivations/${l + 1}`, x: range(s.length), y: Float64Array.from(s) }));
  const depth = sizes.length - 1;
  ctx.emit({ metric: 'rankRatioWeights', x: range(depth), y: Float64Array.from(stats.weightRankRatio) });
  if (depth > 1) {
    ctx.emit({ metric: 'rankRatioActivations', x: range(depth - 1), y: Float64Array.from(stats.activationRankRatio) });
    ctx.emit({ metric: 'nonlinearity', x: range(depth - 1), y: Float64Array.from(stats.nonlinearity) });
  }
  const c = best.speed > 0 ? theoremConstant(x, g, best.speed) : null;
  if (c !== null) ctx.emit({ metric: 'theoremBound', x: range(depth), y: range(depth).map((l) => theoremBound(c, l)) });

  let flowError: {
    maxToDoubling: number;
    time: number;
    impliedSpeed: number;
    rateConstant: number;
    boundRatio: number | null;
    printedBoundRatio: number | null;
    speedSpread: number | null;
  } | null = null;
  if (best.speed > 0) {
    const flow = flowFromDirection(best.weights, x, g, problem.cost, {
      loss: p.flowLoss,
      norm0: p.flowInitNorm,
      growth: p.flowGrowth,
      steps: p.flowSteps,
      speed: best.speed,
      signal: ctx.signal,
    });
    if (ctx.signal.aborted) return {};
    if (!flow.norm.every(Number.isFinite)) throw new DivergedError('non-finite norm in the gradient flow');
    const last = flow.t.length - 1;
    const doubled = doublingIndex(flow, p.flowInitNorm);
    const implied = impliedSpeed(p.flowInitNorm, depth, flow.norm[doubled], flow.t[doubled]);
    const localized = p.flowLoss === 'localized';
    flowError = {
      maxToDoubling: maxRelErrorToDoubling(flow, p.flowInitNorm),
      time: flow.t[last],
      impliedSpeed: implied,
      rateConstant: unitSphereSpeed(implied, depth),
      boundRatio: localized ? escapeTimeBoundRatio(flow, p.flowInitNorm, depth, frobenius(x)) : null,
      printedBoundRatio: localized ? escapeTimeBoundRatio(flow, p.flowInitNorm, depth, null) : null,
      speedSpread: localized ? speedSpread(flow, depth, doubled) : null,
    };
    // Each chunk owns its arrays: the host transfers (detaches) them.
    ctx.emit({ metric: 'flow/norm', x: flow.t.slice(), y: flow.norm });
    ctx.emit({ metric: 'flow/closedForm', x: flow.t.slice(), y: flow.closedForm });
    ctx.emit({ metric: 'flowLoss', x: flow.t, y: flow.loss });
  }
  ctx.progress(1);

  const circle = isCircleExample(p);
  const rankOneNetwork = hiddenWidths(p).every((w) => w === 1) && x.rows === 2;
  return {
    bestSpeed: best.speed,
    meanSpeed: speeds.reduce((a, b) => a + b, 0) / speeds.length,
    speeds,
    /** Per restart, the largest rank ratio Σ_{i≥2}s_i²/Σs_i² over its layers W_ℓ (≈ 0: a rank-one direction). */
    restartMaxRankRatios: results.map((r) => Math.max(...r.weights.map((w) => rankRatio(singularValues(w))))),
    /** Width-1 networks on 2-d data: per restart, the angle φ of W₁ = ‖W₁‖(cos φ, sin φ) (App. D.1), in [0, 2π). */
    restartFirstLayerAngles: rankOneNetwork ? results.map((r) => firstLayerAngle(r.weights)) : null,
    fractionAboveRankOne: circle ? speeds.filter((s) => s > RANK_ONE_SPEED).length / speeds.length : null,
    depth,
    hiddenWidth: depth > 1 ? Math.min(...sizes.slice(1, -1)) : null,
    weightRankRatios: stats.weightRankRatio,
    activationRankRatios: stats.activationRankRatio,
    nonlinearityRatios: stats.nonlinearity,
    theoremConstant: c,
    theoremMinLayer: c === null ? null : c * c,
    inputNorm: frobenius(x),
    gradientNorm: frobenius(g),
    /** Σ_{i≥2}s_i²/Σs_i² of X = Z₀^σ (Prop. 3.4 counts layers ℓ = 0 … L − 1). */
    inputRankRatio: rankRatio(singularValues(x)),
    /** ‖X − uvᵀ‖_F of the near-rank-one data (Prop. 3.3's ε); null for other data. */
    dataNoise: problem.noise ?? null,
    /** Largest |⟨θ, ∇L₀⟩ − L·L₀|/(‖θ‖‖∇L₀‖) over every restart's start and end (Euler, eq. (1)). */
    eulerMaxResidual: eulerMax,
    /** Largest |L₀(2θ) − 2^L L₀(θ)|/(2^L Σ|G||Y|) over the same points (degree-L homogeneity). */
    homogeneityMaxResidual: homogeneityMax,
    /** Norm against Prop. 2.2 while the closed form at most doubles; later the blow-up amplifies any speed error. */
    flowMaxRelErrorToDoubling: flowError?.maxToDoubling ?? null,
    flowTime: flowError?.time ?? null,
    /** Def. 2.1 speed implied by the norm where the closed form has doubled (Prop. 2.2 inverted); bestSpeed on an exact escape direction. */
    flowImpliedSpeed: flowError?.impliedSpeed ?? null,
    /** κ = (‖θ‖^{2−L} − ‖θ₀‖^{2−L})/((2−L)L t) at the same point: the rate constant Prop. 2.2's formula needs (s₁ = s·L^{−L/2}). */
    flowRateConstant: flowError?.rateConstant ?? null,
    /** (max − min)/first of the unit-sphere speed −L₀(θ̄(t)) along the localized flow up to the doubling: 0 on an exact escape direction. */
    flowSpeedSpread: flowError?.speedSpread ?? null,
    /** Smallest t₁(r)/bound(r) along the localized flow, bound with r/‖X‖_F (§2.2, corrected); ≥ 1 when the bound holds. */
    escapeTimeBoundRatio: flowError?.boundRatio ?? null,
    /** The same with the printed bound (r in place of r/‖X‖_F). */
    escapeTimeBoundRatioPrinted: flowError?.printedBoundRatio ?? null,
  };
}

/** How much the direction's unit-sphere speed −L₀(θ̄) = −L₀(θ)/‖θ‖^L changes over records 0 … upTo, relative to its start. */
function speedSpread(flow: FlowTrace, depth: number, upTo: number): number {
  const speeds = Array.from(flow.loss.subarray(0, upTo + 1), (l, k) => -l / flow.norm[k] ** depth);
  return (Math.max(...speeds) - Math.min(...speeds)) / speeds[0];
}

/** Angle of the first layer's (only) row in [0, 2π). */
function firstLayerAngle(weights: Weights): number {
  const [a, b] = weights[0].data;
  const phi = Math.atan2(b, a);
  return phi < 0 ? phi + 2 * Math.PI : phi;
}
