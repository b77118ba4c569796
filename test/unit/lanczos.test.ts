// Lanczos top-k and Hutchinson's trace (workers/numeric/lanczos.ts) against dense decompositions, and
// the dln-train Hessian they measure: exact Hessian-vector products against central differences of
// the back-propagated gradient, and the sharpness L·s₁^{2−2/L} and trace Σ_l ‖S_l‖²_F‖P_l‖²_F of the
// Gauss–Newton Hessian JᵀJ at a balanced global minimum (zero residual).
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { hessianOperator } from '../../workers/families/dln-train/hessian';
import { Backprop, initialLayers } from '../../workers/families/dln-train/network';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { buildTask } from '../../workers/families/dln-train/task';
import { hutchinsonTrace, lanczosTop, type SymmetricOperator } from '../../workers/numeric/lanczos';
import { diagonal, type Matrix, matmul, matmulNT, randomOrthogonal, zeros } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { symmetricEigen } from '../../workers/numeric/svd';
import { fakeRunContext } from './fake-run-context';

const dense = (a: Matrix): SymmetricOperator => (v, out) => {
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j] * v[j];
    out[i] = s;
  }
};

/** The operator as a dense matrix, column j = A e_j. */
function materialise(apply: SymmetricOperator, n: number): Matrix {
  const m = zeros(n, n), e = new Float64Array(n), col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    apply(e, col);
    for (let i = 0; i < n; i++) m.data[i * n + j] = col[i];
  }
  return m;
}

/** Q diag(values) Qᵀ with a Haar-random Q. */
function withSpectrum(values: number[], seed: number): Matrix {
  const n = values.length, q = randomOrthogonal(n, createRng(seed));
  return matmulNT(matmul(q, diagonal(n, n, values)), q);
}

describe('Lanczos and Hutchinson on dense matrices', () => {
  it('full Krylov space: the top 5 of a 30 × 30 matrix with mixed-sign spectrum equal its eigenvalues (≤ 1e-12 of the norm)', () => {
    const values = Array.from({ length: 30 }, (_, i) => Math.sin(1 + 3 * i) * (1 + i / 10));
    const top = lanczosTop(dense(withSpectrum(values, 1)), 30, 5, createRng(2), 30).values;
    const expected = [...values].sort((a, b) => b - a).slice(0, 5);
    top.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-12 * 4));
  });

  it('default 2k + 30 steps on n = 300: the separated top 3 converge to 1e-8 relative', () => {
    const values = [50, 40, 30, ...Array.from({ length: 297 }, (_, i) => 10 * Math.cos(i))];
    const a = withSpectrum(values, 3);
    const result = lanczosTop(dense(a), 300, 3, createRng(4));
    expect(result.iterations).toBe(36);
    result.values.forEach((v, i) => expect(Math.abs(v / [50, 40, 30][i] - 1)).toBeLessThan(1e-8));
  });

  it('restarts past an invariant subspace, so repeated eigenvalues keep their multiplicity', () => {
    const identityTop = lanczosTop(dense(diagonal(9, 9, new Array<number>(9).fill(2))), 9, 3, createRng(6));
    identityTop.values.forEach((v) => expect(v).toBeCloseTo(2, 12));
    const lowRank = lanczosTop(dense(withSpectrum([5, 5, -3, ...new Array<number>(17).fill(0)], 5)), 20, 3, createRng(7), 20).values;
    [5, 5, 0].forEach((v, i) => expect(lowRank[i]).toBeCloseTo(v, 10));
  });

  it('Hutchinson is exact on a diagonal matrix and within 4 standard errors on a dense one', () => {
    const d = diagonal(6, 6, [1, -2, 3, 0.5, 7, 2]);
    expect(hutchinsonTrace(dense(d), 6, 3, createRng(7))).toEqual({ trace: 11.5, standardError: 0 });
    const a = withSpectrum([4, 3, 2, 1, -1, 0.5, 2, 1], 8);
    const estimate = hutchinsonTrace(dense(a), 8, 4000, createRng(9));
    let offDiagonal = 0;
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) if (i !== j) offDiagonal += a.data[i * 8 + j] ** 2;
    // The standard error it reports matches the estimator's √(2Σ_{i≠j}A_ij²/p) to 10%.
    expect(Math.abs(estimate.standardError / Math.sqrt((2 * offDiagonal) / 4000) - 1)).toBeLessThan(0.1);
    expect(Math.abs(estimate.trace - 12.5)).toBeLessThan(4 * estimate.standardError);
  });

  it('rejects k outside 1 … n and fewer than one probe', () => {
    expect(() => lanczosTop(dense(diagonal(3, 3, [1, 2, 3])), 3, 4, createRng(1))).toThrow(/k = 4/);
    expect(() => hutchinsonTrace(dense(diagonal(3, 3, [1, 2, 3])), 3, 0, createRng(1))).toThrow(/probes = 0/);
  });
});

describe('the dln-train Hessian', () => {
  it.each([
    ['target, bottleneck', { depth: 3, widths: [3, 2, 2, 4], targetSingularValues: [2, 1], singularVectors: 'random' }],
    ['regression', { task: 'regression', depth: 2, dim: 3, targetSingularValues: [2, 1, 0.5], whiten: false, noise: 0.1, samples: 40 }],
    ['completion', { task: 'completion', depth: 2, dim: 3, targetSingularValues: [2, 1] }],
  ])('H v matches central differences of the gradient and H is symmetric (%s)', (_name, raw) => {
    const p = dlnTrainParams.parse({ ...raw, init: 'small-random', initScale: 0.8 });
    const rng = createRng(3);
    const task = buildTask(p, rng);
    const layers = initialLayers(p, task, rng);
    const { apply, size } = hessianOperator(task, layers);
    const h = materialise(apply, size);
    for (let i = 0; i < size; i++) for (let j = 0; j < i; j++) expect(Math.abs(h.data[i * size + j] - h.data[j * size + i])).toBeLessThan(1e-12 * 10);
    const widths = [layers[0].cols, ...layers.map((w) => w.rows)];
    const bp = new Backprop(widths);
    const gradient = (shift: Float64Array): Float64Array => {
      let o = 0;
      const moved = layers.map((w) => {
        const m = { rows: w.rows, cols: w.cols, data: w.data.map((x, i) => x + shift[o + i]) };
        o += w.data.length;
        return m;
      });
      const g = zeros(widths[widths.length - 1], widths[0]);
      task.lossAndGradient(bp.product(moved), g);
      const grads = moved.map((w) => zeros(w.rows, w.cols));
      bp.gradients(moved, g, grads);
      return Float64Array.from(grads.flatMap((m) => Array.from(m.data)));
    };
    const v = Float64Array.from({ length: size }, () => rng.normal());
    const step = 1e-5;
    const [up, down] = [gradient(v.map((x) => step * x)), gradient(v.map((x) => -step * x))];
    const hv = new Float64Array(size);
    apply(v, hv);
    const scale = Math.max(...hv.map(Math.abs));
    hv.forEach((x, i) => expect(Math.abs(x - (up[i] - down[i]) / (2 * step))).toBeLessThan(1e-7 * scale));
  });

  it.each([1, 2, 3, 4])('L = %i at the balanced minimum of T = diag(3, 1, 0.5): λ_max = L·s₁^{2−2/L}, trace = Σ_l ‖S_l‖²‖P_l‖², Lanczos = dense', (depth) => {
    const s = [3, 1, 0.5];
    const p = dlnTrainParams.parse({ depth, targetSingularValues: s });
    const task = buildTask(p, createRng(1));
    const layers = Array.from({ length: depth }, () => diagonal(3, 3, s.map((x) => x ** (1 / depth))));
    const { apply, size } = hessianOperator(task, layers);
    const top = lanczosTop(apply, size, 2, createRng(2)).values;
    expect(top[0] / (depth * 3 ** (2 - 2 / depth))).toBeCloseTo(1, 12);
    const eig = symmetricEigen(materialise(apply, size)).values;
    expect(Math.abs(top[1] - eig[1])).toBeLessThan(1e-10 * eig[0]);
    // ‖S_l‖²_F = Σ_α d_α^{2(L−1−l)}, ‖P_l‖²_F = Σ_α d_α^{2l} with d_α = s_α^{1/L}.
    let trace = 0;
    for (let l = 0; l < depth; l++) trace += s.reduce((a, x) => a + x ** ((2 * (depth - 1 - l)) / depth), 0) * s.reduce((a, x) => a + x ** ((2 * l) / depth), 0);
    expect(eig.reduce((a, b) => a + b, 0) / trace).toBeCloseTo(1, 12);
  });

  it('a run records hessianTop/i and hessianTrace, and ends at the balanced minimum’s sharpness L·s₁^{2−2/L}', async () => {
    const p = dlnTrainParams.parse({ depth: 3, targetSingularValues: [2, 1], init: 'aligned', initScale: 0.5, horizon: 30, hessianTopK: 2, hessianTraceProbes: 8, hessianEvery: 20 });
    const ctx = fakeRunContext();
    const summary = await family.run(p, ctx);
    expect((summary.finalHessianTop as number[])[0] / (3 * 2 ** (4 / 3))).toBeCloseTo(1, 8);
    const records = ctx.series('loss').x.length;
    expect(ctx.series('hessianTop/0').x).toHaveLength(Math.ceil(records / 20));
    expect(ctx.series('hessianTop/1').x).toHaveLength(Math.ceil(records / 20));
    expect(ctx.series('hessianTrace').x).toHaveLength(Math.ceil(records / 20));
    expect(summary.finalHessianTrace as number).toBeGreaterThan(0);
  });
});
