// Special functions and quadrature against identities with known values.
import { describe, expect, it } from 'vitest';
import { expm1MinusX, hyp2f1, integrateGaussKronrod } from '../../workers/numeric/special';

describe('hyp2f1', () => {
  it('matches ₂F₁(1, 1; 2; z) = −log(1 − z)/z and ₂F₁(a, b; b; z) = (1 − z)^−a', () => {
    for (const z of [-0.9, -0.3, 1e-6, 0.5, 0.9]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 13);
      expect(hyp2f1(0.7, 1.3, 1.3, z)).toBeCloseTo((1 - z) ** -0.7, 13);
    }
  });

  it('is NaN outside the unit disc of convergence', () => {
    expect(Number.isNaN(hyp2f1(1, 1, 2, 1))).toBe(true);
  });
});

describe('expm1MinusX', () => {
  it('keeps full relative precision for small arguments and agrees with expm1(z) − z elsewhere', () => {
    expect(Math.abs(expm1MinusX(1e-10) / (5e-21 + 1e-30 / 6) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(expm1MinusX(-1e-5) / (1e-10 / 2 - 1e-15 / 6 + 1e-20 / 24) - 1)).toBeLessThan(1e-14);
    for (const z of [-3, -0.6, 0.6, 2]) expect(expm1MinusX(z)).toBeCloseTo(Math.expm1(z) - z, 14);
    const atEdge = 0.5;
    expect(Math.abs(expm1MinusX(atEdge) / (Math.expm1(atEdge) - atEdge) - 1)).toBeLessThan(1e-15);
  });
});

describe('integrateGaussKronrod', () => {
  it('is exact for polynomials up to degree 22 on one panel (Kronrod 15)', () => {
    for (let k = 0; k <= 22; k++) {
      const r = integrateGaussKronrod((x) => x ** k, 0, 1, { rtol: 1, maxPanels: 1 });
      expect(Math.abs(r.value * (k + 1) - 1)).toBeLessThan(1e-14);
    }
  });

  it('adapts to smooth, oscillatory and endpoint-singular integrands', () => {
    expect(integrateGaussKronrod(Math.sin, 0, Math.PI).value).toBeCloseTo(2, 14);
    const osc = integrateGaussKronrod((x) => Math.cos(50 * x), 0, 1);
    expect(osc.converged).toBe(true);
    expect(osc.value).toBeCloseTo(Math.sin(50) / 50, 13);
    const sqrt = integrateGaussKronrod(Math.sqrt, 0, 1, { rtol: 1e-10 });
    expect(sqrt.converged).toBe(true);
    expect(Math.abs(sqrt.value - 2 / 3)).toBeLessThan(1e-10);
  });

  it('says when it did not converge', () => {
    const r = integrateGaussKronrod((x) => 1 / x, 0, 1, { maxPanels: 50 });
    expect(r.converged).toBe(false);
    expect(r.panels).toBe(50);
  });
});
