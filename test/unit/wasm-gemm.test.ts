// The WebAssembly SIMD product against the sequential triple loop, bit for bit, for both kernels: the
// unfused one sums each entry in k order with a multiply then an add, exactly as `s += a * b` does in
// JavaScript; the fused one takes one correctly rounded a·b + s per step, checked against exact BigInt
// arithmetic. The app turns relaxed SIMD on (test/helpers/engine-setup.ts does the same), so the fused
// kernel is the default and must be available here.
// Shapes cover 1-row/1-column products, m and n off the 4-wide panels (the zero-padded edge panels),
// k = 1 and k past one k block (256), n past one n block (256), and transposed operands via strides.
import { describe, expect, it } from 'vitest';
import { differing, fma } from '../helpers/exact-fma';
import { createRng } from '../../workers/numeric/rng';
import { fusedMultiplyAddAvailable, gemm, gemmUsesFusedMultiplyAdd, type Operand, symmetricGemm } from '../../workers/numeric/wasm-gemm';

const at = (x: Operand, i: number, j: number): number => x.data[i * x.rowStride + j * x.colStride];

function naive(m: number, n: number, k: number, a: Operand, b: Operand, fused: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = fused ? fma(at(a, i, p), at(b, p, j), s) : s + at(a, i, p) * at(b, p, j);
      c[i * n + j] = s;
    }
  return c;
}

/** The same op(X) (rows × cols, from `seed`) stored row-major, or column-major as a transposed operand. */
function operand(rows: number, cols: number, transposed: boolean, seed: number): Operand {
  const rng = createRng(seed);
  const rowMajor = Float64Array.from({ length: rows * cols }, () => rng.normal());
  if (!transposed) return { data: rowMajor, rowStride: cols, colStride: 1 };
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[j * rows + i] = rowMajor[i * cols + j];
  return { data, rowStride: 1, colStride: rows };
}

describe('wasm gemm', () => {
  it('uses the fused kernel once relaxed SIMD is on, and it rounds a·b + c once', () => {
    expect(fusedMultiplyAddAvailable()).toBe(true);
    expect(gemmUsesFusedMultiplyAdd()).toBe(true);
    // −1·1, then + (1 + 2⁻³⁰)(1 − 2⁻³⁰) = 1 − 2⁻⁶⁰, which rounds to 1 when multiplied alone; fused, −2⁻⁶⁰ survives.
    const a: Operand = { data: Float64Array.of(-1, 1 + 2 ** -30), rowStride: 2, colStride: 1 };
    const b: Operand = { data: Float64Array.of(1, 1 - 2 ** -30), rowStride: 1, colStride: 1 };
    const fused = new Float64Array(1), unfused = new Float64Array(1);
    gemm(1, 1, 2, a, b, fused, true);
    gemm(1, 1, 2, a, b, unfused, false);
    expect(unfused[0]).toBe(0);
    // This machine's CPU has FMA3 (V8 emits vfmadd231pd); without it relaxed_madd may round twice.
    expect(fused[0]).toBe(-(2 ** -60));
  });

  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 9, 5], [6, 1, 3], [4, 4, 1], [5, 7, 3], [13, 10, 257], [66, 261, 70], [9, 300, 513],
  ];
  for (const fused of [false, true])
    it.each(shapes)(`${fused ? 'fused' : 'unfused'}: %i×%i result over k = %i equals the sequential loop bit for bit, all four transposes`, (m, n, k) => {
      const expected = naive(m, n, k, operand(m, k, false, m * 7 + k), operand(k, n, false, n * 11 + k), fused);
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const a = operand(m, k, ta, m * 7 + k), b = operand(k, n, tb, n * 11 + k);
          const out = new Float64Array(m * n).fill(Number.NaN);
          gemm(m, n, k, a, b, out, fused);
          expect(differing(out, expected)).toEqual([]);
        }
    });

  it('leaves nothing of a larger earlier product in a smaller later one', () => {
    const big = operand(40, 40, false, 1);
    gemm(40, 40, 40, big, big, new Float64Array(1600));
    const a = operand(3, 2, false, 2), b = operand(2, 5, true, 3);
    const out = new Float64Array(15);
    gemm(3, 5, 2, a, b, out);
    expect(differing(out, naive(3, 5, 2, a, b, gemmUsesFusedMultiplyAdd()))).toEqual([]);
  });

  it('an empty sum (k = 0) is zero, not the previous product left in the kernel memory', () => {
    const x = operand(8, 8, false, 5), xt = { data: x.data, rowStride: 1, colStride: 8 };
    gemm(8, 8, 8, x, x, new Float64Array(64));
    const empty = { data: new Float64Array(0), rowStride: 0, colStride: 1 };
    const out = new Float64Array(64).fill(NaN);
    gemm(8, 8, 0, empty, empty, out);
    expect(out.every((value) => value === 0)).toBe(true);
    symmetricGemm(8, 8, xt, x, new Float64Array(64), 4);
    const gram = new Float64Array(64).fill(NaN);
    symmetricGemm(8, 0, empty, empty, gram, 4);
    expect(gram.every((value) => value === 0)).toBe(true);
  });

  it('symmetricGemm refuses block rows that are not positive and finite (0 looped forever)', () => {
    const x = operand(8, 8, false, 4), xt = { data: x.data, rowStride: 1, colStride: 8 };
    for (const blockRows of [0, -4, NaN, Infinity]) expect(() => symmetricGemm(8, 8, xt, x, new Float64Array(64), blockRows)).toThrow(/symmetricGemm: block rows/);
  });

  // Block rows off the 4-row panels are rounded up to them: unrounded, blocks would start mid-panel.
  for (const fused of [false, true])
    it.each([1, 5, 6, 7, 13])(`${fused ? 'fused' : 'unfused'}: symmetricGemm with %i block rows equals gemm's full product bit for bit`, (blockRows) => {
      for (const [n, k] of [[13, 9], [30, 17]]) {
        const x = operand(n, k, false, n + k), xt = { data: x.data, rowStride: 1, colStride: k };
        const expected = new Float64Array(n * n), out = new Float64Array(n * n).fill(NaN);
        gemm(n, n, k, x, xt, expected, fused);
        symmetricGemm(n, k, x, xt, out, blockRows, fused);
        expect(differing(out, expected)).toEqual([]);
      }
    });
});
