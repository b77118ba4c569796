// The multipath family against paper 002 (README working forms): the reduced recursion is GD on
// the stated loss, the sharpness formula is the Hessian's top eigenvalue, Thm 4.2's factor, the
// stability window's outcomes, the WCR threshold, power iteration, and the full models.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { analysisResult, chartSpec, theorySeries } from '../../src-main/contract/family-meta';
import { exampleFile } from '../../src-main/contract/spec';
import { expandSweep } from '../../src-main/contract/sweep';
import type { AnalysisRunInput } from '../../workers/family';
import { builtInFamilies, getFamily } from '../../workers/families';
import { family } from '../../workers/families/multipath';
import { topHessianEigenvalue } from '../../workers/families/multipath/hessian';
import { MatrixNet, parameterCount } from '../../workers/families/multipath/matrix-net';
import { gdStep, intPow, modeSharpness, residuals, type ReducedModel } from '../../workers/families/multipath/reduced';
import { pathwayDepths, pathwayInitScales } from '../../workers/families/multipath/params';
import { initialTheta, projectPathways, targetMatrix } from '../../workers/families/multipath/run-matrix';
import {
  balancedSharpness,
  gradientFlowEndpoint,
  imbalance,
  minSharpnessAllocation,
  reductionFactor,
  singlePathSharpness,
  stoppingAllocation,
  wcrConstant,
  worstOvershoot,
  worstReturn,
  zeroLossSharpness,
} from '../../workers/families/multipath/theory';
import { fromRows } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { symmetricEigen } from '../../workers/numeric/svd';
import { fakeRunContext } from './fake-run-context';

type Summary = Record<string, unknown>;
const run = async (input: Record<string, unknown>, ctx = fakeRunContext()): Promise<Summary> => (await family.run(family.params.parse(input), ctx)) as Summary;
const relErr = (a: number, b: number): number => Math.abs(a / b - 1);
const num = (v: unknown): number => v as number;

const FIG1 = { pathways: 2, depth: 3, targets: [1], initScale: 0.01, initAsymmetry: 0.1, maxSteps: 20_000 };

/** Loss ½ Σ_k (s_k − Σ_p Π_l w_{k,p,l})² in every layer coordinate, layers listed mode by mode, pathway by pathway. */
function layerLoss(targets: readonly number[], depths: readonly number[], layers: Float64Array): number {
  let loss = 0, i = 0;
  for (const s of targets) {
    let sum = 0;
    for (const L of depths) {
      let prod = 1;
      for (let l = 0; l < L; l++) prod *= layers[i++];
      sum += prod;
    }
    loss += 0.5 * (s - sum) ** 2;
  }
  return loss;
}

/** Balanced layer coordinates from per-pathway scalars w[k·P + p]. */
function balancedLayers(depths: readonly number[], w: Float64Array): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) for (let l = 0; l < depths[i % depths.length]; l++) out.push(w[i]);
  return Float64Array.from(out);
}

function fdGradient(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  return Float64Array.from(x, (_, i) => {
    const plus = Float64Array.from(x), minus = Float64Array.from(x);
    plus[i] += h;
    minus[i] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

function fdHessianTop(f: (x: Float64Array) => number, x: Float64Array, h = 1e-4): number {
  const n = x.length;
  const rows = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      const at = (di: number, dj: number): number => {
        const y = Float64Array.from(x);
        y[i] += di;
        y[j] += dj;
        return f(y);
      };
      return (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h);
    }),
  );
  const sym = rows.map((row, i) => row.map((v, j) => 0.5 * (v + rows[j][i])));
  return symmetricEigen(fromRows(sym)).values[0];
}

describe('reduced model: the recursion is GD on the stated loss (App. E.2, README)', () => {
  it('w ← w + η r w^{L−1} equals a GD step with the finite-difference gradient in every layer weight', () => {
    const model: ReducedModel = { targets: [1, 0.4], depths: [2, 3, 5] };
    const w = Float64Array.from([0.7, 0.3, 0.9, 0.2, 0.5, 0.8]);
    const eta = 0.1;
    const layers = balancedLayers(model.depths, w);
    const grad = fdGradient((x) => layerLoss(model.targets, model.depths, x), layers);
    const r = new Float64Array(2);
    residuals(model, w, r);
    const next = Float64Array.from(w);
    gdStep(model, next, r, eta);
    // Every layer of a pathway gets the same gradient (Prop. B.4), so one scalar per pathway suffices.
    let i = 0;
    for (let j = 0; j < w.length; j++) {
      for (let l = 0; l < model.depths[j % 3]; l++) {
        expect(Math.abs(layers[i] - eta * grad[i] - next[j])).toBeLessThan(1e-10);
        i++;
      }
    }
  });

  it('the residuals and loss follow a = w^L (exact integer powers, odd L keeps the sign)', () => {
    const model: ReducedModel = { targets: [2], depths: [3, 4] };
    const r = new Float64Array(1);
    const loss = residuals(model, Float64Array.from([-0.5, 0.5]), r);
    expect(r[0]).toBeCloseTo(2 - (-0.125 + 0.0625), 15);
    expect(loss).toBeCloseTo(0.5 * r[0] ** 2, 15);
    expect(intPow(-2, 3)).toBe(-8);
  });
});

describe('sharpness (Prop. 4.1 / 5.1) against a finite-difference Hessian', () => {
  const cases: { depths: number[]; w: number[]; s: number }[] = [
    { depths: [3, 3], w: [0.8, 0.5], s: 0.8 ** 3 + 0.5 ** 3 },
    { depths: [2, 3, 4], w: [0.6, 0.7, 0.5], s: 0.36 + 0.343 + 0.0625 },
    { depths: [4], w: [1.1], s: 1.1 ** 4 },
  ];
  it('at zero-loss points: Σ_p L_p a_p^{2−2/L_p} equals the top eigenvalue of the layer Hessian', () => {
    for (const c of cases) {
      const w = Float64Array.from(c.w);
      const fd = fdHessianTop((x) => layerLoss([c.s], c.depths, x), balancedLayers(c.depths, w));
      const formula = zeroLossSharpness(c.depths, c.w.map((v, p) => v ** c.depths[p]));
      expect(relErr(formula, fd)).toBeLessThan(1e-5);
      expect(relErr(modeSharpness(c.depths, w, 0, 0), formula)).toBeLessThan(1e-12);
    }
  });

  it('away from zero loss the exact layer Hessian (secular equation) matches finite differences, P = 1, 2 and 4', () => {
    const offMinimum: { depths: number[]; w: number[]; s: number }[] = [
      { depths: [3], w: [0.7], s: 1 },
      { depths: [3, 3], w: [0.9, 0.4], s: 0.5 },
      { depths: [2, 3, 4, 5], w: [0.5, 0.6, 0.7, 0.8], s: 2 },
      { depths: [3, 4, 3, 2], w: [0.3, 0.9, 0.2, 0.6], s: -0.2 },
    ];
    for (const c of offMinimum) {
      const w = Float64Array.from(c.w);
      const r = c.s - c.w.reduce((sum, v, p) => sum + v ** c.depths[p], 0);
      const fd = fdHessianTop((x) => layerLoss([c.s], c.depths, x), balancedLayers(c.depths, w));
      expect(Math.abs(modeSharpness(c.depths, w, 0, r) - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
    }
  });
});

describe('Theorem 4.2 and Proposition 5.1', () => {
  it('the numerical minimum over allocations is the equal split, with factor P^{(2−L)/L}', () => {
    for (const P of [2, 3, 5, 8]) {
      for (const L of [3, 4, 6]) {
        const s = 1.7;
        const min = minSharpnessAllocation(Array.from({ length: P }, () => L), s);
        for (const a of min.allocation) expect(relErr(a, s / P)).toBeLessThan(1e-9);
        expect(relErr(min.sharpness, balancedSharpness(P, L, s))).toBeLessThan(1e-12);
        expect(relErr(min.sharpness / singlePathSharpness(L, s), P ** ((2 - L) / L))).toBeLessThan(1e-9);
      }
    }
    expect(reductionFactor(4, 4)).toBeCloseTo(0.5, 15);
  });

  it('random zero-loss allocations are never flatter than the minimum (Jensen), single-path ones are the sharpest', () => {
    const rng = createRng(3);
    const depths = [3, 3, 3];
    const min = minSharpnessAllocation(depths, 1).sharpness;
    for (let i = 0; i < 200; i++) {
      const raw = depths.map(() => rng.uniform());
      const total = raw.reduce((a, b) => a + b, 0);
      const lambda = zeroLossSharpness(depths, raw.map((v) => v / total));
      expect(lambda).toBeGreaterThanOrEqual(min * (1 - 1e-12));
      expect(lambda).toBeLessThanOrEqual(singlePathSharpness(3, 1) * (1 + 1e-12));
    }
  });

  it('README: at L = 2 every split has the same sharpness 2s', () => {
    expect(zeroLossSharpness([2, 2, 2], [0.1, 0.5, 0.4])).toBeCloseTo(2, 14);
    expect(reductionFactor(7, 2)).toBe(1);
  });

  it('heterogeneous depths: the Lagrange conditions (18) hold and the allocation is a local minimum', () => {
    for (const depths of [[3, 4], [3, 5, 7], [2, 3, 4]]) {
      const s = 1;
      const { allocation, sharpness, multiplier } = minSharpnessAllocation(depths, s);
      expect(Math.abs(allocation.reduce((a, b) => a + b, 0) - s)).toBeLessThan(1e-12);
      depths.forEach((L, p) => {
        if (L >= 3) expect(relErr(2 * (L - 1) * allocation[p] ** ((L - 2) / L), multiplier)).toBeLessThan(1e-9);
      });
      // Moving mass between any two pathways raises the sharpness.
      for (let p = 0; p < depths.length; p++) {
        for (let q = 0; q < depths.length; q++) {
          if (p === q || allocation[q] < 1e-3) continue;
          const moved = [...allocation];
          moved[p] += 1e-3;
          moved[q] -= 1e-3;
          expect(zeroLossSharpness(depths, moved)).toBeGreaterThan(sharpness - 1e-12);
        }
      }
    }
  });
});

describe('GD outcomes in and out of the stability window (§5, eq. 24)', () => {
  it('small η gives winner-takes-all; η inside the window ends with sharpness ≤ 2/η and more balanced pathways', async () => {
    const small = await run({ ...FIG1, learningRate: 0.3 });
    const large = await run({ ...FIG1, learningRate: 0.75 });
    expect(small.outcome).toBe('winner-takes-all');
    expect(small.converged).toBe(1);
    // Winner-takes-all: the sharpness of the single-path minimum L s^{2−2/L} = 3.
    expect(relErr(num(small.finalSharpness), 3)).toBeLessThan(2e-3);
    expect(large.converged).toBe(1);
    expect(num(large.finalSharpness)).toBeLessThanOrEqual(2 / 0.75);
    expect(num(large.finalSharpness)).toBeGreaterThan(balancedSharpness(2, 3, 1));
    expect(num(large.finalImbalance)).toBeLessThan(num(small.finalImbalance) - 0.25);
    expect(large.outcome).toBe('partial-rebalancing');
    // The stopping boundary λ = 2/η (App. E.6) predicts how far it re-balances.
    expect(Math.abs(num(large.rebalancingProgress) - num(large.predictedRebalancingProgress))).toBeLessThan(0.05);
    const stop = stoppingAllocation(2, 3, 1, 0.75) as number[];
    expect(Math.abs((large.finalValues as number[])[1] - stop[1])).toBeLessThan(0.02);
  });

  it('phases come in order and are emitted as point metrics', async () => {
    const ctx = fakeRunContext();
    const s = await run({ ...FIG1, learningRate: 0.75 }, ctx);
    const sb = num(s.symmetryBreakingStep), eos = num(s.edgeOfStabilityStep), reb = num(s.rebalancingStep), conv = num(s.convergedStep);
    expect(sb).toBeLessThanOrEqual(eos + 2);
    expect(eos).toBeLessThan(reb);
    expect(reb).toBeLessThan(conv);
    expect(ctx.series('phase/rebalancing').x).toEqual([reb]);
    expect(num(s.leadFlipRate)).toBeGreaterThan(0.1);
    expect(s.signFlipStep).toBeNull();
    expect(ctx.series('a/1.0').y.length).toBe(ctx.series('sharpness').y.length);
  });

  it('heterogeneous depths re-balance toward the minimum-sharpness allocation (Fig. 4 setting)', async () => {
    const s = await run({ pathways: 2, depths: [3, 4], initScale: 0.1, initAsymmetry: 0, learningRate: 0.79, maxSteps: 100_000 });
    expect(s.converged).toBe(1);
    expect(num(s.finalSharpness)).toBeLessThanOrEqual(2 / 0.79);
    expect(s.outcome).toBe('full-rebalancing');
    const deep = (s.finalValues as number[])[1];
    expect(deep).toBeGreaterThan(0.25);
    expect(deep).toBeLessThan(minSharpnessAllocation([3, 4], 1).allocation[1]);
  });

  it('eq. (24): only the modes whose single-path sharpness exceeds 2/η re-balance', async () => {
    const s = await run({ ...FIG1, targets: [1, 0.5], learningRate: 0.75 });
    expect(s.predictedRank).toBe(1);
    expect(s.rebalancedRank).toBe(1);
    expect(s.modeOutcomeCodes).toEqual([1, 0]);
  });

  it('η beyond 2/λ_balanced finds no stable minimum: the run stays on a bounded orbit, classed oscillating', async () => {
    const s = await run({ ...FIG1, learningRate: 1.0 });
    expect(s.converged).toBe(0);
    expect(s.outcome).toBe('oscillating');
    expect(s.predictedOutcome).toBe('no-stable-minimum');
  });

  it('gradient flow keeps w_p^{2−L} − w_q^{2−L} (README) and ends winner-takes-all', async () => {
    const ctx = fakeRunContext();
    const s = await run({ ...FIG1, dynamics: 'flow', learningRate: 0.75 }, ctx);
    expect(s.outcome).toBe('winner-takes-all');
    expect(s.converged).toBe(1);
    const a0 = ctx.series('a/0.0').y, a1 = ctx.series('a/1.0').y;
    const invariant = (i: number): number => a0[i] ** (-1 / 3) - a1[i] ** (-1 / 3);
    for (let i = 0; i < a0.length; i += 7) expect(relErr(invariant(i), invariant(0))).toBeLessThan(1e-7);
  });
});

describe('gradient-flow end point (README conservation law)', () => {
  it('equals where the integrated flow (DOP853) ends, equal and mixed depths', async () => {
    const settings = [
      { ...FIG1 },
      { ...FIG1, pathways: 6 },
      { pathways: 3, depths: [3, 4, 5], initScale: 0.1, initAsymmetry: 0 },
      { pathways: 2, depth: 2, initScale: 0.1, initAsymmetry: 0.2 },
    ];
    for (const setting of settings) {
      const flow = await run({ ...setting, dynamics: 'flow', learningRate: 0.3, maxSteps: 1_000_000 });
      expect(flow.converged).toBe(1);
      const p = family.params.parse(setting);
      const predicted = gradientFlowEndpoint(pathwayDepths(p), pathwayInitScales(p), 1);
      (flow.finalValues as number[]).forEach((a, i) => expect(Math.abs(a - predicted[i])).toBeLessThan(1e-6));
    }
  });

  it('L = 2 keeps the ratio w_p/w_q, so the flow splits the mode as ε_p² (no winner-takes-all)', () => {
    const [a, b] = gradientFlowEndpoint([2, 2], [0.1, 0.08], 1);
    expect(a / b).toBeCloseTo((0.1 / 0.08) ** 2, 10);
  });
});

describe('worst-case-return threshold (§6, App. F)', () => {
  it('C₂ = 3√3 − 2 (README closed form)', () => {
    expect(relErr(wcrConstant(2), 3 * Math.sqrt(3) - 2)).toBeLessThan(1e-10);
  });

  it('exceeds the classical bound and its ratio to 2/L grows with depth', () => {
    let previous = 1;
    for (let L = 2; L <= 14; L++) {
      const ratio = wcrConstant(L) / 2;
      expect(ratio).toBeGreaterThan(previous);
      previous = ratio;
    }
    // An independent grid-search computation (2·10⁵ points on [0, 1], numpy) gave C₃ = 3.66100, C₄ = 3.97858, C₁₀ = 5.00833.
    expect(wcrConstant(3)).toBeCloseTo(3.66100, 4);
    expect(wcrConstant(4)).toBeCloseTo(3.97858, 4);
    expect(wcrConstant(10)).toBeCloseTo(5.00833, 4);
  });

  it('is the knife edge: the worst overshoot returns just below it and crosses zero just above', async () => {
    for (const L of [3, 5]) {
      const h = wcrConstant(L) / L;
      expect(worstReturn(L, 0.999 * h)).toBeGreaterThan(0);
      expect(worstReturn(L, 1.001 * h)).toBeLessThan(0);
      expect(worstOvershoot(L, h).value).toBeGreaterThan(1);
    }
    const eta = wcrConstant(3) / 3;
    const below = await run({ pathways: 1, depth: 3, worstCaseStart: true, learningRate: 0.98 * eta, maxSteps: 40 });
    const above = await run({ pathways: 1, depth: 3, worstCaseStart: true, learningRate: 1.02 * eta, maxSteps: 40 });
    expect(below.signFlipStep).toBeNull();
    expect(above.signFlipStep).toBe(2);
  });
});

describe('Hessian by power iteration on finite-difference Hessian-vector products', () => {
  it('matches the exact sharpness of the reduced model, at and away from zero loss', () => {
    const depths = [3, 4];
    for (const [w0, w1, s] of [[0.9, 0.5, 0.9 ** 3 + 0.5 ** 4], [0.7, 0.6, 1.3]]) {
      const f = (x: Float64Array): number => layerLoss([s], depths, x);
      const analyticGrad = (x: Float64Array, g: Float64Array): void => {
        const r = s - (x[0] * x[1] * x[2] + x[3] * x[4] * x[5] * x[6]);
        const blocks = [[0, 3], [3, 7]];
        for (const [a, b] of blocks) for (let i = a; i < b; i++) {
          let prod = 1;
          for (let j = a; j < b; j++) if (j !== i) prod *= x[j];
          g[i] = -r * prod;
        }
      };
      const x = balancedLayers(depths, Float64Array.from([w0, w1]));
      const r = s - w0 ** 3 - w1 ** 4;
      const exact = modeSharpness(depths, Float64Array.from([w0, w1]), 0, r);
      const top = topHessianEigenvalue(analyticGrad, x, 200, Float64Array.from(x, (_, i) => 1 + i));
      expect(relErr(top.value, exact)).toBeLessThan(1e-5);
      const g = new Float64Array(7);
      analyticGrad(x, g);
      fdGradient(f, x).forEach((v, i) => expect(Math.abs(v - g[i])).toBeLessThan(1e-8));
    }
  });

  it('matches the full Hessian (finite differences of backpropagated gradients) off the SVS set, linear and tanh', () => {
    for (const activation of ['linear', 'tanh'] as const) {
      const shape = { d: 2, depths: [2, 3], activation };
      const basis = targetMatrix([1, 0.5], 'random', 2);
      const net = new MatrixNet(shape, basis.T);
      const rng = createRng(4);
      const theta = Float64Array.from({ length: parameterCount(shape) }, () => 0.6 * rng.normal());
      const gradient = (x: Float64Array, g: Float64Array): void => {
        net.gradient(x, g);
      };
      const n = theta.length, h = 1e-5;
      const rows = Array.from({ length: n }, (_, i) => {
        const plus = Float64Array.from(theta), minus = Float64Array.from(theta), gp = new Float64Array(n), gm = new Float64Array(n);
        plus[i] += h;
        minus[i] -= h;
        gradient(plus, gp);
        gradient(minus, gm);
        return Array.from(gp, (v, j) => (v - gm[j]) / (2 * h));
      });
      const dense = symmetricEigen(fromRows(rows.map((row, i) => row.map((v, j) => 0.5 * (v + rows[j][i]))))).values[0];
      const top = topHessianEigenvalue(gradient, theta, 500, Float64Array.from({ length: n }, (_, i) => Math.cos(i + 1)));
      expect(relErr(top.value, dense)).toBeLessThan(1e-4);
    }
  });

  it('finds the top algebraic eigenvalue when the largest in magnitude is negative', () => {
    // f = ½(x² − 3y²): eigenvalues 1 and −3.
    const grad = (x: Float64Array, g: Float64Array): void => {
      g[0] = x[0];
      g[1] = -3 * x[1];
    };
    expect(topHessianEigenvalue(grad, Float64Array.of(0.3, 0.2), 100, Float64Array.of(0.2, 1)).value).toBeCloseTo(1, 6);
  });
});

describe('full-matrix and MLP models', () => {
  it('backpropagation matches finite differences of the loss, linear and tanh', () => {
    for (const activation of ['linear', 'tanh'] as const) {
      const shape = { d: 3, depths: [2, 3], activation };
      const basis = targetMatrix([1, 0.6, 0.3], 'random', 5);
      const net = new MatrixNet(shape, basis.T);
      const rng = createRng(9);
      const theta = Float64Array.from({ length: parameterCount(shape) }, () => 0.5 * rng.normal());
      const grad = new Float64Array(theta.length);
      net.gradient(theta, grad);
      const fd = fdGradient((x) => net.forward(x), theta, 1e-6);
      for (let i = 0; i < theta.length; i++) expect(Math.abs(grad[i] - fd[i])).toBeLessThan(1e-7);
    }
  });

  it('from the diagonal SVS initialization the full model repeats the reduced recursion, off-diagonal mass stays ~0', async () => {
    const params = { ...FIG1, targets: [1, 0.5], learningRate: 0.75, maxSteps: 3000 };
    const reduced = await run(params);
    const full = await run({ ...params, model: 'full', targetBasis: 'random', init: 'diagonal' });
    const a = reduced.finalValues as number[], b = full.finalValues as number[];
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-8);
    expect(full.steps).toBe(reduced.steps);
    expect(num(full.finalOffDiagonal)).toBeLessThan(1e-10);
    // Power iteration at the end against the exact reduced sharpness.
    expect(relErr(num(full.finalSharpness), num(reduced.finalSharpness))).toBeLessThan(1e-4);
  });

  it('random small initialization leaves the SVS set; the sum still fits T', async () => {
    const s = await run({ ...FIG1, model: 'full', targets: [1, 0.5], init: 'random', learningRate: 0.3, maxSteps: 5000 });
    expect(s.converged).toBe(1);
    expect(num(s.finalOffDiagonal)).toBeGreaterThan(0.01);
  });

  it('the diagonal initialization (11) puts Y_p = ε_p^L U Vᵀ in the SVS set', () => {
    const shape = { d: 2, depths: [3, 3], activation: 'linear' as const };
    const basis = targetMatrix([1, 0.5], 'random', 1);
    const net = new MatrixNet(shape, basis.T);
    net.forward(initialTheta(shape, basis, [0.2, 0.1], 'diagonal', 1));
    const values = new Float64Array(4);
    expect(projectPathways(net.outputs, basis, values)).toBeLessThan(1e-14);
    expect(Array.from(values).map((v) => Number(v.toFixed(12)))).toEqual([0.008, 0.001, 0.008, 0.001]);
  });

  it('the Tanh MLP trains on canonical-basis inputs and records its sharpness and projections', async () => {
    const ctx = fakeRunContext();
    const s = await run({ model: 'mlp', pathways: 2, depth: 3, targets: [1, 0.5], initScale: 0.1, learningRate: 0.3, maxSteps: 3000 }, ctx);
    expect(s.converged).toBe(1);
    expect(num(s.finalSharpness)).toBeGreaterThan(0);
    expect(num(s.finalSharpness)).toBeLessThanOrEqual(2 / 0.3);
    expect(ctx.series('offDiagonal').y.length).toBeGreaterThan(10);
  });
});

describe('parameters, metadata, analyses and examples', () => {
  it('rejects bad inputs with messages naming the field', () => {
    const issues = (input: Record<string, unknown>): string[] => {
      const parsed = family.params.safeParse(input);
      expect(parsed.success).toBe(false);
      return parsed.error ? parsed.error.issues.map((i) => i.path.join('.')) : [];
    };
    expect(issues({ pathways: 3, depths: [3, 4] })).toContain('depths');
    expect(issues({ pathways: 2, initScales: [0.1] })).toContain('initScales');
    expect(issues({ model: 'full', dynamics: 'flow' })).toContain('dynamics');
    expect(issues({ pathways: 2, worstCaseStart: true })).toContain('worstCaseStart');
    expect(issues({ pathways: 1, worstCaseStart: true, learningRate: 0.2 })).toContain('learningRate');
    expect(issues({ learningRate: -1 })).toContain('learningRate');
    expect(issues({ depth: 1 })).toContain('depth');
    expect(issues({ targets: [] })).toContain('targets');
  });

  it('documents every field and validates its charts and theory overlays against the contract', () => {
    const schema = z.toJSONSchema(family.params, { io: 'input' }) as { properties: Record<string, { description?: string }> };
    for (const [key, prop] of Object.entries(schema.properties)) expect(prop.description, key).toBeTruthy();
    for (const chart of family.charts) chartSpec.parse(chart);
    const theory = family.theory?.(family.params.parse({ targets: [1, 0.5] })) ?? [];
    for (const t of theory) theorySeries.parse(t);
    const ids = new Set(theory.map((t) => t.id));
    for (const chart of family.charts) for (const id of chart.theory ?? []) expect(ids.has(id), id).toBe(true);
    expect(theory.find((t) => t.id === 'stability')?.y).toEqual([2 / 0.75]);
  });

  it('analyses: sharpness table and phase diagram on a small η × P sweep (no worst-case start: no WCR table)', async () => {
    const runs: AnalysisRunInput[] = [];
    let id = 0;
    for (const learningRate of [0.3, 0.75, 1.0]) {
      for (const pathways of [2, 3]) {
        const params = { ...FIG1, pathways, learningRate };
        runs.push({ runId: id++, params, seed: 0, status: 'done', summary: (await run(params)) as AnalysisRunInput['summary'] });
      }
    }
    const results = Object.fromEntries((family.analyses ?? []).filter((a) => a.applies(runs)).map((a) => [a.id, analysisResult.parse(a.run(runs))]));
    expect(Object.keys(results).sort()).toEqual(['edge-of-stability-claims', 'phase-diagram', 'sharpness-theory', 'zero-loss-points']);
    for (const result of Object.values(results)) for (const check of result.checks) expect(check.pass, `${result.id}: ${check.name}`).toBe(true);
    const chart = results['phase-diagram'].chart;
    expect(chart?.series.map((s) => s.name)).toContain('η = 2/λ_min (no stable minimum)');
    expect(family.analyses?.find((a) => a.id === 'phase-diagram')?.applies(runs.filter((r) => r.params.pathways === 2))).toBe(false);
  });

  it('the WCR table comes with worst-case-start runs and checks their knife edge: a sign flip exactly above η_WCR', async () => {
    const etaWcr = wcrConstant(3) / 3;
    const runs: AnalysisRunInput[] = [];
    for (const [runId, learningRate] of [0.98 * etaWcr, 1.02 * etaWcr].entries()) {
      const params = { pathways: 1, depth: 3, targets: [1], worstCaseStart: true, learningRate, maxSteps: 40 };
      runs.push({ runId, params, seed: 0, status: 'done', summary: (await run(params)) as AnalysisRunInput['summary'] });
    }
    expect(runs.map((r) => r.summary?.signFlipStep)).toEqual([null, 2]);
    const wcr = family.analyses?.find((a) => a.id === 'wcr-threshold');
    expect(wcr?.applies(runs)).toBe(true);
    const knifeEdge = (input: AnalysisRunInput[]) => analysisResult.parse(wcr?.run(input)).checks.find((c) => c.name.startsWith('worst-case-start runs'));
    expect(knifeEdge(runs)?.pass).toBe(true);
    expect(knifeEdge(runs)?.value).toBe(2);
    // The check reads the runs: a flip below η_WCR (or none above) fails it.
    const swapped = runs.map((r, i) => ({ ...r, summary: { ...r.summary, signFlipStep: runs[1 - i].summary?.signFlipStep ?? null } }));
    expect(knifeEdge(swapped)?.pass).toBe(false);
    expect(knifeEdge(swapped)?.value).toBe(0);
  });

  it('phase diagram over P × L at fixed η draws the 2/λ_min boundary P = (2/(η λ_single))^{L/(2−L)}', async () => {
    const runs: AnalysisRunInput[] = [];
    let id = 0;
    for (const pathways of [2, 4]) {
      for (const depth of [3, 4]) {
        const params = { ...FIG1, pathways, depth, learningRate: 0.75 };
        runs.push({ runId: id++, params, seed: 0, status: 'done', summary: (await run(params)) as AnalysisRunInput['summary'] });
      }
    }
    const analysis = family.analyses?.find((a) => a.id === 'phase-diagram');
    expect(analysis?.applies(runs)).toBe(true);
    const result = analysisResult.parse(analysis?.run(runs));
    const boundary = result.chart?.series.find((s) => s.name === 'P where 2/λ_min = η');
    expect(boundary?.x.length).toBe(2);
    // At P on the line, the balanced sharpness equals 2/η.
    boundary?.x.forEach((P, i) => expect(relErr(balancedSharpness(P, boundary.y[i] as number, 1), 2 / 0.75)).toBeLessThan(1e-12));
    expect(result.columns.map((c) => c.label)).toContain('L');
  });

  it('the example specs parse, expand to valid params, and Fig. 5 brackets η_WCR', () => {
    for (const file of ['fig1', 'fig2', 'fig4', 'fig5', 'fig9', 'phase-diagram', 'full-random', 'splits', 'rank-k', 'flow-conservation', 'wcr-depths', 'warmup']) {
      const spec = exampleFile.parse(JSON.parse(readFileSync(new URL(`../../examples/multipath-${file}.json`, import.meta.url), 'utf8')));
      expect(spec.family).toBe('multipath');
      for (const planned of expandSweep(spec.params, spec.sweep, spec.seeds)) expect(family.params.safeParse(planned.params).success, file).toBe(true);
      if (file === 'fig5') {
        const eta = wcrConstant(3) / 3;
        (spec.sweep.learningRate as number[]).forEach((value, i) => expect(relErr(value, [0.98, 0.999, 1.001, 1.02][i] * eta)).toBeLessThan(1e-6));
      }
    }
    expect(builtInFamilies.map((f) => f.id)).toContain('multipath');
    expect(getFamily('multipath')).toBe(family);
  });

  it('imbalance is 0 on the flattest shares and 1 on a single pathway', () => {
    expect(imbalance([0.5, 0.5], 0, [0.5, 0.5])).toBe(0);
    expect(imbalance([1, 0], 0, [0.5, 0.5])).toBe(1);
    expect(imbalance([0.75, 0.25], 0, [0.5, 0.5])).toBeCloseTo(0.5, 14);
  });
});
