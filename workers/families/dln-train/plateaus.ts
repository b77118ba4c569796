// Plateau detection on a recorded run. Mode α of W_eff (its α-th singular value) escapes when σ_α
// first reaches half of its reference value s_α; its drop spans the first crossings of 10% and 90%
// of s_α. Overlapping drops (modes learned together) merge into one drop. The loss curve is then
// cut into plateaus (between drops) and drops; each plateau gets the rank of W_eff on it (modes
// past 90%), its duration and its loss level. Escape times come located on the trajectory
// (escapes.ts) where the levels are known before the run; the other crossings, and escapes read
// against the learned spectrum (completion, sensing), are interpolated linearly between records.

export interface Drop {
  start: number;
  end: number;
  /** Modes (0-based) learned in this drop. */
  modes: number[];
}

export interface Plateau {
  start: number;
  end: number;
  duration: number;
  /** Modes past 90% of their reference value on this plateau. */
  rank: number;
  /** Loss at the middle of the plateau. */
  loss: number;
}

export interface Segmentation {
  /** Per mode: first time σ_α ≥ s_α/2; null if it never escapes within the run or starts above. */
  escapeTimes: (number | null)[];
  drops: Drop[];
  plateaus: Plateau[];
}

const LOW = 0.1, HIGH = 0.9;
/** Mode α escapes when σ_α first reaches this fraction of s_α. */
export const ESCAPE_FRACTION = 0.5;

/** First time y reaches level (from below), interpolated; null if never, 0 if it starts there. */
export function firstCrossing(t: readonly number[], y: readonly number[], level: number): number | null {
  if (y[0] >= level) return 0;
  for (let i = 1; i < t.length; i++) {
    if (y[i] >= level) return t[i - 1] + ((level - y[i - 1]) / (y[i] - y[i - 1])) * (t[i] - t[i - 1]);
  }
  return null;
}

function interpolate(t: readonly number[], y: readonly number[], at: number): number {
  let i = 1;
  while (i < t.length - 1 && t[i] < at) i++;
  const f = t[i] === t[i - 1] ? 0 : (at - t[i - 1]) / (t[i] - t[i - 1]);
  return y[i - 1] + Math.min(1, Math.max(0, f)) * (y[i] - y[i - 1]);
}

/**
 * @param sigma recorded singular values of W_eff, sigma[α][record]
 * @param reference s_α, the values each mode heads for (modes with s_α = 0 are ignored)
 * @param located escape times found on the trajectory (escapes.ts); absent: interpolated between records
 */
export function segmentRun(
  t: readonly number[],
  loss: readonly number[],
  sigma: readonly (readonly number[])[],
  reference: readonly number[],
  located?: readonly (number | null)[],
): Segmentation {
  const modes = reference.map((s, alpha) => ({ alpha, s, y: sigma[alpha] })).filter((m) => m.s > 0 && m.y);
  const escapeTimes = reference.map(() => null as number | null);
  const windows: Drop[] = [];
  let initialRank = 0;
  for (const { alpha, s, y } of modes) {
    if (y[0] >= HIGH * s) initialRank++;
    const escape = y[0] >= ESCAPE_FRACTION * s ? null : located ? (located[alpha] ?? null) : firstCrossing(t, y, ESCAPE_FRACTION * s);
    escapeTimes[alpha] = escape;
    const end = firstCrossing(t, y, HIGH * s);
    if (escape === null || end === null) continue;
    windows.push({ start: firstCrossing(t, y, LOW * s) ?? 0, end, modes: [alpha] });
  }
  windows.sort((a, b) => a.start - b.start);
  const drops: Drop[] = [];
  for (const w of windows) {
    const last = drops[drops.length - 1];
    if (last && w.start <= last.end) {
      last.end = Math.max(last.end, w.end);
      last.modes.push(w.modes[0]);
    } else drops.push({ ...w, modes: [...w.modes] });
  }
  const plateaus: Plateau[] = [];
  const tEnd = t[t.length - 1];
  let start = t[0];
  let rank = initialRank;
  for (let d = 0; d <= drops.length; d++) {
    const end = d < drops.length ? drops[d].start : tEnd;
    if (end > start) plateaus.push({ start, end, duration: end - start, rank, loss: interpolate(t, loss, (start + end) / 2) });
    if (d < drops.length) {
      start = drops[d].end;
      rank += drops[d].modes.length;
    }
  }
  return { escapeTimes, drops, plateaus };
}
