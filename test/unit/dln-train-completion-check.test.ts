// dln-train's completion check must be able to fail: paper 001 §8 claims two layers from small init
// reach the minimum-nuclear-norm interpolant, so a run that fits the observations with a larger
// nuclear norm (a large init: ratio 1.53 at ε = 0.3), or that has not fitted them, fails it, while
// ε = 0.01 (ratio 1.0098) passes. Before, the check was ‖W_eff‖_* ≥ (1 − 1e-6)·min, true of every interpolant.
// Depth's "lower rank" is judged against depth 2: effective rank at most 95 % of it and Σσ^{2/L} not larger.
import { describe, expect, it } from 'vitest';
import type { AnalysisRunInput, RunSummary } from '../../workers/family';
import { family } from '../../workers/families/dln-train';
import { completionDepth } from '../../workers/families/dln-train/analysis';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { fakeRunContext } from './fake-run-context';

const base = { task: 'completion', dim: 10, targetSingularValues: [3, 2], singularVectors: 'random', observedFraction: 0.5, init: 'small-random', initScale: 0.01, optimizer: 'gd', learningRate: 0.05, horizon: 300 };

function row(runId: number, depth: number, summary: RunSummary): AnalysisRunInput {
  return { runId, params: { ...base, depth }, seed: 0, status: 'done', summary };
}

const failing = (runs: AnalysisRunInput[]) => completionDepth.run(runs).checks.filter((c) => !c.pass).map((c) => c.name);

describe('completion-depth checks what paper 001 §8 claims', () => {
  // The min nuclear norm is the ADMM solve of the same observations, certified by its dual bound.
  const fitted = { observedFitError: 1e-5, minNuclearNorm: 4.97, minNuclearNormConverged: 'yes' };
  // Spectra of the seen solutions (L = 2 spreads weight over more modes than L = 3).
  const shallow = { ...fitted, finalNuclearNorm: 4.97 * 1.0098, finalEffectiveRank: 2.71, finalSpectrum: [3.0, 1.6, 0.3, 0.1, 0.02] };
  const deep = { ...fitted, finalNuclearNorm: 4.97 * 1.006, finalEffectiveRank: 1.96, finalSpectrum: [3.0, 2.0, 0.0, 0.0, 0.0] };

  it('passes small-init rows: L = 2 within 2 % of the minimum, L = 3 at lower effective rank and lower Σσ^{2/3}', () => {
    expect(failing([row(1, 2, shallow), row(2, 3, deep)])).toEqual([]);
  });

  it('fails an L = 2 interpolant far from the minimum, an uncertified minimum, an unfitted run, and depth that does not lower the rank', () => {
    expect(failing([row(1, 2, { ...shallow, finalNuclearNorm: 4.97 * 1.53 })])).toEqual([expect.stringMatching(/^run 1 \(L = 2\): ‖W_eff‖_\* against the minimum nuclear norm/)]);
    // An interpolant below the minimum means the convex solve is wrong: two-sided, it fails too.
    expect(failing([row(1, 2, { ...shallow, finalNuclearNorm: 4.97 * 0.9 })])).toHaveLength(1);
    expect(failing([row(1, 2, { ...shallow, minNuclearNormConverged: 'no' })])).toEqual([expect.stringMatching(/NOT certified/)]);
    expect(failing([row(1, 3, { ...deep, observedFitError: 0.2 })])).toEqual([expect.stringMatching(/^run 1 \(L = 3\): fits the observed entries/)]);
    expect(failing([row(1, 2, shallow), row(2, 3, { ...shallow, finalEffectiveRank: 2.69 })])).toEqual([
      'L = 3 against L = 2: effective rank of the completion',
    ]);
  });

  it('a real two-layer run from a large init (ε = 0.3) fits the observations and fails the nuclear-norm check', async () => {
    const params = { ...base, depth: 2, initScale: 0.3 };
    const summary = await family.run(dlnTrainParams.parse(params), fakeRunContext());
    expect(summary.observedFitError as number).toBeLessThan(1e-6);
    const result = completionDepth.run([{ runId: 1, params, seed: 0, status: 'done', summary }]);
    const nuclearCheck = result.checks.find((c) => c.name.includes('minimum nuclear norm'));
    expect((nuclearCheck?.value as number) / (nuclearCheck?.expected as number)).toBeGreaterThan(1.3);
    expect(nuclearCheck?.pass).toBe(false);
  });
});
