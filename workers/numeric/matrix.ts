// Dense float64 matrices, row-major, on typed arrays: construction, products, in-place updates,
// Householder QR and seeded random matrices. Decompositions (SVD, symmetric eigen) are in svd.ts.
//
// The products use an i-k-j order (the innermost loop runs along contiguous rows of B and C),
// tiled over k and j so the panel of B being swept stays in cache; a 2 × 4 register block (two
// rows of C, four rows of B per pass) gives each load of B eight multiply-adds and each load and
// store of C four. Products of at least 32³ multiply-adds go to the WebAssembly SIMD kernel of
// wasm-gemm.ts instead (about 5× faster once packing is amortised); smaller ones whose result is made of
// whole 4 × 4 blocks go to the unpacked SIMD kernel of wasm-small-gemm.ts (3× the tiled loop at d = 16).
// The tiled loop is left for the rest. bench/linalg.ts measures them against the naive i-j-k loop.
import type { Rng } from './rng';
import { gemm, type Operand, symmetricGemm } from './wasm-gemm';
import { smallGemm, smallGemmFits } from './wasm-small-gemm';

export interface Matrix {
  rows: number;
  cols: number;
  /** Entry (i, j) at data[i * cols + j]. */
  data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const m = zeros(r, c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new Error(`fromRows: row ${i} has ${row.length} entries, expected ${c}`);
    m.data.set(row, i * c);
  });
  return m;
}

/** Rectangular diagonal matrix with the given diagonal. */
export function diagonal(rows: number, cols: number, diag: ArrayLike<number>): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < Math.min(rows, cols, diag.length); i++) m.data[i * cols + i] = diag[i];
  return m;
}

export function clone(a: Matrix): Matrix {
  return { rows: a.rows, cols: a.cols, data: Float64Array.from(a.data) };
}

export function get(a: Matrix, i: number, j: number): number {
  return a.data[i * a.cols + j];
}

export function transpose(a: Matrix): Matrix {
  const t = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  }
  return t;
}

function outFor(rows: number, cols: number, out: Matrix | undefined, name: string): Matrix {
  if (!out) return zeros(rows, cols);
  if (out.rows !== rows || out.cols !== cols) throw new Error(`${name}: out is ${out.rows}×${out.cols}, expected ${rows}×${cols}`);
  out.data.fill(0);
  return out;
}

/** Tile sizes in entries: a KC × NC panel of B (64 × 256 doubles = 128 KiB) stays in L2. */
const KC = 64;
const NC = 256;

/**
 * C[i, j0:j1] += Σ_{k∈[k0,k1)} A[i, k] B[k, j0:j1] for every row i; the kernel all products share.
 * a(i, k) is read as aData[i * aRowStride + k * aColStride] so AᵀB needs no transposed copy.
 */
function accumulatePanel(
  aData: Float64Array,
  aRowStride: number,
  aColStride: number,
  b: Float64Array,
  c: Float64Array,
  rows: number,
  n: number,
  k0: number,
  k1: number,
  j0: number,
  j1: number,
): void {
  let i = 0;
  // Two rows of C per pass: each load of B feeds eight multiply-adds.
  for (; i + 1 < rows; i += 2) {
    const c0 = i * n, c1 = c0 + n;
    const r0 = i * aRowStride, r1 = r0 + aRowStride;
    let k = k0;
    for (; k + 3 < k1; k += 4) {
      const o0 = k * aColStride, o1 = o0 + aColStride, o2 = o1 + aColStride, o3 = o2 + aColStride;
      const a00 = aData[r0 + o0], a01 = aData[r0 + o1], a02 = aData[r0 + o2], a03 = aData[r0 + o3];
      const a10 = aData[r1 + o0], a11 = aData[r1 + o1], a12 = aData[r1 + o2], a13 = aData[r1 + o3];
      const b0 = k * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = j0; j < j1; j++) {
        const x0 = b[b0 + j], x1 = b[b1 + j], x2 = b[b2 + j], x3 = b[b3 + j];
        c[c0 + j] += a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
        c[c1 + j] += a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
      }
    }
    for (; k < k1; k++) {
      const a0 = aData[r0 + k * aColStride], a1 = aData[r1 + k * aColStride];
      const b0 = k * n;
      for (let j = j0; j < j1; j++) {
        const x = b[b0 + j];
        c[c0 + j] += a0 * x;
        c[c1 + j] += a1 * x;
      }
    }
  }
  for (; i < rows; i++) {
    const ci = i * n;
    const ai = i * aRowStride;
    let k = k0;
    for (; k + 3 < k1; k += 4) {
      const a0 = aData[ai + k * aColStride];
      const a1 = aData[ai + (k + 1) * aColStride];
      const a2 = aData[ai + (k + 2) * aColStride];
      const a3 = aData[ai + (k + 3) * aColStride];
      const b0 = k * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = j0; j < j1; j++) c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; k < k1; k++) {
      const a0 = aData[ai + k * aColStride];
      const b0 = k * n;
      for (let j = j0; j < j1; j++) c[ci + j] += a0 * b[b0 + j];
    }
  }
}

function tiledProduct(aData: Float64Array, aRowStride: number, aColStride: number, b: Matrix, c: Matrix, inner: number): void {
  const n = b.cols;
  for (let k0 = 0; k0 < inner; k0 += KC) {
    const k1 = Math.min(inner, k0 + KC);
    for (let j0 = 0; j0 < n; j0 += NC) {
      accumulatePanel(aData, aRowStride, aColStride, b.data, c.data, c.rows, n, k0, k1, j0, Math.min(n, j0 + NC));
    }
  }
}

/** C = AB (A: m×k, B: k×n). `out` may not alias A or B. */
/** Below this many multiply-adds (or under 4 rows or columns of C) packing costs more than SIMD saves. */
const simdMinWork = 32 ** 3;

/**
 * C = op(A) op(B) on a SIMD kernel when one applies: the packed one from 32³ multiply-adds, the unpacked
 * one below that for whole 4 × 4 blocks of C; op(A) m × k and op(B) k × n read through strides (`kind`
 * names the same layout for the unpacked kernel, which takes A and B as stored).
 */
function simdProduct(kind: 'NN' | 'TN' | 'NT', m: number, n: number, k: number, a: Operand, b: Operand, c: Matrix): boolean {
  if (m * n * k < simdMinWork) {
    if (k === 0 || !smallGemmFits(m, n)) return false;
    smallGemm(kind, m, n, k, a.data, b.data, c.data);
    return true;
  }
  if (Math.min(m, n) < 4) return false;
  gemm(m, n, k, a, b, c.data);
  return true;
}

export function matmul(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`matmul: ${a.rows}×${a.cols} times ${b.rows}×${b.cols}`);
  const c = outFor(a.rows, b.cols, out, 'matmul');
  const rowMajor = (x: Matrix): Operand => ({ data: x.data, rowStride: x.cols, colStride: 1 });
  if (!simdProduct('NN', a.rows, b.cols, a.cols, rowMajor(a), rowMajor(b), c)) tiledProduct(a.data, a.cols, 1, b, c, a.cols);
  return c;
}

/** C = AᵀB (A: k×m, B: k×n) without forming Aᵀ. */
export function matmulTN(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  if (a.rows !== b.rows) throw new Error(`matmulTN: (${a.rows}×${a.cols})ᵀ times ${b.rows}×${b.cols}`);
  const c = outFor(a.cols, b.cols, out, 'matmulTN');
  const aT: Operand = { data: a.data, rowStride: 1, colStride: a.cols };
  if (!simdProduct('TN', a.cols, b.cols, a.rows, aT, { data: b.data, rowStride: b.cols, colStride: 1 }, c)) tiledProduct(a.data, 1, a.cols, b, c, a.rows);
  return c;
}

/** Scratch for Bᵀ in matmulNT, grown on demand (each worker thread has its own module instance). */
let transposeScratch = new Float64Array(0);

/** C = ABᵀ (A: m×k, B: n×k): Bᵀ is copied once (O(nk)) so the product runs on the tiled kernel. */
export function matmulNT(a: Matrix, b: Matrix, out?: Matrix): Matrix {
  if (a.cols !== b.cols) throw new Error(`matmulNT: ${a.rows}×${a.cols} times (${b.rows}×${b.cols})ᵀ`);
  const k = a.cols, n = b.rows;
  const c = outFor(a.rows, n, out, 'matmulNT');
  const bT: Operand = { data: b.data, rowStride: 1, colStride: k };
  if (simdProduct('NT', a.rows, n, k, { data: a.data, rowStride: k, colStride: 1 }, bT, c)) return c;
  if (transposeScratch.length < k * n) transposeScratch = new Float64Array(k * n);
  const bt = transposeScratch;
  for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bt[p * n + j] = b.data[j * k + p];
  tiledProduct(a.data, k, 1, { rows: k, cols: n, data: bt }, c, k);
  return c;
}

/** Block rows of a Gram product; below GRAM_BLOCKED_FROM columns it is one plain product. */
const GRAM_BLOCKS = 4;
const GRAM_BLOCKED_FROM = 128;

/** Rows per block of an n × n Gram product: GRAM_BLOCKS blocks (symmetricGemm rounds them up to its panels). */
const gramBlockRows = (n: number): number => Math.ceil(n / GRAM_BLOCKS);

/** XᵀX (X: k×n), symmetric: above GRAM_BLOCKED_FROM columns only the blocks on and above the diagonal are multiplied (5/8 of the flops). */
export function gramTN(x: Matrix): Matrix {
  const { rows: k, cols: n } = x;
  if (n < GRAM_BLOCKED_FROM) return matmulTN(x, x);
  const c = zeros(n, n);
  symmetricGemm(n, k, { data: x.data, rowStride: 1, colStride: n }, { data: x.data, rowStride: n, colStride: 1 }, c.data, gramBlockRows(n));
  return c;
}

/** XXᵀ (X: n×k), symmetric: above GRAM_BLOCKED_FROM rows only the blocks on and above the diagonal are multiplied (5/8 of the flops). */
export function gramNT(x: Matrix): Matrix {
  const { rows: n, cols: k } = x;
  if (n < GRAM_BLOCKED_FROM) return matmulNT(x, x);
  const c = zeros(n, n);
  symmetricGemm(n, k, { data: x.data, rowStride: k, colStride: 1 }, { data: x.data, rowStride: 1, colStride: k }, c.data, gramBlockRows(n));
  return c;
}

function sameShape(a: Matrix, b: Matrix, name: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`${name}: ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
}

/** A −= B. */
export function subInPlace(a: Matrix, b: Matrix): Matrix {
  sameShape(a, b, 'sub');
  for (let i = 0; i < a.data.length; i++) a.data[i] -= b.data[i];
  return a;
}

/** A *= s. */
export function scaleInPlace(a: Matrix, s: number): Matrix {
  for (let i = 0; i < a.data.length; i++) a.data[i] *= s;
  return a;
}

/** Y += αX. */
export function axpy(alpha: number, x: Matrix, y: Matrix): Matrix {
  sameShape(x, y, 'axpy');
  for (let i = 0; i < y.data.length; i++) y.data[i] += alpha * x.data[i];
  return y;
}

/** ‖A‖_F, scaled so that huge or tiny entries neither overflow nor underflow. */
export function frobenius(a: Matrix): number {
  let scale = 0;
  for (const v of a.data) scale = Math.max(scale, Math.abs(v));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (const v of a.data) sum += (v / scale) ** 2;
  return scale * Math.sqrt(sum);
}

/** Entries i.i.d. N(0, scale²). */
export function randomGaussian(rows: number, cols: number, rng: Rng, scale = 1): Matrix {
  const m = zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = scale * rng.normal();
  return m;
}

export interface QR {
  /** m × k with orthonormal columns, k = min(m, n). */
  q: Matrix;
  /** k × n upper triangular. */
  r: Matrix;
}

/**
 * Thin Householder QR, A = QR; orthogonality of Q to rounding, whatever the conditioning of A. The reflectors
 * walk columns, so R and Q are worked on transposed (each column contiguous): the same operations in the
 * same order as on row-major storage, bit for bit. A d = 512 Haar factor (two per dln-train target) took
 * 0.81–0.83 s strided and 0.39–0.41 s now (CPU, load ~9); at d = 256 the two are within the noise (54–66 ms).
 */
export function qr(a: Matrix): QR {
  const m = a.rows, n = a.cols, k = Math.min(m, n);
  // rt[c * m + i] = R[i, c].
  const rt = transpose(a).data;
  const reflectors: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(m - j);
    const col = j * m;
    let norm = 0;
    for (let i = j; i < m; i++) norm = Math.hypot(norm, rt[col + i]);
    const alpha = rt[col + j] >= 0 ? -norm : norm;
    for (let i = j; i < m; i++) v[i - j] = rt[col + i];
    v[0] -= alpha;
    let vv = 0;
    for (const x of v) vv += x * x;
    if (vv > 0) {
      // R[j:, j:] −= 2 v (vᵀ R[j:, j:]) / vᵀv
      for (let c = j; c < n; c++) {
        const at = c * m + j;
        let dot = 0;
        for (let i = 0; i < m - j; i++) dot += v[i] * rt[at + i];
        const f = (2 * dot) / vv;
        for (let i = 0; i < m - j; i++) rt[at + i] -= f * v[i];
      }
    }
    reflectors.push(vv > 0 ? v.map((x) => x / Math.sqrt(vv)) : v);
  }
  // Q = H₀H₁⋯H_{k−1} applied to the first k columns of I, accumulated from the last reflector; qt[c * m + i] = Q[i, c].
  const qt = new Float64Array(k * m);
  for (let i = 0; i < k; i++) qt[i * m + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = reflectors[j];
    for (let c = 0; c < k; c++) {
      const at = c * m + j;
      let dot = 0;
      for (let i = 0; i < m - j; i++) dot += v[i] * qt[at + i];
      for (let i = 0; i < m - j; i++) qt[at + i] -= 2 * dot * v[i];
    }
  }
  const q = zeros(m, k);
  for (let i = 0; i < m; i++) for (let c = 0; c < k; c++) q.data[i * k + c] = qt[c * m + i];
  const rk = zeros(k, n);
  for (let i = 0; i < k; i++) for (let c = i; c < n; c++) rk.data[i * n + c] = rt[c * m + i];
  return { q, r: rk };
}

/** Haar-distributed n × n orthogonal matrix: QR of a Gaussian matrix with the signs of diag R moved into Q. */
export function randomOrthogonal(n: number, rng: Rng): Matrix {
  const { q, r } = qr(randomGaussian(n, n, rng));
  for (let j = 0; j < n; j++) {
    if (r.data[j * n + j] < 0) for (let i = 0; i < n; i++) q.data[i * n + j] = -q.data[i * n + j];
  }
  return q;
}

/** Matrices viewing consecutive pieces of one flat vector (no copies), shaped like `shapes`. */
export function views(flat: Float64Array, shapes: readonly Matrix[]): Matrix[] {
  let offset = 0;
  return shapes.map((w) => {
    const m = { rows: w.rows, cols: w.cols, data: flat.subarray(offset, offset + w.data.length) };
    offset += w.data.length;
    return m;
  });
}
