// One escape run: restarts of projected gradient descent on the sphere, the per-layer structure
// of the best direction found (Theorem 3.1), and the flow started on it (Prop. 2.2).
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { RANK_ONE_SPEED } from './circle';
import { flowFromDirection, impliedSpeed, maxRelErrorToDoubling } from './norm-flow';
import { layerStats, theoremBound, theoremConstant } from './layer-stats';
import { layerSizes } from './network';
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
  for (let r = 0; r < p.restarts; r++) {
    const result = projectedDescent(randomStart(sizes, ctx.rng), x, g, {
      steps: p.steps,
      stepSize: p.stepSize,
      stepDecay: p.stepDecay,
      record: TRACE_POINTS,
      signal: ctx.signal,
      progress: (f) => ctx.progress((DESCENT_SHARE * (r + f)) / p.restarts),
    });
    if (result.aborted) return {};
    if (!Number.isFinite(result.speed)) throw new DivergedError(`restart ${r}: non-finite speed ${result.speed}`);
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

  let flowError: { maxToDoubling: number; time: number; impliedSpeed: number } | null = null;
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
    flowError = {
      maxToDoubling: maxRelErrorToDoubling(flow, p.flowInitNorm),
      time: flow.t[last],
      impliedSpeed: impliedSpeed(p.flowInitNorm, depth, flow.norm[last], flow.t[last]),
    };
    // Each chunk owns its arrays: the host transfers (detaches) them.
    ctx.emit({ metric: 'flow/norm', x: flow.t.slice(), y: flow.norm });
    ctx.emit({ metric: 'flow/closedForm', x: flow.t.slice(), y: flow.closedForm });
    ctx.emit({ metric: 'flowLoss', x: flow.t, y: flow.loss });
  }
  ctx.progress(1);

  const circle = isCircleExample(p);
  return {
    bestSpeed: best.speed,
    meanSpeed: speeds.reduce((a, b) => a + b, 0) / speeds.length,
    speeds,
    fractionAboveRankOne: circle ? speeds.filter((s) => s > RANK_ONE_SPEED).length / speeds.length : null,
    depth,
    hiddenWidth: depth > 1 ? Math.min(...sizes.slice(1, -1)) : null,
    weightRankRatios: stats.weightRankRatio,
    activationRankRatios: stats.activationRankRatio,
    nonlinearityRatios: stats.nonlinearity,
    theoremConstant: c,
    theoremMinLayer: c === null ? null : c * c,
    /** Norm against Prop. 2.2 while the closed form at most doubles; later the blow-up amplifies any speed error. */
    flowMaxRelErrorToDoubling: flowError?.maxToDoubling ?? null,
    flowTime: flowError?.time ?? null,
    /** Speed implied by the flow's norm at its end (Prop. 2.2 inverted); equals bestSpeed on an exact escape direction. */
    flowImpliedSpeed: flowError?.impliedSpeed ?? null,
  };
}
