// Paper 000 Fig. 2 (§5) in-process: the 125-run sweep of examples/mirror-descent-fig2.json run
// through family.run, then the escape-time-scaling analysis. The paper's claims are checked where
// they hold and the README's known deviations are asserted as they are, not fitted away.
import { beforeAll, describe, expect, it } from 'vitest';
import { analysisResult, type AnalysisResult } from '../../src-main/contract/family-meta';
import type { AnalysisRunInput } from '../../workers/family';
import { family } from '../../workers/families/mode-flow';
import { escapeTimeScaling } from '../../workers/families/mode-flow/escape-time-scaling';
import { solveFlow } from '../../workers/families/mode-flow/solver';
import { fakeRunContext } from './fake-run-context';

const DEPTHS = [2, 3, 4, 5, 6];
/** logspace(−2.3, −1, 25), as the spec's sweep axis expands it. */
const EPS = Array.from({ length: 25 }, (_, k) => 10 ** (-2.3 + (1.3 * k) / 24));

function sweep(targets: number[], depths: number[], eps: number[]): AnalysisRunInput[] {
  const runs: AnalysisRunInput[] = [];
  for (const depth of depths) {
    for (const initScale of eps) {
      const params = { depth, targets, initScale };
      const summary = family.run(family.params.parse(params), fakeRunContext());
      runs.push({ runId: runs.length + 1, params, seed: 0, status: 'done', summary: summary as AnalysisRunInput['summary'] });
    }
  }
  return runs;
}

type Row = AnalysisResult['rows'][number];

describe('escape-time scaling, Fig. 2 (125 runs)', () => {
  let runs: AnalysisRunInput[];
  let result: AnalysisResult;
  const row = (depth: number): Row => result.rows.find((r) => r.depth === depth) as Row;
  const check = (fragment: string, depth: number) => result.checks.find((c) => c.name.startsWith(`L = ${depth},`) && c.name.includes(fragment));

  beforeAll(() => {
    const start = performance.now();
    runs = sweep([1], DEPTHS, EPS);
    const runsMs = performance.now() - start;
    const solverStart = performance.now();
    for (const depth of DEPTHS) {
      for (const eps of EPS) solveFlow({ depth, targets: [1], initial: [eps ** depth], tolerance: 1e-3, horizon: 'converged', rtol: 1e-10 });
    }
    const solverMs = performance.now() - solverStart;
    const evaluations = runs.reduce((acc, r) => acc + (r.summary?.rhsEvaluations as number), 0);
    // Measured, not asserted: the target is well under 1 s for the whole sweep.
    console.log(
      `Fig. 2 sweep: 125 runs in ${runsMs.toFixed(0)} ms (solver alone ${solverMs.toFixed(0)} ms), ` +
        `${(evaluations / runs.length).toFixed(0)} RHS evaluations per run`,
    );
    result = escapeTimeScaling.run(runs);
  });

  it('applies to sweeps that vary initScale, and only to those', () => {
    expect(escapeTimeScaling.applies(runs)).toBe(true);
    expect(escapeTimeScaling.applies(runs.filter((r) => r.params.initScale === EPS[0]))).toBe(false);
  });

  it('is a valid AnalysisResult with a row per depth and a log–log chart of t_esc and τ_lin', () => {
    expect(analysisResult.safeParse(result).success).toBe(true);
    expect(result.id).toBe('escape-time-scaling');
    expect(result.rows.map((r) => r.depth)).toEqual(DEPTHS);
    const chart = result.chart;
    expect(chart?.x.log).toBe(true);
    expect(chart?.y.log).toBe(true);
    expect(chart?.series.filter((s) => s.kind === 'scatter')).toHaveLength(5);
    expect(chart?.series.filter((s) => s.kind === 'line')).toHaveLength(5);
    chart?.series.forEach((s) => {
      expect(s.x).toHaveLength(25);
      expect(s.y.every((v) => v !== null && v > 0)).toBe(true);
    });
    // 15 of the 25 ε lie in the fit window ε ≤ 10^−1.5.
    result.rows.forEach((r) => expect(r.fitted).toBe(15));
  });

  it('L ≥ 3: free-fit slope within 0.03 of −(L−2) (eq. (7)), as the paper states', () => {
    for (const depth of [3, 4, 5, 6]) {
      const c = check('slope', depth);
      expect(c?.pass, `L = ${depth}: slope ${c?.value}`).toBe(true);
      expect(Math.abs((row(depth).slope as number) + (depth - 2))).toBeLessThanOrEqual(0.03);
    }
  });

  it('L ≥ 3: with the slope fixed at −(L−2), the constant is within 2% of 1/((L−2)σ*)', () => {
    for (const depth of [3, 4, 5, 6]) {
      const c = check('constant with slope fixed', depth);
      expect(c?.pass, `L = ${depth}: fixed-slope constant ${c?.value}`).toBe(true);
      expect(Math.abs((row(depth).fixedConstantRatio as number) - 1)).toBeLessThanOrEqual(0.02);
    }
    // README: about 0.988 at L = 3.
    expect(row(3).fixedConstantRatio as number).toBeGreaterThan(0.985);
    expect(row(3).fixedConstantRatio as number).toBeLessThan(0.991);
  });

  it('L = 3: a free fit gives a constant about 0.94 of theory (slope about −1.011): the 2% claim needs the fixed slope', () => {
    // README values; bands of ±0.01 on the ratio and ±0.003 on the slope.
    expect(row(3).freeConstantRatio as number).toBeGreaterThan(0.93);
    expect(row(3).freeConstantRatio as number).toBeLessThan(0.95);
    expect(row(3).slope as number).toBeGreaterThan(-1.014);
    expect(row(3).slope as number).toBeLessThan(-1.008);
    // For L ≥ 4 the free fit also agrees (the ε^−(L−2) term dominates sooner).
    for (const depth of [4, 5, 6]) expect(Math.abs((row(depth).freeConstantRatio as number) - 1)).toBeLessThan(0.02);
  });

  it('L = 2: t_esc is linear in |log ε| with slope 1/σ* (logarithmic branch of eq. (7)) within 1%', () => {
    const c = check('|log ε|', 2);
    expect(c?.pass).toBe(true);
    expect(Math.abs((row(2).slope as number) - 1)).toBeLessThan(0.01);
    expect(row(2).branch).toBe('|log ε|');
  });

  it('reports the known τ_lin caveats as measured: ≈ 4% low for L = 3 at ε = 0.1, 6–15% low for L = 2', () => {
    expect(row(3).tauLinErrorLargestEps as number).toBeGreaterThan(-0.05);
    expect(row(3).tauLinErrorLargestEps as number).toBeLessThan(-0.035);
    expect(row(2).tauLinErrorLargestEps as number).toBeGreaterThan(-0.16);
    expect(row(2).tauLinErrorLargestEps as number).toBeLessThan(-0.14);
    expect(row(2).tauLinErrorSmallestEps as number).toBeGreaterThan(-0.07);
    expect(row(2).tauLinErrorSmallestEps as number).toBeLessThan(-0.06);
    expect(result.notes.some((n) => n.includes('0.94'))).toBe(true);
    expect(result.notes.some((n) => n.startsWith('L = 3, σ* = 1: τ_lin (6) is 4.'))).toBe(true);
  });
});

describe('escape-time scaling on other inputs', () => {
  it('uses the bottleneck mode and its σ* (here σ* = 0.5 at L = 4: constant 1/((L−2)σ*) = 1)', () => {
    const runs = sweep([2, 0.5], [4], [10 ** -2.3, 10 ** -2, 10 ** -1.7]);
    const result = escapeTimeScaling.run(runs);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0].target).toBe(0.5);
    expect(result.rows[0].theoryConstant).toBe(1);
    expect(Math.abs((result.rows[0].fixedConstantRatio as number) - 1)).toBeLessThan(0.02);
  });

  it('skips unfinished runs and says so', () => {
    const runs = sweep([1], [3], [0.005, 0.01, 0.02]);
    runs.push({ runId: 99, params: { depth: 3, targets: [1], initScale: 0.03 }, seed: 0, status: 'failed', summary: null });
    const result = escapeTimeScaling.run(runs);
    expect(result.rows[0].fitted).toBe(3);
    expect(result.notes.some((n) => n.includes('1 run(s) skipped'))).toBe(true);
  });
});
