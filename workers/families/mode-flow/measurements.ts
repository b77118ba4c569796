// What a run's recorded series show of paper 000's geometry, measured from the samples the run
// emits (not from the closed forms): the dead-zone line of Lemma 1 / Fig. 1(b), the active-basin
// rate of eq. (8) and the Bregman dissipation of Theorem 2. They go into the run summary, where the
// fig1-geometry analysis compares them with the paper.
import { fitLine } from '../../numeric/fit';

/** The dead zone of a mode for the slope fit: σ ≤ 5 % of σ*, where Lemma 1's drift σ* − σ is within 5 % of σ*. */
export const DEAD_ZONE_FRACTION = 0.05;
/** The active basin for the rate fit: |σ − σ*| ≤ 1 % of σ* (eq. (8)'s O(δ) correction is then ≤ 2 %). */
export const BASIN_FRACTION = 0.01;
/** Below this relative gap σ − σ* is round-off of the recorded σ (float64 σ near σ*). */
const BASIN_FLOOR = 1e-9;
/** The dissipation ratio is read once ∫ℓ dt has reached this share of its total (earlier, both sides are near 0). */
const DISSIPATION_START = 0.05;

export interface LineMeasurement {
  slope: number;
  /** Largest |b − fitted line| over the window, relative to the rise of b across it. */
  residual: number;
  points: number;
}

/** Least-squares slope of b(t) over the samples with σ ≤ 5 % σ*; null with fewer than 3 samples there. */
export function deadZoneLine(t: ArrayLike<number>, sigma: ArrayLike<number>, barrier: ArrayLike<number>, target: number): LineMeasurement | null {
  const x: number[] = [], y: number[] = [];
  for (let k = 0; k < t.length; k++) {
    if (sigma[k] <= DEAD_ZONE_FRACTION * target) {
      x.push(t[k]);
      y.push(barrier[k]);
    }
  }
  const fit = x.length >= 3 ? fitLine(x, y) : null;
  if (!fit) return null;
  const rise = Math.max(...y) - Math.min(...y);
  const residual = Math.max(...x.map((tk, i) => Math.abs(y[i] - fit.intercept - fit.slope * tk))) / rise;
  return { slope: fit.slope, residual, points: x.length };
}

/** −slope of log|σ − σ*| against t over the samples with 1e-9 ≤ |σ − σ*|/σ* ≤ 1 %; null with fewer than 3. */
export function basinRate(t: ArrayLike<number>, sigma: ArrayLike<number>, target: number): number | null {
  const x: number[] = [], y: number[] = [];
  for (let k = 0; k < t.length; k++) {
    const gap = Math.abs(sigma[k] - target) / target;
    if (gap <= BASIN_FRACTION && gap >= BASIN_FLOOR) {
      x.push(t[k]);
      y.push(Math.log(gap));
    }
  }
  const fit = x.length >= 3 ? fitLine(x, y) : null;
  return fit ? -fit.slope : null;
}

/**
 * Theorem 2 in integrated form: [D(0) − D(t_k)] / [2∫₀^{t_k} ℓ dt] (trapezoid rule on the recorded
 * grid), the value farthest from 1 over the records where the integral is past 5 % of its total.
 * Null when the loss never leaves 0.
 */
export function dissipationRatio(t: ArrayLike<number>, bregman: ArrayLike<number>, loss: ArrayLike<number>): number | null {
  const integral = new Float64Array(t.length);
  for (let k = 1; k < t.length; k++) integral[k] = integral[k - 1] + 0.5 * (loss[k] + loss[k - 1]) * (t[k] - t[k - 1]);
  const total = integral[t.length - 1];
  if (!(total > 0)) return null;
  let worst: number | null = null;
  for (let k = 1; k < t.length; k++) {
    if (integral[k] < DISSIPATION_START * total) continue;
    const ratio = (bregman[0] - bregman[k]) / (2 * integral[k]);
    if (worst === null || Math.abs(ratio - 1) > Math.abs(worst - 1)) worst = ratio;
  }
  return worst;
}
