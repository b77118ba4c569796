// Analysis of MNIST runs at several depths (paper 004 §5, Fig. 4 against Fig. 1): "more distinct
// plateaus in depth 6 than in depth 4". Distinctness is the share of the records on a plateau
// (plateaus.ts: the smoothed loss moves less than 3 % across ±1.5 % of the run); it is compared
// between the shallowest and the deepest depth of the runs (means over seeds).
import type { AnalysisDefinition, AnalysisResult, AnalysisRunInput } from '../../family';
import { doneRuns, num } from './run-inputs';

interface DepthGroup {
  depth: number;
  values: number[];
}

function groups(runs: AnalysisRunInput[]): DepthGroup[] {
  const byDepth = new Map<number, number[]>();
  for (const r of doneRuns(runs, 'mnist')) {
    const value = num(r.summary.plateauDistinctness);
    if (value !== null) byDepth.set(r.p.depth, [...(byDepth.get(r.p.depth) ?? []), value]);
  }
  return [...byDepth.entries()].map(([depth, values]) => ({ depth, values })).sort((a, b) => a.depth - b.depth);
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

export const plateauDistinctness: AnalysisDefinition = {
  id: 'plateau-distinctness',
  title: 'MNIST: how distinct the loss plateaus are against depth (Fig. 4 against Fig. 1)',
  description:
    'Per depth, the share of the records at which the smoothed training loss sits on a plateau (moves less than 3 % across ±1.5 % of the run); ' +
    'the paper sees more distinct plateaus at depth 6 than at depth 4.',
  applies: (runs) => groups(runs).length >= 2,
  run(runs): AnalysisResult {
    const gs = groups(runs);
    const shallow = gs[0], deep = gs[gs.length - 1];
    const difference = mean(deep.values) - mean(shallow.values);
    return {
      id: 'plateau-distinctness',
      title: this.title,
      columns: [
        { key: 'depth', label: 'L' },
        { key: 'runs', label: 'runs' },
        { key: 'distinctness', label: 'share of records on a plateau' },
      ],
      rows: gs.map((g) => ({ depth: g.depth, runs: g.values.length, distinctness: mean(g.values) })),
      checks: [
        {
          name: `plateaus more distinct at depth ${deep.depth} (${mean(deep.values).toFixed(3)}) than at depth ${shallow.depth} (${mean(shallow.values).toFixed(3)}): difference in the share on a plateau`,
          value: difference,
          expected: 0,
          tolerance: '> 0',
          pass: difference > 0,
          claim: '004-9',
          paperValue: 'depth 6 more distinct than depth 4',
        },
      ],
      chart: {
        title: 'Share of the training on a plateau',
        x: { label: 'depth L', log: false },
        y: { label: 'share', log: false },
        series: [{ name: 'distinctness', kind: 'line', x: gs.map((g) => g.depth), y: gs.map((g) => mean(g.values)) }],
      },
      notes: ['A loss that keeps falling between escapes (depth 4 here learns on, in its own time) spends fewer records on plateaus.'],
    };
  },
};
