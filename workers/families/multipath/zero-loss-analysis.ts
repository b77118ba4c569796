// Paper 002's statements about zero-loss points, measured on the runs' end points: the layer
// Hessian is rank one with eigenvalue Σ_p L_p a_p^{2−2/L_p} (Prop. 4.1 / 5.1), the equal split is
// the flattest (Thm 4.2) except at depth 2 (factor 1), the Lagrange allocation (18) minimizes the
// Hessian's top eigenvalue, and GD keeps a zero-loss point iff η < 2/λ there (Prop. D.1).
import type { AnalysisDefinition, AnalysisResult } from '../../family';
import { leadTarget, parseRuns, summaryNumber, type ParsedRun } from './analysis-common';
import { pathwayDepths } from './params';
import { gdTheoryApplies } from './predictions';
import { gdStep, residuals } from './reduced';
import { layerHessianTop } from './run-measures';
import { minSharpnessAllocation, zeroLossSharpness } from './theory';

type Check = AnalysisResult['checks'][number];

const HESSIAN_TOLERANCE = 1e-5;
const FACTOR_TOLERANCE = 1e-6;
const FLATTER_SLACK = 1e-9;
const DEPTH2_TOLERANCE = 1e-6;
const DEPTH2_SHARE_SPREAD = 0.3;
const ALLOCATION_TOLERANCE = 1e-5;
/** μ by central differences (step 1e-6·w) against 1 − ηλ from the run's exact sharpness at |r| ≤ 1e-8·s. */
const MULTIPLIER_TOLERANCE = 1e-6;

/** Lead-mode final values a_p of a run (null where missing or not finite). */
export function leadValues(r: ParsedRun): number[] | null {
  const values = r.run.summary?.finalValues;
  if (!Array.isArray(values)) return null;
  const P = r.params.pathways, k = r.params.targets.indexOf(leadTarget(r.params));
  const mode = values.slice(k * P, (k + 1) * P).map(Number);
  return mode.length === P && mode.every(Number.isFinite) ? mode : null;
}

/** Converged plain-GD or flow runs of the reduced model from the small initialization. */
const convergedReduced = (r: ParsedRun): boolean =>
  r.params.model === 'reduced' &&
  gdTheoryApplies(r.params) &&
  r.run.status === 'done' &&
  summaryNumber(r.run, 'converged') === 1 &&
  leadValues(r) !== null &&
  summaryNumber(r.run, 'finalSharpness') !== null;

const equalDepth = (r: ParsedRun): number | null => {
  const depths = pathwayDepths(r.params);
  return depths.every((L) => L === depths[0]) ? depths[0] : null;
};

const leadShare = (a: number[]): number => Math.max(...a) / a.reduce((x, y) => x + y, 0);

/** Minimizer over a₀ ∈ [0, s] of the layer Hessian's top eigenvalue at the zero-loss point (a₀, s − a₀) (golden section). */
export function flattestSplitByHessian(depths: readonly [number, number], target: number): number[] {
  const top = (a0: number): number => layerHessianTop(depths, [a0 ** (1 / depths[0]), (target - a0) ** (1 / depths[1])], target).top;
  let lo = 0, hi = target;
  const g = (Math.sqrt(5) - 1) / 2;
  while (hi - lo > 1e-10 * target) {
    const c = hi - g * (hi - lo), d = lo + g * (hi - lo);
    if (top(c) <= top(d)) hi = d;
    else lo = c;
  }
  const a0 = 0.5 * (lo + hi);
  return [a0, target - a0];
}

/** The non-unit eigenvalue of one GD step's Jacobian at a zero-loss point: trace minus the P − 1 flat directions. */
export function gdCurvatureMultiplier(depths: readonly number[], allocation: readonly number[], target: number, eta: number): number {
  const model = { targets: [target], depths };
  const w0 = Float64Array.from(allocation, (a, p) => Math.max(a, 0) ** (1 / depths[p]));
  const r = new Float64Array(1);
  const step = (w: Float64Array): Float64Array => {
    const next = Float64Array.from(w);
    residuals(model, next, r);
    gdStep(model, next, r, eta);
    return next;
  };
  let trace = 0;
  for (let j = 0; j < w0.length; j++) {
    const h = 1e-6 * Math.max(w0[j], 1e-3);
    const plus = Float64Array.from(w0), minus = Float64Array.from(w0);
    plus[j] += h;
    minus[j] -= h;
    trace += (step(plus)[j] - step(minus)[j]) / (2 * h);
  }
  return trace - (w0.length - 1);
}

function hessianChecks(runs: ParsedRun[]): Check[] {
  const measured = runs.filter((r) => summaryNumber(r.run, 'finalLayerHessianTop') !== null);
  if (measured.length === 0) return [];
  const errors = measured.map((r) => {
    const top = summaryNumber(r.run, 'finalLayerHessianTop') as number, second = summaryNumber(r.run, 'finalLayerHessianSecond') ?? 0;
    const formula = zeroLossSharpness(pathwayDepths(r.params), leadValues(r) as number[]);
    return { formula: Math.abs(top / formula - 1), rank: Math.abs(second) / top, heterogeneous: equalDepth(r) === null };
  });
  const worst = Math.max(...errors.map((e) => e.formula)), rank = Math.max(...errors.map((e) => e.rank));
  const checks: Check[] = [
    {
      name: `converged runs (${measured.length}): top eigenvalue of the full layer Hessian at the end point against Σ_p L_p a_p^{2−2/L_p} of the final a_p, worst relative error`,
      value: worst,
      expected: 0,
      tolerance: `≤ ${HESSIAN_TOLERANCE}`,
      pass: worst <= HESSIAN_TOLERANCE,
      claim: '002-1',
      paperValue: 'Σ_p L a_p^{2−2/L}',
    },
    {
      name: 'converged runs: second eigenvalue of the layer Hessian over the top one at the end point (rank one), largest',
      value: rank,
      expected: 0,
      tolerance: `≤ ${HESSIAN_TOLERANCE}`,
      pass: rank <= HESSIAN_TOLERANCE,
      claim: '002-1',
    },
  ];
  const mixed = errors.filter((e) => e.heterogeneous);
  if (mixed.length > 0) {
    const worstMixed = Math.max(...mixed.map((e) => e.formula));
    checks.push({
      name: `converged runs with mixed depths (${mixed.length}): measured sharpness (layer Hessian) against Σ_p L_p a_p^{2−2/L_p} (17), worst relative error`,
      value: worstMixed,
      expected: 0,
      tolerance: `≤ ${HESSIAN_TOLERANCE}`,
      pass: worstMixed <= HESSIAN_TOLERANCE,
      claim: '002-8',
    });
  }
  return checks;
}

/** Thm 4.2 from the runs: per (L ≥ 3, s), P = 1 gives λ_single; for each P the flattest split found against the equal one. */
function flattestChecks(runs: ParsedRun[]): Check[] {
  const groups = new Map<string, ParsedRun[]>();
  for (const r of runs) {
    const L = equalDepth(r);
    if (L === null || L < 3) continue;
    const key = `${L}:${leadTarget(r.params)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const factorErrors: number[] = [], flatterBy: number[] = [];
  for (const group of groups.values()) {
    const L = equalDepth(group[0]) as number;
    const single = group.find((r) => r.params.pathways === 1);
    for (const P of new Set(group.map((r) => r.params.pathways).filter((P) => P >= 2))) {
      const atP = group.filter((r) => r.params.pathways === P);
      const balanced = atP.reduce((best, r) => ((summaryNumber(r.run, 'finalImbalance') ?? 1) < (summaryNumber(best.run, 'finalImbalance') ?? 1) ? r : best));
      if ((summaryNumber(balanced.run, 'finalImbalance') ?? 1) > 1e-6) continue;
      const lambdaEqual = summaryNumber(balanced.run, 'finalSharpness') as number;
      const flattest = Math.min(...atP.map((r) => summaryNumber(r.run, 'finalSharpness') as number));
      flatterBy.push((lambdaEqual - flattest) / lambdaEqual);
      if (single) factorErrors.push(Math.abs(lambdaEqual / (summaryNumber(single.run, 'finalSharpness') as number) / P ** ((2 - L) / L) - 1));
    }
  }
  const checks: Check[] = [];
  if (flatterBy.length > 0) {
    const worst = Math.max(...flatterBy);
    checks.push({
      name: 'equal depths L ≥ 3: how much flatter than the equal split (ι ≤ 1e-6) any other split the runs ended at is, relative, largest over P',
      value: worst,
      expected: 0,
      tolerance: `≤ ${FLATTER_SLACK}`,
      pass: worst <= FLATTER_SLACK,
      claim: '002-2',
    });
  }
  if (factorErrors.length > 0) {
    const worst = Math.max(...factorErrors);
    checks.push({
      name: `equal depths L ≥ 3: measured λ(equal split, P)/λ(P = 1 run) against P^{(2−L)/L} (Thm 4.2, (16)), worst relative error over ${factorErrors.length} P`,
      value: worst,
      expected: 0,
      tolerance: `≤ ${FACTOR_TOLERANCE}`,
      pass: worst <= FACTOR_TOLERANCE,
      claim: '002-2',
      paperValue: 'P^{(2−L)/L}',
    });
  }
  return checks;
}

function depthTwoChecks(runs: ParsedRun[]): Check[] {
  const two = runs.filter((r) => equalDepth(r) === 2 && summaryNumber(r.run, 'finalSharpness') !== null);
  if (two.length < 2) return [];
  const worst = Math.max(...two.map((r) => Math.abs((summaryNumber(r.run, 'finalSharpness') as number) / (2 * leadTarget(r.params)) - 1)));
  const shares = two.map((r) => leadShare(leadValues(r) as number[]));
  const spread = Math.max(...shares) - Math.min(...shares);
  return [
    {
      name: `depth 2 (${two.length} runs, leading shares ${Math.min(...shares).toFixed(3)}–${Math.max(...shares).toFixed(3)}): measured final sharpness against 2s, worst relative error`,
      value: worst,
      expected: 0,
      tolerance: `≤ ${DEPTH2_TOLERANCE}`,
      pass: worst <= DEPTH2_TOLERANCE,
      claim: '002-3',
      paperValue: '2s',
    },
    {
      name: 'depth 2: spread of the leading pathway\'s share over those runs (different splits compared)',
      value: spread,
      expected: null,
      tolerance: `≥ ${DEPTH2_SHARE_SPREAD}`,
      pass: spread >= DEPTH2_SHARE_SPREAD,
      claim: '002-3',
    },
  ];
}

function lagrangeChecks(runs: ParsedRun[]): Check[] {
  const seen = new Map<string, number>();
  for (const r of runs) {
    const depths = pathwayDepths(r.params);
    if (depths.length !== 2 || depths[0] === depths[1]) continue;
    const key = `${depths.join(',')}:${leadTarget(r.params)}`;
    if (seen.has(key)) continue;
    const s = leadTarget(r.params);
    const byHessian = flattestSplitByHessian([depths[0], depths[1]], s);
    seen.set(key, Math.abs(byHessian[0] - minSharpnessAllocation(depths, s).allocation[0]) / s);
  }
  if (seen.size === 0) return [];
  const worst = Math.max(...seen.values());
  return [
    {
      name: `mixed depths (${[...seen.keys()].join('; ')}): split minimizing the layer Hessian's top eigenvalue over zero-loss points (golden section) against the Lagrange solution of (18), largest |Δa|/s`,
      value: worst,
      expected: 0,
      tolerance: `≤ ${ALLOCATION_TOLERANCE}`,
      pass: worst <= ALLOCATION_TOLERANCE,
      claim: '002-8',
      paperValue: '2(L_p − 1) a_p^{(L_p−2)/L_p} = μ',
    },
  ];
}

/** One-mode plain-GD runs of the reduced model from the small initialization (no warm-up, no chain start or search). */
const stabilityRuns = (runs: ParsedRun[]): ParsedRun[] =>
  runs.filter(
    (r) =>
      r.params.model === 'reduced' &&
      r.params.dynamics === 'gd' &&
      gdTheoryApplies(r.params) &&
      r.params.targets.length === 1 &&
      !r.params.worstCaseStart &&
      !r.params.wcrSearch &&
      r.params.warmupSteps === 0 &&
      r.run.status === 'done',
  );

/**
 * Prop. D.1 on the runs: at every zero-loss point GD converged to, the curvature eigenvalue μ of one GD
 * step's Jacobian (central differences) equals 1 − ηλ with λ the run's measured sharpness and lies in
 * (−1, 1); runs above 2/λ_min that never converged have no such point: even the flattest split has |μ| > 1.
 */
function stabilityChecks(runs: ParsedRun[]): Check[] {
  const usable = stabilityRuns(runs);
  const checks: Check[] = [];
  const ended = usable.filter(convergedReduced);
  if (ended.length > 0) {
    const multipliers = ended.map((r) => ({ r, mu: gdCurvatureMultiplier(pathwayDepths(r.params), leadValues(r) as number[], leadTarget(r.params), r.params.learningRate) }));
    const error = Math.max(...multipliers.map(({ r, mu }) => Math.abs(mu - (1 - r.params.learningRate * (summaryNumber(r.run, 'finalSharpness') as number)))));
    const largest = Math.max(...multipliers.map(({ mu }) => Math.abs(mu)));
    checks.push({
      name: `converged runs (${ended.length}): curvature eigenvalue μ of one GD step's Jacobian at the end point (central differences) against 1 − ηλ_final, largest |difference| (largest |μ| ${largest.toFixed(5)}, must be < 1)`,
      value: error,
      expected: 0,
      tolerance: `≤ ${MULTIPLIER_TOLERANCE}, and |μ| < 1`,
      pass: error <= MULTIPLIER_TOLERANCE && largest < 1,
      claim: '002-15',
      paperValue: 'stable ⇔ ηλ < 2',
    });
  }
  // A run that crossed zero (§6) left the positive branch: its failure to converge says nothing about stability.
  const restless = usable.filter((r) => summaryNumber(r.run, 'converged') === 0 && r.run.summary?.outcome === 'oscillating' && r.params.pathways >= 2 && summaryNumber(r.run, 'signFlipStep') === null);
  if (restless.length > 0) {
    const smallest = Math.min(
      ...restless.map((r) => {
        const depths = pathwayDepths(r.params), s = leadTarget(r.params);
        return Math.abs(gdCurvatureMultiplier(depths, minSharpnessAllocation(depths, s).allocation, s, r.params.learningRate));
      }),
    );
    checks.push({
      name: `runs that never converged and never crossed zero (${restless.length}): |μ| of one GD step's Jacobian at the flattest zero-loss split, smallest (no zero-loss point was stable for them)`,
      value: smallest,
      expected: null,
      tolerance: '> 1',
      pass: smallest > 1,
      claim: '002-15',
    });
  }
  return checks;
}

export const zeroLossAnalysis: AnalysisDefinition = {
  id: 'zero-loss-points',
  title: 'Zero-loss points: rank-one Hessian, flattest split, Lagrange allocation, GD stability (paper 002, Prop. 4.1, Thm 4.2, Prop. 5.1, Prop. D.1)',
  description:
    'At the end points of converged reduced runs: the full layer Hessian (central differences, Jacobi) against Σ_p L_p a_p^{2−2/L_p} and its ' +
    'rank; the flattest split the runs found against the equal split and P^{(2−L)/L} (the P = 1 run measures λ_single); depth 2, where ' +
    'every split has sharpness 2s; the split minimizing the Hessian\'s top eigenvalue against the Lagrange conditions (18); and whether GD ' +
    'ends at the gradient-flow end point exactly when its linearized step is stable there.',
  applies(runs) {
    const parsed = parseRuns(runs).parsed;
    return parsed.some(convergedReduced) || stabilityRuns(parsed).length > 0;
  },
  run(runs) {
    const parsed = parseRuns(runs).parsed;
    const converged = parsed.filter(convergedReduced);
    const checks = [...hessianChecks(converged), ...flattestChecks(converged), ...depthTwoChecks(converged), ...lagrangeChecks(converged), ...stabilityChecks(parsed)];
    const rows = converged.map((r) => {
      const a = leadValues(r) as number[];
      return {
        run: r.run.runId,
        eta: r.params.learningRate,
        depths: pathwayDepths(r.params).join(','),
        shares: a.map((x) => x.toFixed(4)).join(', '),
        hessianTop: summaryNumber(r.run, 'finalLayerHessianTop'),
        formula: zeroLossSharpness(pathwayDepths(r.params), a),
        hessianSecond: summaryNumber(r.run, 'finalLayerHessianSecond'),
        finalSharpness: summaryNumber(r.run, 'finalSharpness'),
      };
    });
    return {
      id: 'zero-loss-points',
      title: 'Zero-loss points: rank-one Hessian, flattest split, Lagrange allocation, GD stability (paper 002, Prop. 4.1, Thm 4.2, Prop. 5.1, Prop. D.1)',
      columns: [
        { key: 'run', label: 'run' },
        { key: 'eta', label: 'η' },
        { key: 'depths', label: 'L_p' },
        { key: 'shares', label: 'final a_p (lead mode)' },
        { key: 'hessianTop', label: 'layer Hessian top (measured)' },
        { key: 'formula', label: 'Σ L_p a_p^{2−2/L_p}' },
        { key: 'hessianSecond', label: 'layer Hessian second' },
        { key: 'finalSharpness', label: 'final sharpness (run)' },
      ],
      rows,
      checks,
      notes: [
        'The layer Hessian is built at the end point from the analytic layer gradient by central differences, with every layer its own variable, and diagonalized by Jacobi rotations; it does not use the closed form it is compared with.',
        'Thm 4.2 needs runs of one (L, s) at several P including P = 1 and at least one symmetric start per P (it ends exactly at the equal split); depth 2 needs two runs at different splits.',
      ],
    };
  },
};
