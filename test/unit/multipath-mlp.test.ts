// The Tanh multi-pathway MLP (paper 002 Fig. 3 / Fig. 7): with hidden width 32, small-η GD ends
// with one pathway carrying the mode, large-η GD meets the edge of stability, moves weight to the
// other pathway and stops with its sharpness just below 2/η; and no linear-network prediction is
// attached to an MLP run (its minima are not the linear network's), while what it did is shown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisResult } from '../../src-main/contract/family-meta';
import { exampleFile, exampleSpec } from '../../src-main/contract/spec';
import { judgeClaims, loadClaimCatalog } from '../../src-main/core/claims';
import { expandSweep } from '../../src-main/contract/sweep';
import type { AnalysisRunInput } from '../../workers/family';
import { family } from '../../workers/families/multipath';
import { sharpnessAnalysis } from '../../workers/families/multipath/sharpness-analysis';
import { examplesDir } from '../helpers/paths';
import { fakeRunContext } from './fake-run-context';

const MLP = { model: 'mlp', pathways: 2, depth: 3, targets: [1], hiddenWidth: 32, initScale: 0.01, maxSteps: 20_000 };
/** Share of the mode carried by the minor pathway (two pathways, one mode). */
const minorShare = (r: AnalysisRunInput): number => {
  const values = (r.summary?.finalValues as number[]).map((v) => Math.max(v, 0));
  return Math.min(...values) / (values[0] + values[1]);
};
const sharpnessOverThreshold = (r: AnalysisRunInput): number => ((r.summary?.finalSharpness as number) * (r.params.learningRate as number)) / 2;

async function runAll(planned: { params: Record<string, unknown>; seed: number }[]): Promise<AnalysisRunInput[]> {
  const runs: AnalysisRunInput[] = [];
  for (const [runId, { params, seed }] of planned.entries()) {
    const ctx = { ...fakeRunContext(), seed };
    const summary = await family.run(family.params.parse(params), ctx);
    runs.push({ runId, params, seed, status: 'done', summary });
  }
  return runs;
}

const mlpAnalysis = family.analyses?.find((a) => a.id === 'mlp-rebalancing');

describe('multipath MLP: no linear-network prediction', () => {
  it('an MLP run past the edge of stability carries no linear prediction, and the sharpness analysis does not call it no-stable-minimum', async () => {
    const [small, large] = await runAll([0.3, 1].map((learningRate) => ({ params: { ...MLP, learningRate }, seed: 0 })));
    const s = large.summary as Record<string, unknown>;
    expect(String(s.predictionNote)).toContain('no prediction for the MLP model');
    for (const key of ['predictedOutcome', 'predictedFinalSharpness', 'singleSharpness', 'minSharpness', 'flowAllocation', 'minAllocation', 'etaLow', 'etaHigh', 'etaWcr']) {
      expect(s[key], key).toBeUndefined();
    }
    // What the run did is still there: converged past the edge of stability, sharpness just below 2/η.
    expect(s.converged).toBe(1);
    expect(s.edgeOfStabilityStep).not.toBeNull();
    expect(sharpnessOverThreshold(large)).toBeLessThanOrEqual(1 + 1e-3);
    expect(sharpnessOverThreshold(large)).toBeGreaterThan(0.9);
    expect(minorShare(large)).toBeGreaterThan(5 * minorShare(small));

    const overlays = family.theory?.(family.params.parse({ ...MLP, learningRate: 1 })) ?? [];
    expect(overlays.map((t) => t.id).sort()).toEqual(['stability', 'targets']);

    const table = analysisResult.parse(sharpnessAnalysis.run([small, large]));
    for (const row of table.rows) {
      expect(row.predicted).toBeNull();
      for (const key of ['singleSharpness', 'minSharpness', 'factor', 'etaLow', 'etaHigh', 'etaWcr', 'predictedProgress']) expect(row[key], key).toBeNull();
      expect(row.finalSharpness).toBeTypeOf('number');
    }
    expect(table.rows.map((r) => r.observed)).not.toContain('no-stable-minimum');
    expect(table.notes.join(' ')).toContain('no prediction for the MLP model');
  });
});

describe('examples/multipath-mlp-fig3.json', () => {
  const example = () => exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, 'multipath-mlp-fig3.json'), 'utf8')));

  it('small η: one pathway carries the mode; large η: weight moves to the other and the sharpness stops just below 2/η', async () => {
    const spec = exampleSpec(example());
    const runs = await runAll(expandSweep(spec.params, spec.sweep, spec.seeds));
    const stable = runs.filter((r) => r.summary?.edgeOfStabilityStep === null);
    const atEdge = runs.filter((r) => r.summary?.edgeOfStabilityStep !== null);
    expect(stable.length).toBeGreaterThan(0);
    expect(atEdge.length).toBeGreaterThan(0);
    for (const r of runs) expect(r.summary?.converged, `η = ${r.params.learningRate}, seed ${r.seed}`).toBe(1);
    // Independent recomputation of the analysis' checks from the summaries.
    const smallestEtaShare = (seed: number): number => {
      const mine = runs.filter((r) => r.seed === seed);
      return minorShare(mine.reduce((a, b) => ((a.params.learningRate as number) <= (b.params.learningRate as number) ? a : b)));
    };
    const leadShareStable = Math.min(...stable.map((r) => 1 - minorShare(r)));
    const shareGrowth = Math.min(...atEdge.map((r) => minorShare(r) / smallestEtaShare(r.seed)));
    const lowestRatio = Math.min(...atEdge.map(sharpnessOverThreshold));
    const highestRatio = Math.max(...atEdge.map(sharpnessOverThreshold));
    expect(leadShareStable).toBeGreaterThanOrEqual(0.99);
    expect(shareGrowth).toBeGreaterThanOrEqual(1.5);
    expect(lowestRatio).toBeGreaterThanOrEqual(0.9);
    expect(highestRatio).toBeLessThanOrEqual(1 + 1e-3);

    expect(mlpAnalysis?.applies(runs)).toBe(true);
    const result = analysisResult.parse(mlpAnalysis?.run(runs));
    for (const check of result.checks) expect(check.pass, check.name).toBe(true);
    const values = result.checks.map((c) => c.value as number);
    // The onset: 2/λ_WTA of the MLP's own winner-takes-all runs over the linear network's 2/λ_single = 2/3 (L = 3, s = 1).
    const onset = 2 / Math.max(...stable.map((r) => r.summary?.finalSharpness as number)) / (2 / 3);
    for (const [i, expected] of [leadShareStable, shareGrowth, lowestRatio, onset].entries()) expect(Math.abs(values[i] - expected)).toBeLessThan(1e-12);
    expect(onset).toBeGreaterThan(1);
    // Claim 002-6 judged from these runs through the ledger.
    const catalog = loadClaimCatalog(join(examplesDir, 'claims')).filter((p) => p.paper === '002');
    const verdicts = judgeClaims(catalog, [{ experimentId: 1, experimentName: 'multipath-mlp-fig3', records: [{ experimentId: 1, computedAtMs: 0, result }] }]);
    expect(verdicts.find((v) => v.claim.id === '002-6')?.verdict).toBe('pass');
  });

  it('the same sweep at the square width h = d never reaches 2/η (minima too flat), and the checks say so', async () => {
    const quick = exampleSpec(example(), 'quick');
    const { hiddenWidth: _wide, ...square } = quick?.params ?? {};
    const runs = await runAll(expandSweep(square, quick?.sweep ?? {}, [0]));
    for (const r of runs) expect(r.summary?.edgeOfStabilityStep).toBeNull();
    const result = analysisResult.parse(mlpAnalysis?.run(runs));
    expect(result.checks.filter((c) => !c.pass).length).toBeGreaterThan(0);
  });
});
