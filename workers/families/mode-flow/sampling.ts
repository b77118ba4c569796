// Where to record the metrics: a fine candidate grid from every mode's accepted steps (five points
// per step of the dense output), thinned to the requested count uniformly in the arclength of the
// normalized curves (t, σᵢ, bᵢ, log ℓ, log D). Plateaus then get few points and the transitions,
// which may last 1/10⁹ of the horizon, get many.
import type { ModeTrajectory } from './solver';

const POINTS_PER_STEP = 5;

export interface FlowSamples {
  t: Float64Array;
  /** Per mode. */
  sigma: Float64Array[];
  barrier: Float64Array[];
  /** ℓ = ½ Σ (σᵢ − σᵢ*)². */
  loss: Float64Array;
  /** D_Φ(σ*, σ) summed over modes, eq. (4). */
  bregman: Float64Array;
}

export function evaluateFlow(modes: readonly ModeTrajectory[], t: Float64Array): FlowSamples {
  const n = t.length;
  const loss = new Float64Array(n);
  const bregman = new Float64Array(n);
  const sigma: Float64Array[] = [];
  const barrier: Float64Array[] = [];
  for (const mode of modes) {
    const { channel } = mode;
    const b = new Float64Array(n);
    const s = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const d = mode.offsetAt(t[k]);
      const x = channel.logRatio(d);
      b[k] = channel.barrierTarget + d;
      s[k] = channel.target * Math.exp(x);
      loss[k] += 0.5 * (channel.target * Math.expm1(x)) ** 2;
      bregman[k] += channel.bregman(d);
    }
    barrier.push(b);
    sigma.push(s);
  }
  return { t, sigma, barrier, loss, bregman };
}

function candidateTimes(modes: readonly ModeTrajectory[], horizon: number): Float64Array {
  const times: number[] = [0, horizon];
  for (const mode of modes) {
    for (const [t0, t1] of mode.stepIntervals()) {
      for (let k = 0; k < POINTS_PER_STEP; k++) {
        const t = t0 + (k / POINTS_PER_STEP) * (t1 - t0);
        if (t > 0 && t < horizon) times.push(t);
      }
    }
  }
  const sorted = Float64Array.from(times).sort();
  return sorted.filter((t, k) => k === 0 || t > sorted[k - 1]);
}

/** Adds the squared increments of v, scaled to unit range, to ds2 (constant curves add nothing). */
function accumulate(ds2: Float64Array, v: ArrayLike<number>): void {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < v.length; k++) {
    lo = Math.min(lo, v[k]);
    hi = Math.max(hi, v[k]);
  }
  const range = hi - lo;
  if (!(range > 0) || !Number.isFinite(range)) return;
  for (let k = 1; k < v.length; k++) ds2[k] += ((v[k] - v[k - 1]) / range) ** 2;
}

const logFloor = (v: Float64Array): Float64Array => v.map((x) => Math.log(Math.max(x, 1e-300)));

/** `count` times in [0, horizon], equally spaced in the arclength of the normalized curves. */
export function arclengthTimes(modes: readonly ModeTrajectory[], horizon: number, count: number): Float64Array {
  const t = candidateTimes(modes, horizon);
  const samples = evaluateFlow(modes, t);
  const ds2 = new Float64Array(t.length);
  accumulate(ds2, t);
  samples.sigma.forEach((s) => accumulate(ds2, s));
  samples.barrier.forEach((b) => accumulate(ds2, b));
  accumulate(ds2, logFloor(samples.loss));
  accumulate(ds2, logFloor(samples.bregman));
  const arc = new Float64Array(t.length);
  for (let k = 1; k < t.length; k++) arc[k] = arc[k - 1] + Math.sqrt(ds2[k]);

  const out = new Float64Array(count);
  const total = arc[t.length - 1];
  let k = 1;
  for (let j = 0; j < count; j++) {
    const target = (j / (count - 1)) * total;
    while (k < t.length - 1 && arc[k] < target) k++;
    const w = (target - arc[k - 1]) / (arc[k] - arc[k - 1]);
    out[j] = t[k - 1] + Math.min(Math.max(w, 0), 1) * (t[k] - t[k - 1]);
  }
  out[0] = 0;
  out[count - 1] = horizon;
  return out;
}
