// Paper 002 §5–6 on the runs' course: the two regimes of Fig. 1, the stopping boundary λ = 2/η of
// Fig. 2, the heterogeneous-depth race and its limit a* (Fig. 4, Fig. 9), rank-k balancing (24),
// gradient flow's conservation law (Prop. E.3), the balancing gap's two-step contraction at the
// edge of stability (Thm E.11), and warm-up (§6). Every check reads measured summary fields.
import type { AnalysisDefinition, AnalysisResult } from '../../family';
import { brentRoot } from '../../numeric/roots';
import { leadTarget, parseRuns, summaryNumber, type ParsedRun } from './analysis-common';
import { pathwayDepths, pathwayInitScales } from './params';
import { gdTheoryApplies } from './predictions';
import { minSharpnessAllocation, predictMode, zeroLossSharpness } from './theory';
import { leadValues } from './zero-loss-analysis';

type Check = AnalysisResult['checks'][number];

const WINNER_SHARE = 0.99;
const NEAR_SINGLE = 0.99;
const MIN_PROGRESS = 0.1;
/** Runs stop 0.2–0.5 % inside the boundary: the drift slows as λ → 2/η (App. E.6). */
const ON_BOUNDARY = 0.01;
const ABOVE_BOUNDARY = 1e-3;
const STOPPING_POINT = 0.02;
const LIMIT_TOLERANCE = 0.01;
const FLOW_DRIFT = 1e-6;
const FLOW_END = 1e-5;
const SLOPE_RANGE: [number, number] = [0.8, 1.2];
const CONTRACTING_SHARE = 0.9;
const BEFORE_EOS_TOLERANCE = 1e-3;
/** Runs this far re-balanced (ρ) end close enough to the balanced leaf for the quadratic expansion (58). */
const NEAR_BALANCED = 0.9;
const LEAF_SLOPE_TOLERANCE = 0.15;

const has = (r: ParsedRun, key: string): boolean => summaryNumber(r.run, key) !== null;
/** Finished at a zero-loss point, with its end point and sharpness recorded. */
const converged = (r: ParsedRun): boolean =>
  r.run.status === 'done' && summaryNumber(r.run, 'converged') === 1 && leadValues(r) !== null && summaryNumber(r.run, 'finalSharpness') !== null;

/** Reduced GD runs from the small initialization (no chain start or search). */
const smallInitGd = (r: ParsedRun): boolean =>
  r.params.model === 'reduced' && r.params.dynamics === 'gd' && gdTheoryApplies(r.params) && !r.params.worstCaseStart && !r.params.wcrSearch;

const prediction = (r: ParsedRun) => predictMode(pathwayDepths(r.params), pathwayInitScales(r.params), leadTarget(r.params), r.params.learningRate);
const equalDepths = (r: ParsedRun): boolean => new Set(pathwayDepths(r.params)).size === 1;

/** Two pathways of different depth: the zero-loss split on the shallow side of a* where λ = 2/η (App. E.6), or null outside the window. */
export function shallowStoppingShare(depths: readonly number[], target: number, eta: number): number | null {
  if (depths.length !== 2 || depths[0] === depths[1]) return null;
  const shallow = depths[0] < depths[1] ? 0 : 1;
  const star = minSharpnessAllocation(depths, target).allocation[shallow];
  const miss = (x: number): number => zeroLossSharpness(depths, shallow === 0 ? [x, target - x] : [target - x, x]) - 2 / eta;
  if (miss(star) > 0 || miss(target) < 0) return null;
  return brentRoot(miss, star, target, miss(star), miss(target)).x;
}

function regimeChecks(runs: ParsedRun[]): Check[] {
  const usable = runs.filter((r) => equalDepths(r) && r.params.pathways >= 2 && r.params.warmupSteps === 0 && r.run.status === 'done');
  // Below the window GD repeats the flow: winner-takes-all where the flow's own end point is (an asymmetric start, L ≥ 3).
  const flowWinner = (r: ParsedRun): boolean => {
    const flow = r.run.summary?.flowAllocation;
    return Array.isArray(flow) && Math.max(...flow.map(Number)) >= WINNER_SHARE * leadTarget(r.params);
  };
  const below = usable.filter((r) => converged(r) && r.params.learningRate < prediction(r).etaLow && flowWinner(r));
  const window = usable.filter((r) => {
    const m = prediction(r);
    return r.params.learningRate > m.etaLow && r.params.learningRate <= m.etaHigh && converged(r);
  });
  const above = usable.filter((r) => r.params.learningRate > prediction(r).etaHigh);
  const checks: Check[] = [];
  if (below.length > 0) {
    const share = Math.min(...below.map((r) => Math.max(...(leadValues(r) as number[])) / leadTarget(r.params)));
    const sharp = Math.min(...below.map((r) => (summaryNumber(r.run, 'finalSharpness') ?? 0) / prediction(r).singleSharpness));
    checks.push(
      { name: `η < 2/λ_single, gradient flow's end point winner-takes-all (${below.length} runs): smallest share of the mode in the leading pathway`, value: share, expected: 1, tolerance: `≥ ${WINNER_SHARE}`, pass: share >= WINNER_SHARE, claim: '002-4' },
      { name: 'η < 2/λ_single: smallest final sharpness / λ_single (the sharp single-path minimum)', value: sharp, expected: 1, tolerance: `≥ ${NEAR_SINGLE}`, pass: sharp >= NEAR_SINGLE, claim: '002-4' },
    );
  }
  if (window.length > 0) {
    const ordered = window.filter((r) => {
      const [sb, eos, rb] = ['symmetryBreakingStep', 'edgeOfStabilityStep', 'rebalancingStep'].map((k) => summaryNumber(r.run, k));
      // Re-balancing is ρ ≥ 0.1 at the end (the class boundary); the chart's marker (ι 10 % below its peak) may be missing near 2/λ_single.
      return sb !== null && eos !== null && sb <= eos && (rb === null || eos < rb) && (summaryNumber(r.run, 'rebalancingProgress') ?? 0) >= MIN_PROGRESS;
    }).length;
    checks.push({
      name: 'runs inside the window 2/λ_single < η ≤ 2/λ_min: symmetry breaking, then the edge of stability, then re-balancing (ρ ≥ 0.1 at the end; the re-balancing marker, where drawn, after the edge of stability)',
      value: ordered,
      expected: window.length,
      tolerance: 'all runs',
      pass: ordered === window.length,
      claim: '002-4',
    });
    // The stopping boundary is predicted where GD cannot stay at the flow's own end point: λ_flow > 2/η.
    const eos = window.filter((r) => has(r, 'edgeOfStabilityStep') && prediction(r).flowSharpness > 2 / r.params.learningRate);
    if (eos.length > 0) {
      const ratios = eos.map((r) => (summaryNumber(r.run, 'finalSharpness') as number) * r.params.learningRate / 2);
      const gap = Math.max(...ratios.map((x) => Math.abs(x - 1))), highest = Math.max(...ratios);
      const worst = eos[ratios.findIndex((x) => Math.abs(x - 1) === gap)];
      // The runs are the exact GD recursion: a run that settles further inside than the tolerance contradicts
      // the paper's stopping boundary (its measured gap is then the true value); one above 2/η would be our error.
      const holds = gap <= ON_BOUNDARY;
      checks.push({
        name:
          `runs inside the window (${eos.length}): final sharpness on the stopping boundary 2/η, largest |λ_final·η/2 − 1| ` +
          `(P = ${worst.params.pathways}, η = ${worst.params.learningRate}; highest ratio ${highest.toFixed(5)}, never above 1 + ${ABOVE_BOUNDARY})`,
        value: gap,
        expected: holds ? 0 : gap,
        tolerance: `paper: ≤ ${ON_BOUNDARY}; no ratio above 1 + ${ABOVE_BOUNDARY}`,
        pass: highest <= 1 + ABOVE_BOUNDARY,
        claim: '002-5',
        paperValue: holds ? 'λ = 2/η' : 0,
        paperHolds: holds,
      });
    }
  }
  if (above.length > 0) {
    const settled = above.filter(converged).length;
    checks.push({ name: `runs above 2/λ_min (${above.length}): how many converged to a zero-loss point`, value: settled, expected: 0, tolerance: 'none', pass: settled === 0, claim: '002-5' });
  }
  return checks;
}

function depthChecks(runs: ParsedRun[]): Check[] {
  const mixed = runs.filter((r) => r.params.pathways === 2 && !equalDepths(r) && r.params.warmupSteps === 0 && converged(r) && has(r, 'edgeOfStabilityStep'));
  if (mixed.length === 0) return [];
  const shallowIndex = (r: ParsedRun): number => (pathwayDepths(r.params)[0] < pathwayDepths(r.params)[1] ? 0 : 1);
  const checks: Check[] = [];
  const shallowLed = mixed.filter((r) => summaryNumber(r.run, 'symmetryBreakingLeader') === shallowIndex(r)).length;
  const pairs = new Set(mixed.map((r) => pathwayDepths(r.params).join(',')));
  const stops = mixed.map((r) => {
    const predicted = shallowStoppingShare(pathwayDepths(r.params), leadTarget(r.params), r.params.learningRate);
    const measured = (leadValues(r) as number[])[shallowIndex(r)];
    return predicted === null ? Infinity : Math.abs(measured / predicted - 1);
  });
  const worstStop = Math.max(...stops);
  const claim = pairs.size >= 3 ? '002-10' : '002-9';
  checks.push(
    { name: `mixed depths (${[...pairs].join('; ')}): runs whose shallow pathway led when symmetry broke`, value: shallowLed, expected: mixed.length, tolerance: 'all runs', pass: shallowLed === mixed.length, claim },
    {
      name: 'mixed depths: final shallow share against the zero-loss point on the shallow side of a* where λ = 2/η, worst relative error',
      value: worstStop,
      expected: 0,
      tolerance: `≤ ${STOPPING_POINT}`,
      pass: worstStop <= STOPPING_POINT,
      claim,
    },
  );
  if (pairs.size >= 3) {
    const onBoundary = Math.max(...mixed.map((r) => Math.abs((summaryNumber(r.run, 'finalSharpness') as number) * r.params.learningRate / 2 - 1)));
    checks.push({ name: `mixed depths over ${pairs.size} depth pairs: largest |λ_final·η/2 − 1|`, value: onBoundary, expected: 0, tolerance: `≤ ${ON_BOUNDARY}`, pass: onBoundary <= ON_BOUNDARY, claim: '002-10' });
  }
  for (const pair of pairs) {
    const group = mixed.filter((r) => pathwayDepths(r.params).join(',') === pair);
    if (new Set(group.map((r) => r.params.learningRate)).size < 3) continue;
    const depths = pathwayDepths(group[0].params), s = leadTarget(group[0].params);
    const min = minSharpnessAllocation(depths, s);
    const shallow = shallowIndex(group[0]);
    const x = group.map((r) => Math.sqrt(Math.max((summaryNumber(r.run, 'finalSharpness') as number) - min.sharpness, 0)));
    const y = group.map((r) => (leadValues(r) as number[])[shallow]);
    const n = x.length, mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
    const slope = x.reduce((acc, xi, i) => acc + (xi - mx) * (y[i] - my), 0) / x.reduce((acc, xi) => acc + (xi - mx) ** 2, 0);
    const limit = my - slope * mx;
    const gap = Math.abs(limit - min.allocation[shallow]);
    checks.push({
      name: `depths (${pair}), ${n} step sizes: final shallow share extrapolated to λ_final = λ_min (least squares against √(λ_final − λ_min)) = ${limit.toFixed(5)}, against a*_shallow = ${min.allocation[shallow].toFixed(5)} (18)`,
      value: limit,
      expected: min.allocation[shallow],
      tolerance: `within ${LIMIT_TOLERANCE}`,
      pass: gap <= LIMIT_TOLERANCE,
      claim: '002-9',
      paperValue: 'a* equalizing marginal sharpness',
    });
  }
  return checks;
}

function rankCheck(runs: ParsedRun[]): Check[] {
  const multi = runs.filter((r) => r.params.targets.length >= 2 && r.params.pathways >= 2 && r.params.warmupSteps === 0 && converged(r) && Array.isArray(r.run.summary?.modeOutcomeCodes));
  if (multi.length === 0) return [];
  let modes = 0, agree = 0;
  for (const r of multi) {
    const codes = (r.run.summary?.modeOutcomeCodes as unknown[]).map(Number);
    const low = (r.run.summary?.modeEtaLow as unknown[]).map(Number);
    codes.forEach((code, k) => {
      modes++;
      const rebalanced = code === 1 || code === 2;
      if (rebalanced === r.params.learningRate > low[k]) agree++;
    });
  }
  return [
    {
      name: `modes (${modes} in ${multi.length} runs) that re-balanced (ρ ≥ 0.1 after the edge of stability) exactly when η > 2/λ_single,k (24)`,
      value: agree,
      expected: modes,
      tolerance: 'all modes',
      pass: agree === modes,
      claim: '002-14',
      paperValue: 'rank = #{k : η > 2/(L s_k^{2−2/L})}',
    },
  ];
}

function conservationChecks(all: ParsedRun[]): Check[] {
  const checks: Check[] = [];
  const flows = all.filter(
    (r) => r.params.model === 'reduced' && r.params.dynamics === 'flow' && gdTheoryApplies(r.params) && converged(r) && has(r, 'flowInvariantDrift') && Array.isArray(r.run.summary?.flowAllocation),
  );
  if (flows.length > 0) {
    const drift = Math.max(...flows.map((r) => summaryNumber(r.run, 'flowInvariantDrift') as number));
    const end = Math.max(
      ...flows.map((r) => {
        const predicted = (r.run.summary?.flowAllocation as unknown[]).map(Number);
        return Math.max(...(leadValues(r) as number[]).map((a, p) => Math.abs(a - predicted[p]))) / leadTarget(r.params);
      }),
    );
    checks.push(
      { name: `gradient-flow runs (${flows.length}): relative drift of w_p^{2−L} − w_0^{2−L} (log ratio at L = 2) from start to end, largest`, value: drift, expected: 0, tolerance: `≤ ${FLOW_DRIFT}`, pass: drift <= FLOW_DRIFT, claim: '002-16', paperValue: 0 },
      { name: 'gradient-flow runs: end point against the split the conserved quantity predicts, largest |Δa|/s', value: end, expected: 0, tolerance: `≤ ${FLOW_END}`, pass: end <= FLOW_END, claim: '002-16' },
    );
  }
  const gd = all.filter((r) => smallInitGd(r) && r.params.warmupSteps === 0 && converged(r) && !has(r, 'edgeOfStabilityStep') && (summaryNumber(r.run, 'flowInvariantDrift') ?? 0) > 0);
  // One slope per setting: the same network and start, only η differs.
  const groups = new Map<string, ParsedRun[]>();
  for (const r of gd) {
    const { learningRate: _eta, maxSteps: _steps, ...setting } = r.params;
    const key = JSON.stringify(setting);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const slopes = [...groups.values()]
    .filter((group) => new Set(group.map((r) => r.params.learningRate)).size >= 2)
    .map((group) => {
      const x = group.map((r) => Math.log(r.params.learningRate)), y = group.map((r) => Math.log(summaryNumber(r.run, 'flowInvariantDrift') as number));
      const n = x.length, mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
      return x.reduce((acc, xi, i) => acc + (xi - mx) * (y[i] - my), 0) / x.reduce((acc, xi) => acc + (xi - mx) ** 2, 0);
    });
  if (slopes.length > 0) {
    const slope = slopes.reduce((worst, v) => (Math.abs(v - 1) > Math.abs(worst - 1) ? v : worst));
    checks.push({
      name: `GD runs below the edge of stability (${slopes.length} setting(s) at several η): log–log slope of the conserved quantity's drift against η, furthest from 1 (GD breaks the law at O(η); the flow is its η → 0 limit)`,
      value: slope,
      expected: 1,
      tolerance: `in [${SLOPE_RANGE[0]}, ${SLOPE_RANGE[1]}]`,
      pass: slopes.every((v) => v >= SLOPE_RANGE[0] && v <= SLOPE_RANGE[1]),
      claim: '002-16',
    });
  }
  return checks;
}

/** Thm E.11 is stated for one mode on equal-depth pathways: the gap is then a distance from the balanced leaf. */
function gapChecks(all: ParsedRun[]): Check[] {
  const runs = all.filter((r) => equalDepths(r) && r.params.targets.length === 1 && r.params.pathways >= 2);
  const checks: Check[] = [];
  const eos = runs.filter((r) => r.params.warmupSteps === 0 && (summaryNumber(r.run, 'gapWindowsEos') ?? 0) >= 10 && converged(r));
  if (eos.length > 0) {
    const factor = Math.max(...eos.map((r) => summaryNumber(r.run, 'gapTwoStepFactorEos') as number));
    const share = Math.min(...eos.map((r) => summaryNumber(r.run, 'gapContractingShareEos') as number));
    checks.push(
      { name: `runs past the edge of stability (${eos.length}): geometric-mean two-step factor G_{t+2}/G_t of the balancing gap over that phase, largest`, value: factor, expected: null, tolerance: '< 1', pass: factor < 1, claim: '002-17' },
      { name: 'runs past the edge of stability: share of two-step windows in which the balancing gap contracts, smallest', value: share, expected: 1, tolerance: `≥ ${CONTRACTING_SHARE}`, pass: share >= CONTRACTING_SHARE, claim: '002-17' },
    );
  }
  // Prop. E.4: near the balanced leaf the end point's sharpness excess is quadratic in the leaf coordinate z, i.e. linear in G = Var z.
  const nearBalanced = runs.filter(
    (r) => r.params.warmupSteps === 0 && converged(r) && (summaryNumber(r.run, 'rebalancingProgress') ?? 0) >= NEAR_BALANCED && (summaryNumber(r.run, 'finalLeafVariance') ?? 0) > 0,
  );
  const leafGroups = new Map<string, ParsedRun[]>();
  for (const r of nearBalanced) {
    const { learningRate: _eta, maxSteps: _steps, ...setting } = r.params;
    leafGroups.set(JSON.stringify(setting), [...(leafGroups.get(JSON.stringify(setting)) ?? []), r]);
  }
  for (const group of leafGroups.values()) {
    if (new Set(group.map((r) => r.params.learningRate)).size < 3) continue;
    const lambdaMin = minSharpnessAllocation(pathwayDepths(group[0].params), leadTarget(group[0].params)).sharpness;
    const points = group.filter((r) => (summaryNumber(r.run, 'finalSharpness') as number) > lambdaMin);
    const x = points.map((r) => Math.log(summaryNumber(r.run, 'finalLeafVariance') as number));
    const y = points.map((r) => Math.log((summaryNumber(r.run, 'finalSharpness') as number) - lambdaMin));
    const n = x.length, mx = x.reduce((a, b) => a + b) / n, my = y.reduce((a, b) => a + b) / n;
    const slope = x.reduce((acc, xi, i) => acc + (xi - mx) * (y[i] - my), 0) / x.reduce((acc, xi) => acc + (xi - mx) ** 2, 0);
    checks.push({
      name: `runs ending near the balanced leaf (ρ ≥ ${NEAR_BALANCED}, ${n} step sizes): log–log slope of the end point's sharpness excess λ_final − λ_min against its leaf variance G (1: quadratic in the leaf coordinate, Prop. E.4)`,
      value: slope,
      expected: 1,
      tolerance: `within ${LEAF_SLOPE_TOLERANCE} (the expansion is second order; the next order moves the slope by O(z): 0.92–0.97 between ρ = 0.92 and 0.98)`,
      pass: Math.abs(slope - 1) <= LEAF_SLOPE_TOLERANCE,
      claim: '002-17',
    });
  }
  const before = runs.filter((r) => r.params.warmupSteps === 0 && !has(r, 'edgeOfStabilityStep') && (summaryNumber(r.run, 'gapWindowsBefore') ?? 0) >= 5);
  if (before.length > 0) {
    const off = Math.max(...before.map((r) => Math.abs((summaryNumber(r.run, 'gapTwoStepFactorBefore') as number) - 1)));
    checks.push({ name: `runs that never met the edge of stability (${before.length}): |two-step factor − 1| of the gap once the mode is half learned (gradient flow keeps it)`, value: off, expected: 0, tolerance: `≤ ${BEFORE_EOS_TOLERANCE}`, pass: off <= BEFORE_EOS_TOLERANCE, claim: '002-17' });
  }
  return checks;
}

function warmupCheck(runs: ParsedRun[]): Check[] {
  const warm = runs.filter((r) => r.params.warmupSteps > 0 && r.run.status !== 'running');
  if (warm.length === 0) return [];
  const cold = runs.filter((r) => r.params.warmupSteps === 0 && warm.some((w) => w.params.learningRate === r.params.learningRate && w.params.pathways === r.params.pathways));
  const flipped = (r: ParsedRun): boolean => r.run.status === 'diverged' || has(r, 'signFlipStep');
  const survived = warm.filter(
    (r) =>
      !flipped(r) &&
      converged(r) &&
      (summaryNumber(r.run, 'finalSharpness') as number) <= (2 / r.params.learningRate) * (1 + ABOVE_BOUNDARY) &&
      (summaryNumber(r.run, 'rebalancingProgress') ?? 0) >= MIN_PROGRESS,
  ).length;
  const coldFlipped = cold.filter(flipped).length;
  return [
    {
      name: `same η without warm-up (${cold.length}) crossing zero, plus with warm-up (${warm.length}) surviving: no sign flip, converged, λ_final ≤ 2/η, ρ ≥ 0.1`,
      value: coldFlipped + survived,
      expected: cold.length + warm.length,
      tolerance: 'all runs, with at least one of each',
      pass: cold.length > 0 && coldFlipped + survived === cold.length + warm.length,
      claim: '002-18',
    },
  ];
}

export const eosAnalysis: AnalysisDefinition = {
  id: 'edge-of-stability-claims',
  title: 'Edge-of-stability dynamics measured (paper 002, Figs. 1, 2, 4, 9, eq. (24), Prop. E.3, Thm E.11, §6 warm-up)',
  description:
    'Reduced-model runs: the regimes below and inside the window; the final sharpness against the stopping boundary 2/η; the ' +
    'heterogeneous-depth race, its stopping points and their limit a*; which modes re-balance (24); the drift of gradient flow\'s ' +
    'conserved quantity; the balancing gap\'s two-step contraction at the edge of stability; and warm-up against the sign flip.',
  applies(runs) {
    return parseRuns(runs).parsed.some((r) => r.params.model === 'reduced' && gdTheoryApplies(r.params) && !r.params.worstCaseStart && !r.params.wcrSearch);
  },
  run(runs) {
    const all = parseRuns(runs).parsed;
    const gd = all.filter(smallInitGd);
    const checks = [...regimeChecks(gd), ...depthChecks(gd), ...rankCheck(gd), ...conservationChecks(all), ...gapChecks(gd), ...warmupCheck(gd)];
    const rows = [...gd, ...all.filter((r) => r.params.dynamics === 'flow')].map((r) => ({
      run: r.run.runId,
      eta: r.params.learningRate,
      dynamics: r.params.dynamics,
      depths: pathwayDepths(r.params).join(','),
      warmup: r.params.warmupSteps,
      outcome: String(r.run.summary?.outcome ?? r.run.status),
      finalOverThreshold: has(r, 'finalSharpness') ? (summaryNumber(r.run, 'finalSharpness') as number) * r.params.learningRate / 2 : null,
      leaderAtBreak: summaryNumber(r.run, 'symmetryBreakingLeader'),
      invariantDrift: summaryNumber(r.run, 'flowInvariantDrift'),
      gapFactorEos: summaryNumber(r.run, 'gapTwoStepFactorEos'),
      gapShareEos: summaryNumber(r.run, 'gapContractingShareEos'),
      signFlipStep: summaryNumber(r.run, 'signFlipStep'),
    }));
    return {
      id: 'edge-of-stability-claims',
      title: 'Edge-of-stability dynamics measured (paper 002, Figs. 1, 2, 4, 9, eq. (24), Prop. E.3, Thm E.11, §6 warm-up)',
      columns: [
        { key: 'run', label: 'run' },
        { key: 'eta', label: 'η' },
        { key: 'dynamics', label: 'dynamics' },
        { key: 'depths', label: 'L_p' },
        { key: 'warmup', label: 'warm-up steps' },
        { key: 'outcome', label: 'outcome' },
        { key: 'finalOverThreshold', label: 'λ_final·η/2' },
        { key: 'leaderAtBreak', label: 'leader at symmetry breaking' },
        { key: 'invariantDrift', label: 'drift of w_p^{2−L} − w_0^{2−L}' },
        { key: 'gapFactorEos', label: 'gap two-step factor (EoS)' },
        { key: 'gapShareEos', label: 'contracting share (EoS)' },
        { key: 'signFlipStep', label: 'sign flip at' },
      ],
      rows,
      checks,
      notes: [
        'Balancing gap G: variance over the pathways of the leaf coordinates φ(w_p) = w_p^{2−L}/(2−L) (log w at L = 2) of the lead mode, which gradient flow shifts together (Prop. E.3), so G is fixed along the flow.',
        'Mixed depths: the stopping point is the zero-loss split on the shallow side of a* whose sharpness is 2/η; the limit a* is read off the runs by extrapolating the final shallow share linearly in √(λ_final − λ_min), the square-root law of a quadratic minimum (Prop. E.4).',
      ],
    };
  },
};
