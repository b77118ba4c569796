// The WebAssembly SIMD matrix-vector product (steepest's Gram form) against the sequential row loop
// `s += a[r][c] * x[c]` bit for bit: unfused it is that loop, fused each step is one correctly rounded
// a·b + s (exact BigInt reference). Sizes cover one row, one padded 12-row block, one full block, and
// several blocks with and without padded rows. The steepest Objective's full-batch gradient and Gram-form loss equal the
// JavaScript loop they replaced, bit for bit without fusing and to 1e-12 of its scale with it.
import { describe, expect, it } from 'vitest';
import { differing, fma } from '../helpers/exact-fma';
import { Objective } from '../../workers/families/steepest/objective';
import { steepestParams } from '../../workers/families/steepest/params';
import { makeProblem } from '../../workers/families/steepest/problem';
import { createRng } from '../../workers/numeric/rng';
import { MatrixVectorProduct } from '../../workers/numeric/wasm-matvec';
import { gemmUsesFusedMultiplyAdd } from '../../workers/numeric/wasm-gemm';

function sequential(a: Float64Array, x: Float64Array, n: number, fused: boolean): Float64Array {
  return Float64Array.from({ length: n }, (_, r) => {
    let s = 0;
    for (let c = 0; c < n; c++) s = fused ? fma(a[r * n + c], x[c], s) : s + a[r * n + c] * x[c];
    return s;
  });
}

/** The Gram-form gradient as steepest computed it before the kernel: h = Ax − b row by row, f = ½xᵀh − ½bᵀx + c₀. */
function formerGramGradient(a: Float64Array, rhs: Float64Array, c0: number, x: Float64Array, n: number): { h: Float64Array; loss: number } {
  const h = sequential(a, x, n, false).map((s, r) => s - rhs[r]);
  let xh = 0, bx = 0;
  for (let c = 0; c < n; c++) {
    xh += x[c] * h[c];
    bx += rhs[c] * x[c];
  }
  return { h, loss: Math.max(0, 0.5 * xh - 0.5 * bx + c0) };
}

describe('wasm matrix-vector product', () => {
  it('the app default is the fused kernel (relaxed SIMD is on)', () => {
    expect(gemmUsesFusedMultiplyAdd()).toBe(true);
  });

  for (const fused of [false, true])
    it.each([1, 3, 11, 12, 13, 24, 36, 100, 133])(`${fused ? 'fused' : 'unfused'}: n = %i equals the sequential row loop bit for bit`, (n) => {
      const rng = createRng(n);
      const a = Float64Array.from({ length: n * n }, () => rng.normal());
      const product = new MatrixVectorProduct(a, n, fused);
      for (let trial = 0; trial < 3; trial++) {
        const x = Float64Array.from({ length: n }, () => rng.normal() * 10 ** (trial - 1));
        const y = new Float64Array(n).fill(Number.NaN);
        product.apply(x, y);
        expect(differing(y, sequential(a, x, n, fused))).toEqual([]);
      }
    });

  it('rejects a matrix that is not n × n', () => {
    expect(() => new MatrixVectorProduct(new Float64Array(6), 3)).toThrow(/A has 6 entries, expected n² = 9/);
  });

  it("steepest's full-batch gradient: the former JavaScript loop bit for bit unfused, within 1e-12 of its scale fused", () => {
    const problem = makeProblem(steepestParams.parse({ features: 100, samples: 300 }), createRng(5));
    const { n } = problem;
    const gram = problem.gram as Float64Array, rhs = problem.gramRhs as Float64Array;
    const rng = createRng(9);
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const former = formerGramGradient(gram, rhs, problem.halfMeanSquare, x, n);
    const unfused = new Float64Array(n), fused = new Float64Array(n);
    expect(new Objective(problem, false).gradient(x, unfused, null)).toBe(former.loss);
    expect(differing(unfused, former.h)).toEqual([]);
    const fusedLoss = new Objective(problem, true).gradient(x, fused, null);
    // Scale of each entry: Σ_c |A_rc x_c| + |b_r|; of the loss: its terms' magnitudes.
    fused.forEach((h, r) => {
      let scale = Math.abs(rhs[r]);
      for (let c = 0; c < n; c++) scale += Math.abs(gram[r * n + c] * x[c]);
      expect(Math.abs(h - former.h[r])).toBeLessThan(1e-12 * scale);
    });
    expect(Math.abs(fusedLoss - former.loss)).toBeLessThan(1e-12 * former.loss);
  });
});
