// Sweep analysis of paper 004 Fig. 2 (right): on Example 1, the fraction of projected-descent
// restarts whose speed exceeds √2 − 1 (the best rank-one speed, so those runs found a higher-rank
// escape direction) against the hidden width. Restarts of all seeds at one width are pooled.
import type { AnalysisDefinition, AnalysisResult, AnalysisRunInput } from '../../family';
import { RANK_ONE_SPEED, RANK_TWO_SPEED } from './circle';
import { hiddenWidths, isCircleExample, reluEscapeParams } from './params';

interface WidthGroup {
  width: number;
  speeds: number[];
}

function groups(runs: AnalysisRunInput[]): WidthGroup[] {
  const byWidth = new Map<number, number[]>();
  for (const run of runs) {
    const parsed = reluEscapeParams.safeParse(run.params);
    if (run.status !== 'done' || !parsed.success || !isCircleExample(parsed.data) || !Array.isArray(run.summary?.speeds)) continue;
    const width = Math.min(...hiddenWidths(parsed.data));
    const speeds = run.summary.speeds.filter((s): s is number => typeof s === 'number');
    byWidth.set(width, [...(byWidth.get(width) ?? []), ...speeds]);
  }
  return [...byWidth.entries()].map(([width, speeds]) => ({ width, speeds })).sort((a, b) => a.width - b.width);
}

const fraction = (speeds: number[]): number => speeds.filter((s) => s > RANK_ONE_SPEED).length / speeds.length;

export const widthSuccess: AnalysisDefinition = {
  id: 'width-success',
  title: 'Fraction of restarts beating the rank-one speed √2 − 1 against width (Fig. 2, right)',
  description:
    'Example 1 (circle, N = 8, alternating G): per hidden width, the share of projected gradient descent restarts whose final ' +
    'speed exceeds √2 − 1, the best any rank-one direction reaches; the paper finds it grows with width.',
  applies: (runs) => groups(runs).length >= 2,
  run(runs): AnalysisResult {
    const gs = groups(runs);
    const rows = gs.map((g) => ({
      width: g.width,
      restarts: g.speeds.length,
      fraction: fraction(g.speeds),
      bestSpeed: Math.max(...g.speeds),
      meanSpeed: g.speeds.reduce((a, b) => a + b, 0) / g.speeds.length,
    }));
    const best = Math.max(...rows.map((r) => r.bestSpeed));
    const first = rows[0], last = rows[rows.length - 1];
    return {
      id: 'width-success',
      title: this.title,
      columns: [
        { key: 'width', label: 'hidden width' },
        { key: 'restarts', label: 'restarts' },
        { key: 'fraction', label: 'fraction with s > √2 − 1' },
        { key: 'bestSpeed', label: 'best speed' },
        { key: 'meanSpeed', label: 'mean speed' },
      ],
      rows,
      checks: [
        {
          name: 'widest width beats the narrowest in success fraction (Fig. 2, right)',
          value: last.fraction - first.fraction,
          expected: 0,
          tolerance: 'difference > 0',
          pass: last.fraction > first.fraction,
        },
        {
          name: 'best speed found reaches the rank-two construction s = 1/2',
          value: best,
          expected: RANK_TWO_SPEED,
          tolerance: '≥ 1/2 − 0.01',
          pass: best >= RANK_TWO_SPEED - 0.01,
        },
      ],
      chart: {
        title: 'Fraction of restarts with s > √2 − 1',
        x: { label: 'hidden width', log: true },
        y: { label: 'fraction', log: false },
        series: [{ name: 'fraction', kind: 'line', x: rows.map((r) => r.width), y: rows.map((r) => r.fraction) }],
      },
      notes: [`Speeds are −L₀ on ‖θ‖² = 3 after the configured number of steps; a run counts when its final speed exceeds √2 − 1 = ${RANK_ONE_SPEED.toFixed(6)}.`],
    };
  },
};
