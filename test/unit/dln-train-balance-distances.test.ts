// The recorder's balance metrics ‖D − λI‖_F and ‖D − D₀‖_F (balance/l, balanceDrift) from one pass over D,
// against the explicit subtractions and frobenius (scaled, so exact to rounding at any magnitude).
import { describe, expect, it } from 'vitest';
import { balanceDistances, balanceMatrices } from '../../workers/families/dln-train/observables';
import { clone, frobenius, identity, type Matrix, randomGaussian, scaleInPlace, subInPlace, zeros } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';

function explicit(d: Matrix, lambda: number, d0: Matrix): { defect: number; moved: number } {
  return { defect: frobenius(subInPlace(clone(d), scaleInPlace(identity(d.rows), lambda))), moved: frobenius(subInPlace(clone(d), d0)) };
}

describe('balanceDistances', () => {
  const rng = createRng(7);
  it.each([
    ['unit scale', 1],
    ['tiny entries (squares below the safe range: the scaled path)', 1e-150],
    ['huge entries (squares overflow: the scaled path)', 1e160],
  ])('equals the explicit norms to 1e-14 relative: %s', (_, scale) => {
    const [d, d0] = [0, 1].map(() => scaleInPlace(randomGaussian(40, 40, rng), scale));
    const lambda = 0.3 * scale;
    const got = balanceDistances(d, lambda, d0), want = explicit(d, lambda, d0);
    expect(Math.abs(got.defect - want.defect)).toBeLessThanOrEqual(1e-14 * want.defect);
    expect(Math.abs(got.moved - want.moved)).toBeLessThanOrEqual(1e-14 * want.moved);
  });

  it('is exactly 0 for a balanced init at t = 0 (D = λI = D₀)', () => {
    const d = scaleInPlace(identity(6), 0.5);
    expect(balanceDistances(d, 0.5, clone(d))).toEqual({ defect: 0, moved: 0 });
    expect(balanceDistances(zeros(6, 6), 0, zeros(6, 6))).toEqual({ defect: 0, moved: 0 });
  });

  it('D₁ = W₂ᵀW₂ − W₁W₁ᵀ of layers W₁ = diag(1, 2), W₂ = diag(3, 1): defect ‖diag(8, −3) − λI‖ by hand', () => {
    const w1 = zeros(2, 2), w2 = zeros(2, 2);
    w1.data.set([1, 0, 0, 2]);
    w2.data.set([3, 0, 0, 1]);
    const [d] = balanceMatrices([w1, w2]);
    const got = balanceDistances(d, 1, zeros(2, 2));
    expect(got.defect).toBeCloseTo(Math.hypot(7, 4), 14);
    expect(got.moved).toBeCloseTo(Math.hypot(8, 3), 14);
  });
});
