// Dense products against the naive triple loop (Gram products against the full product), SVD and symmetric eigen against known
// decompositions (reconstruction ≤ 1e-12‖A‖, orthogonality), QR and Haar orthogonal matrices.
import { describe, expect, it } from 'vitest';
import {
  diagonal,
  frobenius,
  fromRows,
  gramNT,
  gramTN,
  identity,
  type Matrix,
  matmul,
  matmulNT,
  matmulTN,
  qr,
  randomGaussian,
  randomOrthogonal,
  subInPlace,
  transpose,
  zeros,
} from '../../workers/numeric/matrix';
import { singularValues, svd, symmetricEigen } from '../../workers/numeric/svd';
import { createRng } from '../../workers/numeric/rng';

function naive(a: Matrix, b: Matrix): Matrix {
  const c = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      c.data[i * b.cols + j] = s;
    }
  return c;
}

const distance = (a: Matrix, b: Matrix): number => frobenius(subInPlace({ ...a, data: Float64Array.from(a.data) }, b));

function orthonormalityError(q: Matrix): number {
  return distance(matmulTN(q, q), identity(q.cols));
}

describe('products', () => {
  // Odd sizes exercise the unroll remainders and the tile edges (KC = 64, NC = 256).
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 2], [7, 67, 9], [65, 130, 259], [33, 3, 300]];
  it.each(shapes)('AB, AᵀB and ABᵀ match the naive loop for %i×%i times %i', (m, k, n) => {
    const rng = createRng(m * 1000 + k * 10 + n);
    const a = randomGaussian(m, k, rng), b = randomGaussian(k, n, rng);
    const ref = naive(a, b);
    const tol = 1e-13 * frobenius(a) * frobenius(b);
    expect(distance(matmul(a, b), ref)).toBeLessThanOrEqual(tol);
    expect(distance(matmulTN(transpose(a), b), ref)).toBeLessThanOrEqual(tol);
    expect(distance(matmulNT(a, transpose(b)), ref)).toBeLessThanOrEqual(tol);
    const out = randomGaussian(m, n, rng);
    expect(matmul(a, b, out)).toBe(out);
    expect(distance(out, ref)).toBeLessThanOrEqual(tol);
  });
  // Gram products: the blocked symmetric form (from 128 columns, 4 block rows, a last block cut short) equals the full product bit for bit.
  it.each([[300, 128], [77, 257], [256, 256]])('XᵀX and XXᵀ equal AᵀB and ABᵀ bit for bit (X %i×%i)', (k, n) => {
    const x = randomGaussian(k, n, createRng(k + n));
    expect(gramTN(x).data).toEqual(matmulTN(x, x).data);
    const xt = transpose(x);
    expect(gramNT(xt).data).toEqual(matmulNT(xt, xt).data);
  });
  it('rejects mismatched shapes', () => {
    expect(() => matmul(zeros(2, 3), zeros(2, 3))).toThrow(/matmul/);
    expect(() => fromRows([[1, 2], [3]])).toThrow(/row 1/);
  });
});

describe('svd', () => {
  it('recovers a known decomposition U diag(s) Vᵀ built from Haar orthogonal factors', () => {
    const rng = createRng(7);
    const s = [5, 3, 1e-3, 1e-9];
    const u = randomOrthogonal(6, rng), v = randomOrthogonal(4, rng);
    const a = matmulNT(matmul(u, diagonal(6, 4, s)), v);
    const d = svd(a);
    // Singular values of a rank-preserving product: relative accuracy ~ ε‖A‖/σ for the small ones.
    s.forEach((x, i) => expect(Math.abs(d.s[i] - x)).toBeLessThanOrEqual(1e-14 * 5 * 10));
    expect(distance(matmulNT(matmul(d.U, diagonal(4, 4, d.s)), d.V), a)).toBeLessThanOrEqual(1e-12 * frobenius(a));
    expect(orthonormalityError(d.U)).toBeLessThan(1e-13);
    expect(orthonormalityError(d.V)).toBeLessThan(1e-13);
    // Leading singular vectors agree with the construction up to sign.
    const dot = Math.abs(u.data.filter((_, i) => i % 6 === 0).reduce((acc, x, i) => acc + x * d.U.data[i * 4], 0));
    expect(dot).toBeCloseTo(1, 12);
  });

  it.each([[9, 5], [5, 9], [40, 40], [100, 30]])('random %i×%i: reconstruction and orthogonality', (m, n) => {
    const a = randomGaussian(m, n, createRng(m + n));
    const d = svd(a);
    const k = Math.min(m, n);
    expect(distance(matmulNT(matmul(d.U, diagonal(k, k, d.s)), d.V), a)).toBeLessThanOrEqual(1e-12 * frobenius(a));
    expect(orthonormalityError(d.U)).toBeLessThan(1e-12);
    expect(orthonormalityError(d.V)).toBeLessThan(1e-12);
    for (let i = 1; i < k; i++) expect(d.s[i]).toBeLessThanOrEqual(d.s[i - 1]);
    const values = singularValues(a);
    values.forEach((x, i) => expect(Math.abs(x - d.s[i])).toBeLessThanOrEqual(1e-13 * d.s[0]));
  });

  it('rank-deficient input: zero singular values and a completed orthonormal U', () => {
    const a = fromRows([[1, 2], [2, 4], [3, 6]]);
    const d = svd(a);
    expect(d.s[0]).toBeCloseTo(Math.sqrt(14 * 5), 13);
    expect(d.s[1]).toBeLessThan(1e-15);
    expect(orthonormalityError(d.U)).toBeLessThan(1e-14);
    expect(Array.from(singularValues(zeros(3, 2)))).toEqual([0, 0]);
  });
});

describe('symmetricEigen', () => {
  it('diagonalizes Q diag(λ) Qᵀ with descending λ and orthonormal vectors', () => {
    const rng = createRng(3);
    const q = randomOrthogonal(7, rng);
    const lambda = [4, 2.5, 1, 0, -0.5, -3, 1e-8];
    const s = matmulNT(matmul(q, diagonal(7, 7, lambda)), q);
    const e = symmetricEigen(s);
    const sorted = [...lambda].sort((x, y) => y - x);
    sorted.forEach((x, i) => expect(Math.abs(e.values[i] - x)).toBeLessThan(1e-13 * 4));
    expect(orthonormalityError(e.vectors)).toBeLessThan(1e-13);
    expect(distance(matmulNT(matmul(e.vectors, diagonal(7, 7, e.values)), e.vectors), s)).toBeLessThan(1e-12 * frobenius(s));
  });
});

describe('qr and randomOrthogonal', () => {
  it('QR reconstructs tall and wide matrices with orthonormal Q and triangular R', () => {
    for (const [m, n] of [[8, 5], [5, 8], [6, 6]]) {
      const a = randomGaussian(m, n, createRng(m * n));
      const { q, r } = qr(a);
      expect(distance(matmul(q, r), a)).toBeLessThan(1e-13 * frobenius(a));
      expect(orthonormalityError(q)).toBeLessThan(1e-14);
      for (let i = 0; i < r.rows; i++) for (let j = 0; j < Math.min(i, r.cols); j++) expect(r.data[i * r.cols + j]).toBe(0);
    }
  });
  it('randomOrthogonal is orthogonal, seeded, and unbiased in sign (mean entry ≈ 0)', () => {
    const a = randomOrthogonal(12, createRng(11));
    expect(orthonormalityError(a)).toBeLessThan(1e-14);
    expect(Array.from(randomOrthogonal(12, createRng(11)).data)).toEqual(Array.from(a.data));
    // Haar: each entry has mean 0 and variance 1/n; the first-column mean over 400 draws is ~N(0, 1/(n·400)).
    const rng = createRng(5);
    let sum = 0;
    for (let k = 0; k < 400; k++) sum += randomOrthogonal(12, rng).data[0];
    expect(Math.abs(sum / 400)).toBeLessThan(5 / Math.sqrt(12 * 400));
  });
});
