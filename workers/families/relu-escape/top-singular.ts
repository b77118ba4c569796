// The top-k singular values of a weight matrix that changes a little between calls: exact (Jacobi)
// for small matrices, else a block power iteration warm-started from the previous subspace
// followed by a Rayleigh–Ritz step, so a 1000 × 1000 layer costs a few products per record.
import { type Matrix, matmul, matmulTN, qr, randomGaussian } from '../../numeric/matrix';
import type { Rng } from '../../numeric/rng';
import { singularValues } from '../../numeric/svd';

const OVERSAMPLE = 6;
const ITERATIONS = 3;

export class TopSingularValues {
  private basis: Matrix | null = null;

  constructor(
    private readonly k: number,
    private readonly rng: Rng,
  ) {}

  of(w: Matrix): Float64Array {
    const width = this.k + OVERSAMPLE;
    if (Math.min(w.rows, w.cols) <= 2 * width) return pad(singularValues(w), this.k);
    let q = this.basis ?? qr(randomGaussian(w.cols, width, this.rng)).q;
    for (let it = 0; it < ITERATIONS; it++) q = qr(matmulTN(w, matmul(w, q))).q;
    this.basis = q;
    return pad(singularValues(matmul(w, q)), this.k);
  }
}

function pad(values: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k);
  out.set(values.subarray(0, k));
  return out;
}
