// Section 6 / Appendix F: the worst-case-return constant C_L as the root of the worst return for every depth, its
// ratio C_L/2 to the classical bound h < 2/L, as a curve over depth (formulas, shown as such: the suite tests them,
// e.g. C₂ = 3√3 − 2). Shown with runs that start at the worst overshoot (Fig. 5), whose sign flips it checks against η_WCR.
import type { AnalysisDefinition, AnalysisResult } from '../../family';
import { leadTarget, parseRuns, summaryNumber, type ParsedRun } from './analysis-common';
import { pathwayDepths } from './params';
import { gdTheoryApplies } from './predictions';
import { singlePathSharpness, wcrConstant, wcrConstantAsymptotic } from './theory';

const MIN_DEPTHS = 20;
/** Depths at which the leading Lambert-W form is compared with the computed C_L (it drops terms of relative order e^{−C/4} and 1/C). */
const ASYMPTOTIC_DEPTHS = [400, 800, 1600, 3200];
const ASYMPTOTIC_TOLERANCE = 0.01;
/** Depths over which the ratio C_L/2 must increase: every depth to 20, then doubling steps to 400. */
const MONOTONE_DEPTHS = [...Array.from({ length: 19 }, (_, i) => i + 2), 25, 50, 100, 200, 400];
/** The GD search uses 2000 starts and stops at 1e-7 relative: it finds the root to about 1e-6. */
const SEARCH_TOLERANCE = 1e-5;
/** Knife-edge runs must come this close to η_WCR on both sides. */
const KNIFE_EDGE = 1e-3;

export function wcrTable(maxDepth: number): { depth: number; constant: number; ratio: number }[] {
  return Array.from({ length: maxDepth - 1 }, (_, i) => {
    const depth = i + 2;
    const constant = wcrConstant(depth);
    return { depth, constant, ratio: constant / 2 };
  });
}

/** GD runs of the deep chain started at its worst overshoot: the runs that exercise the threshold. */
const worstCaseRuns = (runs: Parameters<AnalysisDefinition['run']>[0]): ParsedRun[] =>
  parseRuns(runs).parsed.filter((r) => r.params.worstCaseStart && gdTheoryApplies(r.params) && r.run.status === 'done');

/** Chain runs that searched the return threshold by bisection over GD runs (wcrSearch). */
const searchRuns = (runs: Parameters<AnalysisDefinition['run']>[0]): ParsedRun[] =>
  parseRuns(runs).parsed.filter((r) => r.params.wcrSearch && r.run.status === 'done' && summaryNumber(r.run, 'wcrEtaFound') !== null);

type Check = AnalysisResult['checks'][number];

/** Def. 6.1 measured: the GD-found thresholds against C_L/(L s^{2−2/L}), the classical bound, and C₂ = 3√3 − 2. */
function searchChecks(runs: ParsedRun[]): Check[] {
  if (runs.length === 0) return [];
  const rel = runs.map((r) => Math.abs((summaryNumber(r.run, 'wcrEtaFound') as number) / runEtaWcr(r) - 1));
  const worst = Math.max(...rel);
  const overClassical = Math.min(...runs.map((r) => ((summaryNumber(r.run, 'wcrEtaFound') as number) * singlePathSharpness(pathwayDepths(r.params)[0], leadTarget(r.params))) / 2));
  const checks: Check[] = [
    {
      name: `chain runs (${runs.length}, L = ${[...new Set(runs.map((r) => pathwayDepths(r.params)[0]))].sort((a, b) => a - b).join(', ')}): threshold found by bisection over GD runs against C_L/(L s^{2−2/L}), worst relative error`,
      value: worst,
      expected: 0,
      tolerance: `≤ ${SEARCH_TOLERANCE}`,
      pass: worst <= SEARCH_TOLERANCE,
      claim: '002-11',
      paperValue: 'C_L/(L s^{2−2/L})',
    },
    {
      name: 'chain runs: smallest found threshold over the classical bound 2/(L s^{2−2/L}) (it exceeds it: C_L > 2)',
      value: overClassical,
      expected: null,
      tolerance: '> 1',
      pass: overClassical > 1,
      claim: '002-11',
    },
  ];
  const depthTwo = runs.filter((r) => pathwayDepths(r.params)[0] === 2);
  if (depthTwo.length > 0) {
    const c2 = Math.max(...depthTwo.map((r) => Math.abs((summaryNumber(r.run, 'wcrEtaFound') as number) * singlePathSharpness(2, leadTarget(r.params)) - (3 * Math.sqrt(3) - 2))));
    checks.push({ name: 'L = 2 chain runs: found threshold × 2s against 3√3 − 2, largest |difference|', value: c2, expected: 0, tolerance: `≤ ${SEARCH_TOLERANCE * 4}`, pass: c2 <= SEARCH_TOLERANCE * 4, claim: '002-11', paperValue: '3√3 − 2' });
  }
  return checks;
}

/** Prop. 6.3: the ratio C_L/2 grows with depth, and C_L approaches the derived Lambert-W form 2W(2L). */
function asymptoticChecks(): Check[] {
  const ratios = MONOTONE_DEPTHS.map((L) => wcrConstant(L) / 2);
  const smallestStep = Math.min(...ratios.slice(1).map((r, i) => r - ratios[i]));
  const gaps = ASYMPTOTIC_DEPTHS.map((L) => Math.abs(wcrConstant(L) / wcrConstantAsymptotic(L) - 1));
  const worst = Math.max(...gaps);
  return [
    {
      name: `ratio η_WCR/(2/λ_single) = C_L/2 from the worst-return root, L = 2 … 20, 25, 50 … 400: smallest increase from one depth to the next (${ratios[0].toFixed(4)} at L = 2 to ${ratios[ratios.length - 1].toFixed(4)})`,
      value: smallestStep,
      expected: null,
      tolerance: '> 0 (strictly increasing)',
      pass: smallestStep > 0,
      claim: '002-12',
    },
    {
      name: `C_L from the worst-return root against the leading Lambert-W form 2W(2L) at L = ${ASYMPTOTIC_DEPTHS.join(', ')}: largest |C_L/(2W(2L)) − 1|`,
      value: worst,
      expected: 0,
      tolerance: `≤ ${ASYMPTOTIC_TOLERANCE}`,
      pass: worst <= ASYMPTOTIC_TOLERANCE,
      claim: '002-12',
      paperValue: 'Lambert-W scaling (87), formula lost; derived: C_L/2 ~ W(2L)',
    },
  ];
}

/** The chain's first mode to cross zero is the one with the lowest η_WCR = C_L/(L s^{2−2/L}): the largest s. */
const runEtaWcr = (r: ParsedRun): number => {
  const L = pathwayDepths(r.params)[0];
  return wcrConstant(L) / singlePathSharpness(L, leadTarget(r.params));
};

export const wcrAnalysis: AnalysisDefinition = {
  id: 'wcr-threshold',
  title: 'Worst-case-return threshold over depth (paper 002, §6)',
  description:
    'C_L = L · sup{h : f_h(max₍₀,₁₎ f_h) > 0} for the deep chain x ← x + h(1 − x^L)x^{L−1}, a root in h, for L = 2 … ' +
    `max(${MIN_DEPTHS}, the runs' depths); η_WCR = C_L/(L s^{2−2/L}) and its ratio C_L/2 to the classical bound 2/(L s^{2−2/L}); ` +
    'for sweeps with worst-overshoot starts (worstCaseStart), whether each run crosses zero exactly when η > η_WCR.',
  applies(runs) {
    return worstCaseRuns(runs).length > 0 || searchRuns(runs).length > 0;
  },
  run(runs) {
    const { parsed } = parseRuns(runs);
    // The chain map is GD's: heavy-ball, Adam and λ-offset runs do not mark a depth.
    const runDepths = new Set(parsed.filter((r) => gdTheoryApplies(r.params)).flatMap((r) => pathwayDepths(r.params)));
    const rows = wcrTable(Math.max(MIN_DEPTHS, ...runDepths));
    const c2 = rows[0].constant;
    const increasing = rows.every((row, i) => i === 0 || row.ratio > rows[i - 1].ratio);
    const smallestRatio = Math.min(...rows.map((r) => r.ratio));
    const started = worstCaseRuns(runs);
    const knifeEdge = started.filter((r) => (summaryNumber(r.run, 'signFlipStep') !== null) === r.params.learningRate > runEtaWcr(r)).length;
    const closeBelow = started.some((r) => r.params.learningRate < runEtaWcr(r) && r.params.learningRate >= (1 - KNIFE_EDGE) * runEtaWcr(r));
    const closeAbove = started.some((r) => r.params.learningRate > runEtaWcr(r) && r.params.learningRate <= (1 + KNIFE_EDGE) * runEtaWcr(r));
    const checks: AnalysisResult['checks'] = [
      ...(started.length > 0
        ? [
            {
              name: 'worst-case-start runs that cross zero exactly when η > η_WCR (Fig. 5 knife edge)',
              value: knifeEdge,
              expected: started.length,
              tolerance: 'all runs',
              pass: knifeEdge === started.length,
              // The knife edge is shown only by runs within 0.1 % of η_WCR on both sides.
              ...(closeBelow && closeAbove ? { claim: '002-13' } : {}),
            },
          ]
        : []),
      ...searchChecks(searchRuns(runs)),
      ...(searchRuns(runs).length > 0 ? asymptoticChecks() : []),
    ];
    return {
      id: 'wcr-threshold',
      title: 'Worst-case-return threshold over depth (paper 002, §6)',
      columns: [
        { key: 'depth', label: 'L' },
        { key: 'constant', label: 'C_L = η_WCR / η_onset' },
        { key: 'ratio', label: 'η_WCR / (2/λ_single) = C_L/2' },
        { key: 'hWcr', label: 'h_WCR = C_L/L' },
        { key: 'inRuns', label: 'depth used by a run' },
      ],
      rows: rows.map((r) => ({ depth: r.depth, constant: r.constant, ratio: r.ratio, hWcr: r.constant / r.depth, inRuns: runDepths.has(r.depth) })),
      checks,
      chart: {
        title: 'Worst-case-return ratio to the classical bound, against depth',
        x: { label: 'depth L', log: false },
        y: { label: 'η_WCR / (2/λ_single)', log: false },
        series: [
          { name: 'C_L / 2 (worst-return root)', kind: 'line', x: rows.map((r) => r.depth), y: rows.map((r) => r.ratio) },
          { name: 'classical bound (ratio 1)', kind: 'line', x: rows.map((r) => r.depth), y: rows.map(() => 1) },
          { name: "runs' depths", kind: 'scatter', x: rows.filter((r) => runDepths.has(r.depth)).map((r) => r.depth), y: rows.filter((r) => runDepths.has(r.depth)).map((r) => r.ratio) },
        ],
      },
      notes: [
        `The table is computed from the chain map, not measured on the runs: C₂ = ${c2.toFixed(10)} (closed form 3√3 − 2 = ${(3 * Math.sqrt(3) - 2).toFixed(10)}); ` +
          `the ratio η_WCR/(2/λ_single) is at least ${smallestRatio.toFixed(4)} and ${increasing ? 'increases' : 'does not increase'} with depth (Prop. 6.3, eq. 23).`,
        'h = η s^{2−2/L} normalizes the chain (App. F.2); overshoot starts at h = 1/L (η_onset = 1/λ_single), the classical linear bound is h = 2/L.',
        'The paper\'s table (82) and its asymptotic form (22) were lost in the text copy; the values here are computed, with C₂ = 3√3 − 2 as the closed-form check.',
      ],
    };
  },
};
