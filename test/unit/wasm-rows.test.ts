// The Householder reduction's row kernels (WebAssembly SIMD, four rows per pass) against plain loops:
// y += Σ_i u_i A[i, :] and x_i = A[i, :]·v on a submatrix at an offset with a row stride, for row counts
// below, at and past a pass of four and odd and even column counts, fused and unfused. The kernels sum in
// another order (lane pairs, four rows at once), so they agree to rounding: 1e-14 of Σ|terms|. The block
// subtraction A −= C does one IEEE subtraction per entry: equal to the plain loop bit for bit, and nothing
// outside the block moves.
import { describe, expect, it } from 'vitest';
import { RowKernels } from '../../workers/numeric/wasm-rows';
import { createRng } from '../../workers/numeric/rng';

describe('wasm row kernels', () => {
  for (const fused of [false, true])
    it.each([
      [1, 1],
      [3, 7],
      [4, 2],
      [5, 9],
      [8, 1],
      [37, 64],
      [130, 129],
    ])(`${fused ? 'fused' : 'unfused'}: %i rows × %i columns equal the plain loops`, (rows, cols) => {
      const rng = createRng(rows * 1000 + cols);
      const ld = cols + 3, at = 5, matrixEnd = at + rows * ld;
      const [u, y, v] = [matrixEnd, matrixEnd + rows, matrixEnd + rows + cols];
      const k = new RowKernels(v + cols, rows, fused);
      for (let i = 0; i < v + cols; i++) k.heap[i] = rng.normal();
      const entry = (i: number, c: number) => k.heap[at + i * ld + c];
      const yBefore = Float64Array.from(k.heap.subarray(y, y + cols));
      k.axpyRows(at, ld, rows, cols, u, y);
      for (let c = 0; c < cols; c++) {
        let s = yBefore[c], scale = Math.abs(s);
        for (let i = 0; i < rows; i++) {
          s += k.heap[u + i] * entry(i, c);
          scale += Math.abs(k.heap[u + i] * entry(i, c));
        }
        expect(Math.abs(k.heap[y + c] - s)).toBeLessThanOrEqual(1e-14 * scale);
      }
      const out = new Float64Array(2 * rows + 1);
      k.dotRows(at, ld, rows, cols, v, out, 1, 2);
      for (let i = 0; i < rows; i++) {
        let s = 0, scale = 0;
        for (let c = 0; c < cols; c++) {
          s += entry(i, c) * k.heap[v + c];
          scale += Math.abs(entry(i, c) * k.heap[v + c]);
        }
        expect(Math.abs(out[1 + 2 * i] - s)).toBeLessThanOrEqual(1e-14 * scale);
      }
    });

  it.each([
    [1, 1],
    [1, 2],
    [3, 7],
    [6, 8],
    [37, 64],
    [130, 129],
  ])('subtractBlock: %i rows × %i columns, A −= C in place, bit for bit, the rest untouched', (rows, cols) => {
    const rng = createRng(rows * 7919 + cols);
    const ld = cols + 3, at = 5, ldC = cols + 1, c = at + rows * ld + 2, end = c + rows * ldC;
    const k = new RowKernels(end, rows);
    for (let i = 0; i < end; i++) k.heap[i] = rng.normal();
    const before = Float64Array.from(k.heap.subarray(0, end));
    k.subtractBlock(at, ld, c, ldC, rows, cols);
    const expected = Float64Array.from(before);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expected[at + i * ld + j] -= before[c + i * ldC + j];
    expect(Array.from(k.heap.subarray(0, end))).toEqual(Array.from(expected));
    expect(expected).not.toEqual(before);
  });
});
