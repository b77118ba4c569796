// Theory next to the data: per-mode predictions for a run's parameters (summary fields) and the
// overlays drawn on its charts.
import type { RunSummary, TheorySeries } from '../../family';
import { pathwayDepths, pathwayInitScales, type MultipathParams } from './params';
import { outcomeCode, predictedRebalancingRank, predictMode, reductionFactor, stoppingAllocation, wcrConstant, type ModePrediction } from './theory';

export function modePredictions(p: MultipathParams): ModePrediction[] {
  const depths = pathwayDepths(p), scales = pathwayInitScales(p);
  return p.targets.map((s) => predictMode(depths, scales, s, p.learningRate));
}

const leadMode = (p: MultipathParams): number => p.targets.indexOf(Math.max(...p.targets));

/** Summary fields of the predictions, merged into every run's summary. */
export function predictionSummary(p: MultipathParams): RunSummary {
  const modes = modePredictions(p);
  const lead = modes[leadMode(p)];
  const depths = pathwayDepths(p);
  const homogeneous = depths.every((L) => L === depths[0]);
  return {
    predictedOutcome: lead.outcome,
    predictedOutcomeCode: outcomeCode(lead.outcome),
    predictedRebalancingProgress: lead.progress,
    predictedFinalSharpness: lead.finalSharpness,
    predictedRank: predictedRebalancingRank(modes, p.learningRate),
    flowAllocation: lead.flowAllocation,
    flowSharpness: lead.flowSharpness,
    singleSharpness: lead.singleSharpness,
    minSharpness: lead.minSharpness,
    minAllocation: lead.minAllocation,
    reductionFactor: homogeneous ? reductionFactor(depths.length, depths[0]) : lead.minSharpness / lead.singleSharpness,
    etaLow: lead.etaLow,
    etaHigh: lead.etaHigh,
    etaWcr: lead.etaWcr,
    wcrConstant: wcrConstant(Math.min(...depths)),
    modeEtaLow: modes.map((m) => m.etaLow),
    modeEtaHigh: modes.map((m) => m.etaHigh),
  };
}

export function theoryOverlays(p: MultipathParams): TheorySeries[] {
  const depths = pathwayDepths(p);
  const homogeneous = depths.every((L) => L === depths[0]);
  const series: TheorySeries[] = [{ id: 'stability', label: '2/η (GD stability threshold)', kind: 'hline', x: [], y: [2 / p.learningRate] }];
  modePredictions(p).forEach((m, k) => {
    series.push(
      { id: 'singleSharpness', label: `λ_single, winner-takes-all (Prop. 4.1), mode ${k}`, kind: 'hline', x: [], y: [m.singleSharpness], index: k },
      { id: 'minSharpness', label: `λ_min, flattest split (Thm 4.2 / Prop. 5.1), mode ${k}`, kind: 'hline', x: [], y: [m.minSharpness], index: k },
      { id: 'targets', label: `target s, mode ${k}`, kind: 'hline', x: [], y: [m.target], index: k },
      { id: 'flowAllocation', label: `gradient-flow end point (conservation law), mode ${k}`, kind: 'hline', x: [], y: m.flowAllocation, index: k },
      { id: 'minAllocation', label: `minimum-sharpness allocation a*_p (18), mode ${k}`, kind: 'hline', x: [], y: m.minAllocation, index: k },
    );
    const stop = homogeneous && (m.outcome === 'partial-rebalancing' || m.outcome === 'full-rebalancing') ? stoppingAllocation(depths.length, depths[0], m.target, p.learningRate) : null;
    if (stop) {
      series.push({ id: 'stoppingAllocation', label: `stopping boundary λ = 2/η, minor pathways equal (App. E.6), mode ${k}`, kind: 'hline', x: [], y: stop, index: k });
    }
  });
  return series;
}
