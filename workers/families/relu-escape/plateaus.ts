// Plateaus of a training-loss curve (paper 004 §3.3, Fig. 1: the loss sits at a saddle, then drops).
// A plateau starts where the loss stays within ±flat of its level for `minLength` records; it ends
// (an escape) at the first record below level·(1 − drop). The final plateau may have no escape.
// Minibatch losses are noisy, so callers pass a smoothed curve (movingAverage).

export interface Plateau {
  /** Record indices: start, and the escape record (null when the curve ends on the plateau). */
  start: number;
  escape: number | null;
  /** Median loss over the plateau's records. */
  level: number;
}

export function detectPlateaus(loss: ArrayLike<number>, flat: number, drop: number, minLength: number): Plateau[] {
  const n = loss.length;
  const plateaus: Plateau[] = [];
  let i = 0;
  while (i + minLength <= n) {
    const level = loss[i];
    let steady = true;
    for (let j = i + 1; j < i + minLength && steady; j++) steady = Math.abs(loss[j] / level - 1) < flat;
    if (!steady) {
      i++;
      continue;
    }
    let k = i + minLength;
    while (k < n && loss[k] >= level * (1 - drop)) k++;
    const sorted = Array.from({ length: k - i }, (_, j) => loss[i + j]).sort((a, b) => a - b);
    plateaus.push({ start: i, escape: k < n ? k : null, level: sorted[Math.floor(sorted.length / 2)] });
    i = k;
  }
  return plateaus;
}

/**
 * The loss smoothed over 5 records must stay flat within ±2% for 3 records to start a plateau, and an
 * escape is 8% below its level. The minimum is a count of records, not a share of the run: with a
 * large lrConstant the first plateau spans a handful of records, and a share of a long run missed it.
 */
const LOSS_FLAT = 0.02;
const LOSS_DROP = 0.08;
const LOSS_MIN_RECORDS = 3;
const LOSS_SMOOTHING_HALF_WIDTH = 2;

/** Plateaus of a minibatch training-loss curve, one loss per record. */
export function lossPlateaus(loss: ArrayLike<number>): Plateau[] {
  return detectPlateaus(movingAverage(loss, LOSS_SMOOTHING_HALF_WIDTH), LOSS_FLAT, LOSS_DROP, LOSS_MIN_RECORDS);
}

/** Centered moving average over 2·half + 1 records (shorter at the ends). */
export function movingAverage(values: ArrayLike<number>, half: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - half), hi = Math.min(n - 1, i + half);
    let s = 0;
    for (let j = lo; j <= hi; j++) s += values[j];
    out[i] = s / (hi - lo + 1);
  }
  return out;
}

/** A record is on a plateau when the smoothed loss moves less than this fraction across its window. */
const PLATEAU_FLAT = 0.03;
/** Half-width of that window, as a share of the records (3 records of 200). */
const PLATEAU_WINDOW_SHARE = 0.015;

/**
 * How distinct a loss curve's plateaus are (paper 004 §5, Fig. 4 against Fig. 1): the share of the
 * records at which the smoothed loss changes by less than 3 % across a window of ±1.5 % of the run.
 * A staircase of flat plateaus and sudden drops gives nearly 1; a loss that keeps falling gives less.
 * Null for a curve too short for one window.
 */
export function plateauDistinctness(loss: ArrayLike<number>): number | null {
  const smooth = movingAverage(loss, LOSS_SMOOTHING_HALF_WIDTH);
  const half = Math.max(1, Math.round(PLATEAU_WINDOW_SHARE * smooth.length));
  let flat = 0, counted = 0;
  for (let k = half; k + half < smooth.length; k++) {
    counted++;
    if (Math.abs(smooth[k + half] - smooth[k - half]) < PLATEAU_FLAT * smooth[k]) flat++;
  }
  return counted > 0 ? flat / counted : null;
}
