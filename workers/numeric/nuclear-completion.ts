// Minimum-nuclear-norm completion: min ‖X‖_* subject to X_ij = M_ij on the observed entries Ω,
// the convex problem whose solution small-initialization depth-2 factorization approaches (paper
// 001 §8). ADMM on X = Z with Z constrained to agree with M on Ω:
//   X ← SVT_{1/ρ}(Z − U),  Z ← P_C(X + U),  U ← U + X − Z,
// with over-relaxation and residual balancing of ρ. The scaled multiplier U vanishes off Ω after every step, so
// Y = −ρU restricted to Ω, divided by max(1, ‖Y‖_op), is dual feasible and ⟨Y, M⟩ is a certified
// lower bound; the feasible Z gives the upper bound ‖Z‖_*. The run stops when the gap between the
// two is within `tolerance` relative to ‖Z‖_*, so the reported minimum is certified to that tolerance.
import { diagonal, frobenius, type Matrix, matmul, matmulNT, zeros } from './matrix';
import { singularValues, svd } from './svd';

export interface CompletionProblem {
  /** Entries of M; only those where mask is 1 are read. */
  values: Matrix;
  /** 1 where observed, row-major like values.data. */
  mask: Uint8Array;
}

export interface CompletionOptions {
  /** Relative duality gap (upper − lower)/upper at which to stop (default 1e-7). */
  tolerance?: number;
  maxIterations?: number;
  /** Iterations between duality-gap checks (each costs two SVDs; default 10). */
  checkEvery?: number;
}

export interface CompletionResult {
  /** Feasible completion (agrees with M on Ω exactly). */
  X: Matrix;
  /** ‖X‖_*, an upper bound on the minimum. */
  nuclearNorm: number;
  /** Certified lower bound on the minimum nuclear norm. */
  lowerBound: number;
  relativeGap: number;
  iterations: number;
  converged: boolean;
}

/** Over-relaxation factor of the Z and U steps (Boyd et al. §3.4.3); 1.5–1.8 typically halves the iterations. */
const RELAXATION = 1.6;

const sum = (v: Float64Array): number => v.reduce((a, b) => a + b, 0);

/** X = U diag(max(s − τ, 0)) Vᵀ, the proximal map of τ‖·‖_*. */
function singularValueThreshold(a: Matrix, tau: number): Matrix {
  const { U, s, V } = svd(a);
  const shrunk = s.map((x) => Math.max(x - tau, 0));
  return matmulNT(matmul(U, diagonal(s.length, s.length, shrunk)), V);
}

export function minNuclearNormCompletion(problem: CompletionProblem, options: CompletionOptions = {}): CompletionResult {
  const { values, mask } = problem;
  const tolerance = options.tolerance ?? 1e-7;
  const maxIterations = options.maxIterations ?? 20_000;
  const checkEvery = options.checkEvery ?? 10;
  const n = values.data.length;
  if (mask.length !== n) throw new Error(`mask has ${mask.length} entries, values ${n}`);
  const observed = zeros(values.rows, values.cols);
  for (let i = 0; i < n; i++) if (mask[i]) observed.data[i] = values.data[i];
  const scale = frobenius(observed);
  if (scale === 0) return { X: observed, nuclearNorm: 0, lowerBound: 0, relativeGap: 0, iterations: 0, converged: true };

  let rho = Math.sqrt(n) / scale;
  let z = observed;
  const u = zeros(values.rows, values.cols);
  const arg = zeros(values.rows, values.cols);
  let upper = Infinity, lower = 0;
  for (let it = 1; it <= maxIterations; it++) {
    for (let i = 0; i < n; i++) arg.data[i] = z.data[i] - u.data[i];
    const x = singularValueThreshold(arg, 1 / rho);
    const zNew = zeros(values.rows, values.cols);
    let primal = 0, dual = 0;
    for (let i = 0; i < n; i++) {
      const relaxed = RELAXATION * x.data[i] + (1 - RELAXATION) * z.data[i];
      zNew.data[i] = mask[i] ? values.data[i] : relaxed + u.data[i];
      u.data[i] += relaxed - zNew.data[i];
      primal += (x.data[i] - zNew.data[i]) ** 2;
      dual += (zNew.data[i] - z.data[i]) ** 2;
    }
    z = zNew;
    if (it % checkEvery === 0 || it === maxIterations) {
      upper = sum(singularValues(z));
      const y = zeros(values.rows, values.cols);
      let inner = 0;
      for (let i = 0; i < n; i++) {
        y.data[i] = -rho * u.data[i];
        inner += y.data[i] * values.data[i] * mask[i];
      }
      lower = Math.max(lower, inner / Math.max(1, singularValues(y)[0]));
      if (upper - lower <= tolerance * upper) {
        return { X: z, nuclearNorm: upper, lowerBound: lower, relativeGap: (upper - lower) / upper, iterations: it, converged: true };
      }
    }
    // Residual balancing (Boyd et al. §3.4.1); U is the scaled multiplier, so it rescales with 1/ρ.
    const primalNorm = Math.sqrt(primal), dualNorm = rho * Math.sqrt(dual);
    if (primalNorm > 10 * dualNorm) {
      rho *= 2;
      for (let i = 0; i < n; i++) u.data[i] /= 2;
    } else if (dualNorm > 10 * primalNorm) {
      rho /= 2;
      for (let i = 0; i < n; i++) u.data[i] *= 2;
    }
  }
  return { X: z, nuclearNorm: upper, lowerBound: lower, relativeGap: (upper - lower) / upper, iterations: maxIterations, converged: false };
}
