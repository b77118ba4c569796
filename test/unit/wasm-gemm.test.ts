// The WebAssembly SIMD product against the sequential triple loop, bit for bit: the kernel sums each
// entry in k order with a multiply then an add (no FMA), exactly as `s += a * b` does in JavaScript.
// Shapes cover 1-row/1-column products, m and n off the 4-wide panels (the zero-padded edge panels),
// k = 1 and k past one k block (256), n past one n block (256), and transposed operands via strides.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../workers/numeric/rng';
import { gemm, type Operand } from '../../workers/numeric/wasm-gemm';

const at = (x: Operand, i: number, j: number): number => x.data[i * x.rowStride + j * x.colStride];

function naive(m: number, n: number, k: number, a: Operand, b: Operand): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(a, i, p) * at(b, p, j);
      c[i * n + j] = s;
    }
  return c;
}

/** op(X) rows × cols, stored row-major or (transposed) column-major. */
function operand(rows: number, cols: number, transposed: boolean, seed: number): Operand {
  const rng = createRng(seed);
  const data = Float64Array.from({ length: rows * cols }, () => rng.normal());
  return transposed ? { data, rowStride: 1, colStride: rows } : { data, rowStride: cols, colStride: 1 };
}

/** Indices where two arrays differ as bit patterns (so −0 vs 0 and NaN count). */
function differing(x: Float64Array, y: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) out.push(i);
  return out;
}

describe('wasm gemm', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 9, 5], [6, 1, 3], [4, 4, 1], [5, 7, 3], [13, 10, 257], [66, 261, 70], [9, 300, 513],
  ];
  it.each(shapes)('%i×%i result over k = %i equals the sequential loop bit for bit, all four transposes', (m, n, k) => {
    for (const ta of [false, true])
      for (const tb of [false, true]) {
        const a = operand(m, k, ta, m * 7 + k), b = operand(k, n, tb, n * 11 + k);
        const out = new Float64Array(m * n).fill(Number.NaN);
        gemm(m, n, k, a, b, out);
        expect(differing(out, naive(m, n, k, a, b))).toEqual([]);
      }
  });

  it('leaves nothing of a larger earlier product in a smaller later one', () => {
    const big = operand(40, 40, false, 1);
    gemm(40, 40, 40, big, big, new Float64Array(1600));
    const a = operand(3, 2, false, 2), b = operand(2, 5, true, 3);
    const out = new Float64Array(15);
    gemm(3, 5, 2, a, b, out);
    expect(differing(out, naive(3, 5, 2, a, b))).toEqual([]);
  });
});
