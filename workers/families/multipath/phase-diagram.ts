// Phase diagram of a two-axis sweep over learningRate, pathways or depth (homogeneous depth):
// every run as a point coloured by its outcome class, with the predicted boundaries of paper 002:
// η = 2/λ_single (winner-takes-all becomes unstable), the full re-balancing threshold where the
// stopping boundary reaches ρ = 0.9, η = 2/λ_min (no stable minimum, eq. 24), and η_WCR (§6).
import type { AnalysisDefinition, AnalysisResult, AnalysisRunInput } from '../../family';
import { leadTarget, observedOutcome, parseRuns, type ParsedRun } from './analysis-common';
import { pathwayInitScales } from './params';
import { gdTheoryApplies } from './predictions';
import { balancedSharpness, FULL_REBALANCING, OUTCOMES, outcomeAgrees, predictMode, singlePathSharpness, wcrConstant } from './theory';

type Axis = 'learningRate' | 'pathways' | 'depth';
type ChartSeries = NonNullable<AnalysisResult['chart']>['series'];
const AXES: readonly Axis[] = ['learningRate', 'pathways', 'depth'];
const AXIS_LABEL: Record<Axis, string> = { learningRate: 'η', pathways: 'P', depth: 'L' };
/** Share of runs whose observed class must match the prediction. Near a boundary the slow drift can miss by one class. */
const AGREEMENT = 0.8;

const axisValue = (r: ParsedRun, axis: Axis): number => (axis === 'learningRate' ? r.params.learningRate : axis === 'pathways' ? r.params.pathways : r.params.depth);

function sweptAxes(runs: ParsedRun[]): Axis[] {
  return AXES.filter((axis) => new Set(runs.map((r) => axisValue(r, axis))).size >= 2);
}

/** Equal-depth GD runs from balanced pathways: the boundaries are GD's (eq. 24, App. E.6, §6). */
function usable(runs: AnalysisRunInput[]): ParsedRun[] {
  return parseRuns(runs).parsed.filter((r) => !r.params.depths && gdTheoryApplies(r.params));
}

/** Boundaries as η(y) curves over the y values of the grid (η on x). */
function etaBoundaries(yAxis: Axis, ys: number[], base: ParsedRun): ChartSeries {
  const s = leadTarget(base.params);
  const P = (y: number): number => (yAxis === 'pathways' ? y : base.params.pathways);
  const L = (y: number): number => (yAxis === 'depth' ? y : base.params.depth);
  const full = (y: number): number => {
    const single = singlePathSharpness(L(y), s), min = balancedSharpness(P(y), L(y), s);
    return 2 / (single - FULL_REBALANCING * (single - min));
  };
  return [
    { name: 'η = 2/λ_single (WTA unstable)', kind: 'line' as const, x: ys.map((y) => 2 / singlePathSharpness(L(y), s)), y: ys },
    { name: 'ρ = 0.9 on the stopping boundary (full re-balancing)', kind: 'line' as const, x: ys.map(full), y: ys },
    { name: 'η = 2/λ_min (no stable minimum)', kind: 'line' as const, x: ys.map((y) => 2 / balancedSharpness(P(y), L(y), s)), y: ys },
    { name: 'η_WCR (sign-flip ceiling, §6)', kind: 'line' as const, x: ys.map((y) => wcrConstant(L(y)) / singlePathSharpness(L(y), s)), y: ys },
  ];
}

export const phaseDiagram: AnalysisDefinition = {
  id: 'phase-diagram',
  title: 'Phase diagram: outcome over a two-parameter sweep (paper 002, eq. 24)',
  description:
    'For sweeps over two of learningRate, pathways, depth (equal depths): each run coloured by its outcome class, with the predicted ' +
    'boundaries 2/λ_single, full re-balancing (ρ = 0.9 on the stopping boundary λ = 2/η), 2/λ_min and η_WCR drawn as lines.',
  applies(runs) {
    return sweptAxes(usable(runs)).length === 2;
  },
  run(runs) {
    const parsed = usable(runs);
    const [first, second] = sweptAxes(parsed);
    // AXES order puts η on x when it is swept, otherwise P on x and L on y.
    const xAxis: Axis = first, yAxis: Axis = second;
    const rows = parsed.map((r) => {
      const p = r.params;
      const depths = Array.from({ length: p.pathways }, () => p.depth);
      const m = predictMode(depths, pathwayInitScales(p), leadTarget(p), p.learningRate);
      return { run: r.run.runId, x: axisValue(r, xAxis), y: axisValue(r, yAxis), observed: observedOutcome(r.run), predicted: m.outcome };
    });
    const compared = rows.filter((r) => r.observed !== null);
    const agreement = compared.length > 0 ? compared.filter((r) => outcomeAgrees(r.observed ?? '', r.predicted)).length / compared.length : null;
    // Observed classes only: 'no-stable-minimum' is a prediction.
    const series: ChartSeries = OUTCOMES.filter((o) => o !== 'no-stable-minimum').map((o) => {
      const hits = rows.filter((r) => r.observed === o);
      return { name: o, kind: 'scatter' as const, x: hits.map((r) => r.x), y: hits.map((r) => r.y) };
    });
    const notes: string[] = [];
    if (xAxis === 'learningRate') {
      const ys = [...new Set(rows.map((r) => r.y))].sort((a, b) => a - b);
      series.push(...etaBoundaries(yAxis, ys, parsed[0]));
    } else {
      // P × L at fixed η: the flattest minimum is stable while P ≥ (2/(η λ_single))^{L/(2−L)} (L ≥ 3).
      const eta = parsed[0].params.learningRate, s = leadTarget(parsed[0].params);
      const ls = [...new Set(rows.map((r) => r.y))].filter((L) => L >= 3).sort((a, b) => a - b);
      series.push({
        name: 'P where 2/λ_min = η',
        kind: 'line',
        x: ls.map((L) => (2 / (eta * singlePathSharpness(L, s))) ** (L / (2 - L))),
        y: ls,
      });
      notes.push('P × L at fixed η: the winner-takes-all boundary 2/λ_single = η does not depend on P and is not drawn.');
    }
    notes.push(
      agreement === null
        ? 'No finished runs to compare.'
        : `Observed class equals the predicted class in ${(100 * agreement).toFixed(0)}% of ${compared.length} runs.`,
      'Lead mode (largest s) only; runs with heterogeneous depths, heavy-ball or Adam runs and λ-offset runs are left out (the boundaries are GD results on balanced pathways).',
    );
    return {
      id: 'phase-diagram',
      title: 'Phase diagram: outcome over a two-parameter sweep (paper 002, eq. 24)',
      columns: [
        { key: 'run', label: 'run' },
        { key: 'x', label: AXIS_LABEL[xAxis] },
        { key: 'y', label: AXIS_LABEL[yAxis] },
        { key: 'observed', label: 'observed outcome' },
        { key: 'predicted', label: 'predicted outcome' },
      ],
      rows,
      checks: [
        {
          name: 'share of runs whose observed outcome class equals the predicted one',
          value: agreement,
          expected: 1,
          tolerance: `≥ ${AGREEMENT}`,
          pass: agreement !== null && agreement >= AGREEMENT,
          claim: '002-5',
        },
      ],
      chart: {
        title: `Outcome over ${AXIS_LABEL[xAxis]} × ${AXIS_LABEL[yAxis]}`,
        x: { label: AXIS_LABEL[xAxis], log: false },
        y: { label: AXIS_LABEL[yAxis], log: false },
        series,
      },
      notes,
    };
  },
};
