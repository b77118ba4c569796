// Measurements a reduced run makes for paper 002's claims beyond its series: the full layer Hessian
// at the end point (Prop. 4.1: rank one), the drift of gradient flow's conserved quantities
// (Prop. E.3), the pathway balancing gap step by step (Thm E.11), and the deep chain's return
// threshold found by bisection over GD runs (Def. 6.1). Each is computed without the closed form it
// is later checked against.
import { symmetricEigen } from '../../numeric/svd';
import { flowPotential } from './theory';

/**
 * The two largest eigenvalues of the Hessian of ½(s − Σ_p Π_l w_{p,l})² in all layer coordinates
 * (every layer of every pathway its own variable), at the depth-balanced point w_{p,l} = w_p: built
 * by central differences of the analytic layer gradient −r Π_{m≠l} w_{p,m}, then Jacobi rotations.
 */
export function layerHessianTop(depths: readonly number[], w: ArrayLike<number>, target: number): { top: number; second: number } {
  const layers = depths.flatMap((L, p) => Array.from({ length: L }, () => p));
  const n = layers.length;
  const gradient = (x: Float64Array): Float64Array => {
    const products = depths.map(() => 1);
    layers.forEach((p, i) => (products[p] *= x[i]));
    const r = target - products.reduce((a, b) => a + b, 0);
    return Float64Array.from(layers, (p, i) => {
      let others = 1;
      layers.forEach((q, j) => {
        if (q === p && j !== i) others *= x[j];
      });
      return -r * others;
    });
  };
  const x = Float64Array.from(layers, (p) => w[p]);
  const data = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const h = 1e-5 * Math.max(Math.abs(x[j]), 1e-3);
    const plus = Float64Array.from(x), minus = Float64Array.from(x);
    plus[j] += h;
    minus[j] -= h;
    const gp = gradient(plus), gm = gradient(minus);
    for (let i = 0; i < n; i++) data[i * n + j] = (gp[i] - gm[i]) / (2 * h);
  }
  // Symmetrize away the difference error before the symmetric solver.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) data[i * n + j] = data[j * n + i] = 0.5 * (data[i * n + j] + data[j * n + i]);
  const { values } = symmetricEigen({ rows: n, cols: n, data });
  return { top: values[0], second: n > 1 ? values[1] : 0 };
}

/** Gradient flow's leaf coordinates φ_{L_p}(w_p) − φ_{L_0}(w_0), p ≥ 1 (null once a w is not positive). */
export function flowInvariants(depths: readonly number[], w: ArrayLike<number>, offset: number): number[] | null {
  for (let p = 0; p < depths.length; p++) if (!(w[offset + p] > 0)) return null;
  const base = flowPotential(depths[0], w[offset]);
  return depths.slice(1).map((L, i) => flowPotential(L, w[offset + i + 1]) - base);
}

/** Largest |Δ| of the invariants over the largest |initial| one; null where undefined or all start at 0. */
export function invariantDrift(initial: number[] | null, final: number[] | null): number | null {
  if (!initial || !final || initial.length === 0) return null;
  const scale = Math.max(...initial.map(Math.abs));
  if (!(scale > 0)) return null;
  return Math.max(...initial.map((q, i) => Math.abs(final[i] - q))) / scale;
}

/** Variance over the pathways of the leaf coordinates φ_{L_p}(w_p) of one mode: 0 on the balanced leaf (null once a w is not positive). */
export function leafVariance(depths: readonly number[], w: ArrayLike<number>, offset: number): number | null {
  const phi = flowInvariants(depths, w, offset);
  if (phi === null) return null;
  const all = [0, ...phi];
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  return all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length;
}

/**
 * The pathway balancing gap G = variance over p of the leaf coordinates φ_{L_p}(w_p) of one mode
 * (conserved up to a common shift by gradient flow, so G is fixed along the flow), followed step by
 * step. Two-step factors G_{t+2}/G_t are accumulated separately in the edge-of-stability phase and
 * before it (once the mode is half learned), as geometric means and shares of contracting windows.
 */
export class BalancingGap {
  private readonly history: number[] = [];
  private phase: 'eos' | 'before' | null = null;
  private readonly phases = { eos: { logSum: 0, windows: 0, contracting: 0 }, before: { logSum: 0, windows: 0, contracting: 0 } };

  constructor(private readonly depths: readonly number[], private readonly offset: number) {}

  /** `phase`: which accumulator this step belongs to, or null to skip it (and break the window). */
  observe(w: ArrayLike<number>, phase: 'eos' | 'before' | null): void {
    const gap = phase === null ? null : leafVariance(this.depths, w, this.offset);
    // A window lies within one phase: a skipped step or a phase change starts a new one.
    if (phase === null || gap === null || phase !== this.phase) this.history.length = 0;
    this.phase = phase;
    if (phase === null || gap === null) return;
    this.history.push(gap);
    if (this.history.length > 3) this.history.shift();
    if (this.history.length === 3 && this.history[0] > 0 && gap > 0) {
      const acc = this.phases[phase];
      const factor = gap / this.history[0];
      acc.logSum += Math.log(factor);
      acc.windows++;
      if (factor < 1) acc.contracting++;
    }
  }

  summary(): Record<string, number | null> {
    const mean = (a: { logSum: number; windows: number }): number | null => (a.windows > 0 ? Math.exp(a.logSum / a.windows) : null);
    const share = (a: { windows: number; contracting: number }): number | null => (a.windows > 0 ? a.contracting / a.windows : null);
    return {
      gapTwoStepFactorEos: mean(this.phases.eos),
      gapContractingShareEos: share(this.phases.eos),
      gapWindowsEos: this.phases.eos.windows,
      gapTwoStepFactorBefore: mean(this.phases.before),
      gapWindowsBefore: this.phases.before.windows,
    };
  }
}

/** Starts on the positive branch w₀ ∈ (0, s^{1/L}] and steps per GD run of the chain search. */
const CHAIN_STARTS = 2000;
const CHAIN_STEPS = 64;

/** Whether GD w ← w + η(s − w^L)w^{L−1} from every start stays positive for CHAIN_STEPS steps. */
function chainReturns(depth: number, target: number, eta: number): boolean {
  const top = target ** (1 / depth);
  for (let i = 1; i <= CHAIN_STARTS; i++) {
    let w = (top * i) / CHAIN_STARTS;
    for (let t = 0; t < CHAIN_STEPS; t++) {
      const wl1 = w ** (depth - 1);
      w += eta * (target - wl1 * w) * wl1;
      if (w < 0) return false;
      if (!Number.isFinite(w)) return false;
    }
  }
  return true;
}

/**
 * The deep chain's worst-case-return threshold found from GD runs alone: bisection on η between a
 * step size whose runs all stay positive and one where some run crosses zero (Def. 6.1), to 1e-7
 * relative. Starts at the classical bound 2/(L s^{2−2/L}), which every start survives.
 */
export function returnThresholdByGd(depth: number, target: number): { eta: number; bracket: [number, number] } {
  let lo = 2 / (depth * target ** (2 - 2 / depth)), hi = 2 * lo;
  while (chainReturns(depth, target, hi)) {
    lo = hi;
    hi *= 2;
  }
  while ((hi - lo) / lo > 1e-7) {
    const mid = 0.5 * (lo + hi);
    if (chainReturns(depth, target, mid)) lo = mid;
    else hi = mid;
  }
  return { eta: 0.5 * (lo + hi), bracket: [lo, hi] };
}
