// dln-train's completion check must be able to fail: paper 001 §8 claims two layers from small init
// reach the minimum-nuclear-norm interpolant, so a run that fits the observations with a larger
// nuclear norm (a large init: ratio 1.53 at ε = 0.3), or that has not fitted them, fails it, while
// ε = 0.01 (ratio 1.0098) passes. Before, the check was ‖W_eff‖_* ≥ (1 − 1e-6)·min, true of every interpolant.
import { describe, expect, it } from 'vitest';
import type { AnalysisRunInput } from '../../workers/family';
import { family } from '../../workers/families/dln-train';
import { completionDepth } from '../../workers/families/dln-train/analysis';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { fakeRunContext } from './fake-run-context';

const base = { task: 'completion', dim: 10, targetSingularValues: [3, 2], singularVectors: 'random', observedFraction: 0.5, init: 'small-random', initScale: 0.01, optimizer: 'gd', learningRate: 0.05, horizon: 300 };

function row(runId: number, depth: number, summary: Record<string, number>): AnalysisRunInput {
  return { runId, params: { ...base, depth }, seed: 0, status: 'done', summary };
}

const failing = (runs: AnalysisRunInput[]) => completionDepth.run(runs).checks.filter((c) => !c.pass).map((c) => c.name);

describe('completion-depth checks what paper 001 §8 claims', () => {
  const fitted = { observedFitError: 1e-5 };
  it('passes small-init rows: L = 2 within 2 % of the minimum, L = 3 at lower effective rank', () => {
    expect(failing([row(1, 2, { ...fitted, nuclearNormRatio: 1.0098, finalEffectiveRank: 2.71 }), row(2, 3, { ...fitted, nuclearNormRatio: 1.006, finalEffectiveRank: 1.96 })])).toEqual([]);
  });

  it('fails an L = 2 interpolant far from the minimum nuclear norm, and a run that has not fitted the observations', () => {
    expect(failing([row(1, 2, { ...fitted, nuclearNormRatio: 1.53, finalEffectiveRank: 6.3 })])).toEqual([expect.stringMatching(/^run 1 \(L = 2\): ‖W_eff‖_\* \/ minimum nuclear norm/)]);
    expect(failing([row(1, 3, { observedFitError: 0.2, nuclearNormRatio: 0.8, finalEffectiveRank: 1.5 })])).toEqual([expect.stringMatching(/^run 1 \(L = 3\): fits the observed entries/)]);
  });

  it('a real two-layer run from a large init (ε = 0.3) fits the observations and fails the nuclear-norm check', async () => {
    const params = { ...base, depth: 2, initScale: 0.3 };
    const summary = await family.run(dlnTrainParams.parse(params), fakeRunContext());
    expect(summary.observedFitError as number).toBeLessThan(1e-6);
    const result = completionDepth.run([{ runId: 1, params, seed: 0, status: 'done', summary }]);
    const ratioCheck = result.checks.find((c) => c.name.includes('minimum nuclear norm'));
    expect(ratioCheck?.value as number).toBeGreaterThan(1.3);
    expect(ratioCheck?.pass).toBe(false);
  });
});
