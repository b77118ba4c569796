// Fig. 3 / Def. 4.6 judged from runs of x = m ⊙ w (depth 2, one feature, saddle init w₁ = 0, w₂ = λ):
// the balance |w₂|^q − |w₁|^q stays at λ^q (largest drift over the run), and the weight-space path
// the run travels until x reaches the escape level equals the arc length of the balance curve from
// (0, λ) to w₁w₂ = x_e (Gauss–Kronrod quadrature), which is shorter for smaller q.
import type { AnalysisDefinition, AnalysisResult } from '../../family';
import { brentRoot } from '../../numeric/roots';
import { integrateGaussKronrod } from '../../numeric/special';
import { num, trainingRuns, type TrainingRun } from './analyses';
import { effectiveQ, groundTruthOf } from './params';

type Check = AnalysisResult['checks'][number];

/** Sign descent breaks the law by η at the first step from w₁ = 0; GD drifts by O(η) over the run. */
const DRIFT_STEPS = 20;
/** The path overshoots the escape level by at most one step and rounds the curve by O(η). */
const PATH_TOLERANCE = 1e-2;

const curveRun = (r: TrainingRun) =>
  r.p.depth === 2 && r.p.features === 1 && r.p.init === 'saddle' && r.p.optimizer !== 'adam' && r.p.coupledDecay === 0 && r.p.decoupledDecay === 0 && r.p.batchSize === undefined;

/** The x at which the loss ½c(x − g)² has fallen to escapeFraction of its value at 0. */
function escapeLevel(r: TrainingRun): number {
  const g = groundTruthOf(r.p)[0];
  return Math.abs(g) * (1 - Math.sqrt(r.p.escapeFraction));
}

/** Arc length of |w₂|^q − |w₁|^q = Λ from (0, Λ^{1/q}) to the point where w₁w₂ = level. */
export function balanceCurveLength(q: number, lambda: number, level: number): number {
  const big = lambda ** q;
  const w2 = (w1: number) => (big + w1 ** q) ** (1 / q);
  const f = (w1: number) => w1 * w2(w1) - level;
  let hi = Math.sqrt(level) + 1;
  while (f(hi) < 0) hi *= 2;
  const end = brentRoot(f, 0, hi, f(0), f(hi)).x;
  const slope = (w1: number) => (w1 === 0 ? (q === 1 ? 1 : 0) : w1 ** (q - 1) * (big + w1 ** q) ** (1 / q - 1));
  return integrateGaussKronrod((w1) => Math.sqrt(1 + slope(w1) ** 2), 0, end, { rtol: 1e-10 }).value;
}

export const balanceCurveAnalysis: AnalysisDefinition = {
  id: 'balance-curves',
  title: 'Fig. 3: balance curves and the path to escape',
  description:
    'Runs of m ⊙ w with one feature from m = λ, w = 0: the largest drift of |m|^q − |w|^q over the run (conserved by the flow), and the weight-space path length until x ' +
    'reaches the escape level against the arc length of the balance curve to mw = x_e; the path must be shorter for smaller q.',
  applies: (runs) => trainingRuns(runs).some(curveRun),
  run(runs) {
    const training = trainingRuns(runs).filter(curveRun).sort((a, b) => effectiveQ(a.p) - effectiveQ(b.p));
    const checks: Check[] = [];
    const rows: AnalysisResult['rows'] = [];
    for (const run of training) {
      const q = effectiveQ(run.p);
      const lambda = run.p.initScale;
      const scale = lambda ** q;
      const drift = num(run.summary.maxBalanceDrift);
      const allowed = (DRIFT_STEPS * run.p.learningRate) / scale;
      const relativeDrift = drift === null ? null : drift / scale;
      checks.push({
        name: `q = ${q}, η = ${run.p.learningRate}: largest drift of |m|^q − |w|^q over the run, relative to λ^q`,
        value: relativeDrift,
        expected: 0,
        tolerance: `≤ ${DRIFT_STEPS}η/λ^q = ${allowed.toPrecision(3)}`,
        pass: relativeDrift !== null && relativeDrift <= allowed,
        claim: '003-4',
      });
      const level = escapeLevel(run);
      const curve = balanceCurveLength(q, lambda, level);
      const path = num(run.summary.escapePathLength);
      rows.push({ q, lambda, level, relativeDrift, path, curve });
      checks.push({
        name: `q = ${q}: weight-space path until x = ${level.toPrecision(3)} against the balance curve’s arc length`,
        value: path,
        expected: curve,
        tolerance: `${PATH_TOLERANCE} relative`,
        pass: path !== null && Math.abs(path / curve - 1) <= PATH_TOLERANCE,
        claim: '003-4',
      });
    }
    const paths = rows.map((r) => (typeof r.path === 'number' ? r.path : Infinity));
    if (rows.length >= 2) {
      checks.push({
        name: `path to escape shorter for smaller q (q = ${rows.map((r) => r.q).join(', ')})`,
        value: paths[0],
        expected: null,
        tolerance: 'ordering',
        pass: paths.every((v, i) => i === 0 || paths[i - 1] < v),
        claim: '003-4',
      });
    }
    return {
      id: 'balance-curves',
      title: 'Fig. 3: balance curves and the path to escape',
      columns: [
        { key: 'q', label: 'q' },
        { key: 'lambda', label: 'λ' },
        { key: 'level', label: 'escape level x_e' },
        { key: 'relativeDrift', label: 'balance drift / λ^q' },
        { key: 'path', label: 'path length (run)' },
        { key: 'curve', label: 'arc length (curve)' },
      ],
      rows,
      checks,
      notes: [],
    };
  },
};
