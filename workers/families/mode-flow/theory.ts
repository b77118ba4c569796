// Closed-form predictions of paper 000 §4 for one mode, and the overlays drawn on the charts.
import type { TheorySeries } from '../../family';
import { barrier } from './barrier';
import { initialSigmas, type ModeFlowParams } from './params';

/** τ_lin of eq. (6): dead-zone drift time to ½σ*; null when σ(0) ≥ ½σ* (nothing to escape). */
export function linearizedEscapeTime(depth: number, target: number, sigma0: number): number | null {
  if (sigma0 >= target / 2) return null;
  return (barrier(depth, target / 2) - barrier(depth, sigma0)) / target;
}

/**
 * Eq. (7), the ε → 0 form of τ_lin with ε = σ(0)^{1/L}: |log ε|/σ* for L = 2,
 * ε^−(L−2)/((L−2)σ*) for L ≥ 3. Null for L = 1 (no dead zone) and when σ(0) ≥ ½σ*.
 */
export function asymptoticEscapeTime(depth: number, target: number, sigma0: number): number | null {
  if (depth === 1 || sigma0 >= target / 2) return null;
  const eps = sigma0 ** (1 / depth);
  if (depth === 2) return Math.abs(Math.log(eps)) / target;
  return eps ** -(depth - 2) / ((depth - 2) * target);
}

/** Eq. (8): exponential rate L σ*^{2−2/L} of the active basin. */
export function activeBasinRate(depth: number, target: number): number {
  return depth * target ** (2 - 2 / depth);
}

/** Eq. (9): dead-zone wait (7) plus active-basin decay log(1/δ)/rate; null where (7) is null. */
export function twoPhaseTime(depth: number, target: number, sigma0: number, delta: number): number | null {
  const wait = asymptoticEscapeTime(depth, target, sigma0);
  return wait === null ? null : wait + Math.log(1 / delta) / activeBasinRate(depth, target);
}

/**
 * Overlays per mode: target levels σ* and ½σ*; for modes that start in the dead zone also the
 * dead-zone line b(0) + σ* t in barrier coordinates (Fig. 1b) and the τ_lin marker of eq. (6).
 */
export function theoryOverlays(p: ModeFlowParams): TheorySeries[] {
  // With a design matrix the modes couple: no per-mode dead-zone line, escape time or target level applies.
  if (p.design) return [];
  // A tanh chain's output has no barrier coordinate: only its target levels are drawn.
  const levelsOnly = p.activation === 'tanh';
  const initial = initialSigmas(p);
  return p.targets.flatMap((target, index): TheorySeries[] => {
    const series: TheorySeries[] = [
      { id: 'targets', label: `σ* and σ*/2, mode ${index}`, kind: 'hline', x: [], y: [target, target / 2], index },
    ];
    const tauLin = linearizedEscapeTime(p.depth, target, initial[index]);
    if (tauLin === null || levelsOnly) return series;
    const b0 = barrier(p.depth, initial[index]);
    // Drawn until it reaches the target level β(σ*), past which the mode has saturated.
    const tLine = (barrier(p.depth, target) - b0) / target;
    series.push(
      { id: 'deadZoneLine', label: `dead zone b(0) + σ*t, mode ${index}`, kind: 'line', x: [0, tLine], y: [b0, b0 + target * tLine], index },
      { id: 'tauLin', label: `τ_lin (6), mode ${index}`, kind: 'vline', x: [tauLin], y: [], index },
    );
    return series;
  });
}
