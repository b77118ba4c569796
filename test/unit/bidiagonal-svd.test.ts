// Singular values by bidiagonalisation + implicit-shift QR, and the leading singular vectors by inverse
// iteration, against closed forms: diagonal matrices (σ = |d| sorted), and U diag(s) Vᵀ built from Haar
// orthogonal U, V (σ = s to 1e-12 relative for s within three decades of σ₁; exact zeros to 1e-14·σ₁,
// the absolute accuracy of a Householder reduction), tall, wide and square, below and past the 96 columns
// where the reduction goes in blocked panels; vectors against the construction's columns (sign-free) and
// the residual ‖A v − σ u‖; and one-sided Jacobi on Gaussian matrices.
import { describe, expect, it } from 'vitest';
import { bidiagonalSvdValues, partialSvd } from '../../workers/numeric/bidiagonal-svd';
import { diagonal, type Matrix, matmul, matmulNT, randomGaussian, randomOrthogonal, zeros } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { singularValues } from '../../workers/numeric/svd';

/** U diag(s) Vᵀ with U (m × m) and V (n × n) Haar orthogonal from `seed`. */
function constructed(m: number, n: number, s: readonly number[], seed: number): { a: Matrix; u: Matrix; v: Matrix } {
  const rng = createRng(seed);
  const u = randomOrthogonal(m, rng), v = randomOrthogonal(n, rng);
  return { a: matmulNT(matmul(u, diagonal(m, n, s)), v), u, v };
}

const logSpaced = (count: number, decades: number): number[] => Array.from({ length: count }, (_, i) => 10 ** ((-decades * i) / Math.max(1, count - 1)));

const column = (m: Matrix, j: number): Float64Array => Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]);
const dot = (x: ArrayLike<number>, y: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
};

describe('bidiagonal SVD: singular values', () => {
  it.each([
    [1, 1, [-3]],
    [3, 3, [2, -5, 0.5]],
    [4, 2, [0, 7]],
    [2, 5, [1e-3, -1]],
    [6, 6, [1, 1, 1, 2, 2, 0]],
  ])('%i×%i diagonal %j: σ = |d| sorted, exactly', (m, n, d) => {
    const expected = Float64Array.from(d.map(Math.abs)).sort().reverse();
    expect(Array.from(bidiagonalSvdValues(diagonal(m, n, d)))).toEqual(Array.from(expected));
  });

  it('the zero matrix has only zero singular values', () => {
    expect(Array.from(bidiagonalSvdValues(zeros(5, 3)))).toEqual([0, 0, 0]);
  });

  it.each([
    [40, 40],
    [90, 33],
    [33, 90],
    [200, 200],
    // Past 96 columns the reduction goes in blocked panels of 8: square, tall and wide, the last columns unblocked.
    [256, 256],
    [300, 130],
    [130, 300],
  ])('%i×%i U diag(s) Vᵀ, s over three decades: σ = s to 1e-12 relative', (m, n) => {
    const s = logSpaced(Math.min(m, n), 3);
    const { a } = constructed(m, n, s, m * 1000 + n);
    const sigma = bidiagonalSvdValues(a);
    s.forEach((x, i) => expect(Math.abs(sigma[i] / x - 1)).toBeLessThan(1e-12));
  });

  it.each([60, 160])('rank 5 of %i: the five values to 1e-12 relative, the zeros to 1e-14·σ₁', (n) => {
    const s = [4, 3, 2, 1, 0.5, ...new Array<number>(n - 5).fill(0)];
    const sigma = bidiagonalSvdValues(constructed(n, n, s, 7).a);
    s.slice(0, 5).forEach((x, i) => expect(Math.abs(sigma[i] / x - 1)).toBeLessThan(1e-12));
    for (let i = 5; i < n; i++) expect(sigma[i]).toBeLessThan(1e-14 * s[0]);
  });

  it.each([40, 140])('repeated values (a cluster of 10 at 1) stay separate and exact to 1e-12 (%i square)', (n) => {
    const s = [3, ...new Array<number>(10).fill(1), ...logSpaced(n - 11, 2).map((x) => 0.5 * x)];
    const sigma = bidiagonalSvdValues(constructed(n, n, s, 11).a);
    s.forEach((x, i) => expect(Math.abs(sigma[i] / x - 1)).toBeLessThan(1e-12));
  });

  it.each([
    [64, 64],
    [100, 37],
    [150, 120],
  ])('%i×%i Gaussian: agrees with one-sided Jacobi to 1e-13·σ₁', (m, n) => {
    const a = randomGaussian(m, n, createRng(m + n));
    const ours = bidiagonalSvdValues(a), jacobi = singularValues(a);
    ours.forEach((x, i) => expect(Math.abs(x - jacobi[i])).toBeLessThan(1e-13 * jacobi[0]));
  });
});

describe('bidiagonal SVD: leading singular vectors', () => {
  it.each([
    [50, 50],
    [70, 40],
    [40, 70],
    [160, 130],
    [130, 160],
  ])('%i×%i: the first 8 pairs are the construction’s columns (|uᵀu*|·|vᵀv*| = 1 to 1e-10) with ‖Av − σu‖ ≤ 1e-13·σ₁', (m, n) => {
    const s = logSpaced(Math.min(m, n), 3);
    const { a, u, v } = constructed(m, n, s, 3 * m + n);
    const d = partialSvd(a, 8);
    expect(d).not.toBeNull();
    const { U, V, s: sigma } = d as NonNullable<typeof d>;
    expect([U.rows, U.cols, V.rows, V.cols]).toEqual([m, 8, n, 8]);
    for (let k = 0; k < 8; k++) {
      const uk = column(U, k), vk = column(V, k);
      expect(Math.abs(Math.abs(dot(uk, column(u, k)) * dot(vk, column(v, k))) - 1)).toBeLessThan(1e-10);
      const av = Float64Array.from({ length: m }, (_, i) => dot(a.data.subarray(i * n, (i + 1) * n), vk));
      expect(Math.hypot(...av.map((x, i) => x - sigma[k] * uk[i]))).toBeLessThan(1e-13 * s[0]);
    }
  });

  it('declines (null) a requested mode whose σ is zero, where inverse iteration cannot split u from v', () => {
    expect(partialSvd(constructed(40, 40, [2, 1, ...new Array<number>(38).fill(0)], 5).a, 3)).toBeNull();
    expect(partialSvd(constructed(40, 40, [2, 1, ...new Array<number>(38).fill(0)], 5).a, 2)).not.toBeNull();
  });
});
