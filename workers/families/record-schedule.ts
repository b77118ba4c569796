// Which steps of a discrete-time run (GD, SGD, sign descent…) are stored as records, for every
// family that records by stride. Each chosen step s (an "anchor") is stored together with its
// neighbour s + 1 (s − 1 for the last step): a stride that is even (every k-th step with k even, or
// a doubling stride) would otherwise land on one branch of a period-2 orbit, the edge-of-stability
// oscillation, and draw it as a flat line. Pairs rather than min/max per window (as the display
// downsampler, numeric/downsample.ts, does): every stored record stays a true iterate, with all its
// metrics from the same step, which the family analyses (phases, plateaus, escape steps) rely on.
// Pairing at most doubles the anchors, so every bound below is twice the anchors' count.

export interface StrideOptions {
  /** First step stored (0 when the initial state is a record, 1 when records follow updates). */
  first: number;
  /** Last step of the run, always stored. */
  last: number;
  /** Uniform anchors: every multiple of `every` in (first, last). */
  every: number;
  /** Log-spaced anchors round(10^(j/perDecade)), j = 0, 1, … below `last`; 0 for none. */
  perDecade?: number;
  /** Further anchors (e.g. checkpoints); those outside [first, last] are dropped. */
  extra?: readonly number[];
}

/** The anchors of a stride schedule, sorted and distinct: first, last, the uniform, log-spaced and extra steps. */
export function anchorSteps(o: StrideOptions): number[] {
  const anchors = new Set<number>([o.first, o.last, ...(o.extra ?? [])]);
  for (let s = o.every * Math.floor(o.first / o.every + 1); s < o.last; s += o.every) anchors.add(s);
  const perDecade = o.perDecade ?? 0;
  if (perDecade > 0 && Number.isFinite(perDecade)) for (let j = 0; 10 ** (j / perDecade) < o.last; j++) anchors.add(Math.round(10 ** (j / perDecade)));
  return [...anchors].filter((s) => s >= o.first && s <= o.last).sort((a, b) => a - b);
}

/** Each anchor with its successor (the last step with its predecessor), sorted and distinct, within [first, last]. */
export function pairSteps(anchors: Iterable<number>, first: number, last: number): number[] {
  const steps = new Set<number>();
  for (const s of anchors) {
    steps.add(s);
    steps.add(s < last ? s + 1 : Math.max(first, s - 1));
  }
  return [...steps].sort((a, b) => a - b);
}

/**
 * Record steps of a run of known length: the anchors of `o`, paired. At most
 * 2·(2 + (last − first)/every + perDecade·log₁₀(last) + extra) records.
 */
export function recordSteps(o: StrideOptions): number[] {
  return pairSteps(anchorSteps(o), o.first, o.last);
}

/**
 * Anchors of a run whose length is not known in advance (it stops on convergence): every step up
 * to `perLevel`, then `perLevel` anchors at stride 2, `perLevel` at stride 4, and so on, so level j
 * starts at step perLevel·(2^j − 1). Steps 0 … N then hold at most perLevel·⌈log₂(N/perLevel + 1)⌉ anchors.
 */
export function isDoublingAnchor(step: number, perLevel: number): boolean {
  if (!Number.isInteger(step) || step < 0) return false;
  const level = Math.floor(Math.log2(step / perLevel + 1));
  // Rounding in log2 can put a step at a level boundary one level off: settle it exactly.
  const start = (j: number): number => perLevel * (2 ** j - 1);
  const j = start(level + 1) <= step ? level + 1 : start(level) > step ? level - 1 : level;
  return (step - start(j)) % 2 ** j === 0;
}

/**
 * Whether step is stored by the doubling schedule: an anchor or an anchor's successor. Steps 0 … N
 * hold at most 2·perLevel·⌈log₂(N/perLevel + 1)⌉ records (plus the run's last step).
 */
export function isDoublingRecordStep(step: number, perLevel: number): boolean {
  return isDoublingAnchor(step, perLevel) || isDoublingAnchor(step - 1, perLevel);
}
