// One mode-flow run: solve every channel, record the metrics on an arclength grid, summarize.
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { bottleneckMode, initialSigmas, type ModeFlowParams } from './params';
import { solveDesignFlow } from './design-flow';
import { solveTanhChains } from './tanh-chain';
import { basinRate, deadZoneLine, dissipationRatio } from './measurements';
import { arclengthTimes, evaluateFlow, type FlowSamples } from './sampling';
import { solveFlow, type FlowSolution } from './solver';
import { activeBasinRate, asymptoticEscapeTime, linearizedEscapeTime, twoPhaseTime } from './theory';

const CHUNKS = 4;

function assertFinite(samples: FlowSamples): void {
  const series = [samples.loss, samples.bregman, ...samples.sigma, ...samples.barrier];
  for (const values of series) {
    for (const v of values) if (!Number.isFinite(v)) throw new DivergedError(`non-finite value ${v} in the recorded metrics`);
  }
}

/** Emits every metric in CHUNKS pieces; each piece owns its arrays so they can be transferred. */
function emitSamples(samples: FlowSamples, ctx: RunContext): void {
  const named: [string, Float64Array][] = [
    ...samples.sigma.map((y, i): [string, Float64Array] => [`sigma/${i}`, y]),
    ...samples.barrier.map((y, i): [string, Float64Array] => [`barrier/${i}`, y]),
    ['loss', samples.loss],
    ['bregman', samples.bregman],
  ];
  const n = samples.t.length;
  const size = Math.ceil(n / CHUNKS);
  for (let start = 0, chunk = 0; start < n; start += size, chunk++) {
    if (ctx.signal.aborted) return;
    const end = Math.min(n, start + size);
    for (const [metric, y] of named) ctx.emit({ metric, x: samples.t.slice(start, end), y: y.slice(start, end) });
    ctx.progress(0.8 + (0.2 * (chunk + 1)) / CHUNKS);
  }
}

function summarize(p: ModeFlowParams, initial: number[], flow: FlowSolution, samples: FlowSamples): RunSummary {
  const bottleneck = bottleneckMode(p.targets, initial);
  const escapeTimes = flow.modes.map((m) => m.escapeTime);
  const lines = p.targets.map((s, i) => deadZoneLine(samples.t, samples.sigma[i], samples.barrier[i], s));
  return {
    escapeTimes,
    escapeTimesLinearized: p.targets.map((s, i) => linearizedEscapeTime(p.depth, s, initial[i])),
    escapeTimesAsymptotic: p.targets.map((s, i) => asymptoticEscapeTime(p.depth, s, initial[i])),
    activeBasinRates: p.targets.map((s) => activeBasinRate(p.depth, s)),
    timesToTolerance: flow.modes.map((m) => m.toleranceTime),
    totalTimeTwoPhase: twoPhaseTime(p.depth, p.targets[bottleneck], initial[bottleneck], p.tolerance),
    bottleneckMode: bottleneck,
    bottleneckEscapeTime: escapeTimes[bottleneck],
    // Measured from the recorded series (measurements.ts), for the fig1-geometry analysis.
    deadZoneSlopes: lines.map((l) => l?.slope ?? null),
    deadZoneResiduals: lines.map((l) => l?.residual ?? null),
    measuredBasinRates: p.targets.map((s, i) => basinRate(samples.t, samples.sigma[i], s)),
    dissipationRatio: dissipationRatio(samples.t, samples.bregman, samples.loss),
    finalLoss: samples.loss[samples.loss.length - 1],
    horizon: flow.horizon,
    solverSteps: flow.stats.acceptedSteps,
    solverRejectedSteps: flow.stats.rejectedSteps,
    rhsEvaluations: flow.stats.rhsEvaluations,
  };
}

/** The coupled flow of a design matrix (design-flow.ts): σ, b and ℓ recorded, the final point summarized. */
function runDesignFlow(p: ModeFlowParams, design: number[][], initial: number[], ctx: RunContext): RunSummary {
  const horizon = p.horizonMode === 'converged' ? 'converged' : p.horizonTime;
  const flow = solveDesignFlow({ depth: p.depth, design, targets: p.targets, initial, tolerance: p.tolerance, horizon, rtol: p.rtol, samples: p.samples }, ctx.signal);
  if (!flow.ok) {
    if (flow.status === 'aborted') return {};
    if (flow.status === 'non-finite') throw new DivergedError(flow.message);
    throw new Error(`mode-flow integration with a design matrix failed (${flow.status}): ${flow.message}`);
  }
  ctx.progress(0.8);
  flow.sigma.forEach((y, i) => ctx.emit({ metric: `sigma/${i}`, x: flow.t.slice(), y }));
  flow.barrier.forEach((y, i) => ctx.emit({ metric: `barrier/${i}`, x: flow.t.slice(), y }));
  ctx.emit({ metric: 'loss', x: flow.t, y: flow.loss });
  ctx.progress(1);
  return {
    finalSigmas: flow.finalSigma,
    finalLoss: flow.finalLoss,
    horizon: flow.horizon,
    solverSteps: flow.stats.acceptedSteps,
    solverRejectedSteps: flow.stats.rejectedSteps,
    rhsEvaluations: flow.stats.rhsEvaluations,
  };
}

/** One scalar tanh chain per target (tanh-chain.ts): its output f recorded as sigma/<i>. */
function runTanhChains(p: ModeFlowParams, initial: number[], ctx: RunContext): RunSummary {
  const horizon = p.horizonMode === 'converged' ? 'converged' : p.horizonTime;
  const chains = solveTanhChains({ depth: p.depth, targets: p.targets, initial, unitLayers: p.unitLayers, tolerance: p.tolerance, horizon, rtol: p.rtol, samples: p.samples }, ctx.signal);
  if (!chains.ok) {
    if (chains.status === 'aborted') return {};
    if (chains.status === 'non-finite') throw new DivergedError(chains.message);
    throw new Error(`tanh chain integration failed (${chains.status}): ${chains.message}`);
  }
  ctx.progress(0.8);
  chains.outputs.forEach((y, i) => ctx.emit({ metric: `sigma/${i}`, x: chains.t.slice(), y }));
  ctx.emit({ metric: 'loss', x: chains.t, y: chains.loss });
  ctx.progress(1);
  return {
    escapeTimes: chains.escapeTimes,
    timesToTolerance: chains.toleranceTimes,
    finalLoss: chains.loss[chains.loss.length - 1],
    horizon: chains.horizon,
    solverSteps: chains.stats.acceptedSteps,
    solverRejectedSteps: chains.stats.rejectedSteps,
    rhsEvaluations: chains.stats.rhsEvaluations,
  };
}

export function runModeFlow(p: ModeFlowParams, ctx: RunContext): RunSummary {
  const initial = initialSigmas(p);
  ctx.progress(0);
  if (p.design) return runDesignFlow(p, p.design, initial, ctx);
  if (p.activation === 'tanh') return runTanhChains(p, initial, ctx);
  const flow = solveFlow(
    {
      depth: p.depth,
      targets: p.targets,
      initial,
      tolerance: p.tolerance,
      horizon: p.horizonMode === 'converged' ? 'converged' : p.horizonTime,
      rtol: p.rtol,
    },
    ctx.signal,
  );
  if (!flow.ok) {
    // A cancelled run just stops; the host already knows it was cancelled.
    if (flow.status === 'aborted') return {};
    if (flow.status === 'non-finite') throw new DivergedError(flow.message);
    throw new Error(`mode-flow integration failed (${flow.status}): ${flow.message}`);
  }
  ctx.progress(0.6);

  const times = arclengthTimes(flow.modes, flow.horizon, p.samples);
  const samples = evaluateFlow(flow.modes, times);
  assertFinite(samples);
  ctx.progress(0.8);
  emitSamples(samples, ctx);
  return summarize(p, initial, flow, samples);
}
