// Closed forms and numerical predictions of paper 002 on the depth-balanced SVS manifold
// (README working forms): sharpness of zero-loss allocations (Prop. 4.1 / 5.1), the balanced
// reduction factor (Thm 4.2), the minimum-sharpness allocation for heterogeneous depths
// (Lagrange conditions (18)), the stability window and rank of re-balancing (eq. 24), and the
// worst-case-return threshold of the deep chain (Section 6, Appendix F).
import { brentRoot } from '../../numeric/roots';

/** Sharpness Σ_p L_p a_p^{2−2/L_p} of a zero-loss allocation (Prop. 5.1; Prop. 4.1 for equal depths). */
export function zeroLossSharpness(depths: readonly number[], allocation: readonly number[]): number {
  let sum = 0;
  depths.forEach((L, p) => {
    sum += L * Math.max(allocation[p], 0) ** (2 - 2 / L);
  });
  return sum;
}

/** Winner-takes-all sharpness L s^{2−2/L}: the whole mode in one pathway of depth L. */
export function singlePathSharpness(depth: number, target: number): number {
  return depth * target ** (2 - 2 / depth);
}

/** Thm 4.2 (15): equal split over P pathways of depth L, λ = L s^{2−2/L} P^{2/L−1}. */
export function balancedSharpness(pathways: number, depth: number, target: number): number {
  return singlePathSharpness(depth, target) * reductionFactor(pathways, depth);
}

/** Thm 4.2 (16): λ_balanced / λ_single = P^{(2−L)/L}. */
export function reductionFactor(pathways: number, depth: number): number {
  return pathways ** ((2 - depth) / depth);
}

export interface Allocation {
  /** a_p at the minimum-sharpness zero-loss point, Σ_p a_p = s. */
  allocation: number[];
  sharpness: number;
  /** The Lagrange multiplier μ of (18): the common marginal sharpness 2(L_p − 1) a_p^{(L_p−2)/L_p}. */
  multiplier: number;
}

/**
 * Minimum of Σ L_p a_p^{2−2/L_p} subject to Σ a_p = s, a_p ≥ 0 (Prop. 5.1, conditions (18)).
 * The objective is convex (a^{2−2/L} is convex for L ≥ 2), so the KKT point is the minimum. For
 * L_p ≥ 3 the marginal 2(L_p−1) a^{(L_p−2)/L_p} = μ gives a_p(μ) = (μ / 2(L_p−1))^{L_p/(L_p−2)},
 * increasing in μ; depth-2 pathways have constant marginal 2, so they absorb what is left once μ
 * reaches 2 (any split among them has the same sharpness; we split it equally).
 */
export function minSharpnessAllocation(depths: readonly number[], target: number): Allocation {
  const deep = depths.map((L, p) => (L >= 3 ? p : -1)).filter((p) => p >= 0);
  const flat = depths.map((L, p) => (L === 2 ? p : -1)).filter((p) => p >= 0);
  const share = (mu: number, L: number): number => (mu / (2 * (L - 1))) ** (L / (L - 2));
  const deepTotal = (mu: number): number => deep.reduce((sum, p) => sum + share(mu, depths[p]), 0);
  const allocation = depths.map(() => 0);
  let mu: number;
  if (flat.length > 0 && deepTotal(2) <= target) {
    mu = 2;
    for (const p of deep) allocation[p] = share(2, depths[p]);
    const rest = (target - deepTotal(2)) / flat.length;
    for (const p of flat) allocation[p] = rest;
  } else {
    // Bisection on log μ: Σ a_p(μ) is increasing and continuous.
    let lo = 1e-300, hi = 1;
    while (deepTotal(hi) < target) hi *= 2;
    for (let i = 0; i < 200 && hi / lo > 1 + 1e-15; i++) {
      const mid = Math.sqrt(lo * hi);
      if (deepTotal(mid) < target) lo = mid;
      else hi = mid;
    }
    mu = Math.sqrt(lo * hi);
    for (const p of deep) allocation[p] = share(mu, depths[p]);
    // Remove the last rounding so the allocation sums to s exactly.
    const scale = target / deepTotal(mu);
    for (const p of deep) allocation[p] *= scale;
  }
  return { allocation, sharpness: zeroLossSharpness(depths, allocation), multiplier: mu };
}

/**
 * Gradient-flow potential φ_L(w) with dφ/dt = r along ẇ = r w^{L−1}: w^{2−L}/(2−L), or log w at
 * L = 2. Differences φ_{L_p}(w_p) − φ_{L_q}(w_q) are conserved (README: w_p^{2−L} − w_q^{2−L}).
 */
export function flowPotential(L: number, w: number): number {
  return L === 2 ? Math.log(w) : w ** (2 - L) / (2 - L);
}

function inverseFlowPotential(L: number, phi: number): number {
  return L === 2 ? Math.exp(phi) : ((2 - L) * phi) ** (1 / (2 - L));
}

/**
 * Where gradient flow from per-layer scales ε_p ends for a mode s: every φ_{L_p}(w_p) moves by the
 * same τ (the conservation law) until Σ_p w_p^{L_p} = s. Bisection on τ; for L ≥ 3 φ < 0, so τ
 * stays below min_p −φ_p(ε_p), where that pathway's w would blow up.
 */
export function gradientFlowEndpoint(depths: readonly number[], initScales: readonly number[], target: number): number[] {
  const phi0 = depths.map((L, p) => flowPotential(L, initScales[p]));
  const values = (tau: number): number[] => depths.map((L, p) => inverseFlowPotential(L, phi0[p] + tau) ** L);
  const total = (tau: number): number => values(tau).reduce((a, b) => a + b, 0);
  const ceiling = Math.min(...depths.map((L, p) => (L === 2 ? Infinity : -phi0[p])));
  let lo = 0;
  let hi = Number.isFinite(ceiling) ? ceiling : 1;
  if (!Number.isFinite(ceiling)) while (total(hi) < target) hi *= 2;
  if (total(lo) >= target) return values(lo);
  for (let i = 0; i < 300 && hi - lo > 1e-15 * Math.abs(hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (total(mid) < target) lo = mid;
    else hi = mid;
  }
  const end = values(lo);
  const scale = target / end.reduce((a, b) => a + b, 0);
  return end.map((a) => a * scale);
}

/**
 * Gradient-flow end point of depth-2 pathways with offsets λ_p (w₁² − w₀² = λ_p, conserved) from
 * a_p(0) for a mode s: ȧ_p = r (w₀² + w₁²) = r √(λ_p² + 4a_p²), so with u = ∫r dt
 * a_p(u) = (|λ_p|/2) sinh(asinh(2a_p(0)/|λ_p|) + 2u) (a_p(0) e^{2u} at λ_p = 0), until Σ_p a_p = s.
 * For a(0) ≪ |λ| a pathway grows like (|λ_p|/4) e^{2u}: the larger |λ| wins, whatever its sign.
 */
export function offsetFlowEndpoint(lambdas: readonly number[], initial: readonly number[], target: number): number[] {
  const values = (u: number): number[] =>
    lambdas.map((l, p) => (l === 0 ? initial[p] * Math.exp(2 * u) : (Math.abs(l) / 2) * Math.sinh(Math.asinh((2 * initial[p]) / Math.abs(l)) + 2 * u)));
  const total = (u: number): number => values(u).reduce((a, b) => a + b, 0);
  // Σ_p a_p(u) increases in u: widen a bracket, then Brent's root.
  let lo = -1, hi = 1;
  while (total(lo) > target) lo *= 2;
  while (total(hi) < target) hi *= 2;
  const miss = (u: number): number => total(u) - target;
  return values(brentRoot(miss, lo, hi, miss(lo), miss(hi)).x);
}

/** Zero-loss sharpness of one mode of depth-2 pathways with offsets λ_p: Σ_p (w₀² + w₁²) = Σ_p √(λ_p² + 4a_p²). */
export function offsetZeroLossSharpness(lambdas: readonly number[], allocation: readonly number[]): number {
  return lambdas.reduce((sum, l, p) => sum + Math.hypot(l, 2 * allocation[p]), 0);
}

/**
 * Pathway imbalance ι of an allocation: the L1 distance of the shares a_p/Σa from the flattest
 * shares, over that of the winner-takes-all shares (all in the current leader). 0: the flattest
 * split; 1: one pathway carries everything. Negative values (after a sign flip) count as 0.
 */
export function imbalance(values: ArrayLike<number>, offset: number, optimalShares: readonly number[]): number {
  const P = optimalShares.length;
  if (P < 2) return 0;
  let total = 0, lead = 0;
  for (let p = 0; p < P; p++) {
    const v = Math.max(values[offset + p], 0);
    total += v;
    if (v > Math.max(values[offset + lead], 0)) lead = p;
  }
  if (total === 0) return 0;
  let dist = 0, worst = 0;
  for (let p = 0; p < P; p++) {
    dist += Math.abs(Math.max(values[offset + p], 0) / total - optimalShares[p]);
    worst += Math.abs((p === lead ? 1 : 0) - optimalShares[p]);
  }
  return worst > 0 ? dist / worst : 0;
}

/**
 * Re-balancing progress ρ of a zero-loss allocation: (λ_single − λ)/(λ_single − λ_min), with
 * λ_single the winner-takes-all sharpness in the current leader. 0 for one pathway (nothing to
 * re-balance). Where every split is equally sharp (equal depths 2, README) it is 1 − ι.
 */
export function rebalancingProgress(depths: readonly number[], target: number, allocation: readonly number[]): number {
  if (depths.length < 2) return 0;
  let leader = 0;
  for (let p = 1; p < allocation.length; p++) if (allocation[p] > allocation[leader]) leader = p;
  const min = minSharpnessAllocation(depths, target);
  const wta = singlePathSharpness(depths[leader], target);
  if (wta - min.sharpness <= 1e-9 * wta) return 1 - imbalance(allocation, 0, min.allocation.map((a) => a / target));
  return (wta - zeroLossSharpness(depths, allocation)) / (wta - min.sharpness);
}

/**
 * How a run ends. Re-balancing needs the edge of stability, so a run that never reached it (gradient
 * flow, a small step) ends winner-takes-all or at the flow's own split ('flow-split'). 'diverged' is
 * a blow-up only; a bounded run that never converged is 'oscillating' when it reached the edge of
 * stability (e.g. a period-2 orbit where no minimum is stable) and 'not-converged' otherwise (still
 * on a plateau when maxSteps ran out). 'no-stable-minimum' is a prediction (η > 2/λ_min): such a run
 * oscillates or diverges, which one theory does not say.
 */
export type Outcome =
  | 'winner-takes-all'
  | 'partial-rebalancing'
  | 'full-rebalancing'
  | 'diverged'
  | 'flow-split'
  | 'oscillating'
  | 'not-converged'
  | 'no-stable-minimum';
/** Codes are indices here: new classes go at the end, so stored codes keep their meaning. */
export const OUTCOMES: readonly Outcome[] = ['winner-takes-all', 'partial-rebalancing', 'full-rebalancing', 'diverged', 'flow-split', 'oscillating', 'not-converged', 'no-stable-minimum'];
export const outcomeCode = (o: Outcome): number => OUTCOMES.indexOf(o);

/** Re-balancing progress ρ at or above which a run counts as fully re-balanced (below 0.1: winner-takes-all). */
export const FULL_REBALANCING = 0.9;
export const NO_REBALANCING = 0.1;

export function classifyProgress(progress: number): Outcome {
  if (progress >= FULL_REBALANCING) return 'full-rebalancing';
  if (progress < NO_REBALANCING) return 'winner-takes-all';
  return 'partial-rebalancing';
}

/** Where a run that never met the edge of stability ends: the flow's split, re-balanced by nothing. */
export function classifyWithoutEos(progress: number): Outcome {
  return progress < NO_REBALANCING ? 'winner-takes-all' : 'flow-split';
}

/** The observed class of a finished run (see Outcome); `progress` is ρ of its end point. */
export function classifyEnd(end: { blewUp: boolean; converged: boolean; edgeOfStability: boolean; progress: number }): Outcome {
  if (end.blewUp) return 'diverged';
  if (!end.converged) return end.edgeOfStability ? 'oscillating' : 'not-converged';
  return end.edgeOfStability ? classifyProgress(end.progress) : classifyWithoutEos(end.progress);
}

/** Whether an observed class is what a prediction allows. */
export function outcomeAgrees(observed: string, predicted: Outcome): boolean {
  if (predicted === 'no-stable-minimum') return observed === 'oscillating' || observed === 'diverged';
  return observed === predicted;
}

export interface ModePrediction {
  target: number;
  /** Where gradient flow ends (the small-η limit) and its sharpness. */
  flowAllocation: number[];
  flowSharpness: number;
  /** Winner-takes-all sharpness L s^{2−2/L} of the pathway that leads the flow's end point. */
  singleSharpness: number;
  /** Minimum zero-loss sharpness (Thm 4.2 / Prop. 5.1) and its allocation. */
  minSharpness: number;
  minAllocation: number[];
  /** The window (24): 2/λ_single < η ≤ 2/λ_min. */
  etaLow: number;
  etaHigh: number;
  /** Worst-case-return ceiling C_L / (L s^{2−2/L}) of the leader's chain (Section 6, eq. 20). */
  etaWcr: number;
  /** Predicted end sharpness: the flow's end point where it is GD-stable, else 2/η (App. E.6). */
  finalSharpness: number | null;
  progress: number | null;
  outcome: Outcome;
}

/**
 * Prediction for one mode at step size η (paper 002 §5–6, App. E.6): GD follows the flow to its
 * end point when that point is stable (λ ≤ 2/η); otherwise the edge-of-stability drift stops on
 * the boundary λ = 2/η; beyond 2/λ_min no zero-loss point is stable.
 */
export function predictMode(depths: readonly number[], initScales: readonly number[], target: number, eta: number): ModePrediction {
  const flowAllocation = gradientFlowEndpoint(depths, initScales, target);
  const flowSharpness = zeroLossSharpness(depths, flowAllocation);
  let leader = 0;
  for (let p = 1; p < depths.length; p++) if (flowAllocation[p] > flowAllocation[leader]) leader = p;
  const singleSharpness = singlePathSharpness(depths[leader], target);
  const min = minSharpnessAllocation(depths, target);
  const base = {
    target,
    flowAllocation,
    flowSharpness,
    singleSharpness,
    minSharpness: min.sharpness,
    minAllocation: min.allocation,
    etaLow: 2 / singleSharpness,
    etaHigh: 2 / min.sharpness,
    etaWcr: wcrConstant(depths[leader]) / singleSharpness,
  };
  if (eta > base.etaHigh * (1 + 1e-12)) return { ...base, finalSharpness: null, progress: null, outcome: 'no-stable-minimum' };
  if (flowSharpness <= 2 / eta) {
    // GD follows the flow to its end point. On the way it passes near the single-path minimum:
    // above 2/λ_single it meets the edge of stability there, below it never does.
    const progress = rebalancingProgress(depths, target, flowAllocation);
    const outcome = eta > base.etaLow ? classifyProgress(progress) : classifyWithoutEos(progress);
    return { ...base, finalSharpness: flowSharpness, progress, outcome };
  }
  const finalSharpness = 2 / eta;
  const progress = Math.min(1, (singleSharpness - finalSharpness) / (singleSharpness - min.sharpness));
  return { ...base, finalSharpness, progress, outcome: classifyProgress(progress) };
}

/** Eq. (24): number of modes whose single-path minimum is GD-unstable at η (targets in any order). */
export function predictedRebalancingRank(predictions: readonly ModePrediction[], eta: number): number {
  return predictions.filter((m) => eta > m.etaLow).length;
}

/**
 * Homogeneous depth, partial re-balancing: the zero-loss point on the stopping boundary λ = 2/η
 * with the dominant pathway at x and the P − 1 others sharing s − x equally (App. E.6). Null
 * outside the window.
 */
export function stoppingAllocation(pathways: number, depth: number, target: number, eta: number): number[] | null {
  if (pathways < 2) return null;
  const sharp = (x: number): number => {
    const minor = (target - x) / (pathways - 1);
    return depth * (x ** (2 - 2 / depth) + (pathways - 1) * minor ** (2 - 2 / depth));
  };
  const goal = 2 / eta;
  const lo = target / pathways, hi = target;
  if (goal < sharp(lo) || goal > sharp(hi)) return null;
  const { x } = brentRoot((y) => sharp(y) - goal, lo, hi, sharp(lo) - goal, sharp(hi) - goal);
  return [x, ...Array.from({ length: pathways - 1 }, () => (target - x) / (pathways - 1))];
}

/** The normalized deep-chain map f_h(x) = x + h (1 − x^L) x^{L−1} (Appendix F, (72)). */
export function chainMap(depth: number, h: number, x: number): number {
  return x + h * (1 - x ** depth) * x ** (depth - 1);
}

/**
 * max over x ∈ [0, 1] of f_h and where it is attained: a grid uniform in u = x^L (the maximizer sits
 * within O(1/L) of 1, so a grid uniform in x would miss it for deep chains), then golden-section refinement in x.
 */
export function worstOvershoot(depth: number, h: number): { x: number; value: number } {
  const N = 2000;
  const at = (i: number): number => (i / N) ** (1 / depth);
  let best = 0;
  for (let i = 1; i <= N; i++) if (chainMap(depth, h, at(i)) > chainMap(depth, h, at(best))) best = i;
  let a = at(Math.max(0, best - 1)), b = at(Math.min(N, best + 1));
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 200 && b - a > 1e-16; i++) {
    const c = b - g * (b - a), d = a + g * (b - a);
    if (chainMap(depth, h, c) >= chainMap(depth, h, d)) b = d;
    else a = c;
  }
  const x = 0.5 * (a + b);
  return { x, value: chainMap(depth, h, x) };
}

/** Principal branch of the Lambert W function for x ≥ 0 (Newton on w e^w = x). */
export function lambertW(x: number): number {
  let w = Math.log1p(x);
  for (let i = 0; i < 100; i++) {
    const e = Math.exp(w);
    const step = (w * e - x) / (e * (w + 1));
    w -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(w))) break;
  }
  return w;
}

/**
 * Leading-order large-depth form of the WCR constant, derived here (paper 002's (83)–(87) were lost):
 * with h = C/L and u = x^L, max f_h = 1 + δ/L, δ = max_u[ln u + C u(1 − u)] ≈ C/4 − ln 2, and the worst
 * return f_h(max f_h) > 0 ⇔ C e^δ(e^δ − 1) < L + δ, so C e^{C/2} ≈ 4L, i.e. C_L ≈ 2 W(2L).
 */
export function wcrConstantAsymptotic(depth: number): number {
  return 2 * lambertW(2 * depth);
}

/** f_h(max f_h): the image of the worst overshoot; positive iff h is return-safe (Lemma F.2). */
export function worstReturn(depth: number, h: number): number {
  return chainMap(depth, h, worstOvershoot(depth, h).value);
}

const wcrCache = new Map<number, number>();

/**
 * C_L = L · sup{h : f_h(max_{[0,1]} f_h) > 0}, the root in h of the worst return (Appendix F.5). Closed form at
 * L = 2: C₂ = 3√3 − 2 (README). Then η_WCR = C_L / (L s^{2−2/L}) and η_WCR / (2/λ_single) = C_L / 2.
 */
export function wcrConstant(depth: number): number {
  const cached = wcrCache.get(depth);
  if (cached !== undefined) return cached;
  // Above the overshoot onset h = 1/L the worst return is positive at h = 2/L (C_L > 2) and
  // becomes negative for large enough h.
  let lo = 2 / depth, hi = 2 / depth;
  while (worstReturn(depth, hi) > 0) {
    lo = hi;
    hi *= 1.5;
  }
  const returnAt = (h: number): number => worstReturn(depth, h);
  const c = depth * brentRoot(returnAt, lo, hi, returnAt(lo), returnAt(hi)).x;
  wcrCache.set(depth, c);
  return c;
}
