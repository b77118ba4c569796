// Theory next to the data: per-mode predictions for a run's parameters (summary fields) and the
// overlays drawn on its charts. The edge-of-stability predictions (window (24), stopping boundary,
// WCR ceiling) are GD's on the balanced manifold: heavy ball keeps only the linear-stability
// window at 2(1+β)/η, Adam none, and λ-offset pathways only the gradient-flow end point. All of
// them are the linear network's: the Tanh MLP gets none (only the threshold 2/η, true of any minimum).
import type { RunSummary, TheorySeries } from '../../family';
import { pathwayDepths, pathwayInitScales, pathwayLambdas, stabilityThreshold, type MultipathParams } from './params';
import {
  offsetFlowEndpoint,
  offsetZeroLossSharpness,
  outcomeCode,
  predictedRebalancingRank,
  predictMode,
  reductionFactor,
  stoppingAllocation,
  wcrConstant,
  type ModePrediction,
} from './theory';

export function modePredictions(p: MultipathParams): ModePrediction[] {
  const depths = pathwayDepths(p), scales = pathwayInitScales(p);
  return p.targets.map((s) => predictMode(depths, scales, s, p.learningRate));
}

const leadMode = (p: MultipathParams): number => p.targets.indexOf(Math.max(...p.targets));

/** Whether some pathway starts off the balanced manifold (λ_p ≠ 0). */
export const hasOffsets = (p: MultipathParams): boolean => pathwayLambdas(p).some((l) => l !== 0);

/** Whether the model is the deep linear network that paper 002's closed forms describe (not the Tanh MLP). */
export const linearTheoryApplies = (p: MultipathParams): boolean => p.model !== 'mlp';

/** Whether paper 002's edge-of-stability predictions hold: GD (or its flow) on the linear network from a balanced start. */
export const gdTheoryApplies = (p: MultipathParams): boolean => p.optimizer === 'gd' && !hasOffsets(p) && linearTheoryApplies(p);

/** Why the edge-of-stability predictions are left out, or null where they hold. */
export function predictionNote(p: MultipathParams): string | null {
  if (!linearTheoryApplies(p)) {
    return 'no prediction for the MLP model: the sharpness of winner-takes-all and balanced minima, the window (24), the stopping boundary and the WCR ceiling are the linear network\'s, and the Tanh MLP\'s minima have other sharpness; only the observed run is shown, against the stability threshold of any minimum (2/η for GD, 2(1+β)/η for heavy ball, none for Adam).';
  }
  if (hasOffsets(p)) {
    return 'λ-offset pathways: only the gradient-flow end point (conserved w₁² − w₀² = λ_p) and its sharpness Σ_p √(λ_p² + 4a_p²) are predicted; the window (24) and the stopping boundary are derived for balanced pathways.';
  }
  if (p.optimizer === 'momentum') {
    return `heavy ball: a minimum of sharpness λ is linearly stable iff λ < 2(1+β)/η = ${stabilityThreshold(p)?.toPrecision(4)}, so the window is 2(1+β)/λ_single < η ≤ 2(1+β)/λ_min; the edge-of-stability drift, its stopping boundary and the WCR ceiling are derived for GD only.`;
  }
  if (p.optimizer === 'adam') return 'Adam has no fixed stability threshold (its preconditioner moves with the gradients): the edge-of-stability predictions of paper 002 do not apply.';
  return null;
}

/** Summary fields of the predictions, merged into every run's summary. */
export function predictionSummary(p: MultipathParams): RunSummary {
  if (!linearTheoryApplies(p)) return { predictionNote: predictionNote(p) };
  const modes = modePredictions(p);
  const lead = modes[leadMode(p)];
  const depths = pathwayDepths(p);
  const homogeneous = depths.every((L) => L === depths[0]);
  if (hasOffsets(p)) {
    const flowAllocation = offsetAllocation(p, lead.target);
    return { predictionNote: predictionNote(p), flowAllocation, flowSharpness: offsetZeroLossSharpness(pathwayLambdas(p), flowAllocation) };
  }
  const balanced = {
    flowAllocation: lead.flowAllocation,
    flowSharpness: lead.flowSharpness,
    singleSharpness: lead.singleSharpness,
    minSharpness: lead.minSharpness,
    minAllocation: lead.minAllocation,
    reductionFactor: homogeneous ? reductionFactor(depths.length, depths[0]) : lead.minSharpness / lead.singleSharpness,
  };
  if (p.optimizer !== 'gd') {
    // Heavy ball: GD's window with 2 → 2(1+β); Adam: none.
    const factor = p.optimizer === 'momentum' ? 1 + p.momentum : null;
    const scaled = (eta: number): number | null => (factor === null ? null : eta * factor);
    return { ...balanced, predictionNote: predictionNote(p), etaLow: scaled(lead.etaLow), etaHigh: scaled(lead.etaHigh), modeEtaLow: modes.map((m) => scaled(m.etaLow)), modeEtaHigh: modes.map((m) => scaled(m.etaHigh)) };
  }
  return {
    ...balanced,
    predictedOutcome: lead.outcome,
    predictedOutcomeCode: outcomeCode(lead.outcome),
    predictedRebalancingProgress: lead.progress,
    predictedFinalSharpness: lead.finalSharpness,
    predictedRank: predictedRebalancingRank(modes, p.learningRate),
    etaLow: lead.etaLow,
    etaHigh: lead.etaHigh,
    etaWcr: lead.etaWcr,
    wcrConstant: wcrConstant(Math.min(...depths)),
    modeEtaLow: modes.map((m) => m.etaLow),
    modeEtaHigh: modes.map((m) => m.etaHigh),
  };
}

/** Flow end point of one mode for λ-offset depth-2 pathways, from a_p(0) = ε_p². */
function offsetAllocation(p: MultipathParams, target: number): number[] {
  return offsetFlowEndpoint(pathwayLambdas(p), pathwayInitScales(p).map((e) => e * e), target);
}

function stabilityLine(p: MultipathParams): TheorySeries[] {
  const threshold = stabilityThreshold(p);
  if (threshold === null) return [];
  const label = p.optimizer === 'momentum' ? '2(1+β)/η (heavy-ball stability threshold)' : '2/η (GD stability threshold)';
  return [{ id: 'stability', label, kind: 'hline', x: [], y: [threshold] }];
}

const targetLine = (s: number, k: number): TheorySeries => ({ id: 'targets', label: `target s, mode ${k}`, kind: 'hline', x: [], y: [s], index: k });

export function theoryOverlays(p: MultipathParams): TheorySeries[] {
  const depths = pathwayDepths(p);
  const homogeneous = depths.every((L) => L === depths[0]);
  const series = stabilityLine(p);
  if (!linearTheoryApplies(p)) {
    p.targets.forEach((s, k) => series.push(targetLine(s, k)));
    return series;
  }
  if (hasOffsets(p)) {
    p.targets.forEach((s, k) => {
      series.push(
        targetLine(s, k),
        { id: 'flowAllocation', label: `gradient-flow end point (conserved λ_p), mode ${k}`, kind: 'hline', x: [], y: offsetAllocation(p, s), index: k },
      );
    });
    return series;
  }
  modePredictions(p).forEach((m, k) => {
    series.push(
      { id: 'singleSharpness', label: `λ_single, winner-takes-all (Prop. 4.1), mode ${k}`, kind: 'hline', x: [], y: [m.singleSharpness], index: k },
      { id: 'minSharpness', label: `λ_min, flattest split (Thm 4.2 / Prop. 5.1), mode ${k}`, kind: 'hline', x: [], y: [m.minSharpness], index: k },
      targetLine(m.target, k),
      { id: 'flowAllocation', label: `gradient-flow end point (conservation law), mode ${k}`, kind: 'hline', x: [], y: m.flowAllocation, index: k },
      { id: 'minAllocation', label: `minimum-sharpness allocation a*_p (18), mode ${k}`, kind: 'hline', x: [], y: m.minAllocation, index: k },
    );
    const rebalances = m.outcome === 'partial-rebalancing' || m.outcome === 'full-rebalancing';
    const stop = gdTheoryApplies(p) && homogeneous && rebalances ? stoppingAllocation(depths.length, depths[0], m.target, p.learningRate) : null;
    if (stop) {
      series.push({ id: 'stoppingAllocation', label: `stopping boundary λ = 2/η, minor pathways equal (App. E.6), mode ${k}`, kind: 'hline', x: [], y: stop, index: k });
    }
  });
  return series;
}
