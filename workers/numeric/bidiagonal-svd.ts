// Singular values of a dense matrix by Golub–Kahan bidiagonalisation (Householder reflectors from both
// sides, 4mn² − 4n³/3 flops; from 96 columns in blocked panels, LAPACK's dgebrd/dlabrd: half the flops in
// the WebAssembly gemm, the other half in a SIMD row kernel) and implicit-shift QR on the bidiagonal (O(n²)),
// each σ to about ε‖A‖, the accuracy the Householder reduction itself allows (Golub & Van Loan §8.6).
// Singular vectors of the leading modes come from inverse iteration on the bidiagonal's Golub–Kahan
// form T = tridiag(d₁, e₁, d₂, …, d_n) with zero diagonal (eigenvalues ±σ_j, eigenvectors the interleaved
// (v, u)), mapped back through the reflectors: O(n) and O(mn) per mode, so the metrics of a wide network
// cost about one bidiagonalisation instead of a one-sided Jacobi SVD (~10 sweeps of 2n³ flops).
// One-sided Jacobi (svd.ts) stays the method for small matrices and full bases.
import { type Matrix, zeros } from './matrix';
import { gemm } from './wasm-gemm';
import { RowKernels } from './wasm-rows';

const EPS = 2.220446049250313e-16;

/** A = Q_U B Q_Vᵀ, B upper bidiagonal (m ≥ n); the reflectors are kept for mapping vectors back. */
export interface Bidiagonal {
  m: number;
  n: number;
  d: Float64Array;
  /** Superdiagonal, n − 1 entries. */
  e: Float64Array;
  /** The working copy: left reflector k below the diagonal of column k (unit first entry implied), right reflector k right of the superdiagonal of row k. */
  work: Float64Array;
  leftTau: Float64Array;
  rightTau: Float64Array;
}

/** Householder vector of x (length len, stride): x ↦ β e₁; x is overwritten by v with v₀ = 1 implied; returns τ (0: nothing to do) and β. */
function householder(x: Float64Array, at: number, len: number, stride: number): { tau: number; beta: number } {
  const alpha = x[at];
  let scale = 0;
  for (let i = 1; i < len; i++) scale = Math.max(scale, Math.abs(x[at + i * stride]));
  if (scale === 0) return { tau: 0, beta: alpha };
  let sum = 0;
  for (let i = 1; i < len; i++) sum += (x[at + i * stride] / scale) ** 2;
  const norm = Math.hypot(alpha, scale * Math.sqrt(sum));
  const beta = alpha >= 0 ? -norm : norm;
  const f = 1 / (alpha - beta);
  for (let i = 1; i < len; i++) x[at + i * stride] *= f;
  return { tau: (beta - alpha) / beta, beta };
}

/** The factors being formed: the working copy (m × n, row-major) and the diagonals and reflector scalars. */
interface Reduction {
  m: number;
  n: number;
  w: Float64Array;
  d: Float64Array;
  e: Float64Array;
  leftTau: Float64Array;
  rightTau: Float64Array;
}

/** Columns from … n − 1 reduced one at a time (level-2 updates of the whole trailing matrix per reflector). */
function reduceUnblocked(r: Reduction, from: number): void {
  const { m, n, w, d, e, leftTau, rightTau } = r;
  const acc = new Float64Array(n);
  for (let k = from; k < n; k++) {
    // Left: zero column k below the diagonal; rows k… of columns k+1… get A −= τ v (vᵀA).
    const left = householder(w, k * n + k, m - k, n);
    d[k] = left.beta;
    leftTau[k] = left.tau;
    if (left.tau !== 0 && k + 1 < n) {
      // Two rows per pass: each load and store of acc serves both (≈1.5× the one-row loops at d = 256).
      const vAt = (i: number): number => (i === k ? 1 : w[i * n + k]);
      acc.fill(0, k + 1, n);
      let i = k;
      for (; i + 1 < m; i += 2) {
        const v0 = vAt(i), v1 = vAt(i + 1), r0 = i * n, r1 = r0 + n;
        for (let j = k + 1; j < n; j++) acc[j] += v0 * w[r0 + j] + v1 * w[r1 + j];
      }
      if (i < m) {
        const v0 = vAt(i), r0 = i * n;
        for (let j = k + 1; j < n; j++) acc[j] += v0 * w[r0 + j];
      }
      i = k;
      for (; i + 1 < m; i += 2) {
        const f0 = left.tau * vAt(i), f1 = left.tau * vAt(i + 1), r0 = i * n, r1 = r0 + n;
        for (let j = k + 1; j < n; j++) {
          const aj = acc[j];
          w[r0 + j] -= f0 * aj;
          w[r1 + j] -= f1 * aj;
        }
      }
      if (i < m) {
        const f0 = left.tau * vAt(i), r0 = i * n;
        for (let j = k + 1; j < n; j++) w[r0 + j] -= f0 * acc[j];
      }
    }
    if (k + 1 >= n) continue;
    // Right: zero row k right of the superdiagonal; rows k+1… get A −= τ (A v) vᵀ.
    const right = householder(w, k * n + k + 1, n - k - 1, 1);
    e[k] = right.beta;
    rightTau[k] = right.tau;
    if (right.tau === 0) continue;
    // Two rows per pass, sharing each load of v.
    const v = k * n + k + 1, len = n - k - 1;
    let i = k + 1;
    for (; i + 1 < m; i += 2) {
      const r0 = i * n + k + 1, r1 = r0 + n;
      let s0 = w[r0], s1 = w[r1];
      for (let j = 1; j < len; j++) {
        const vj = w[v + j];
        s0 += w[r0 + j] * vj;
        s1 += w[r1 + j] * vj;
      }
      s0 *= right.tau;
      s1 *= right.tau;
      w[r0] -= s0;
      w[r1] -= s1;
      for (let j = 1; j < len; j++) {
        const vj = w[v + j];
        w[r0 + j] -= s0 * vj;
        w[r1 + j] -= s1 * vj;
      }
    }
    if (i < m) {
      const r0 = i * n + k + 1;
      let s0 = w[r0];
      for (let j = 1; j < len; j++) s0 += w[r0 + j] * w[v + j];
      s0 *= right.tau;
      w[r0] -= s0;
      for (let j = 1; j < len; j++) w[r0 + j] -= s0 * w[v + j];
    }
  }
}

/**
 * Columns per panel of the blocked reduction, and the width below which it is not worth it. The panel's
 * own corrections cost ~5mnb multiply-adds in JavaScript: b = 8 beat 16 and 32 at d = 128, 256 and 512
 * (d = 256: 12, 21 and 23–28 ms, CPU under load).
 */
const PANEL = 8;
const BLOCKED_FROM = 96;

/**
 * Columns p … p + b − 1 reduced as one panel (LAPACK dlabrd): each reflector is applied only to the
 * column and row it reduces next, its effect on the rest kept as A − V Yᵀ − X Uᵀ (V, U: the panel's left
 * and right reflectors; Y, X: n × b and m × b); the trailing matrix then takes all b reflectors at once
 * in one product of inner dimension 2b (the WebAssembly gemm), half the reduction's flops.
 */
function reducePanel(r: Reduction, rows: RowKernels, scratch: PanelScratch, p: number, b: number): void {
  const { m, n, w, d, e, leftTau, rightTau } = r;
  const { heap } = rows;
  // Scratch in the kernels' memory after the working matrix: u (m), Aᵀu (n) and the trailing update's product.
  const uAt = m * n, yAt = uAt + m, productAt = yAt + n;
  // Y[c * b + j] for columns c > p + j, X[i * b + j] for rows i > p + j.
  const { y, x, t, t2 } = scratch;
  y.fill(0);
  x.fill(0);
  for (let j = 0; j < b; j++) {
    const k = p + j;
    // Column k as the reflectors so far have left it: A(k:m, k) −= V(k:m, :j) Y(k, :j)ᵀ + X(k:m, :j) U(:j, k).
    // (Every loop over the panel's j reflectors runs along contiguous memory: rows of w, X and Y.)
    for (let q = 0; q < j; q++) {
      t[q] = y[k * b + q];
      t2[q] = w[(p + q) * n + k];
    }
    for (let i = k; i < m; i++) {
      const row = i * n + p, xr = i * b;
      let s = 0;
      for (let q = 0; q < j; q++) s += w[row + q] * t[q] + x[xr + q] * t2[q];
      w[i * n + k] -= s;
    }
    const left = householder(w, k * n + k, m - k, n);
    d[k] = left.beta;
    leftTau[k] = left.tau;
    // The unit first entry is stored while the panel reads the reflectors as columns of A (LAPACK's way).
    w[k * n + k] = 1;
    // Y(k+1:n, j) = τ (A(k:m, k+1:n)ᵀu − Y(k+1:n, :j) V(k:m, :j)ᵀu − U(:j, k+1:n)ᵀ X(k:m, :j)ᵀu); A there is untouched.
    // A(k:m, k+1:n)ᵀu by the row kernel, u copied out of column k.
    for (let i = k; i < m; i++) heap[uAt + i - k] = w[i * n + k];
    heap.fill(0, yAt, yAt + n - k - 1);
    rows.axpyRows(k * n + k + 1, n, m - k, n - k - 1, uAt, yAt);
    t.fill(0);
    t2.fill(0);
    for (let i = k; i < m; i++) {
      const ui = w[i * n + k], row = i * n + p, xr = i * b;
      for (let q = 0; q < j; q++) {
        t[q] += w[row + q] * ui;
        t2[q] += x[xr + q] * ui;
      }
    }
    const at = yAt - k - 1;
    for (let q = 0; q < j; q++) {
      const f = t2[q], row = (p + q) * n;
      for (let c = k + 1; c < n; c++) heap[at + c] -= f * w[row + c];
    }
    for (let c = k + 1; c < n; c++) {
      const yr = c * b;
      let s = heap[at + c];
      for (let q = 0; q < j; q++) s -= y[yr + q] * t[q];
      y[yr + j] = left.tau * s;
    }
    // Row k as the reflectors so far (this one included) have left it.
    for (let q = 0; q <= j; q++) t[q] = w[k * n + p + q];
    for (let c = k + 1; c < n; c++) {
      const yr = c * b;
      let s = 0;
      for (let q = 0; q <= j; q++) s += y[yr + q] * t[q];
      w[k * n + c] -= s;
    }
    for (let q = 0; q < j; q++) {
      const f = x[k * b + q], row = (p + q) * n;
      for (let c = k + 1; c < n; c++) w[k * n + c] -= f * w[row + c];
    }
    const right = householder(w, k * n + k + 1, n - k - 1, 1);
    e[k] = right.beta;
    rightTau[k] = right.tau;
    w[k * n + k + 1] = 1;
    // X(k+1:m, j) = τ (A(k+1:m, k+1:n)v − V(k+1:m, :j+1) Y(k+1:n, :j+1)ᵀv − X(k+1:m, :j) U(:j, k+1:n)v).
    t.fill(0);
    for (let c = k + 1; c < n; c++) {
      const vc = w[k * n + c], yr = c * b;
      for (let q = 0; q <= j; q++) t[q] += y[yr + q] * vc;
    }
    for (let q = 0; q < j; q++) {
      const row = (p + q) * n;
      let s = 0;
      for (let c = k + 1; c < n; c++) s += w[row + c] * w[k * n + c];
      t2[q] = s;
    }
    rows.dotRows((k + 1) * n + k + 1, n, m - k - 1, n - k - 1, k * n + k + 1, x, (k + 1) * b + j, b);
    for (let i = k + 1; i < m; i++) {
      const row = i * n + p, xr = i * b;
      let s = x[xr + j];
      for (let q = 0; q <= j; q++) s -= w[row + q] * t[q];
      for (let q = 0; q < j; q++) s -= x[xr + q] * t2[q];
      x[xr + j] = right.tau * s;
    }
  }
  // Trailing A(p+b:m, p+b:n) −= [V X] [Y U]ᵀ: one product of inner dimension 2b.
  const tail = m - p - b, cols = n - p - b, inner = 2 * b;
  const lhs = scratch.lhs.subarray(0, tail * inner), rhs = scratch.rhs.subarray(0, inner * cols);
  for (let i = 0; i < tail; i++) {
    for (let q = 0; q < b; q++) {
      lhs[i * inner + q] = w[(p + b + i) * n + p + q];
      lhs[i * inner + b + q] = x[(p + b + i) * b + q];
    }
  }
  for (let c = 0; c < cols; c++) for (let q = 0; q < b; q++) rhs[q * cols + c] = y[(p + b + c) * b + q];
  for (let q = 0; q < b; q++) rhs.set(w.subarray((p + q) * n + p + b, (p + q + 1) * n), (b + q) * cols);
  gemm(tail, cols, inner, { data: lhs, rowStride: inner, colStride: 1 }, { data: rhs, rowStride: cols, colStride: 1 }, heap.subarray(productAt, productAt + tail * cols));
  rows.subtractBlock((p + b) * n + p + b, n, productAt, cols, tail, cols);
}

/** The panels' work arrays, sized for the first (largest) panel and reused by the rest (fresh ones per panel were ~7 % of d = 256). */
interface PanelScratch {
  y: Float64Array;
  x: Float64Array;
  t: Float64Array;
  t2: Float64Array;
  lhs: Float64Array;
  rhs: Float64Array;
}

function panelScratch(m: number, n: number, b: number): PanelScratch {
  const tail = m - b, cols = n - b;
  return {
    y: new Float64Array(n * b),
    x: new Float64Array(m * b),
    t: new Float64Array(b),
    t2: new Float64Array(b),
    lhs: new Float64Array(tail * 2 * b),
    rhs: new Float64Array(2 * b * cols),
  };
}

/** Golub–Kahan bidiagonalisation of A (m × n, m ≥ n): blocked panels (n ≥ BLOCKED_FROM), then one column at a time. */
export function bidiagonalize(a: Matrix): Bidiagonal {
  const { rows: m, cols: n } = a;
  if (m < n) throw new Error(`bidiagonalize: ${m}×${n} must have m ≥ n (pass the transpose)`);
  // The blocked reduction keeps the working copy in the row kernels' memory, with room for their vectors
  // and for the first (largest) trailing update's product.
  const rows = n >= BLOCKED_FROM ? new RowKernels(m * n + m + n + (m - PANEL) * (n - PANEL), m) : null;
  const w = rows ? rows.heap.subarray(0, m * n) : new Float64Array(m * n);
  w.set(a.data);
  const r: Reduction = {
    m,
    n,
    w,
    d: new Float64Array(n),
    e: new Float64Array(Math.max(0, n - 1)),
    leftTau: new Float64Array(n),
    rightTau: new Float64Array(Math.max(0, n - 1)),
  };
  let from = 0;
  if (rows) {
    const scratch = panelScratch(m, n, PANEL);
    for (; n - from > PANEL; from += PANEL) reducePanel(r, rows, scratch, from, PANEL);
  }
  reduceUnblocked(r, from);
  return { m, n, d: r.d, e: r.e, work: w, leftTau: r.leftTau, rightTau: r.rightTau };
}

/** Off-diagonal of the Golub–Kahan tridiagonal form: d₁, e₁, d₂, …, d_n (2n − 1 entries). */
function golubKahanOffDiagonal(b: Bidiagonal): Float64Array {
  const off = new Float64Array(2 * b.n - 1);
  for (let i = 0; i < b.n; i++) {
    off[2 * i] = b.d[i];
    if (i < b.n - 1) off[2 * i + 1] = b.e[i];
  }
  return off;
}

/** √(a² + b²) without overflow or underflow, cheaper than the variadic Math.hypot in the QR sweeps (d = 256: the spectrum with two target modes 28–31 → 22 ms). */
function hypot(a: number, b: number): number {
  let x = Math.abs(a), y = Math.abs(b);
  if (x < y) [x, y] = [y, x];
  if (x === 0) return 0;
  const r = y / x;
  return x * Math.sqrt(1 + r * r);
}

/**
 * Singular values of the bidiagonal, descending: Golub–Kahan implicit-shift QR steps (Wilkinson shift of
 * the trailing 2 × 2 of BᵀB), with splitting at negligible super-diagonal entries and deflation of
 * negligible diagonal ones (Golub & Van Loan Alg. 8.6.2, in the arrangement of JAMA's SVD; values only).
 * Each σ to about ε‖B‖; O(n²) in all, next to the 4mn² of the reduction.
 */
export function bidiagonalSingularValues(b: Bidiagonal): Float64Array {
  const n = b.n;
  const s = Float64Array.from(b.d);
  // e[k] couples s[k] and s[k + 1]; e[n − 1] = 0 closes the last row.
  const e = new Float64Array(n);
  e.set(b.e);
  const tiny = 2 ** -966;
  const last = n - 1;
  let p = n;
  let iterations = 0;
  while (p > 0) {
    if (iterations > 75 * n) throw new Error(`bidiagonalSingularValues: no convergence after ${iterations} QR steps (n = ${n})`);
    // k: the largest index below p − 1 with a negligible e[k] (−1: none); kase picks the step.
    let k = p - 2;
    for (; k >= 0; k--) {
      if (Math.abs(e[k]) <= tiny + EPS * (Math.abs(s[k]) + Math.abs(s[k + 1]))) {
        e[k] = 0;
        break;
      }
    }
    let kase: 1 | 2 | 3 | 4;
    if (k === p - 2) kase = 4;
    else {
      let ks = p - 1;
      for (; ks > k; ks--) {
        const t = (ks !== p ? Math.abs(e[ks]) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]) : 0);
        if (Math.abs(s[ks]) <= tiny + EPS * t) {
          s[ks] = 0;
          break;
        }
      }
      if (ks === k) kase = 3;
      else if (ks === p - 1) kase = 1;
      else {
        kase = 2;
        k = ks;
      }
    }
    k++;
    if (kase === 1) {
      // s[p − 1] negligible: rotate e[p − 2] away from the right.
      let f = e[p - 2];
      e[p - 2] = 0;
      for (let j = p - 2; j >= k; j--) {
        const t = hypot(s[j], f), cs = s[j] / t, sn = f / t;
        s[j] = t;
        if (j !== k) {
          f = -sn * e[j - 1];
          e[j - 1] = cs * e[j - 1];
        }
      }
    } else if (kase === 2) {
      // s[k − 1] negligible: split, rotating e[k − 1] away to the left.
      let f = e[k - 1];
      e[k - 1] = 0;
      for (let j = k; j < p; j++) {
        const t = hypot(s[j], f), cs = s[j] / t, sn = f / t;
        s[j] = t;
        f = -sn * e[j];
        e[j] = cs * e[j];
      }
    } else if (kase === 3) {
      // One QR step on rows k … p − 1, shifted by the eigenvalue of the trailing 2 × 2 of BᵀB nearer its corner.
      const scale = Math.max(Math.abs(s[p - 1]), Math.abs(s[p - 2]), Math.abs(e[p - 2]), Math.abs(s[k]), Math.abs(e[k]));
      const sp = s[p - 1] / scale, spm1 = s[p - 2] / scale, epm1 = e[p - 2] / scale, sk = s[k] / scale, ek = e[k] / scale;
      const bb = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2;
      const c = sp * epm1 * (sp * epm1);
      let shift = 0;
      if (bb !== 0 || c !== 0) {
        shift = Math.sqrt(bb * bb + c);
        if (bb < 0) shift = -shift;
        shift = c / (bb + shift);
      }
      let f = (sk + sp) * (sk - sp) + shift;
      let g = sk * ek;
      for (let j = k; j < p - 1; j++) {
        let t = hypot(f, g);
        let cs = f / t, sn = g / t;
        if (j !== k) e[j - 1] = t;
        f = cs * s[j] + sn * e[j];
        e[j] = cs * e[j] - sn * s[j];
        g = sn * s[j + 1];
        s[j + 1] = cs * s[j + 1];
        t = hypot(f, g);
        cs = f / t;
        sn = g / t;
        s[j] = t;
        f = cs * e[j] + sn * s[j + 1];
        s[j + 1] = -sn * e[j] + cs * s[j + 1];
        g = sn * e[j + 1];
        e[j + 1] = cs * e[j + 1];
      }
      e[p - 2] = f;
      iterations++;
    } else {
      // s[k] converged: make it non-negative and move it down into descending order.
      if (s[k] < 0) s[k] = -s[k];
      while (k < last && s[k] < s[k + 1]) {
        const t = s[k];
        s[k] = s[k + 1];
        s[k + 1] = t;
        k++;
      }
      p--;
    }
  }
  return s;
}

/** Singular values of any A, descending: bidiagonalisation of A or Aᵀ (the tall one) and bisection. */
export function bidiagonalSvdValues(a: Matrix): Float64Array {
  return bidiagonalSingularValues(bidiagonalize(a.rows >= a.cols ? a : transposeOf(a)));
}

function transposeOf(a: Matrix): Matrix {
  const t = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

/**
 * Eigenvector of the Golub–Kahan form for eigenvalue σ by inverse iteration: T − σI factored once by
 * Gaussian elimination with partial pivoting (LAPACK dgttrf / dgttrs), two solves from a fixed start. Split
 * into v (even positions) and u (odd), each normalised; null where one part vanishes (σ at rounding level).
 */
function golubKahanVectors(off: Float64Array, sigma: number, scale: number): { u: Float64Array; v: Float64Array } | null {
  const size = off.length + 1, n = size / 2;
  const tiny = EPS * scale;
  const diag = new Float64Array(size).fill(-sigma), upper = Float64Array.from(off), lower = Float64Array.from(off);
  const upper2 = new Float64Array(Math.max(0, size - 2));
  const swapped = new Uint8Array(size);
  for (let i = 0; i < size - 1; i++) {
    if (Math.abs(diag[i]) >= Math.abs(lower[i])) {
      if (diag[i] === 0) diag[i] = tiny;
      const fact = lower[i] / diag[i];
      lower[i] = fact;
      diag[i + 1] -= fact * upper[i];
    } else {
      swapped[i] = 1;
      const fact = diag[i] / lower[i];
      diag[i] = lower[i];
      lower[i] = fact;
      const temp = upper[i];
      upper[i] = diag[i + 1];
      diag[i + 1] = temp - fact * diag[i + 1];
      if (i < size - 2) {
        upper2[i] = upper[i + 1];
        upper[i + 1] = -fact * upper[i + 1];
      }
    }
  }
  if (diag[size - 1] === 0) diag[size - 1] = tiny;
  // A start with no special symmetry, so it is not orthogonal to the wanted vector.
  const x = Float64Array.from({ length: size }, (_, i) => 1 + 0.5 * Math.sin(1.7 * i + 0.3));
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < size - 1; i++) {
      if (swapped[i]) {
        const t = x[i];
        x[i] = x[i + 1];
        x[i + 1] = t - lower[i] * x[i];
      } else x[i + 1] -= lower[i] * x[i];
    }
    for (let i = size - 1; i >= 0; i--) {
      let s = x[i];
      if (i + 1 < size) s -= upper[i] * x[i + 1];
      if (i + 2 < size) s -= upper2[i] * x[i + 2];
      x[i] = s / diag[i];
    }
    let largest = 0;
    for (const xi of x) largest = Math.max(largest, Math.abs(xi));
    for (let i = 0; i < size; i++) x[i] /= largest;
  }
  const v = new Float64Array(n), u = new Float64Array(n);
  let nv = 0, nu = 0;
  for (let i = 0; i < n; i++) {
    v[i] = x[2 * i];
    u[i] = x[2 * i + 1];
    nv += v[i] * v[i];
    nu += u[i] * u[i];
  }
  nv = Math.sqrt(nv);
  nu = Math.sqrt(nu);
  if (!(nv > 1e-6 * nu && nu > 1e-6 * nv)) return null;
  for (let i = 0; i < n; i++) {
    v[i] /= nv;
    u[i] /= nu;
  }
  return { u, v };
}

/** Thin partial SVD: all singular values, and the first `modes` singular vector pairs (U m × modes, V n × modes). */
export interface PartialSvd {
  s: Float64Array;
  U: Matrix;
  V: Matrix;
}

/**
 * All singular values of A and its first `modes` singular vector pairs; null where a requested pair is not
 * resolved by inverse iteration (a σ at the rounding level), for the caller to fall back to a full SVD.
 */
export function partialSvd(a: Matrix, modes: number): PartialSvd | null {
  const tall = a.rows >= a.cols;
  const b = bidiagonalize(tall ? a : transposeOf(a));
  const s = bidiagonalSingularValues(b);
  const { m, n, work, leftTau, rightTau } = b;
  const k = Math.min(modes, n);
  const off = golubKahanOffDiagonal(b);
  const scale = s[0] ?? 0;
  const left = zeros(m, k), right = zeros(n, k);
  for (let alpha = 0; alpha < k; alpha++) {
    if (!(s[alpha] > 1e3 * EPS * scale * Math.sqrt(n))) return null;
    const pair = golubKahanVectors(off, s[alpha], scale);
    if (!pair) return null;
    // u = H₀ ⋯ H_{n−1} [u_B; 0]: the last reflector first; v = G₀ ⋯ G_{n−2} v_B likewise.
    const u = new Float64Array(m);
    u.set(pair.u);
    for (let r = n - 1; r >= 0; r--) {
      if (leftTau[r] === 0) continue;
      let dot = u[r];
      for (let i = r + 1; i < m; i++) dot += work[i * n + r] * u[i];
      dot *= leftTau[r];
      u[r] -= dot;
      for (let i = r + 1; i < m; i++) u[i] -= dot * work[i * n + r];
    }
    const v = pair.v;
    for (let r = n - 2; r >= 0; r--) {
      if (rightTau[r] === 0) continue;
      const at = r * n + r + 1;
      let dot = v[r + 1];
      for (let j = 1; j < n - r - 1; j++) dot += work[at + j] * v[r + 1 + j];
      dot *= rightTau[r];
      v[r + 1] -= dot;
      for (let j = 1; j < n - r - 1; j++) v[r + 1 + j] -= dot * work[at + j];
    }
    for (let i = 0; i < m; i++) left.data[i * k + alpha] = u[i];
    for (let i = 0; i < n; i++) right.data[i * k + alpha] = v[i];
  }
  return tall ? { s, U: left, V: right } : { s, U: right, V: left };
}
