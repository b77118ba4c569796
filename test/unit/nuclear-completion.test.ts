// Minimum-nuclear-norm completion: exact recovery of a low-rank matrix from enough random entries
// (Candès–Recht), certified by the duality gap the solver reports.
import { describe, expect, it } from 'vitest';
import { clone, frobenius, fromRows, matmulNT, randomGaussian, subInPlace } from '../../workers/numeric/matrix';
import { singularValues } from '../../workers/numeric/svd';
import { minNuclearNormCompletion } from '../../workers/numeric/nuclear-completion';
import { createRng } from '../../workers/numeric/rng';

describe('minNuclearNormCompletion', () => {
  it('recovers a rank-2 30×30 matrix from half of its entries, gap certified ≤ 1e-7', () => {
    const rng = createRng(6);
    const m = matmulNT(randomGaussian(30, 2, rng), randomGaussian(30, 2, rng));
    const mask = Uint8Array.from(m.data, () => (rng.uniform() < 0.5 ? 1 : 0));
    const result = minNuclearNormCompletion({ values: m, mask }, { tolerance: 1e-7 });
    expect(result.converged).toBe(true);
    expect(result.lowerBound).toBeLessThanOrEqual(result.nuclearNorm);
    expect(result.relativeGap).toBeLessThanOrEqual(1e-7);
    // Exact recovery: the minimum is ‖M‖_*, bracketed by the certified bounds, and the minimizer is M.
    const nuclear = singularValues(m).reduce((a, b) => a + b, 0);
    expect(result.lowerBound).toBeLessThanOrEqual(nuclear * (1 + 1e-12));
    expect(Math.abs(result.nuclearNorm - nuclear) / nuclear).toBeLessThan(1e-7);
    expect(frobenius(subInPlace(clone(result.X), m)) / frobenius(m)).toBeLessThan(1e-5);
    // Observed entries are kept exactly.
    m.data.forEach((v, i) => mask[i] && expect(result.X.data[i]).toBe(v));
  });

  it('fills the one missing entry of [[1, 1], [1, ?]] with 1 (rank one, ‖X‖_* = 2)', () => {
    // ‖[[1, 1], [1, 1 − δ]]‖_* = √(4 + δ²) for δ > 0: a gap of 1e-10 pins δ only to ~3e-5.
    const result = minNuclearNormCompletion({ values: fromRows([[1, 1], [1, 0]]), mask: Uint8Array.from([1, 1, 1, 0]) }, { tolerance: 1e-10 });
    expect(result.converged).toBe(true);
    expect(Math.abs(result.X.data[3] - 1)).toBeLessThan(1e-4);
    expect(Math.abs(result.nuclearNorm - 2)).toBeLessThan(1e-9);
    expect(result.lowerBound).toBeLessThanOrEqual(2);
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => minNuclearNormCompletion({ values: fromRows([[1]]), mask: new Uint8Array(2) })).toThrow(/mask/);
  });
});
