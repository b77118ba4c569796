// The checks that judge paper 001's claims, on problems with known answers: each passes on the exact
// answer and fails (or marks the paper wrong) where it should. The end-to-end verdicts are in claims-001.test.ts.
import { describe, expect, it } from 'vitest';
import type { AnalysisRunInput } from '../../workers/family';
import { lazyMovementBound, plateauTable, richToLazy } from '../../workers/families/dln-train/analysis';
import { plateauSpectrumErrors, ratioPeak } from '../../workers/families/dln-train/claim-measures';
import { balanceLaw, initDefect } from '../../workers/families/dln-train/conservation-analyses';
import { bottleneckLoss, saddleIndex } from '../../workers/families/dln-train/landscape-analyses';
import { bernoulliRate, depthTimescale, printedBernoulliRate, saxeTimes, timescaleRatio, transitionWidth } from '../../workers/families/dln-train/mode-law-analyses';
import { dlnTrainParams, layerWidths, sortedTargets } from '../../workers/families/dln-train/params';
import { measureSaddles, secondVariationIndex } from '../../workers/families/dln-train/saddle-index';
import { buildTask } from '../../workers/families/dln-train/task';
import { logisticMode } from '../../workers/families/dln-train/theory';
import { channelTimeQuadrature } from '../../workers/families/mode-flow/closed-forms';
import { createRng } from '../../workers/numeric/rng';

const run = (runId: number, params: Record<string, unknown>, summary: Record<string, unknown>): AnalysisRunInput => ({ runId, params, seed: 0, status: 'done', summary: summary as AnalysisRunInput['summary'] });
const checksOf = (analysis: { run: (runs: AnalysisRunInput[]) => { checks: { name: string; pass: boolean; paperHolds?: boolean; claim?: string; value: number | null; expected: number | null }[] } }, runs: AnalysisRunInput[]) => analysis.run(runs).checks;

describe('saddle index (claim 001-3)', () => {
  const indices = (p: Record<string, unknown>) => {
    const params = dlnTrainParams.parse({ ...p, saddleIndex: true });
    return measureSaddles(buildTask(params, createRng(0)), layerWidths(params), sortedTargets(params));
  };

  it('T = diag(3, 1): the origin has index 4 (hidden 2) or 8 (hidden 4) at L = 2, and a zero Hessian at L = 3', () => {
    expect(indices({ depth: 2, hiddenWidth: 2, targetSingularValues: [3, 1] }).map((m) => m.negativeEigenvalues)).toEqual([4, 1, 2]);
    expect(indices({ depth: 2, hiddenWidth: 4, targetSingularValues: [3, 1] })[0].negativeEigenvalues).toBe(8);
    expect(indices({ depth: 3, hiddenWidth: 2, targetSingularValues: [3, 1] }).map((m) => m.negativeEigenvalues)).toEqual([0, 0, 1]);
  });

  it('the exact Hessian agrees with the second variation on every subset of three modes with random singular vectors, L = 2, 3, 4', () => {
    for (const [depth, hidden] of [[2, 3], [2, 5], [3, 3], [4, 4]]) {
      const targets = [3, 2, 1];
      const measured = indices({ depth, hiddenWidth: hidden, targetSingularValues: targets, singularVectors: 'random' });
      expect(measured).toHaveLength(7);
      for (const m of measured) {
        expect(m.gradientNorm).toBeLessThan(1e-12);
        expect(m.negativeEigenvalues, `L = ${depth}, h = ${hidden}, S = ${m.subset}`).toBe(secondVariationIndex(targets, depth, hidden, m.subset));
      }
    }
  });

  it('marks the paper wrong where k − r differs from the true index and fails a run whose count disagrees', () => {
    const params = { depth: 2, hiddenWidth: 2, targetSingularValues: [3, 1], saddleIndex: true };
    const summary = { saddleSubsets: [0, 1, 2], saddleIndices: [4, 1, 2], saddleGradientNorms: [0, 0, 0], saddleLosses: [5, 0.5, 4.5] };
    const rank = (checks: ReturnType<typeof checksOf>, r: number) => checks.find((c) => c.name.includes(`rank-${r} saddle`));
    const good = checksOf(saddleIndex, [run(1, params, summary)]);
    expect(good.every((c) => c.pass)).toBe(true);
    expect(rank(good, 0)?.paperHolds).toBe(false);
    expect(rank(good, 1)?.paperHolds).toBe(true);
    const wrong = checksOf(saddleIndex, [run(1, params, { ...summary, saddleIndices: [2, 1, 2] })]);
    expect(rank(wrong, 0)?.pass).toBe(false);
  });
});

describe('mode law: the Bernoulli form (claim 001-10)', () => {
  it('ḃ = 2s b^{L/2} − 2b^L is 2a(s − a), s²/2 at the half-way point; the printed form vanishes at L = 3', () => {
    for (const L of [2, 3, 4, 5]) {
      for (const a of [0.1, 1.5, 2.9]) expect(bernoulliRate(L, 3, a ** (2 / L))).toBeCloseTo(2 * a * (3 - a), 12);
    }
    for (const b of [0.2, 1, 1.7]) expect(printedBernoulliRate(3, 3, b)).toBe(0);
  });
});

describe('bottleneck (claim 001-1)', () => {
  const params = { depth: 2, dim: 3, hiddenWidth: 1, targetSingularValues: [3, 2, 1] };
  it('passes the Eckart–Young minimum and fails a run that stopped above it', () => {
    expect(checksOf(bottleneckLoss, [run(1, params, { finalLoss: 2.5 })]).map((c) => c.pass)).toEqual([true]);
    expect(checksOf(bottleneckLoss, [run(1, params, { finalLoss: 2.6 })]).map((c) => c.pass)).toEqual([false]);
  });
});

describe('balance law (claims 001-5, 001-6)', () => {
  const gd = (runId: number, eta: number, drift: number) => run(runId, { depth: 3, dim: 4, targetSingularValues: [3, 2, 1, 0.5], init: 'small-random', optimizer: 'gd', learningRate: eta, horizon: 10 }, { maxBalanceDrift: drift });
  const slope = (drifts: (eta: number) => number) => checksOf(balanceLaw, [0.04, 0.02, 0.01].map((eta, i) => gd(i + 1, eta, drifts(eta)))).find((c) => c.name.includes('log-log slope'));

  it('GD over a fixed time drifts as η: slope 1 passes, η² per step summed as η² fails', () => {
    expect(slope((eta) => 0.3 * eta)?.pass).toBe(true);
    expect(slope((eta) => 0.3 * eta * eta)?.pass).toBe(false);
  });

  it('a flow run that drifts past its integration error fails', () => {
    const flow = (drift: number) => checksOf(balanceLaw, [run(1, { depth: 2, targetSingularValues: [3, 1], optimizer: 'flow' }, { maxBalanceDrift: drift })])[0];
    expect(flow(1e-12).pass).toBe(true);
    expect(flow(1e-3).pass).toBe(false);
  });

  const defectRuns = (defect: (n: number) => number) =>
    [8, 16, 32, 64].map((n, i) => run(i + 1, { depth: 2, dim: n, targetSingularValues: [1], init: 'small-random', initScale: 0.01 }, { initialBalanceDefects: [defect(n)] }));
  // ‖D₁‖_F = RMS entry · n, with RMS = c²√(2(n + 1))/n and c² = ε²n.
  const exactDefect = (n: number) => 1e-4 * n * Math.sqrt(2 * (n + 1));

  it('random-init defect: the exact E‖D₁‖² passes, a defect falling as c²/n fails', () => {
    expect(checksOf(initDefect, defectRuns(exactDefect)).map((c) => c.pass)).toEqual([true, true]);
    const tooFast = checksOf(initDefect, defectRuns((n) => exactDefect(n) / Math.sqrt(n)));
    expect(tooFast.map((c) => c.pass)).toEqual([false, false]);
  });
});

describe('timescales (claims 001-11, 001-13, 001-14)', () => {
  const aligned = { init: 'aligned', optimizer: 'flow' };

  it('transition width: exact widths at L = 3 mark the paper’s 1/s wrong; widths that do scale as 1/s there fail', () => {
    const s = [4, 2, 1, 0.5];
    const widths = (L: number, width: (x: number) => number) => run(1, { ...aligned, depth: L, dim: 4, targetSingularValues: s, initScale: 0.2 }, { transitionStarts: s.map(() => 0), transitionEnds: s.map(width) });
    const exact3 = checksOf(transitionWidth, [widths(3, (x) => channelTimeQuadrature(3, x, 0.1 * x, 0.9 * x))]);
    expect(exact3.map((c) => [c.pass, c.paperHolds])).toEqual([[true, false], [true, undefined]]);
    const exact2 = checksOf(transitionWidth, [widths(2, (x) => channelTimeQuadrature(2, x, 0.1 * x, 0.9 * x))]);
    expect(exact2[0].paperHolds).toBe(true);
    expect(checksOf(transitionWidth, [widths(3, (x) => 1 / x)])[0].pass).toBe(false);
  });

  it('escape time against ε: exact times pass at L = 2 and 3 and mark (1/s) log(s/ε) wrong at L = 3', () => {
    const eps = [0.01, 0.02, 0.05, 0.1];
    const runs = [2, 3].flatMap((L, j) => eps.map((e, i) => run(10 * j + i, { ...aligned, depth: L, dim: 1, targetSingularValues: [1], initScale: e }, { escapeTimes: [channelTimeQuadrature(L, 1, e ** L, 0.5)] })));
    expect(checksOf(depthTimescale, runs).map((c) => [c.pass, c.paperHolds])).toEqual([[true, true], [true, false]]);
  });

  it('t₂*/t₁*: exact logistic times extrapolate to s₁/s₂; a₂(t₁*) off by 1 % fails', () => {
    const [s1, s2] = [3, 1];
    const scales = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6];
    const half = (s: number, a0: number) => Math.log(s / a0 - 1) / (2 * s);
    const runs = (a2Factor: number) =>
      scales.map((e, i) => {
        const a0 = e * e, t1 = half(s1, a0);
        return run(i + 1, { ...aligned, depth: 2, targetSingularValues: [s1, s2], initScale: e }, { escapeTimes: [t1, half(s2, a0)], sigmasAtFirstModeEscape: [s1 / 2, logisticMode(s2, a0, t1) * a2Factor] });
      });
    const exact = checksOf(timescaleRatio, runs(1));
    expect(exact.map((c) => c.pass)).toEqual([true, true, true]);
    expect(exact[1].value as number).toBeCloseTo(3, 1);
    expect(checksOf(timescaleRatio, runs(1.01))[2].pass).toBe(false);
  });
});

describe('rich and lazy (claims 001-19, 001-20)', () => {
  it('the ratio of two logistic modes peaks where a₁ − a₂ = s₁ − s₂', () => {
    const times = Array.from({ length: 601 }, (_, i) => i / 100);
    const peak = ratioPeak(times, times.map((t) => logisticMode(5, 0.01, t)), times.map((t) => logisticMode(1, 0.01, t)));
    expect(peak?.gap as number).toBeCloseTo(4, 2);
  });

  it('the lazy bound holds for the exact λ-balanced runs and fails a run that moved more', () => {
    const params = (lambda: number) => ({ depth: 2, targetSingularValues: [3, 1], init: 'lambda-balanced', initScale: 0.1, optimizer: 'flow', horizon: 6, lambda });
    const bound = lazyMovementBound([3, 1], 10);
    expect(bound).toBeCloseTo(0.2259, 3);
    const lazyCheck = (moved: number) => checksOf(richToLazy, [run(1, params(0), { relativeWeightChange: 13.18 }), run(2, params(10), { relativeWeightChange: moved })]).find((c) => c.name.includes('lazy bound'));
    expect(lazyCheck(0.2167)?.pass).toBe(true);
    expect(lazyCheck(0.3)?.pass).toBe(false);
  });

  it('plateau spectra are read against the truncation (s₁ … s_r, 0 …)', () => {
    const times = [0, 1, 2, 3];
    const errors = plateauSpectrumErrors([{ start: 0, end: 1, duration: 1, rank: 0, loss: 5 }, { start: 2, end: 3, duration: 1, rank: 1, loss: 0.5 }], times, [[0, 0, 3, 3], [0, 0, 0.1, 0.1]], [3, 1]);
    expect(errors[0]).toBe(0);
    expect(errors[1]).toBeCloseTo(0.1 / 3, 12);
  });
});

describe('the worked example and the staircase (claims 001-9, 001-2, 001-12, 001-15)', () => {
  const saxe = { depth: 2, targetSingularValues: [3, 1], init: 'aligned', initScale: 0.1, optimizer: 'flow', horizon: 6 };
  const half = (s: number) => Math.log(s / 0.01 - 1) / (2 * s);

  it('exact half-way times: 0.97 is paper-wrong, 2.30 and 2.4× hold; an escape 1e-3 late fails', () => {
    const exact = checksOf(saxeTimes, [run(1, saxe, { escapeTimes: [half(3), half(1)] })]);
    expect(exact.map((c) => [c.pass, c.paperHolds])).toEqual([[true, false], [true, true], [true, true]]);
    expect(exact[0].expected as number).toBeCloseTo(0.95007, 5);
    expect(checksOf(saxeTimes, [run(1, saxe, { escapeTimes: [half(3) * 1.001, half(1)] })])[0].pass).toBe(false);
  });

  // A d = 8, L = 3 staircase of s = 4, 3, 2, 1 from ε = 1e-3 (the alignment example), as its summary reads.
  const staircase = (hiddenWidth: number, changes: Record<string, unknown> = {}) =>
    run(1, { depth: 3, dim: 8, hiddenWidth, targetSingularValues: [4, 3, 2, 1], singularVectors: 'random', init: 'small-random', initScale: 0.001, optimizer: 'gd', learningRate: 0.04, horizon: 800 }, {
      plateauCount: 5,
      plateauStarts: [0, 118, 139, 329, 589],
      plateauDurations: [116, 20, 189, 259, 211],
      plateauRanks: [0, 1, 2, 3, 4],
      plateauLosses: [15, 6.999, 2.4999, 0.49998, 1e-9],
      escapeTimes: [116.9, 137.6, 329.1, 586.9],
      plateauSpectrumErrors: [1e-5, 1e-5, 1e-5, 1e-5, 0],
      alignmentAtEscapes: [0.92, 0.9998, 0.9999, 0.99999],
      finalAlignment: [1, 1, 1, 1],
      ...changes,
    });
  const failed = (r: AnalysisRunInput) => checksOf(plateauTable, [r]).filter((c) => !c.pass).map((c) => c.claim);

  it('passes the staircase at the saddle losses, in order, aligned before each escape', () => {
    const checks = checksOf(plateauTable, [staircase(64)]);
    expect(checks.map((c) => c.claim).sort()).toEqual(['001-12', '001-12', '001-15', '001-15', '001-15', '001-2']);
    expect(checks.every((c) => c.pass)).toBe(true);
  });

  it('fails a plateau off its saddle, modes learned out of order, a skipped rank and an escape before alignment', () => {
    expect(failed(staircase(64, { plateauLosses: [15, 6.5, 2.5, 0.5, 1e-9] }))).toEqual(['001-2']);
    expect(failed(staircase(64, { escapeTimes: [137.6, 116.9, 329.1, 586.9] }))).toEqual(['001-12']);
    // A rank skipped: the plateau also sits off the saddle of the rank it claims.
    expect(failed(staircase(64, { plateauRanks: [0, 2, 2, 3, 4] }))).toEqual(['001-2', '001-15']);
    expect(failed(staircase(64, { alignmentAtEscapes: [0.63, 0.9998, 0.9999, 0.99999] }))).toEqual(['001-15']);
    // At hidden width 8 (2k) the paper's large-width alignment is not judged.
    expect(failed(staircase(8, { alignmentAtEscapes: [0.63, 0.9998, 0.9999, 0.99999] }))).toEqual([]);
  });
});
