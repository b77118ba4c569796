// Least-squares fits against hand-computed values.
import { describe, expect, it } from 'vitest';
import { fitInterceptWithSlope, fitLine } from '../../workers/numeric/fit';

describe('fitLine', () => {
  it('recovers an exact line with r² = 1 and zero standard errors', () => {
    const x = [-2, -1, 0.5, 3, 7];
    const fit = fitLine(x, x.map((v) => 1.5 - 0.25 * v));
    expect(fit?.slope).toBeCloseTo(-0.25, 14);
    expect(fit?.intercept).toBeCloseTo(1.5, 14);
    expect(fit?.r2).toBeCloseTo(1, 14);
    expect(fit?.slopeStdErr).toBeCloseTo(0, 12);
  });

  it('matches hand-computed OLS values on noisy data', () => {
    // x̄ = 2.5, ȳ = 2.75, Sxx = 5, Sxy = 5.5, RSS = 2.7, Syy = 8.75.
    const fit = fitLine([1, 2, 3, 4], [1, 3, 2, 5]);
    expect(fit).not.toBeNull();
    expect(fit?.slope).toBeCloseTo(1.1, 14);
    expect(fit?.intercept).toBeCloseTo(0, 14);
    expect(fit?.r2).toBeCloseTo(1 - 2.7 / 8.75, 14);
    expect(fit?.slopeStdErr).toBeCloseTo(Math.sqrt(1.35 / 5), 14);
    expect(fit?.interceptStdErr).toBeCloseTo(Math.sqrt(1.35 * (1 / 4 + 6.25 / 5)), 14);
    expect(fit?.n).toBe(4);
  });

  it('returns null when no line is determined, and no standard errors from two points', () => {
    expect(fitLine([1], [2])).toBeNull();
    expect(fitLine([2, 2, 2], [1, 2, 3])).toBeNull();
    const two = fitLine([0, 1], [1, 3]);
    expect(two?.slope).toBeCloseTo(2, 14);
    expect(two?.slopeStdErr).toBeNull();
  });
});

describe('fitInterceptWithSlope', () => {
  it('is the mean residual, with its standard error', () => {
    const fit = fitInterceptWithSlope([0, 1, 2], [1, 2.5, 4.5], 1.5);
    // residuals y − 1.5x: 1, 1, 1.5
    expect(fit?.intercept).toBeCloseTo(3.5 / 3, 14);
    const mean = 3.5 / 3;
    const s2 = ((1 - mean) ** 2 * 2 + (1.5 - mean) ** 2) / 2;
    expect(fit?.interceptStdErr).toBeCloseTo(Math.sqrt(s2 / 3), 14);
    expect(fitInterceptWithSlope([], [], 1)).toBeNull();
  });
});
