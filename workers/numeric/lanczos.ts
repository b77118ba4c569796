// Extreme eigenvalues and the trace of a symmetric operator known only through its products v ↦ Av
// (a Hessian-vector product): Lanczos with full reorthogonalisation for the top k eigenvalues
// (Golub & Van Loan §10.1; the Ritz values of the m × m tridiagonal matrix), and Hutchinson's
// estimator tr A ≈ (1/p)Σ zᵀAz with Rademacher z.
import type { Rng } from './rng';
import { symmetricEigen } from './svd';
import { type Matrix, zeros } from './matrix';

/** out = A v; must not keep v or out. */
export type SymmetricOperator = (v: Float64Array, out: Float64Array) => void;

export interface TopEigenvalues {
  /** The k largest Ritz values, descending. */
  values: Float64Array;
  /** Lanczos steps taken (operator applications). */
  iterations: number;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/**
 * The k largest eigenvalues of a symmetric n × n operator. `iterations` Krylov vectors (default
 * min(n, 2k + 30)) are kept and every new one is orthogonalised against all of them twice, so the
 * Ritz values carry no ghost copies; at iterations = n they are the eigenvalues to rounding. The
 * start vector and the restarts after an invariant subspace are drawn from rng.
 */
export function lanczosTop(apply: SymmetricOperator, n: number, k: number, rng: Rng, iterations = Math.min(n, 2 * k + 30)): TopEigenvalues {
  if (!(k >= 1 && k <= n)) throw new Error(`lanczosTop: k = ${k} must be in 1 … n = ${n}`);
  const m = Math.max(k, Math.min(n, iterations));
  const basis: Float64Array[] = [];
  const alpha: number[] = [], beta: number[] = [];
  let q = Float64Array.from({ length: n }, () => rng.normal());
  let norm = Math.sqrt(dot(q, q));
  q = q.map((x) => x / norm);
  const w = new Float64Array(n);
  let scale = 0;
  for (let j = 0; j < m; j++) {
    basis.push(q);
    apply(q, w);
    alpha.push(dot(q, w));
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dot(b, w);
        for (let i = 0; i < n; i++) w[i] -= c * b[i];
      }
    }
    norm = Math.sqrt(dot(w, w));
    scale = Math.max(scale, Math.abs(alpha[j]), norm);
    if (j === m - 1) break;
    if (norm > 1e-13 * scale) {
      beta.push(norm);
      q = w.map((x) => x / norm);
    } else {
      // An invariant subspace (its Ritz values are exact): restart from a random direction
      // orthogonal to it, with a zero coupling, so repeated eigenvalues show their multiplicity.
      beta.push(0);
      q = Float64Array.from({ length: n }, () => rng.normal());
      for (let pass = 0; pass < 2; pass++) {
        for (const b of basis) {
          const c = dot(b, q);
          for (let i = 0; i < n; i++) q[i] -= c * b[i];
        }
      }
      const qn = Math.sqrt(dot(q, q));
      q = q.map((x) => x / qn);
    }
  }
  const size = alpha.length;
  const t = zeros(size, size);
  for (let i = 0; i < size; i++) {
    t.data[i * size + i] = alpha[i];
    if (i + 1 < size) t.data[i * size + i + 1] = t.data[(i + 1) * size + i] = beta[i];
  }
  return { values: symmetricEigen(t).values.slice(0, k), iterations: size };
}

export interface TraceEstimate {
  trace: number;
  /** Standard error of the mean over the probes (0 for one probe). */
  standardError: number;
}

/** Hutchinson: tr A ≈ mean of zᵀAz over `probes` Rademacher vectors z (unbiased; variance 2Σ_{i≠j}A_ij²). */
export function hutchinsonTrace(apply: SymmetricOperator, n: number, probes: number, rng: Rng): TraceEstimate {
  if (!(probes >= 1)) throw new Error(`hutchinsonTrace: probes = ${probes} must be at least 1`);
  const z = new Float64Array(n), az = new Float64Array(n);
  const samples: number[] = [];
  for (let p = 0; p < probes; p++) {
    for (let i = 0; i < n; i++) z[i] = rng.uniform() < 0.5 ? -1 : 1;
    apply(z, az);
    samples.push(dot(z, az));
  }
  const mean = samples.reduce((a, b) => a + b, 0) / probes;
  const variance = probes > 1 ? samples.reduce((a, s) => a + (s - mean) ** 2, 0) / (probes - 1) : 0;
  return { trace: mean, standardError: Math.sqrt(variance / probes) };
}

/** What to measure of a Hessian: its k largest eigenvalues (0: none) and a trace from this many probes (0: none). */
export interface SpectrumSettings {
  topK: number;
  traceProbes: number;
}

/** The top-k eigenvalues (empty when not asked) and the Hutchinson trace (null when not asked). */
export function measureSpectrum(apply: SymmetricOperator, size: number, s: SpectrumSettings, rng: Rng): { top: Float64Array; trace: number | null } {
  const top = s.topK > 0 ? lanczosTop(apply, size, Math.min(s.topK, size), rng).values : new Float64Array(0);
  const trace = s.traceProbes > 0 ? hutchinsonTrace(apply, size, s.traceProbes, rng).trace : null;
  return { top, trace };
}

/** The k largest singular values of A (m × n), √ of the top eigenvalues of AᵀA: accurate to ~1e-8 σ₁ in absolute terms. */
export function topSingularValues(a: Matrix, k: number, rng: Rng): Float64Array {
  const m = a.rows, n = a.cols, av = new Float64Array(m);
  const gram: SymmetricOperator = (v, out) => {
    av.fill(0);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a.data[i * n + j] * v[j];
      av[i] = s;
    }
    out.fill(0);
    for (let i = 0; i < m; i++) {
      const x = av[i];
      for (let j = 0; j < n; j++) out[j] += a.data[i * n + j] * x;
    }
  };
  return lanczosTop(gram, n, k, rng).values.map((x) => Math.sqrt(Math.max(0, x)));
}
