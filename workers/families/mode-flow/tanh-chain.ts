// Paper 000 §4.4 (Rawal and DeWeese): smooth nonlinear networks escape their saddle in
// Θ(ε^{−(r−2)}), r the number of layers at scale ε. The smallest such network: a scalar tanh chain
// f(w) = w_L tanh(w_{L−1} tanh(⋯ tanh(w₁x))), x = 1, the lower r layers at w(0) = ε and the top
// L − r at w(0) = 1, trained by gradient flow on ½(f − σ*)². One chain per target, integrated by
// DOP853 in w; the escape is the first f = ½σ*, event-located as for the linear channels.
import { integrate, type SolverStats } from '../../numeric/ode';

/** f and ∂f/∂w_l of the chain at input 1. */
export function tanhChain(w: ArrayLike<number>, gradient?: Float64Array): number {
  const depth = w.length;
  // Forward: h₀ = 1, z_l = w_l h_{l−1}, h_l = tanh(z_l) below the top layer; f = w_L h_{L−1}.
  const h = new Float64Array(depth);
  let input = 1;
  for (let l = 0; l < depth - 1; l++) {
    h[l] = Math.tanh(w[l] * input);
    input = h[l];
  }
  const f = w[depth - 1] * input;
  if (gradient) {
    // Backward: δ = ∂f/∂h_l, starting from ∂f/∂h_{L−1} = w_L.
    gradient[depth - 1] = input;
    let delta = w[depth - 1];
    for (let l = depth - 2; l >= 0; l--) {
      const local = delta * (1 - h[l] * h[l]);
      gradient[l] = local * (l === 0 ? 1 : h[l - 1]);
      delta = local * w[l];
    }
  }
  return f;
}

export interface ChainSolution {
  ok: true;
  t: Float64Array;
  /** f(t) of each chain, one array per target. */
  outputs: Float64Array[];
  loss: Float64Array;
  escapeTimes: (number | null)[];
  toleranceTimes: (number | null)[];
  horizon: number;
  stats: SolverStats;
}

export interface ChainFailure {
  ok: false;
  status: string;
  message: string;
}

export interface ChainProblem {
  depth: number;
  targets: readonly number[];
  /** Per chain: the bottleneck layers start at w = initial^{1/L} (ε for initScale ε). */
  initial: readonly number[];
  /** The top layers that start at w = 1 instead (r = L − unitLayers layers at scale ε). */
  unitLayers: number;
  tolerance: number;
  horizon: number | 'converged';
  rtol: number;
  samples: number;
}

const MAX_HORIZON = 1e15;

export function solveTanhChains(problem: ChainProblem, signal?: AbortSignal): ChainSolution | ChainFailure {
  const { depth, targets, rtol } = problem;
  const stats: SolverStats = { acceptedSteps: 0, rejectedSteps: 0, rhsEvaluations: 0 };
  const chains = [];
  for (let i = 0; i < targets.length; i++) {
    const s = targets[i];
    const scratch = new Float64Array(depth);
    const w0 = Float64Array.from({ length: depth }, (_, l) => (l >= depth - problem.unitLayers ? 1 : problem.initial[i] ** (1 / depth)));
    const result = integrate(
      (_t, w, dwdt) => {
        const r = tanhChain(w, scratch) - s;
        for (let l = 0; l < depth; l++) dwdt[l] = -r * scratch[l];
      },
      0,
      w0,
      problem.horizon === 'converged' ? MAX_HORIZON : problem.horizon,
      {
        rtol,
        atol: rtol * 1e-3,
        maxSteps: 1_000_000,
        dense: true,
        signal,
        events: [
          { g: (_t, w) => tanhChain(w) - s / 2, direction: 1 },
          { g: (_t, w) => Math.abs(tanhChain(w) - s) - problem.tolerance * s, direction: -1, terminal: problem.horizon === 'converged' },
        ],
      },
    );
    stats.acceptedSteps += result.stats.acceptedSteps;
    stats.rejectedSteps += result.stats.rejectedSteps;
    stats.rhsEvaluations += result.stats.rhsEvaluations;
    if (!result.success) return { ok: false, status: result.status, message: `chain σ* = ${s}: ${result.message}` };
    const firstAt = (event: number) => result.events.find((e) => e.event === event)?.t ?? null;
    chains.push({ result, escape: firstAt(0), tolerance: firstAt(1) });
  }
  // Record every chain at the union of the accepted step ends, thinned evenly, on one time axis.
  const horizon = Math.max(...chains.map((c) => c.result.t));
  const all = [...new Set(chains.flatMap((c) => Array.from(c.result.times)))].sort((a, b) => a - b);
  const count = Math.min(problem.samples, all.length);
  const t = Float64Array.from({ length: count }, (_, k) => all[Math.round((k * (all.length - 1)) / (count - 1))]);
  const outputs = chains.map(({ result }) => {
    const solution = result.solution;
    // A chain that converged earlier stays at its end point.
    return t.map((tk) => (solution ? tanhChain(solution.evaluate(Math.min(tk, result.t))) : Number.NaN));
  });
  const loss = t.map((_, k) => 0.5 * outputs.reduce((acc, f, i) => acc + (f[k] - targets[i]) ** 2, 0));
  return {
    ok: true,
    t,
    outputs,
    loss,
    escapeTimes: chains.map((c) => c.escape),
    toleranceTimes: chains.map((c) => c.tolerance),
    horizon,
    stats,
  };
}
