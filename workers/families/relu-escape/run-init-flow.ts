// Gradient flow from a small random start α·θ̂₀ (paper 004 §2.1, Prop. A.1, §5 (3)). On the localized
// loss the direction θ̄ follows projected gradient flow on the sphere in the time q, dq = ‖θ‖^{L−2}dt,
// whatever α: two runs that differ only in α must reach the same θ̄ at the same q, with ‖θ‖ ∝ α and
// t ∝ α^{2−L}. The flow is integrated in t (RK4), each step sized to the local time scale ‖θ‖^{2−L}
// (a fixed t-step would be far too short or too long once ‖θ‖ grows by orders of magnitude); q is
// accumulated from the measured norms. Weak balancedness diag(W_{ℓ+1}ᵀW_{ℓ+1}) − diag(W_ℓW_ℓᵀ) is
// conserved by any gradient flow of a bias-free ReLU network; the full matrix is not.
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { balanceDrift, balanceMatrices, balanceRates, eulerResidual } from './identities';
import { layerSizes, localizedLoss, scaled, squaredNorm, type Weights } from './network';
import { negativeGradient, rk4Step } from './norm-flow';
import { hiddenWidths, type ReluEscapeParams } from './params';
import { buildProblem } from './problem';
import { randomStart } from './sphere-descent';

/** Points of the q-traces kept (evenly spaced in steps). */
const TRACE_POINTS = 400;

export function runInitFlow(p: ReluEscapeParams, ctx: RunContext): RunSummary {
  const problem = buildProblem(p, ctx.rng);
  const { x, g, cost } = problem;
  const sizes = layerSizes(x.rows, hiddenWidths(p), g.rows);
  const depth = sizes.length - 1;
  const direction0 = randomStart(sizes, ctx.rng);
  let theta: Weights = scaled(direction0, p.initScale / Math.sqrt(squaredNorm(direction0)));
  const balance0 = balanceMatrices(theta);
  const dq = p.flowQ / p.flowSteps;
  const every = Math.max(1, Math.floor(p.flowSteps / TRACE_POINTS));
  const trace = { q: [] as number[], t: [] as number[], norm: [] as number[], speed: [] as number[] };
  let t = 0, q = 0, eulerMax = 0, weakRateMax = 0, fullRateMin = Infinity;
  ctx.progress(0);
  for (let k = 0; ; k++) {
    const norm = Math.sqrt(squaredNorm(theta));
    const f = negativeGradient(theta, x, g, cost, p.flowLoss);
    if (k % every === 0 || k === p.flowSteps) {
      trace.q.push(q);
      trace.t.push(t);
      trace.norm.push(norm);
      // Def. 2.1's speed of the current direction: −L₀ at θ rescaled onto the radius-√L sphere.
      trace.speed.push(-localizedLoss(scaled(theta, Math.sqrt(depth) / norm), x, g));
      eulerMax = Math.max(eulerMax, eulerResidual(theta, x, g));
      const rates = balanceRates(theta, f.dtheta);
      weakRateMax = Math.max(weakRateMax, rates.weak);
      if (k > 0) fullRateMin = Math.min(fullRateMin, rates.full);
      ctx.progress(k / p.flowSteps);
    }
    if (k === p.flowSteps) break;
    if (ctx.signal.aborted) return {};
    const h = dq * norm ** (2 - depth);
    const next = rk4Step(theta, f.dtheta, h, x, g, cost, p.flowLoss);
    const nextNorm = Math.sqrt(squaredNorm(next));
    if (!Number.isFinite(nextNorm)) throw new DivergedError(`non-finite norm at step ${k + 1} of the flow`);
    // q = ∫‖θ‖^{L−2} dt by the trapezoid rule on the measured norms.
    q += (h * (norm ** (depth - 2) + nextNorm ** (depth - 2))) / 2;
    t += h;
    theta = next;
  }
  const norm = Math.sqrt(squaredNorm(theta));
  const drift = balanceDrift(balance0, balanceMatrices(theta), norm * norm);
  ctx.emit({ metric: 'initFlow/speed', x: Float64Array.from(trace.q), y: Float64Array.from(trace.speed) });
  ctx.emit({ metric: 'initFlow/normOverScale', x: Float64Array.from(trace.q), y: Float64Array.from(trace.norm, (v) => v / p.initScale) });
  ctx.emit({ metric: 'initFlow/time', x: Float64Array.from(trace.q), y: Float64Array.from(trace.t) });
  ctx.progress(1);
  return {
    depth,
    initScale: p.initScale,
    /** q at the end, ∫‖θ‖^{L−2}dt (trapezoid on the steps). */
    finalQ: q,
    /** ‖θ(q₁)‖/α: the same for every α (§2.1). */
    normOverScale: norm / p.initScale,
    /** t(q₁)·α^{L−2}: the same for every α. */
    scaledTime: t * p.initScale ** (depth - 2),
    /** Def. 2.1's speed of θ̄(q₁). */
    finalSpeed: trace.speed[trace.speed.length - 1],
    /** θ̄(q₁) = θ/‖θ‖, all layers flattened: compared across runs that differ only in α. */
    finalDirection: theta.flatMap((w) => Array.from(w.data, (v) => v / norm)),
    /** Largest |d/dt diag(W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ)|/(‖θ‖‖∇L‖) at the recorded points: 0 for the exact flow. */
    weakBalanceRate: weakRateMax,
    /** Smallest ‖d/dt(W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ)‖_F/(‖θ‖‖∇L‖) after the start: the full balance matrix moves. */
    fullBalanceRate: Number.isFinite(fullRateMin) ? fullRateMin : null,
    /** Largest change of a diagonal entry of W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ over the flow, relative to ‖θ(q₁)‖²: RK4's error, O(step) where the flow rides a ReLU kink. */
    weakBalanceDrift: drift.weak,
    /** ‖Δ(W_{ℓ+1}ᵀW_{ℓ+1} − W_ℓW_ℓᵀ)‖_F over the flow, relative to ‖θ(q₁)‖². */
    fullBalanceDrift: drift.full,
    eulerMaxResidual: eulerMax,
  };
}
