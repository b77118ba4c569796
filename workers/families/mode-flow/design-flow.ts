// Paper 000 §3.3 on an under-determined task: the mirror flow (5), σ̇ = −[∇²Φ_L(σ)]⁻¹∇ℓ(σ), for the
// loss ℓ(σ) = ½‖Aσ − y‖² of a design matrix A with fewer rows than modes and y = Aσ* (σ* = the
// targets, one zero-loss point of many). In the dual coordinate b = β_L(σ) it is gradient descent,
// ḃ = −Aᵀ(Aσ − y), integrated here by DOP853; the modes are coupled through A. The Bregman
// minimizer it should reach is solved separately (bregman-minimizer.ts), not from this flow.
import { integrate, type SolverStats } from '../../numeric/ode';
import { barrier } from './barrier';

/** σ = β_L⁻¹(b): e^{2b} for L = 2, ((2 − L)b)^{L/(2−L)} otherwise (b < 0 for L ≥ 3; any b for L = 1). */
export function inverseBarrier(depth: number, b: number): number {
  if (depth === 2) return Math.exp(2 * b);
  return ((2 - depth) * b) ** (depth / (2 - depth));
}

export interface DesignFlowProblem {
  depth: number;
  /** A, m rows of n entries. */
  design: readonly (readonly number[])[];
  /** σ*, n values: y = Aσ*. */
  targets: readonly number[];
  initial: readonly number[];
  /** Stop once ‖Aσ − y‖ ≤ tolerance·‖y‖ ('converged'), or at a fixed time. */
  tolerance: number;
  horizon: number | 'converged';
  rtol: number;
  samples: number;
}

export interface DesignFlowSolution {
  ok: true;
  t: Float64Array;
  sigma: Float64Array[];
  barrier: Float64Array[];
  loss: Float64Array;
  horizon: number;
  finalSigma: number[];
  finalLoss: number;
  stats: SolverStats;
}

export interface DesignFlowFailure {
  ok: false;
  status: string;
  message: string;
}

/** Longest time a 'converged' run may take before it is declared stuck. */
const MAX_HORIZON = 1e12;

export function solveDesignFlow(problem: DesignFlowProblem, signal?: AbortSignal): DesignFlowSolution | DesignFlowFailure {
  const { depth, design, targets, initial, rtol } = problem;
  const n = targets.length;
  const y = design.map((row) => row.reduce((acc, a, j) => acc + a * targets[j], 0));
  const sigmaOf = (b: Float64Array): Float64Array => b.map((v) => inverseBarrier(depth, v));
  const residual = (sigma: Float64Array): number[] => design.map((row, i) => row.reduce((acc, a, j) => acc + a * sigma[j], 0) - y[i]);
  const lossOf = (sigma: Float64Array): number => 0.5 * residual(sigma).reduce((acc, r) => acc + r * r, 0);
  const stopLoss = 0.5 * (problem.tolerance * Math.hypot(...y)) ** 2;

  const result = integrate(
    (_t, b, dbdt) => {
      const r = residual(sigmaOf(b));
      for (let j = 0; j < n; j++) dbdt[j] = -design.reduce((acc, row, i) => acc + row[j] * r[i], 0);
    },
    0,
    Float64Array.from(initial, (s) => barrier(depth, s)),
    problem.horizon === 'converged' ? MAX_HORIZON : problem.horizon,
    {
      rtol,
      atol: rtol,
      signal,
      events: problem.horizon === 'converged' ? [{ g: (_t, b) => Math.log(lossOf(sigmaOf(b))) - Math.log(stopLoss), direction: -1, terminal: true }] : [],
    },
  );
  if (!result.success) return { ok: false, status: result.status, message: result.message };
  if (problem.horizon === 'converged' && result.status !== 'event') {
    return { ok: false, status: 'not-converged', message: `the loss did not reach ${stopLoss.toExponential(2)} by t = ${MAX_HORIZON}` };
  }

  // Record at accepted step ends, thinned evenly by index: the steps are dense where the flow moves.
  const total = result.times.length;
  const count = Math.min(problem.samples, total);
  const picks = Array.from({ length: count }, (_, k) => Math.round((k * (total - 1)) / (count - 1)));
  const t = Float64Array.from(picks, (i) => result.times[i]);
  const sigma = targets.map(() => new Float64Array(count));
  const barriers = targets.map(() => new Float64Array(count));
  const loss = new Float64Array(count);
  picks.forEach((i, k) => {
    const b = result.states.subarray(i * n, (i + 1) * n);
    const s = sigmaOf(b);
    for (let j = 0; j < n; j++) {
      sigma[j][k] = s[j];
      barriers[j][k] = b[j];
    }
    loss[k] = lossOf(s);
  });
  const finalSigma = Array.from(sigmaOf(result.y));
  return { ok: true, t, sigma, barrier: barriers, loss, horizon: result.t, finalSigma, finalLoss: lossOf(Float64Array.from(finalSigma)), stats: result.stats };
}
