// The checks that judge paper 004's claims, against answers known without them: identities of the
// ReLU network (Euler, weak balancedness) at random points, the escape-time bound on a kink-free
// escape direction where the flow is the closed form, the near-rank-one data of Prop. 3.3, and each
// analysis on summaries whose verdict is known (a passing and a failing case for every check).
import { describe, expect, it } from 'vitest';
import { analysisResult } from '../../src-main/contract/family-meta';
import type { AnalysisRunInput } from '../../workers/family';
import { rankOneDirection } from '../../workers/families/relu-escape/circle';
import { alternatingGradient, circleInputs, quadraticCost } from '../../workers/families/relu-escape/datasets';
import { escapeFlowChecks } from '../../workers/families/relu-escape/escape-flow-checks';
import { balanceDrift, balanceMatrices, balanceRates, eulerResidual, homogeneityResidual } from '../../workers/families/relu-escape/identities';
import { initScale } from '../../workers/families/relu-escape/init-scale';
import { lowRankBounds } from '../../workers/families/relu-escape/low-rank-bounds';
import { layerSizes, localizedLossAndGradient, randomWeights, scaled, type Weights } from '../../workers/families/relu-escape/network';
import {
  closedFormNorm,
  doublingIndex,
  escapeTimeBound,
  escapeTimeBoundRatio,
  flowFromDirection,
  impliedSpeed,
  timeToGrow,
} from '../../workers/families/relu-escape/norm-flow';
import { reluEscapeParams } from '../../workers/families/relu-escape/params';
import { plateauDistinctness as plateauDistinctnessAnalysis } from '../../workers/families/relu-escape/plateau-distinctness';
import { plateauDistinctness } from '../../workers/families/relu-escape/plateaus';
import { buildProblem } from '../../workers/families/relu-escape/problem';
import { rankOneCurve } from '../../workers/families/relu-escape/rank-one-curve';
import { frobenius, fromRows } from '../../workers/numeric/matrix';
import { singularValues } from '../../workers/numeric/svd';
import { createRng } from '../../workers/numeric/rng';

const run = (runId: number, params: Record<string, unknown>, summary: Record<string, unknown>, seed = 0): AnalysisRunInput => ({
  runId,
  params,
  seed,
  status: 'done',
  summary: summary as AnalysisRunInput['summary'],
});
const checks = (result: unknown) => analysisResult.parse(result).checks;
const relErr = (a: number, b: number): number => Math.abs(a / b - 1);

describe('identities of the ReLU network at random points (004-1, 004-14)', () => {
  const rng = createRng(5);
  const x = circleInputs(8);
  const g = alternatingGradient(8);

  it('Euler and homogeneity residuals are rounding at random points of depths 2–4', () => {
    for (const hidden of [[3], [8, 8], [6, 4, 5]]) {
      const theta = randomWeights(layerSizes(2, hidden, 1), rng, 1);
      expect(eulerResidual(theta, x, g)).toBeLessThan(1e-14);
      expect(homogeneityResidual(theta, x, g)).toBeLessThan(1e-14);
    }
  });

  it('weak balancedness: the diagonal rate vanishes, the full rate does not on the circle, and both vanish on a linear (all-positive) net', () => {
    const theta = randomWeights(layerSizes(2, [6, 5], 1), rng, 1);
    const negGrad = scaled(localizedLossAndGradient(theta, x, g).grad, -1);
    const rates = balanceRates(theta, negGrad);
    expect(rates.weak).toBeLessThan(1e-14);
    expect(rates.full).toBeGreaterThan(1e-3);
    // Positive weights and data: every ReLU is the identity, so the full balance matrix is conserved too.
    const positive = randomWeights(layerSizes(2, [4, 4], 1), rng, 1).map((w) => ({ ...w, data: w.data.map(Math.abs) }));
    const xPos = fromRows([[1, 2, 0.5], [0.3, 1, 2]]);
    const gPos = fromRows([[-1, 0.5, -2]]);
    const linear = balanceRates(positive, scaled(localizedLossAndGradient(positive, xPos, gPos).grad, -1));
    expect(linear.full).toBeLessThan(1e-14);
  });

  it('balanceDrift reads the largest diagonal change and the Frobenius norm of the whole change', () => {
    const a = [fromRows([[1, 2], [2, 3]])], b = [fromRows([[1.5, 2], [2, 2]])];
    expect(balanceDrift(a, b, 2)).toEqual({ weak: 0.5, full: Math.hypot(0.5, 1) / 2 });
    const theta: Weights = [fromRows([[1, 0], [0, 2]]), fromRows([[3, 4]])];
    // W₂ᵀW₂ − W₁W₁ᵀ = [[9, 12], [12, 16]] − [[1, 0], [0, 4]].
    expect(Array.from(balanceMatrices(theta)[0].data)).toEqual([8, 12, 12, 12]);
  });
});

describe('the escape-time bound of §2.2 (004-4)', () => {
  it('is the time the closed form needs to reach the radius', () => {
    for (const depth of [2, 3, 5]) {
      const t = escapeTimeBound(0.01, depth, 0.3, 0.5);
      expect(closedFormNorm(0.01, depth, 0.3, t)).toBeCloseTo(0.5, 10);
    }
  });

  it('on a kink-free escape direction: t₁/bound is the closed-form ratio, ≥ 1; the printed bound (no ‖X‖_F) fails', () => {
    // Positive data, G = −1: the one-neuron path along Σx_j is an exact escape direction, ‖Y(θ̄)‖ = L^{−L/2}‖v̂ᵀX‖.
    const x = fromRows([[1, 2, 0.5], [0.3, 1, 2]]);
    const g = fromRows([[-1, -1, -1]]);
    const depth = 3, norm0 = 0.01, growth = 100;
    const rho = rankOneDirection(layerSizes(2, [3, 3], 1), Math.atan2(3.3, 3.5), 1);
    const s = Math.hypot(3.5, 3.3);
    const flow = flowFromDirection(rho, x, g, quadraticCost(g), { loss: 'localized', norm0, growth, steps: 3000, speed: s });
    const unit = s * depth ** (-depth / 2);
    const v = [3.5 / s, 3.3 / s];
    const y1 = Math.hypot(...[0, 1, 2].map((j) => v[0] * x.data[j] + v[1] * x.data[3 + j])) * depth ** (-depth / 2);
    // ‖Y‖ = R^L y₁, so the true radius is ρR with ρ = (L^{L/2} y₁/‖X‖)^{1/L}; the ratio is smallest at the end, R = 100 R₀.
    const rho1 = (depth ** (depth / 2) * y1 / frobenius(x)) ** (1 / depth);
    const t = (r: number): number => timeToGrow(norm0, depth, unit, r / norm0);
    const expected = t(growth * norm0) / t(rho1 * growth * norm0);
    expect(escapeTimeBoundRatio(flow, norm0, depth, frobenius(x))).toBeCloseTo(expected, 5);
    expect(expected).toBeGreaterThan(1);
    expect(escapeTimeBoundRatio(flow, norm0, depth, null)).toBeLessThan(1);
  });
});

describe('the flow against Prop. 2.2 (004-3)', () => {
  it('a flow that outruns its time grid (L = 6) stops while resolved, and the rate it implies is its own, not the grid’s', () => {
    const x = fromRows([[1, 2, 0.5], [0.3, 1, 2]]);
    const g = fromRows([[-1, -1, -1]]);
    const s = Math.hypot(3.5, 3.3), depth = 6, norm0 = 0.01;
    const rho = rankOneDirection(layerSizes(2, [3, 3, 3, 3, 3], 1), Math.atan2(3.3, 3.5), 1);
    // The grid is built for a speed 5 % too slow; the flow runs at the true s and outruns it.
    const flow = flowFromDirection(rho, x, g, quadraticCost(g), { loss: 'localized', norm0, growth: 100, steps: 4000, speed: s / 1.05 });
    const k = doublingIndex(flow, norm0);
    expect(relErr(impliedSpeed(norm0, depth, flow.norm[k], flow.t[k]), s)).toBeLessThan(1e-3);
    // It stops where one step outgrows the grid, before a coarse step could throw θ into a dead network
    // (whose frozen norm, read near the blow-up time, would imply the grid's speed whatever the flow did).
    const last = flow.t.length - 1;
    expect(last).toBeLessThan(4000);
    expect(flow.loss[last]).toBeLessThan(0);
    expect(relErr(impliedSpeed(norm0, depth, flow.norm[last], flow.t[last]), s)).toBeLessThan(1e-3);
  });
});

describe('near-rank-one data (Prop. 3.3)', () => {
  it('X = uvᵀ + E with ‖E‖_F = noise·‖uvᵀ‖_F, targets wvᵀ ≥ 0 so G = −(2/N)wvᵀ is rank one', () => {
    const p = reluEscapeParams.parse({ dataset: 'rank-one', gradient: 'mse', inputDim: 4, points: 12, outputDim: 2, noise: 0.1 });
    const { x, g, noise } = buildProblem(p, createRng(1));
    expect(x.rows).toBe(4);
    expect(x.cols).toBe(12);
    const sg = singularValues(g);
    expect(sg[1] / sg[0]).toBeLessThan(1e-12);
    expect(g.data.every((v) => v <= 0)).toBe(true);
    // ‖X‖_F² = ‖uvᵀ‖² + ‖E‖² + 2⟨uvᵀ, E⟩, so ‖X‖_F lies within ε of ‖uvᵀ‖ = noise/0.1.
    expect(Math.abs(frobenius(x) - (noise ?? 0) / 0.1)).toBeLessThanOrEqual(noise ?? 0);
    expect(reluEscapeParams.safeParse({ dataset: 'rank-one', gradient: 'alternating', outputDim: 2 }).success).toBe(false);
  });
});

const escapeParams = (extra: Record<string, unknown> = {}) => ({ experiment: 'escape', ...extra });

describe('escape-flow analysis (004-1, 004-3, 004-4)', () => {
  const base = { depth: 3, bestSpeed: 0.5, eulerMaxResidual: 1e-16, homogeneityMaxResidual: 0, flowMaxRelErrorToDoubling: 0.001, flowSpeedSpread: 0.002, inputNorm: 2.8 };
  const kappa = 0.5 * 3 ** -1.5;

  it('a flow at s₁ = s·L^{−L/2} passes and the printed rate s is paper-wrong; a flow at s fails', () => {
    const good = checks(escapeFlowChecks.run([run(1, escapeParams(), { ...base, flowRateConstant: kappa * 1.005, escapeTimeBoundRatio: 1.01, escapeTimeBoundRatioPrinted: 1.005 })]));
    expect(good.map((c) => [c.claim, c.pass, c.paperHolds])).toEqual([
      ['004-1', true, undefined],
      ['004-1', true, undefined],
      ['004-3', true, false],
      ['004-4', true, true],
    ]);
    expect(good[2].value).toBeCloseTo(kappa * 1.005, 15);
    expect(good[2].expected).toBeCloseTo(kappa, 15);
    const wrong = checks(escapeFlowChecks.run([run(1, escapeParams(), { ...base, flowRateConstant: 0.5, eulerMaxResidual: 1e-6, escapeTimeBoundRatio: 0.9, escapeTimeBoundRatioPrinted: 0 })]));
    expect(wrong.map((c) => c.pass)).toEqual([false, true, false, false]);
  });

  it('the printed escape-time bound failing while the true one holds is paper-wrong', () => {
    const [, , , bound] = checks(escapeFlowChecks.run([run(1, escapeParams(), { ...base, flowRateConstant: kappa, escapeTimeBoundRatio: 1.0001, escapeTimeBoundRatioPrinted: 0.4 })]));
    expect([bound.pass, bound.paperHolds, bound.paperValue]).toEqual([true, false, 0.4]);
  });
});

describe('low-rank-bounds analysis (004-5, 004-7)', () => {
  const summary = {
    depth: 4,
    bestSpeed: 4.9,
    theoremConstant: 0.1,
    weightRankRatios: [1e-3, 1e-4, 1e-5, 1e-6],
    activationRankRatios: [1e-3, 1e-4, 1e-5],
    nonlinearityRatios: [0, 0, 0],
    inputNorm: 6,
    gradientNorm: 0.83,
    inputRankRatio: 0.007,
    dataNoise: 0.6,
  };

  it('Theorem 3.1: ratio/bound with the bound 8cℓ^{−1/2}/(1 − cℓ^{−1/2}); Prop. 3.3 with 8‖G‖ε/(s − ‖G‖ε); Prop. 3.4 counts layers', () => {
    const result = checks(lowRankBounds.run([run(1, escapeParams({ dataset: 'rank-one' }), summary)]));
    expect(result.map((c) => [c.claim, c.pass])).toEqual([['004-5', true], ['004-7', true], ['004-7', true]]);
    // Largest ratio/bound: W₁'s 1e-3 against 8·0.1/(1 − 0.1) at ℓ = 1.
    expect(result[0].value).toBeCloseTo(1e-3 / (0.8 / 0.9), 12);
    expect(result[1].value).toBeCloseTo(1e-3 / ((8 * 0.83 * 0.6) / (4.9 - 0.83 * 0.6)), 12);
  });

  it('fails a layer above the bound, and is vacuous (no Theorem check) where c² exceeds every layer', () => {
    const high = checks(lowRankBounds.run([run(1, escapeParams({ dataset: 'rank-one' }), { ...summary, weightRankRatios: [1e-3, 1e-4, 1e-5, 0.95] })]));
    expect(high.map((c) => c.pass)).toEqual([false, false, true]);
    const circle = analysisResult.parse(lowRankBounds.run([run(1, escapeParams(), { ...summary, theoremConstant: 38, dataNoise: null })]));
    expect(circle.checks.map((c) => c.claim)).toEqual(['004-7']);
    expect(circle.notes[0]).toContain('vacuous');
    // Prop. 3.4 at log(‖X‖‖G‖/s) = log(1.0163): bound 0.032/j; with every hidden layer at 0.5 only X counts.
    const spread = checks(lowRankBounds.run([run(1, escapeParams(), { ...summary, theoremConstant: 38, dataNoise: null, activationRankRatios: [0.5, 0.5, 0.5] })]));
    expect(spread[0].pass).toBe(false);
  });
});

describe('rank-one-curve analysis (004-12)', () => {
  const circle = escapeParams({ hiddenWidth: 1 });

  it('passes restarts at multiples of π/4 with speed √2 − 1, skips dead restarts, fails an angle off the grid', () => {
    const q = Math.PI / 4;
    const ok = checks(rankOneCurve.run([run(1, circle, { speeds: [0.414, 0, 0.41], restartFirstLayerAngles: [5 * q + 0.004, 1.1, 7 * q - 0.006] })]));
    expect(ok.map((c) => c.pass)).toEqual([true, true]);
    expect(ok[0].value).toBeCloseTo(0.006, 12);
    const off = checks(rankOneCurve.run([run(1, circle, { speeds: [0.3], restartFirstLayerAngles: [q / 2] })]));
    expect(off.map((c) => c.pass)).toEqual([false, false]);
    expect(off[0].value).toBeCloseTo(q / 2, 12);
  });
});

describe('init-scale analysis (004-2, 004-14)', () => {
  const flow = (alpha: number, extra: Record<string, unknown> = {}) => ({ experiment: 'init-flow', initScale: alpha, ...extra });
  const summary = { finalQ: 40, normOverScale: 1234.5, scaledTime: 8.4, finalDirection: [0.6, 0.8], weakBalanceRate: 1e-16, weakBalanceDrift: 1e-4, fullBalanceDrift: 0.4, fullBalanceRate: 0.3 };

  it('runs that differ only in α agree; a rotated direction, another ‖θ‖/α or a moving diagonal fail', () => {
    const same = checks(initScale.run([run(1, flow(1e-2), summary), run(2, flow(1e-5), summary)]));
    expect(same.map((c) => [c.claim, c.pass])).toEqual([['004-2', true], ['004-2', true], ['004-2', true], ['004-14', true], ['004-14', true], ['004-14', true]]);
    const rotated = [Math.cos(Math.atan2(0.8, 0.6) + 0.1), Math.sin(Math.atan2(0.8, 0.6) + 0.1)];
    const other = checks(initScale.run([run(1, flow(1e-2), summary), run(2, flow(1e-5), { ...summary, finalDirection: rotated, normOverScale: 1300, weakBalanceDrift: 0.01 })]));
    expect(other[0].value).toBeCloseTo(0.1, 12);
    expect(other.map((c) => c.pass)).toEqual([false, false, true, true, false, true]);
  });

  it('compares only runs with the same seed and other parameters', () => {
    const result = analysisResult.parse(initScale.run([run(1, flow(1e-2), summary), run(2, flow(1e-5, { hiddenWidth: 4 }), summary), run(3, flow(1e-4), summary, 1)]));
    expect(result.checks.map((c) => c.claim)).toEqual(['004-14', '004-14', '004-14']);
  });
});

describe('plateau distinctness (004-9)', () => {
  it('a staircase is nearly all plateau, an exponential decay none', () => {
    const stairs = Array.from({ length: 200 }, (_, k) => (k < 60 ? 2.3 : k < 140 ? 1.9 : 1.5));
    const decay = Array.from({ length: 200 }, (_, k) => 2.3 * Math.exp((-Math.log(10) * k) / 200));
    // Each step spoils the ±3-record windows that reach the 4 records the 5-point smoothing spreads it over: 10 of 194.
    expect(plateauDistinctness(stairs)).toBeCloseTo(174 / 194, 12);
    expect(plateauDistinctness(decay)).toBe(0);
  });

  it('the analysis compares the deepest depth with the shallowest', () => {
    const mnist = (depth: number) => ({ experiment: 'mnist', depth });
    const result = checks(plateauDistinctnessAnalysis.run([run(1, mnist(4), { plateauDistinctness: 0.5 }), run(2, mnist(6), { plateauDistinctness: 0.9 })]));
    expect(result.map((c) => [c.claim, c.pass, c.value])).toEqual([['004-9', true, 0.9 - 0.5]]);
    expect(checks(plateauDistinctnessAnalysis.run([run(1, mnist(4), { plateauDistinctness: 0.9 }), run(2, mnist(6), { plateauDistinctness: 0.8 })]))[0].pass).toBe(false);
  });
});
