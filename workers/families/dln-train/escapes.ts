// Escape times located on the trajectory itself, not between records: mode α escapes at the first
// time σ_α(W_eff) ≥ its level (s_α/2, plateaus.ts). The trainer shows the tracker W_eff after every
// step; a spectrum is computed only when W_eff has moved far enough to bring a pending mode to its
// level, by Weyl's inequality |σ_α(A) − σ_α(B)| ≤ ‖A − B‖₂ ≤ ‖A − B‖_F, so a plateau costs no SVDs.
import type { Matrix } from '../../numeric/matrix';
import type { DenseStep } from '../../numeric/ode';
import { brentRoot } from '../../numeric/roots';
import { topSingularValues } from '../../numeric/lanczos';
import { createRng, type Rng } from '../../numeric/rng';
import { MAX_FULL_SPECTRUM_WIDTH, weffSingularValues } from './observables';

/** Spectra are recomputed at half the Weyl distance: covers the rounding of a float32 device's distance. */
const WEYL_SAFETY = 0.5;

export class EscapeTracker {
  /** Level of each followed mode (the recorder records σ_α of every one). */
  readonly levels: readonly number[];
  /** Per mode: the escape time, or null (not yet, or it started at or above its level). */
  readonly times: (number | null)[];
  private readonly pending = new Set<number>();
  /** W_eff where the spectrum was last computed, and the least gap level − σ_α there over pending modes. */
  private anchor: Float64Array | null = null;
  private margin = Infinity;
  /** Start vectors of the Lanczos spectra of wide W_eff (as the recorder measures them). */
  private readonly spectrumRng: Rng = createRng(0x35ca);

  constructor(levels: readonly number[]) {
    this.levels = [...levels];
    this.times = this.levels.map(() => null);
  }

  /** The spectrum at t = 0: modes already at their level have no escape. */
  start(weff: Matrix): void {
    const s = this.anchorAt(weff);
    this.levels.forEach((level, alpha) => {
      if ((s[alpha] ?? 0) < level) this.pending.add(alpha);
    });
    this.updateMargin(s);
  }

  /** Started, and every followed mode has escaped or started at its level. */
  get done(): boolean {
    return this.anchor !== null && this.pending.size === 0;
  }

  /** ‖W_eff − anchor‖_F² below which no pending mode can have reached its level (∞ when none is pending). */
  get quietDistanceSquared(): number {
    return this.done ? Infinity : (WEYL_SAFETY * this.margin) ** 2;
  }

  /** ‖W_eff − anchor‖_F², on the host. */
  distanceSquared(weff: Matrix): number {
    const anchor = this.anchor as Float64Array;
    let d = 0;
    for (let i = 0; i < anchor.length; i++) d += (weff.data[i] - anchor[i]) ** 2;
    return d;
  }

  /**
   * The modes that reached their level at this W_eff (it becomes the anchor); the caller then sets
   * their times with `escaped`. Call it where distanceSquared ≥ quietDistanceSquared.
   */
  crossed(weff: Matrix): number[] {
    const s = this.anchorAt(weff);
    const reached = [...this.pending].filter((alpha) => (s[alpha] ?? 0) >= this.levels[alpha]);
    for (const alpha of reached) this.pending.delete(alpha);
    this.updateMargin(s);
    return reached;
  }

  escaped(alpha: number, t: number): void {
    this.times[alpha] = t;
  }

  /** σ_α(W_eff) − level_α. */
  gap(weff: Matrix, alpha: number): number {
    return (this.spectrum(weff)[alpha] ?? 0) - this.levels[alpha];
  }

  private spectrum(weff: Matrix): Float64Array {
    if (Math.max(weff.rows, weff.cols) <= MAX_FULL_SPECTRUM_WIDTH) return weffSingularValues(weff);
    return topSingularValues(weff, Math.min(this.levels.length, weff.rows, weff.cols), this.spectrumRng);
  }

  private anchorAt(weff: Matrix): Float64Array {
    this.anchor = Float64Array.from(weff.data);
    return this.spectrum(weff);
  }

  private updateMargin(s: Float64Array): void {
    this.margin = Infinity;
    for (const alpha of this.pending) this.margin = Math.min(this.margin, this.levels[alpha] - (s[alpha] ?? 0));
  }
}

/**
 * Follows one accepted flow step ending at state y: a mode that reached its level by the step's end
 * escaped where its gap changes sign on the step's dense output (Brent, to a few ulps of t).
 */
export function followFlowStep(tracker: EscapeTracker, step: DenseStep, y: Float64Array, weffAt: (state: Float64Array) => Matrix): void {
  if (tracker.done) return;
  const weff = weffAt(y);
  if (tracker.distanceSquared(weff) < tracker.quietDistanceSquared) return;
  const reached = tracker.crossed(weff);
  const state = new Float64Array(y.length);
  for (const alpha of reached) {
    const gap = (t: number): number => tracker.gap(weffAt(step.evaluate(t, state)), alpha);
    // The end's gap from y itself, ≥ 0 as crossed found (a Lanczos spectrum may differ by its accuracy: then the end).
    tracker.escaped(alpha, brentRoot(gap, step.t0, step.t1, gap(step.t0), Math.max(0, tracker.gap(weffAt(y), alpha))).x);
  }
}
