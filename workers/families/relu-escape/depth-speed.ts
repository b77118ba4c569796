// Sweep analysis of paper 004 Prop. 3.2: the optimal escape speed s*(L) is non-decreasing in depth.
// s*(L) is estimated by the best speed projected descent found at depth L (all seeds pooled), a
// lower bound on the optimum, so a small decrease can come from a missed optimum; the tolerance
// below absorbs unconverged restarts, and the rows show the per-layer rank ratios of Theorem 3.1.
import type { AnalysisDefinition, AnalysisResult, AnalysisRunInput } from '../../family';
import { reluEscapeParams } from './params';

/** Relative drop in best speed between consecutive depths still counted as non-decreasing. */
const TOLERANCE = 0.01;

interface DepthGroup {
  depth: number;
  best: number;
  lastLayerRankRatio: number | null;
  runs: number;
}

function groups(runs: AnalysisRunInput[]): DepthGroup[] {
  const byDepth = new Map<number, DepthGroup>();
  for (const run of runs) {
    const parsed = reluEscapeParams.safeParse(run.params);
    const speed = run.summary?.bestSpeed;
    if (run.status !== 'done' || !parsed.success || parsed.data.experiment !== 'escape' || typeof speed !== 'number') continue;
    const ratios = run.summary?.weightRankRatios;
    const last = Array.isArray(ratios) ? (ratios[ratios.length - 1] ?? null) : null;
    const depth = parsed.data.depth;
    const group = byDepth.get(depth);
    if (!group) byDepth.set(depth, { depth, best: speed, lastLayerRankRatio: last, runs: 1 });
    else {
      group.runs++;
      if (speed > group.best) {
        group.best = speed;
        group.lastLayerRankRatio = last;
      }
    }
  }
  return [...byDepth.values()].sort((a, b) => a.depth - b.depth);
}

export const depthSpeed: AnalysisDefinition = {
  id: 'depth-speed',
  title: 'Optimal escape speed against depth (Prop. 3.2)',
  description: 'Best speed found at each depth of the sweep; Prop. 3.2 says the optimal speed s*(L) is non-decreasing in L.',
  applies: (runs) => groups(runs).length >= 2,
  run(runs): AnalysisResult {
    const gs = groups(runs);
    const drops = gs.slice(1).map((g, i) => (gs[i].best - g.best) / gs[i].best);
    const worst = Math.max(...drops);
    return {
      id: 'depth-speed',
      title: this.title,
      columns: [
        { key: 'depth', label: 'L' },
        { key: 'runs', label: 'runs' },
        { key: 'best', label: 'best speed s*' },
        { key: 'lastLayerRankRatio', label: 'Σ_{i≥2}s_i²/Σs_i² of W_L (best run)' },
      ],
      rows: gs.map((g) => ({ depth: g.depth, runs: g.runs, best: g.best, lastLayerRankRatio: g.lastLayerRankRatio })),
      checks: [
        {
          name: 'best speed non-decreasing in depth (largest relative drop)',
          value: worst,
          expected: 0,
          tolerance: `≤ ${TOLERANCE}`,
          pass: worst <= TOLERANCE,
          claim: '004-6',
        },
      ],
      chart: {
        title: 'Best escape speed against depth',
        x: { label: 'depth L', log: false },
        y: { label: 's*', log: false },
        series: [{ name: 'best speed', kind: 'line', x: gs.map((g) => g.depth), y: gs.map((g) => g.best) }],
      },
      notes: ['The best speed found is a lower bound on s*(L); deeper networks need more restarts or steps to reach their optimum.'],
    };
  },
};
