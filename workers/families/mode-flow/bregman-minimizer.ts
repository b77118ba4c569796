// The point paper 000 §3.3 says the flow selects: argmin D_Φ(σ, σ(0)) over {Aσ = y}, solved
// without the flow. Its optimality condition is β_L(σ) = β_L(σ(0)) + Aᵀλ, so λ minimizes the
// strictly convex dual ψ(λ) = Σᵢ Φ*(bᵢ(λ)) − λᵀy with b(λ) = β_L(σ(0)) + Aᵀλ, gradient Aσ(b) − y and
// Hessian A diag(dσ/db) Aᵀ (dσ/db = Lσ^{2−2/L}): damped Newton from λ = 0.
import { fromRows, qr } from '../../numeric/matrix';
import { barrier, potential } from './barrier';
import { inverseBarrier } from './design-flow';

const MAX_ITERATIONS = 200;
/** Newton stops once ‖Aσ − y‖ ≤ this times ‖y‖. */
const FEASIBILITY = 1e-14;

/** Solves the square system Mx = v by Householder QR (M = QR, x = R⁻¹Qᵀv). */
export function solveSquare(rows: number[][], v: number[]): number[] {
  const { q, r } = qr(fromRows(rows));
  const m = v.length;
  const qtv = Array.from({ length: m }, (_, i) => v.reduce((acc, vk, k) => acc + q.data[k * m + i] * vk, 0));
  const x = new Array<number>(m).fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let sum = qtv[i];
    for (let j = i + 1; j < m; j++) sum -= r.data[i * m + j] * x[j];
    x[i] = sum / r.data[i * m + i];
  }
  return x;
}

export interface BregmanMinimizer {
  sigma: number[];
  /** ‖Aσ − y‖/‖y‖ at the end. */
  feasibility: number;
  iterations: number;
  converged: boolean;
}

export function bregmanMinimizer(depth: number, design: readonly (readonly number[])[], targets: readonly number[], initial: readonly number[]): BregmanMinimizer {
  const m = design.length;
  const y = design.map((row) => row.reduce((acc, a, j) => acc + a * targets[j], 0));
  const b0 = initial.map((s) => barrier(depth, s));
  const pointAt = (lambda: number[]) => {
    const b = b0.map((v, j) => v + design.reduce((acc, row, i) => acc + row[j] * lambda[i], 0));
    const sigma = b.map((v) => inverseBarrier(depth, v));
    // Φ*(b) = bσ − Φ(σ); outside the domain of Φ* (b ≥ 0 for L ≥ 3) σ is not finite.
    const dual = sigma.every(Number.isFinite) ? b.reduce((acc, v, j) => acc + v * sigma[j] - potential(depth, sigma[j]), 0) - lambda.reduce((acc, l, i) => acc + l * y[i], 0) : Infinity;
    const gradient = design.map((row, i) => row.reduce((acc, a, j) => acc + a * sigma[j], 0) - y[i]);
    return { sigma, dual, gradient };
  };
  const norm = (v: number[]) => Math.hypot(...v);
  const scale = norm(y);
  let lambda = new Array<number>(m).fill(0);
  let point = pointAt(lambda);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    if (norm(point.gradient) <= FEASIBILITY * scale) return { sigma: point.sigma, feasibility: norm(point.gradient) / scale, iterations: iteration, converged: true };
    const slope = point.sigma.map((s) => depth * s ** (2 - 2 / depth));
    const hessian = design.map((ri) => design.map((rk) => ri.reduce((acc, a, j) => acc + a * slope[j] * rk[j], 0)));
    const step = solveSquare(hessian, point.gradient.map((g) => -g));
    const decrease = step.reduce((acc, s, i) => acc + s * point.gradient[i], 0);
    // Backtrack into the domain and to a sufficient decrease of ψ (Armijo, c = 1e-4).
    let t = 1;
    let next = pointAt(lambda.map((l, i) => l + step[i]));
    while (!(next.dual <= point.dual + 1e-4 * t * decrease) && t > 1e-12) {
      t /= 2;
      next = pointAt(lambda.map((l, i) => l + t * step[i]));
    }
    // At the limit of float64 the dual no longer decreases measurably: keep the full Newton step.
    if (t <= 1e-12) {
      t = 1;
      next = pointAt(lambda.map((l, i) => l + step[i]));
    }
    lambda = lambda.map((l, i) => l + t * step[i]);
    point = next;
  }
  return { sigma: point.sigma, feasibility: norm(point.gradient) / scale, iterations: MAX_ITERATIONS, converged: false };
}

/** Subsets of {0 … n−1} of size k, in lexicographic order. */
function* subsets(n: number, k: number, start = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === k) {
    yield [...chosen];
    return;
  }
  for (let j = start; j <= n - (k - chosen.length); j++) yield* subsets(n, k, j + 1, [...chosen, j]);
}

/** Most bases tried by vertexMinimizer (C(n, m) grows fast). */
const MAX_BASES = 20_000;

/**
 * argmin Σᵢ σᵢ^p over {Aσ = y, σ ≥ 0} for 0 < p ≤ 1 (p = 1: ℓ¹, an LP): a concave objective on a polytope
 * is minimized at a vertex, so every basic feasible solution is tried. Null when there are too many
 * bases or none is feasible.
 */
export function vertexMinimizer(design: readonly (readonly number[])[], targets: readonly number[], p: number): number[] | null {
  const m = design.length, n = targets.length;
  const y = design.map((row) => row.reduce((acc, a, j) => acc + a * targets[j], 0));
  let count = 1;
  for (let k = 0; k < m; k++) count = (count * (n - k)) / (k + 1);
  if (m > n || count > MAX_BASES) return null;
  let best: { value: number; sigma: number[] } | null = null;
  for (const basis of subsets(n, m)) {
    const x = solveSquare(design.map((row) => basis.map((j) => row[j])), y);
    if (!x.every(Number.isFinite) || x.some((v) => v < -1e-12)) continue;
    const sigma = new Array<number>(n).fill(0);
    basis.forEach((j, k) => (sigma[j] = Math.max(0, x[k])));
    // A singular basis can return a finite x that does not solve the system.
    const residual = Math.hypot(...design.map((row, i) => row.reduce((acc, a, j) => acc + a * sigma[j], 0) - y[i]));
    if (residual > 1e-9 * Math.hypot(...y)) continue;
    const value = sigma.reduce((acc, v) => acc + v ** p, 0);
    if (best === null || value < best.value) best = { value, sigma };
  }
  return best?.sigma ?? null;
}
