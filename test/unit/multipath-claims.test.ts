// Paper 002's claims ledger on the multipath family: the measurements behind the new checks against
// known answers (closed forms at chosen points, the paper's C₂ = 3√3 − 2, exact identities), checks
// that fail when the runs say otherwise, and every 002 example's quick variant run in-process and
// judged through judgeClaims (002-6, the Tanh MLP, is judged in multipath-mlp.test.ts on its sweep).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisResult } from '../../src-main/contract/family-meta';
import { exampleFile, exampleSpec } from '../../src-main/contract/spec';
import { judgeClaims, loadClaimCatalog } from '../../src-main/core/claims';
import { expandSweep } from '../../src-main/contract/sweep';
import { DivergedError, type AnalysisRunInput } from '../../workers/family';
import { family } from '../../workers/families/multipath';
import { eosAnalysis, shallowStoppingShare } from '../../workers/families/multipath/eos-analysis';
import { initialTheta, depthImbalance, targetMatrix } from '../../workers/families/multipath/run-matrix';
import { BalancingGap, flowInvariants, invariantDrift, layerHessianTop, leafVariance, returnThresholdByGd } from '../../workers/families/multipath/run-measures';
import { lambertW, minSharpnessAllocation, wcrConstant, wcrConstantAsymptotic, zeroLossSharpness } from '../../workers/families/multipath/theory';
import { flattestSplitByHessian, gdCurvatureMultiplier } from '../../workers/families/multipath/zero-loss-analysis';
import { createRng } from '../../workers/numeric/rng';
import { examplesDir } from '../helpers/paths';
import { fakeRunContext } from './fake-run-context';

const rel = (a: number, b: number): number => Math.abs(a / b - 1);

describe('paper 002 measurements against known answers', () => {
  it('layer Hessian at a zero-loss point: rank one with eigenvalue Σ_p L_p a_p^{2−2/L_p} (Prop. 4.1 / 5.1)', () => {
    // Depths (3, 3), split (0.7, 0.3): 3(0.7^{4/3} + 0.3^{4/3}); depths (2, 5), split (0.4, 0.6): 2·0.4 + 5·0.6^{8/5}.
    for (const [depths, a] of [[[3, 3], [0.7, 0.3]], [[2, 5], [0.4, 0.6]]] as const) {
      const { top, second } = layerHessianTop(depths, a.map((x, p) => x ** (1 / depths[p])), a[0] + a[1]);
      const expected = depths.reduce((sum, L, p) => sum + L * a[p] ** (2 - 2 / L), 0);
      expect(rel(top, expected)).toBeLessThan(1e-8);
      expect(Math.abs(second) / top).toBeLessThan(1e-8);
    }
    // Away from zero loss the Hessian is not rank one: r = 0.5 at w = (0.5, 0.5), L = 2 gives a second eigenvalue r w^{L−2} = 0.5.
    expect(layerHessianTop([2, 2], [0.5, 0.5], 1).second).toBeCloseTo(0.5, 6);
  });

  it('the chain threshold found by GD runs is C_L/(L s^{2−2/L}); at L = 2 it is (3√3 − 2)/(2s)', () => {
    expect(rel(returnThresholdByGd(2, 1).eta, (3 * Math.sqrt(3) - 2) / 2)).toBeLessThan(1e-6);
    expect(rel(returnThresholdByGd(2, 2).eta, (3 * Math.sqrt(3) - 2) / 4)).toBeLessThan(1e-6);
    expect(rel(returnThresholdByGd(4, 1).eta, wcrConstant(4) / 4)).toBeLessThan(1e-6);
  });

  it('Lambert W and the derived large-depth form C_L ~ 2W(2L)', () => {
    expect(lambertW(Math.E)).toBeCloseTo(1, 14);
    expect(lambertW(2 * Math.E ** 2)).toBeCloseTo(2, 14);
    expect(wcrConstantAsymptotic(Math.E / 2)).toBeCloseTo(2, 14);
    // Computed C_L approaches the leading form slowly: 8 % high at L = 20, within 1 % from L = 400 on.
    expect(wcrConstant(20) / wcrConstantAsymptotic(20)).toBeGreaterThan(1.05);
    for (const L of [400, 3200]) expect(rel(wcrConstant(L), wcrConstantAsymptotic(L))).toBeLessThan(0.01);
  });

  it('the flattest split by the Hessian is the equal one for equal depths and satisfies the Lagrange conditions (18) for depths (3, 4)', () => {
    // The objective is flat to second order at its minimum and carries difference noise ~1e-10: the split resolves to ~1e-6.
    for (const x of flattestSplitByHessian([3, 3], 1)) expect(x).toBeCloseTo(0.5, 5);
    const [a3, a4] = flattestSplitByHessian([3, 4], 1);
    // (18): 2(L − 1) a^{(L−2)/L} equal: 4 a₃^{1/3} = 6 a₄^{1/2}.
    expect(rel(4 * a3 ** (1 / 3), 6 * a4 ** (1 / 2))).toBeLessThan(1e-4);
  });

  it("one GD step's curvature multiplier at a zero-loss point is 1 − ηλ (Prop. D.1)", () => {
    const lambda = zeroLossSharpness([3, 3], [0.5, 0.5]);
    expect(gdCurvatureMultiplier([3, 3], [0.5, 0.5], 1, 0.7)).toBeCloseTo(1 - 0.7 * lambda, 6);
    expect(gdCurvatureMultiplier([3, 3, 3], [1, 0, 0], 1, 0.75)).toBeCloseTo(1 - 0.75 * 3, 6);
  });

  it('the stopping point of depths (3, 4) has sharpness 2/η and lies between a* and the shallow winner', () => {
    const eta = 0.79;
    const x = shallowStoppingShare([3, 4], 1, eta) as number;
    expect(rel(zeroLossSharpness([3, 4], [x, 1 - x]), 2 / eta)).toBeLessThan(1e-10);
    expect(x).toBeGreaterThan(minSharpnessAllocation([3, 4], 1).allocation[0]);
    expect(shallowStoppingShare([3, 4], 1, 0.9)).toBeNull();
  });

  it('flow invariants and the balancing gap', () => {
    // φ₃(w) = −1/w: φ(0.25) − φ(0.5) = −2; L = 2: log ratio.
    expect(flowInvariants([3, 3], [0.5, 0.25], 0)).toEqual([-2]);
    expect(flowInvariants([2, 2], [1, Math.E], 0)?.[0]).toBeCloseTo(1, 14);
    expect(flowInvariants([3, 3], [0.5, -0.1], 0)).toBeNull();
    expect(invariantDrift([-2], [-2.2])).toBeCloseTo(0.1, 14);
    // Leaf coordinates {0, −2}: variance 1; the balanced leaf has 0.
    expect(leafVariance([3, 3], [0.5, 0.25], 0)).toBe(1);
    expect(leafVariance([3, 3, 3], [0.4, 0.4, 0.4], 0)).toBe(0);
    expect(invariantDrift([0], [0.1])).toBeNull();
    // Depth 2, w₁ = w₀ e^{d}: the gap (variance of {0, d}) is d²/4; halving d² every two steps gives factor 1/2.
    const gap = new BalancingGap([2, 2], 0);
    for (let t = 0; t < 12; t++) gap.observe([1, Math.exp(2 ** -(t / 4))], 'eos');
    const summary = gap.summary();
    expect(summary.gapTwoStepFactorEos).toBeCloseTo(0.5, 12);
    expect(summary.gapContractingShareEos).toBe(1);
    expect(summary.gapWindowsBefore).toBe(0);
    // A window never spans two phases: two 'before' steps then 'eos' steps start afresh.
    const split = new BalancingGap([2, 2], 0);
    for (let t = 0; t < 4; t++) split.observe([1, Math.exp(2 ** -(t / 4))], t < 2 ? 'before' : 'eos');
    expect(split.summary()).toMatchObject({ gapWindowsBefore: 0, gapWindowsEos: 0 });
  });

  it('the depth-balanced SVS initialization has zero layer imbalance; a random one does not', () => {
    const shape = { d: 2, depths: [3, 3], activation: 'linear' as const };
    const basis = targetMatrix([1, 0.5], 'random', 3);
    expect(depthImbalance(shape, initialTheta(shape, basis, [0.01, 0.009], 'diagonal', 3))).toBeLessThan(1e-14);
    expect(depthImbalance(shape, initialTheta(shape, basis, [0.5, 0.5], 'random', 3))).toBeGreaterThan(0.1);
  });
});

/** The runs of one example variant, in-process (status 'diverged' where the run threw DivergedError). */
async function runExample(name: string, variant: 'full' | 'quick'): Promise<AnalysisRunInput[]> {
  const spec = exampleSpec(exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, `${name}.json`), 'utf8'))), variant);
  if (!spec) throw new Error(`${name} has no ${variant} variant`);
  const runs: AnalysisRunInput[] = [];
  for (const [runId, { params, seed }] of expandSweep(spec.params, spec.sweep, spec.seeds).entries()) {
    try {
      const summary = await family.run(family.params.parse(params), { ...fakeRunContext(), seed, rng: createRng(seed) });
      runs.push({ runId, params, seed, status: 'done', summary });
    } catch (error) {
      if (!(error instanceof DivergedError)) throw error;
      runs.push({ runId, params, seed, status: 'diverged', summary: null });
    }
  }
  return runs;
}

const analysesOf = (runs: AnalysisRunInput[]) =>
  (family.analyses ?? []).filter((a) => a.applies(runs)).map((a) => ({ experimentId: 1, computedAtMs: 0, result: analysisResult.parse(a.run(runs)) }));

describe('paper 002 checks read the runs', () => {
  it('warm-up: the check fails when the run without warm-up did not cross zero', async () => {
    const runs = await runExample('multipath-warmup', 'quick');
    const check = (input: AnalysisRunInput[]) => analysisResult.parse(eosAnalysis.run(input)).checks.find((c) => c.claim === '002-18');
    expect(check(runs)?.pass).toBe(true);
    const cold = runs.find((r) => r.params.warmupSteps === 0) as AnalysisRunInput;
    expect(cold.summary?.signFlipStep).not.toBeNull();
    const noFlip = runs.map((r) => (r === cold ? { ...r, summary: { ...r.summary, signFlipStep: null } } : r));
    expect(check(noFlip)?.pass).toBe(false);
  });

  it('stopping boundary: a run settling 3 % inside 2/η makes the paper wrong, one above 2/η fails (002-5)', async () => {
    const runs = await runExample('multipath-fig2', 'quick');
    const check = (input: AnalysisRunInput[]) => analysisResult.parse(eosAnalysis.run(input)).checks.find((c) => c.claim === '002-5' && c.name.includes('stopping boundary'));
    expect(check(runs)).toMatchObject({ pass: true, paperHolds: true, expected: 0 });
    const at = (ratio: number) =>
      runs.map((r) => (r.params.learningRate === 0.75 ? { ...r, summary: { ...r.summary, finalSharpness: (ratio * 2) / 0.75 } } : r));
    expect(check(at(0.97))).toMatchObject({ pass: true, paperHolds: false, paperValue: 0 });
    expect(check(at(0.97))?.value).toBeCloseTo(0.03, 12);
    expect(check(at(1.01))?.pass).toBe(false);
  });

  it('rank-k: a mode reported re-balanced below its threshold fails (24)', async () => {
    const runs = await runExample('multipath-rank-k', 'quick');
    const check = (input: AnalysisRunInput[]) => analysisResult.parse(eosAnalysis.run(input)).checks.find((c) => c.claim === '002-14');
    expect(check(runs)?.value).toBe(12);
    const wrong = runs.map((r, i) => (i === 0 ? { ...r, summary: { ...r.summary, modeOutcomeCodes: [1, 0, 0, 0] } } : r));
    expect(check(wrong)?.pass).toBe(false);
  });
});

describe('paper 002 claims from the quick variants of its examples', () => {
  const examples = [...new Set(loadClaimCatalog(join(examplesDir, 'claims')).find((p) => p.paper === '002')?.claims.flatMap((c) => c.examples) ?? [])];

  it('every claim but the MLP one (multipath-mlp.test.ts) ends as pass, with the checks it names', async () => {
    const catalog = loadClaimCatalog(join(examplesDir, 'claims')).filter((p) => p.paper === '002');
    const experiments = [];
    for (const [i, name] of examples.filter((n) => n !== 'multipath-mlp-fig3').entries()) {
      experiments.push({ experimentId: i + 1, experimentName: name, records: analysesOf(await runExample(name, 'quick')) });
    }
    const verdicts = judgeClaims(catalog, experiments);
    for (const status of verdicts) {
      if (status.claim.id === '002-6') continue;
      const failing = status.evidence.filter((e) => e.verdict !== 'pass').map((e) => `${e.experimentName}: ${e.name} = ${e.value}`);
      expect(status.verdict, `${status.claim.id}: ${failing.join('; ')}`).toBe('pass');
      // Each claim is decided by its own examples, not only by checks elsewhere.
      expect(status.evidence.some((e) => status.claim.examples.includes(e.experimentName)), status.claim.id).toBe(true);
    }
    expect(verdicts.map((v) => v.claim.id)).toHaveLength(18);
  });
});
