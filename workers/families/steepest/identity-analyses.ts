// Two exact statements of paper 003 judged from runs. Thm 4.3: a point where two factors of every
// coordinate vanish is critical (no steepest-descent update moves it) and a saddle: the Hessian in
// the weights is block-diagonal with blocks [[0, a], [a, 0]], a_c = ∂_c f(0)·Π_{ℓ≠i,j} w_ℓ, so its
// eigenvalues are ±|a_c| (the proof, Thm D.2, prints ±√(Π_{ℓ≠i,j} w_ℓ)). App. A: Adam with
// β₁ = β₂ = 0 and ε = 0 is SignGD (m̂/√v̂ = g/|g| is exactly ±1 in floating point).
import type { AnalysisDefinition, AnalysisResult } from '../../family';
import { createRng } from '../../numeric/rng';
import { num, numbers, trainingRuns, type TrainingRun } from './analyses';
import { makeProblem } from './problem';

type Check = AnalysisResult['checks'][number];

/** Lanczos on a Hessian made of 2 × 2 blocks converges to rounding; 10⁻⁶ leaves room. */
const EIGENVALUE_TOLERANCE = 1e-6;

/** max_c |∂_c f(0)| of the run's data: regression ∇f(0) = −Zᵀy/k, classification −(1/k)Σ_j yⱼzⱼ. */
function gradientAtOrigin(run: TrainingRun): number {
  const problem = makeProblem(run.p, createRng(run.seed));
  const { rows, targets, n, k } = problem;
  let best = 0;
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += rows[j * n + c] * (problem.task === 'regression' ? targets[j] : 1);
    best = Math.max(best, Math.abs(s / k));
  }
  return best;
}

export const saddleSetAnalysis: AnalysisDefinition = {
  id: 'saddle-set',
  title: 'Thm 4.3: the saddle set where two factors vanish',
  description:
    'Runs started at w₁ = w₂ = 0, wᵢ = λ: no weight may move at any step (the gradient vanishes), the loss stays at its initial value, and the largest Hessian eigenvalue ' +
    '(Lanczos, when the run measures it) is max_c|∂_c f(0)|·λ^{L−2}, against the proof’s √(λ^{L−2}).',
  applies: (runs) => trainingRuns(runs).some((r) => r.p.init === 'two-zero'),
  run(runs) {
    const checks: Check[] = [];
    for (const run of trainingRuns(runs).filter((r) => r.p.init === 'two-zero')) {
      const { p, summary } = run;
      const tag = `L = ${p.depth}, ${p.optimizer === 'steepest' ? `q = ${p.q}` : p.optimizer}, λ = ${p.initScale}`;
      const frozen = num(summary.frozenAtStep);
      checks.push({
        name: `${tag}: last step at which any weight moved (gradient zero: steepest descent stays)`,
        value: frozen,
        expected: 0,
        tolerance: 'exact',
        pass: frozen === 0,
        claim: '003-17',
      });
      const f0 = num(summary.initialLoss);
      const fT = num(summary.finalLoss);
      checks.push({
        name: `${tag}: final loss against the initial loss after ${p.steps} steps`,
        value: fT,
        expected: f0,
        tolerance: 'exact',
        pass: fT !== null && fT === f0,
        claim: '003-17',
      });
      const top = numbers(summary.finalHessianTop)?.[0];
      if (top === undefined || p.coupledDecay !== 0) continue;
      const truth = gradientAtOrigin(run) * p.initScale ** (p.depth - 2);
      const printed = Math.sqrt(p.initScale ** (p.depth - 2));
      checks.push({
        name: `${tag}: largest Hessian eigenvalue (Lanczos) against max_c|∂_c f(0)|·λ^{L−2}; proof of Thm 4.3 (Thm D.2): √(Π w_ℓ) = √(λ^{L−2})`,
        value: top,
        expected: truth,
        tolerance: `${EIGENVALUE_TOLERANCE} relative`,
        pass: Math.abs(top / truth - 1) <= EIGENVALUE_TOLERANCE,
        claim: '003-17',
        paperValue: printed,
        paperHolds: Math.abs(printed / truth - 1) <= EIGENVALUE_TOLERANCE,
      });
    }
    return { id: 'saddle-set', title: 'Thm 4.3: the saddle set where two factors vanish', columns: [], rows: [], checks, notes: [] };
  },
};

const signLike = (r: TrainingRun) => r.p.optimizer === 'sign' || (r.p.optimizer === 'adam' && r.p.beta1 === 0 && r.p.beta2 === 0 && r.p.epsilon === 0);
/** Everything but the optimizer and Adam's settings. */
const pairKey = (r: TrainingRun) => JSON.stringify({ ...r.p, optimizer: null, beta1: null, beta2: null, epsilon: null, q: null, seed: r.seed });

export const adamSignAnalysis: AnalysisDefinition = {
  id: 'adam-sign',
  title: 'App. A: Adam with β₁ = β₂ = 0, ε = 0 against SignGD',
  description: 'Pairs of runs on the same data, one SignGD and one Adam with β₁ = β₂ = ε = 0: the final x must agree bit for bit, and so must the final loss and escape step.',
  applies: (runs) => {
    const kinds = new Set(trainingRuns(runs).filter(signLike).map((r) => r.p.optimizer));
    return kinds.has('sign') && kinds.has('adam');
  },
  run(runs) {
    const checks: Check[] = [];
    const candidates = trainingRuns(runs).filter(signLike);
    for (const adam of candidates.filter((r) => r.p.optimizer === 'adam')) {
      const sign = candidates.find((r) => r.p.optimizer === 'sign' && pairKey(r) === pairKey(adam));
      const xa = numbers(adam.summary.finalX);
      const xs = sign ? numbers(sign.summary.finalX) : null;
      if (!sign || !xa || !xs || xa.length !== xs.length) continue;
      const largest = xa.reduce((m, v, c) => Math.max(m, Math.abs(v - xs[c])), 0);
      const same = largest === 0 && num(adam.summary.finalLoss) === num(sign.summary.finalLoss) && num(adam.summary.escapeStep) === num(sign.summary.escapeStep);
      checks.push({
        name: `L = ${adam.p.depth}, ${adam.p.steps} steps: largest |x_Adam − x_SignGD| at the end (final loss and escape step compared too)`,
        value: largest,
        expected: 0,
        tolerance: 'bit for bit',
        pass: same,
        claim: '003-19',
      });
    }
    return { id: 'adam-sign', title: 'App. A: Adam with β₁ = β₂ = 0, ε = 0 against SignGD', columns: [], rows: [], checks, notes: [] };
  },
};
