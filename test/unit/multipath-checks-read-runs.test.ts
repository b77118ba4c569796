// Issue 18 item 9: every check of the multipath analyses must measure the runs. A check whose
// value is a closed form against a closed form (the Thm 4.2 factor, C₂ = 3√3 − 2, the WCR ratio
// over depth) reads the same whatever the runs did: giving the analyses other runs' summaries must
// change every check's value, or remove the check. The formulas themselves are tested in
// multipath.test.ts.
import { describe, expect, it } from 'vitest';
import { analysisResult } from '../../src-main/contract/family-meta';
import type { AnalysisResult, AnalysisRunInput } from '../../workers/family';
import { family } from '../../workers/families/multipath';
import { sharpnessAnalysis } from '../../workers/families/multipath/sharpness-analysis';
import { wcrConstant } from '../../workers/families/multipath/theory';
import { fakeRunContext } from './fake-run-context';

const FIG1 = { pathways: 2, depth: 3, targets: [1], initScale: 0.01, initAsymmetry: 0.1, maxSteps: 20_000 };
/** examples/multipath-momentum.json's Adam run: it ends at the equal split (ρ ≈ 0.9999). */
const ADAM = { ...FIG1, optimizer: 'adam', targetBasis: 'aligned', learningRate: 0.75 };
const THM_42 = 'runs ending at the flattest split';

async function runAll(paramsList: Record<string, unknown>[]): Promise<AnalysisRunInput[]> {
  const runs: AnalysisRunInput[] = [];
  for (const [runId, params] of paramsList.entries()) {
    const summary = await family.run(family.params.parse(params), fakeRunContext());
    runs.push({ runId, params, seed: 0, status: 'done', summary });
  }
  return runs;
}

/** Non-integer numbers, also inside arrays, times 1.1: measured values move, steps, flags and codes do not. */
function scaled(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : 1.1 * value;
  return Array.isArray(value) ? value.map(scaled) : value;
}

/** Each run gets the next run's summary, its measured numbers scaled: other runs, same parameters. */
function otherRuns(runs: AnalysisRunInput[]): AnalysisRunInput[] {
  return runs.map((r, i) => {
    const summary = runs[(i + 1) % runs.length].summary ?? {};
    return { ...r, summary: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, scaled(v)])) as AnalysisRunInput['summary'] };
  });
}

function results(runs: AnalysisRunInput[]): Map<string, AnalysisResult> {
  return new Map((family.analyses ?? []).filter((a) => a.applies(runs)).map((a) => [a.id, analysisResult.parse(a.run(runs))]));
}

describe('multipath analyses: checks measure the runs', () => {
  it('every check of the sharpness, phase-diagram and WCR analyses changes with the runs', async () => {
    const etaWcr = wcrConstant(3) / 3;
    const runs = await runAll([
      ...[0.3, 0.75, 1.0].flatMap((learningRate) => [2, 3].map((pathways) => ({ ...FIG1, pathways, learningRate }))),
      ...[0.98 * etaWcr, 1.02 * etaWcr].map((learningRate) => ({ pathways: 1, depth: 3, targets: [1], worstCaseStart: true, learningRate, maxSteps: 40 })),
      ADAM,
    ]);
    const before = results(runs);
    expect([...before.keys()].sort()).toEqual(['edge-of-stability-claims', 'phase-diagram', 'sharpness-theory', 'wcr-threshold', 'zero-loss-points']);
    const after = results(otherRuns(runs));
    for (const [id, result] of before) {
      for (const check of result.checks) {
        expect(check.pass, `${id}: ${check.name}`).toBe(true);
        // The claim analyses' checks are tested against known answers in multipath-claims.test.ts.
        const moved = ['edge-of-stability-claims', 'zero-loss-points'].includes(id) ? undefined : after.get(id)?.checks.find((c) => c.name === check.name);
        if (moved) expect(moved.value, `${id}: ${check.name} does not read the runs`).not.toEqual(check.value);
      }
    }
  });

  it('Thm 4.2 is checked where a run ends at the flattest split: its measured sharpness is λ_single·P^{(2−L)/L}', async () => {
    const [wta, partial, adam] = await runAll([
      { ...FIG1, learningRate: 0.3 },
      { ...FIG1, learningRate: 0.75 },
      ADAM,
    ]);
    // Neither winner-takes-all nor partial re-balancing ends at the flattest split: no Thm 4.2 line.
    const fig1 = analysisResult.parse(sharpnessAnalysis.run([wta, partial]));
    expect(fig1.checks.map((c) => c.name).filter((name) => name.includes('Thm 4.2'))).toEqual([]);
    expect(fig1.notes.join(' ')).toContain('formula');

    const check = (runs: AnalysisRunInput[]) => analysisResult.parse(sharpnessAnalysis.run(runs)).checks.find((c) => c.name.startsWith(THM_42));
    const found = check([wta, partial, adam]);
    expect(found?.pass).toBe(true);
    // λ_single = L s^{2−2/L} = 3 and P^{(2−L)/L} = 2^{−1/3} at P = 2, L = 3, s = 1.
    const balanced = 3 * 2 ** (-1 / 3);
    expect(Math.abs((adam.summary?.finalSharpness as number) / balanced - 1)).toBeLessThan(1e-3);
    expect(found?.value as number).toBeLessThan(1e-3);
    // A run whose measured sharpness is 5 % off the flattest one fails it.
    const off = { ...adam, summary: { ...adam.summary, finalSharpness: 1.05 * balanced } };
    expect(check([wta, partial, off])?.pass).toBe(false);
  });
});
