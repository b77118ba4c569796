// Dense float64 products of workers/numeric/matrix.ts against the naive i-j-k triple loop measured
// in the same run (the "before" of the kernel work), and the cost of an SVD.
import { type Matrix, matmul, matmulNT, matmulTN, randomGaussian, zeros } from '../workers/numeric/matrix';
import { svd } from '../workers/numeric/svd';
import { createRng } from '../workers/numeric/rng';
import type { BenchFigure } from './figures';

/** The textbook i-j-k loop over the same typed arrays: the in-run baseline. */
export function matmulNaive(a: Matrix, b: Matrix, out: Matrix): Matrix {
  const m = a.rows, k = a.cols, n = b.cols;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[i * k + p] * b.data[p * n + j];
      out.data[i * n + j] = s;
    }
  return out;
}

/** Best seconds per call over repeated timing windows of at least `minMs`. */
export function secondsPerCall(fn: () => void, minMs = 150, windows = 3): number {
  fn();
  let best = Infinity;
  for (let w = 0; w < windows; w++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < minMs) {
      fn();
      calls++;
      elapsed = performance.now() - start;
    }
    best = Math.min(best, elapsed / 1000 / calls);
  }
  return best;
}

export function benchLinalg(): BenchFigure[] {
  const figures: BenchFigure[] = [];
  const rng = createRng(1);
  for (const d of [64, 256, 512]) {
    const a = randomGaussian(d, d, rng), b = randomGaussian(d, d, rng), out = zeros(d, d);
    const gflop = (2 * d ** 3) / 1e9;
    const naive = gflop / secondsPerCall(() => matmulNaive(a, b, out));
    const tiled = gflop / secondsPerCall(() => matmul(a, b, out));
    const tn = gflop / secondsPerCall(() => matmulTN(a, b, out));
    const nt = gflop / secondsPerCall(() => matmulNT(a, b, out));
    figures.push(
      { name: `matmul naive i-j-k, d = ${d}`, value: naive, unit: 'GFLOP/s' },
      { name: `matmul (WASM SIMD kernel), d = ${d}`, value: tiled, unit: 'GFLOP/s', baseline: 'naive', ratio: tiled / naive },
      { name: `matmulTN (AᵀB), d = ${d}`, value: tn, unit: 'GFLOP/s', baseline: 'naive', ratio: tn / naive },
      { name: `matmulNT (ABᵀ), d = ${d}`, value: nt, unit: 'GFLOP/s', baseline: 'naive', ratio: nt / naive },
    );
  }
  for (const d of [16, 64, 256]) {
    const a = randomGaussian(d, d, rng);
    figures.push({ name: `one-sided Jacobi SVD, d = ${d}`, value: 1000 * secondsPerCall(() => svd(a), 100, 1), unit: 'ms' });
  }
  return figures;
}
