// Analysis of flows from small random starts (paper 004 §2.1 / Prop. A.1, §5 (3)): runs that differ
// only in the scale α of the start reach the same direction θ̄(q₁) at the same q, with ‖θ(q₁)‖ ∝ α and
// t(q₁) ∝ α^{2−L} (004-2); every run conserves weak balancedness while the full balance matrix moves (004-14).
import type { AnalysisDefinition, AnalysisResult, AnalysisRunInput } from '../../family';
import { type Check, doneRuns, finite, num, type ReluRun } from './run-inputs';

/** The flow's steps scale with the local time scale ‖θ‖^{2−L}, so what separates two α is rounding. */
const SCALE_TOLERANCE = 1e-6;
/** d/dt diag(W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ) = 0 is an identity of the gradient (zσ′(z) = σ(z)): rounding only. */
const RATE_TOLERANCE = 1e-12;
/** RK4 drifts O(step) where the flow rides a ReLU kink; the diagonal must stay put against the full matrix's motion. */
const DRIFT_SHARE = 0.01;
/** The full balance matrix must visibly move (relative rate) for weak balancedness to be the whole story. */
const FULL_RATE_MIN = 1e-3;

/** Runs that differ only in α (same seed and every other parameter), keyed by those. */
function scaleGroups(runs: ReluRun[]): ReluRun[][] {
  const byKey = new Map<string, ReluRun[]>();
  for (const r of runs) {
    if (r.p.flowLoss !== 'localized') continue;
    const { initScale: _alpha, ...rest } = r.p;
    const key = JSON.stringify([r.seed, rest]);
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  return [...byKey.values()].filter((g) => new Set(g.map((r) => r.p.initScale)).size >= 2);
}

function angleBetween(a: number[], b: number[]): number | null {
  if (a.length === 0 || a.length !== b.length) return null;
  const na = Math.hypot(...a), nb = Math.hypot(...b);
  // 2 asin(‖â − b̂‖/2) keeps small angles accurate (acos of the dot product loses them near 1).
  const chord = Math.hypot(...a.map((v, i) => v / na - b[i] / nb));
  return 2 * Math.asin(Math.min(1, chord / 2));
}

const relSpread = (values: number[]): number => (Math.max(...values) - Math.min(...values)) / Math.abs(values[0]);

function scaleChecks(groups: ReluRun[][]): Check[] {
  return groups.flatMap((g) => {
    const ref = g[0];
    const angles = g.slice(1).map((r) => angleBetween(finite(ref.summary.finalDirection), finite(r.summary.finalDirection)));
    const norms = g.map((r) => num(r.summary.normOverScale)), times = g.map((r) => num(r.summary.scaledTime));
    if (angles.some((a) => a === null) || norms.some((v) => v === null) || times.some((v) => v === null)) return [];
    const angle = Math.max(...(angles as number[]));
    const alphas = g.map((r) => r.p.initScale.toExponential(0)).join(', ');
    const label = `runs ${g.map((r) => r.runId).join(', ')} (α = ${alphas}, q₁ = ${num(ref.summary.finalQ)?.toFixed(2)})`;
    return [
      {
        name: `${label}: largest angle between the directions θ̄(q₁)`,
        value: angle,
        expected: 0,
        tolerance: `≤ ${SCALE_TOLERANCE} rad`,
        pass: angle <= SCALE_TOLERANCE,
        claim: '004-2',
      },
      {
        name: `${label}: relative spread of ‖θ(q₁)‖/α (${(norms[0] as number).toPrecision(6)})`,
        value: relSpread(norms as number[]),
        expected: 0,
        tolerance: `≤ ${SCALE_TOLERANCE}`,
        pass: relSpread(norms as number[]) <= SCALE_TOLERANCE,
        claim: '004-2',
      },
      {
        name: `${label}: relative spread of t(q₁)·α^{L−2}`,
        value: relSpread(times as number[]),
        expected: 0,
        tolerance: `≤ ${SCALE_TOLERANCE}`,
        pass: relSpread(times as number[]) <= SCALE_TOLERANCE,
        claim: '004-2',
      },
    ] satisfies Check[];
  });
}

function balanceChecks(runs: ReluRun[]): Check[] {
  const read = (key: string): { run: ReluRun; value: number }[] =>
    runs.flatMap((run) => {
      const value = num(run.summary[key]);
      return value === null ? [] : [{ run, value }];
    });
  const rates = read('weakBalanceRate'), full = read('fullBalanceRate');
  const shares = runs.flatMap((run) => {
    const weak = num(run.summary.weakBalanceDrift), all = num(run.summary.fullBalanceDrift);
    return weak === null || all === null || !(all > 0) ? [] : [{ run, value: weak / all, weak, all }];
  });
  if (rates.length === 0 || full.length === 0 || shares.length === 0) return [];
  const rate = rates.reduce((a, b) => (b.value > a.value ? b : a));
  const share = shares.reduce((a, b) => (b.value > a.value ? b : a));
  const fullMin = full.reduce((a, b) => (b.value < a.value ? b : a));
  return [
    {
      name: `d/dt diag(W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ) along the flow, largest relative to ‖θ‖‖∇L‖ over ${rates.length} run(s) (run ${rate.run.runId})`,
      value: rate.value,
      expected: 0,
      tolerance: `≤ ${RATE_TOLERANCE}`,
      pass: rate.value <= RATE_TOLERANCE,
      claim: '004-14',
    },
    {
      name: `integrated drift of the diagonal over the whole flow, as a share of the full matrix's change (run ${share.run.runId}: ${share.weak.toExponential(2)} against ${share.all.toExponential(2)} of ‖θ(q₁)‖²; RK4 error, O(step) at the kinks)`,
      value: share.value,
      expected: 0,
      tolerance: `≤ ${DRIFT_SHARE}`,
      pass: share.value <= DRIFT_SHARE,
      claim: '004-14',
    },
    {
      name: `the full balance matrix is not conserved: smallest ‖d/dt(W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ)‖_F/(‖θ‖‖∇L‖) after the start (run ${fullMin.run.runId})`,
      value: fullMin.value,
      expected: null,
      tolerance: `≥ ${FULL_RATE_MIN}`,
      pass: fullMin.value >= FULL_RATE_MIN,
      claim: '004-14',
    },
  ];
}

export const initScale: AnalysisDefinition = {
  id: 'init-scale',
  title: 'Flows from α·θ̂₀: the direction does not depend on α (§2.1), weak balancedness is conserved (§5)',
  description:
    'Flows on L₀ from small random starts: runs that differ only in α are compared at the same q (direction, ‖θ‖/α, t·α^{L−2}); every ' +
    'flow is checked for conserved weak balancedness diag(W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ) and a moving full balance matrix.',
  applies: (runs) => doneRuns(runs, 'init-flow').length > 0,
  run(runs: AnalysisRunInput[]): AnalysisResult {
    const flows = doneRuns(runs, 'init-flow');
    const groups = scaleGroups(flows);
    return {
      id: 'init-scale',
      title: this.title,
      columns: [
        { key: 'run', label: 'run' },
        { key: 'initScale', label: 'α' },
        { key: 'finalQ', label: 'q₁' },
        { key: 'finalSpeed', label: 'speed of θ̄(q₁)' },
        { key: 'normOverScale', label: '‖θ(q₁)‖/α' },
        { key: 'scaledTime', label: 't(q₁)·α^{L−2}' },
        { key: 'weakBalanceDrift', label: 'diagonal drift / ‖θ‖²' },
        { key: 'fullBalanceDrift', label: 'full drift / ‖θ‖²' },
      ],
      rows: flows.map((r) => ({
        run: r.runId,
        initScale: r.p.initScale,
        finalQ: num(r.summary.finalQ),
        finalSpeed: num(r.summary.finalSpeed),
        normOverScale: num(r.summary.normOverScale),
        scaledTime: num(r.summary.scaledTime),
        weakBalanceDrift: num(r.summary.weakBalanceDrift),
        fullBalanceDrift: num(r.summary.fullBalanceDrift),
      })),
      checks: [...scaleChecks(groups), ...balanceChecks(flows)],
      notes: [
        groups.length > 0
          ? `${groups.length} group(s) of runs differ only in α.`
          : 'No two runs on L₀ differ only in α (same seed and other parameters): §2.1 is not checked.',
      ],
    };
  },
};
