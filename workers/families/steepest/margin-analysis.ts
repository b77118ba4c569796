// L∞ margins of the classification runs (App. F). Fig. 4/6: the share of ‖x‖₁ off the support of x*
// per optimizer and depth (depth makes SignGD and Adam sparse, SignGD ≈ Adam, GD at L = 10 stays at
// the saddle). Thm F.1: the normalized margin min_j yⱼ⟨zⱼ, x⟩/‖x‖∞ of a sign-descent run against the
// L∞ max margin γ* of the same data, max γ s.t. yⱼ⟨zⱼ, x⟩ ≥ γ, ‖x‖∞ ≤ 1, solved as a linear program
// with yalps (a maintained pure-TypeScript simplex: synchronous, as analyses are, with no native or
// WebAssembly part to package).
import { greaterEq, lessEq, solve, type Coefficients } from 'yalps';
import type { AnalysisDefinition, AnalysisResult } from '../../family';
import { createRng } from '../../numeric/rng';
import { num, trainingRuns, type TrainingRun } from './analyses';
import { makeProblem, type Problem } from './problem';

type Check = AnalysisResult['checks'][number];

/** Sparse: less than this share of ‖x‖₁ off the support of x*. */
export const SPARSE_SHARE = 0.1;
/** "SignGD ≈ Adam": off-support shares within this of each other at each depth. */
export const SIMILAR_SHARE = 0.2;
/** Thm F.1 is a limit; after Fig. 6's 10⁴ steps the margin must be within 5 % of γ*. */
export const MARGIN_TOLERANCE = 0.05;

/**
 * The L∞ max margin γ* = max{γ : Mx ≥ γ1, ‖x‖∞ ≤ 1} of the rows M (labels folded in), with its
 * maximizer. Variables are shifted to uᵢ = xᵢ + 1 ∈ [0, 2] because the simplex keeps them nonnegative.
 */
export function linfMaxMargin(problem: Pick<Problem, 'rows' | 'n' | 'k'>): { margin: number; x: Float64Array } {
  const { rows, n, k } = problem;
  const constraints = new Map<string, ReturnType<typeof lessEq>>();
  const variables = new Map<string, Coefficients>();
  for (let j = 0; j < k; j++) {
    let sum = 0;
    for (let c = 0; c < n; c++) sum += rows[j * n + c];
    constraints.set(`r${j}`, greaterEq(sum));
  }
  for (let c = 0; c < n; c++) {
    constraints.set(`b${c}`, lessEq(2));
    const coefficients = new Map<string, number>([[`b${c}`, 1]]);
    for (let j = 0; j < k; j++) coefficients.set(`r${j}`, rows[j * n + c]);
    variables.set(`u${c}`, coefficients);
  }
  variables.set('gamma', new Map<string, number>([['margin', 1], ...Array.from({ length: k }, (_, j): [string, number] => [`r${j}`, -1])]));
  const solution = solve({ direction: 'maximize', objective: 'margin', constraints, variables });
  if (solution.status !== 'optimal') throw new Error(`L∞ max-margin LP: ${solution.status}`);
  const x = new Float64Array(n).fill(-1);
  for (const [name, value] of solution.variables) if (name.startsWith('u')) x[Number(name.slice(1))] = value - 1;
  return { margin: solution.result, x };
}

const classification = (r: TrainingRun) => r.p.task === 'classification' && r.p.coupledDecay === 0 && r.p.decoupledDecay === 0;

function offSupportShare(r: TrainingRun): number | null {
  const off = num(r.summary.finalOffSupportL1);
  const total = num(r.summary.finalL1Norm);
  return off === null || total === null || total === 0 ? null : off / total;
}

function optimizerName(r: TrainingRun): string {
  if (r.p.optimizer === 'sign') return 'SignGD';
  if (r.p.optimizer === 'adam') return 'Adam';
  return r.p.q === 2 ? 'GD' : `q = ${r.p.q}`;
}

/** Everything but optimizer, q and depth: one Fig. 6 panel set. */
const panelKey = (r: TrainingRun) => JSON.stringify({ ...r.p, optimizer: null, q: null, depth: null, beta1: null, beta2: null, epsilon: null, seed: r.seed });

function sparsityChecks(runs: TrainingRun[], checks: Check[]): void {
  const panels = new Map<string, TrainingRun[]>();
  for (const r of runs) panels.set(panelKey(r), [...(panels.get(panelKey(r)) ?? []), r]);
  for (const panel of panels.values()) {
    const depths = [...new Set(panel.map((r) => r.p.depth))].sort((a, b) => a - b);
    if (depths.length < 2) continue;
    const [low, high] = [depths[0], depths[depths.length - 1]];
    const find = (name: string, depth: number) => panel.find((r) => optimizerName(r) === name && r.p.depth === depth);
    for (const name of ['SignGD', 'Adam']) {
      const a = find(name, low);
      const b = find(name, high);
      const shareLow = a ? offSupportShare(a) : null;
      const shareHigh = b ? offSupportShare(b) : null;
      if (shareHigh === null) continue;
      checks.push({
        name: `${name}, L = ${high}: share of ‖x‖₁ off the support of x* (sparse ground-truth direction)${b?.summary.frozenAtStep != null ? `; the run froze after step ${String(b.summary.frozenAtStep)}` : ''}`,
        value: shareHigh,
        expected: SPARSE_SHARE,
        tolerance: 'value < expected',
        pass: shareHigh < SPARSE_SHARE,
        claim: '003-10',
      });
      if (shareLow !== null) {
        checks.push({
          name: `${name}: off-support share at L = ${high} below that at L = ${low} (${shareLow.toPrecision(3)})`,
          value: shareHigh,
          expected: shareLow,
          tolerance: 'value < expected',
          pass: shareHigh < shareLow,
          claim: '003-10',
        });
      }
    }
    for (const depth of depths) {
      const sign = find('SignGD', depth);
      const adam = find('Adam', depth);
      const s = sign ? offSupportShare(sign) : null;
      const a = adam ? offSupportShare(adam) : null;
      if (s === null || a === null) continue;
      checks.push({
        name: `L = ${depth}: SignGD’s off-support share against Adam’s (SignGD ≈ Adam)`,
        value: s,
        expected: a,
        tolerance: `within ${SIMILAR_SHARE}`,
        pass: Math.abs(s - a) <= SIMILAR_SHARE,
        claim: '003-10',
      });
    }
    const gdDeep = find('GD', high);
    if (gdDeep && high >= 10) {
      checks.push({
        name: `GD, L = ${high}: does not leave the saddle (loss never halves in ${gdDeep.p.steps} steps)`,
        value: num(gdDeep.summary.escaped),
        expected: 0,
        tolerance: 'exact',
        pass: num(gdDeep.summary.escaped) === 0,
        claim: '003-10',
      });
    }
  }
}

function maxMarginCheck(run: TrainingRun, checks: Check[], rows: AnalysisResult['rows']): void {
  const margin = num(run.summary.finalMargin);
  const problem = makeProblem(run.p, createRng(run.seed));
  const best = linfMaxMargin(problem);
  rows.push({ optimizer: optimizerName(run), depth: run.p.depth, margin, maxMargin: best.margin, share: offSupportShare(run) });
  if (run.p.optimizer !== 'sign' && !(run.p.optimizer === 'steepest' && run.p.q === 1)) return;
  checks.push({
    name: `${optimizerName(run)}, L = ${run.p.depth}: normalized L∞ margin after ${run.p.steps} steps against the L∞ max margin γ* (LP)`,
    value: margin,
    expected: best.margin,
    tolerance: `value ≥ (1 − ${MARGIN_TOLERANCE})·expected`,
    pass: margin !== null && margin >= (1 - MARGIN_TOLERANCE) * best.margin,
    claim: '003-11',
  });
}

export const marginAnalysis: AnalysisDefinition = {
  id: 'margins',
  title: 'L∞ margins: sparsity by depth (Fig. 4/6) and the max-margin LP (Thm F.1)',
  description:
    'Classification runs. Fig. 4/6: share of ‖x‖₁ off the support of x* per optimizer and depth (sparse below 10 %, smaller at the larger depth, SignGD within 0.2 of Adam, ' +
    'GD at L = 10 stays at the saddle). Thm F.1: a sign-descent run’s normalized margin against the L∞ max margin γ* of its data (linear program, yalps).',
  applies: (runs) => trainingRuns(runs).some(classification),
  run(runs) {
    const training = trainingRuns(runs).filter(classification);
    const checks: Check[] = [];
    const rows: AnalysisResult['rows'] = [];
    sparsityChecks(training, checks);
    for (const run of training) maxMarginCheck(run, checks, rows);
    return {
      id: 'margins',
      title: 'L∞ margins: sparsity by depth (Fig. 4/6) and the max-margin LP (Thm F.1)',
      columns: [
        { key: 'optimizer', label: 'optimizer' },
        { key: 'depth', label: 'L' },
        { key: 'margin', label: 'normalized L∞ margin' },
        { key: 'maxMargin', label: 'L∞ max margin γ* (LP)' },
        { key: 'share', label: 'off-support share of ‖x‖₁' },
      ],
      rows,
      checks,
      notes: ['Thm F.1’s problem min max|x_ℓ|^{2/L} s.t. yⱼ⟨x, zⱼ⟩ ≥ 1 is the L∞ max-margin problem at every depth (x ↦ |x|^{2/L} is increasing), a linear program: its KKT points are its optima.'],
    };
  },
};
