// Quantities read from a finished run's records for paper 001's claims (examples/claims/001.json):
// the analyses see only summaries, so what a check needs of the series is computed here, once per run.
import { axpy, clone, frobenius, type Matrix, scaleInPlace, subInPlace } from '../../numeric/matrix';
import { singularValues } from '../../numeric/svd';
import type { Plateau } from './plateaus';

/** Index of the last record at or before t (0 before the first). */
function recordBefore(times: readonly number[], t: number): number {
  let lo = 0, hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** y at t, linear between records. */
export function valueAt(times: readonly number[], y: readonly number[], t: number): number {
  const i = Math.min(recordBefore(times, t), times.length - 2);
  if (i < 0) return y[0];
  const f = times[i + 1] === times[i] ? 0 : (t - times[i]) / (times[i + 1] - times[i]);
  return y[i] + Math.min(1, Math.max(0, f)) * (y[i + 1] - y[i]);
}

/** A positive y at t, linear in log y between records: exact for the exponential growth of a mode on a plateau. */
export function positiveValueAt(times: readonly number[], y: readonly number[], t: number): number {
  const i = Math.min(recordBefore(times, t), times.length - 2);
  if (i < 0 || y[i] <= 0 || y[i + 1] <= 0) return valueAt(times, y, t);
  const f = times[i + 1] === times[i] ? 0 : (t - times[i]) / (times[i + 1] - times[i]);
  return y[i] * (y[i + 1] / y[i]) ** Math.min(1, Math.max(0, f));
}

/**
 * Depth 1 (paper 001 §3.3): the largest distance of the run from W(t) = T + (W₀ − T)e^{−t}, relative to
 * ‖T‖_F: of the singular values at every record, and of the whole matrix at the end.
 */
export function linearFlowError(target: Matrix, initial: Matrix, final: Matrix, times: readonly number[], sigma: readonly (readonly number[])[]): number {
  const closedForm = (t: number): Matrix => axpy(1, target, scaleInPlace(subInPlace(clone(initial), target), Math.exp(-t)));
  const norm = frobenius(target);
  let worst = frobenius(subInPlace(closedForm(times[times.length - 1]), final)) / norm;
  times.forEach((t, i) => {
    singularValues(closedForm(t)).forEach((s, alpha) => {
      if (alpha < sigma.length) worst = Math.max(worst, Math.abs(sigma[alpha][i] - s) / norm);
    });
  });
  return worst;
}

/** Largest |σ_α(t) − a_α(t)| / a_α(t) over records and modes for a prediction a_α(t). */
export function maxRelativeGap(times: readonly number[], sigma: readonly (readonly number[])[], predicted: (alpha: number, t: number) => number): number {
  let worst = 0;
  sigma.forEach((y, alpha) => times.forEach((t, i) => (worst = Math.max(worst, Math.abs(y[i] - predicted(alpha, t)) / predicted(alpha, t)))));
  return worst;
}

export interface BernoulliReading {
  /** Per mode, at the record nearest a = s/2: b = a^{2/L} and the measured ḃ = (2/L)a^{2/L−1}ȧ. */
  halfwayB: (number | null)[];
  halfwayBDot: (number | null)[];
  /** Largest |ḃ − (2s b^{L/2} − 2b^L)| over the records with 5 % < a/s < 95 %, relative to the largest such ḃ. */
  residual: number | null;
}

/** Paper 001 §5.3's b = a^{2/L} read from the measured σ_α and σ̇_α (the network's own velocity). */
export function bernoulliReading(depth: number, targets: readonly number[], sigma: readonly (readonly number[])[], velocity: readonly (readonly number[])[]): BernoulliReading {
  const halfwayB: (number | null)[] = [], halfwayBDot: (number | null)[] = [];
  let worst = 0, largest = 0;
  targets.forEach((s, alpha) => {
    let nearest = -1;
    sigma[alpha].forEach((a, i) => {
      if (a <= 0.05 * s || a >= 0.95 * s) return;
      const b = a ** (2 / depth), bDot = (2 / depth) * a ** (2 / depth - 1) * velocity[i][alpha];
      worst = Math.max(worst, Math.abs(bDot - (2 * s * b ** (depth / 2) - 2 * b ** depth)));
      largest = Math.max(largest, Math.abs(bDot));
      if (nearest < 0 || Math.abs(a - s / 2) < Math.abs(sigma[alpha][nearest] - s / 2)) nearest = i;
    });
    const a = nearest >= 0 ? sigma[alpha][nearest] : null;
    halfwayB.push(a === null ? null : a ** (2 / depth));
    halfwayBDot.push(a === null ? null : (2 / depth) * a ** (2 / depth - 1) * velocity[nearest][alpha]);
  });
  return { halfwayB, halfwayBDot, residual: largest > 0 ? worst / largest : null };
}

/**
 * Where σ₁/σ₂ peaks (a parabola through the largest record and its neighbours) and σ₁ − σ₂ there:
 * paper 001 §9's rich maximum sits where a₁ − a₂ = s₁ − s₂.
 */
export function ratioPeak(times: readonly number[], first: readonly number[], second: readonly number[]): { time: number; gap: number } | null {
  const ratio = first.map((v, i) => (second[i] > 0 ? v / second[i] : Number.NaN));
  let best = -1;
  ratio.forEach((r, i) => {
    if (Number.isFinite(r) && (best < 0 || r > ratio[best])) best = i;
  });
  if (best <= 0 || best >= times.length - 1) return null;
  const [t0, t1, t2] = [times[best - 1], times[best], times[best + 1]];
  const [r0, r1, r2] = [ratio[best - 1], ratio[best], ratio[best + 1]];
  // Vertex of the parabola through the three points (Newton's divided differences).
  const d1 = (r1 - r0) / (t1 - t0), d2 = (r2 - r1) / (t2 - t1), curvature = (d2 - d1) / (t2 - t0);
  const time = curvature < 0 ? (t0 + t1) / 2 - d1 / (2 * curvature) : t1;
  return { time, gap: valueAt(times, first, time) - valueAt(times, second, time) };
}

/**
 * Per plateau, the largest gap between W_eff's spectrum at its middle and that of the rank-r truncation
 * of T (s₁, …, s_r, 0, …), relative to s₁ (paper 001 §6).
 */
export function plateauSpectrumErrors(plateaus: readonly Plateau[], times: readonly number[], sigma: readonly (readonly number[])[], targets: readonly number[]): number[] {
  return plateaus.map((p) => {
    const middle = (p.start + p.end) / 2;
    return Math.max(...targets.map((s, alpha) => Math.abs(valueAt(times, sigma[alpha], middle) - (alpha < p.rank ? s : 0)))) / targets[0];
  });
}
