// Overlays drawn next to the data: the predicted balance decay exp(−q∫α) of Lemma 4.5, the
// predicted residuals for the deterministic initializations, the ground-truth levels, and the
// closed forms and blow-up times of the scalar flow (Fig. 2(b)).
import type { TheorySeries } from '../../family';
import { balanceDecayFactor } from './balance';
import { scalarBlowUpTime, scalarFlow } from './geometry';
import { effectiveQ, groundTruthOf, type SteepestParams } from './params';

const POINTS = 200;

function scalarOverlays(p: SteepestParams): TheorySeries[] {
  return p.scalarExponents.flatMap((m, index): TheorySeries[] => {
    const blowUp = scalarBlowUpTime(m, p.scalarInitial);
    // The closed form is drawn up to where it reaches 10⁶ (as the run does) or the horizon.
    const end = Math.min(p.scalarHorizon, blowUp === null ? Infinity : blowUp * (1 - 1e-6), timeToReach(m, p.scalarInitial, 1e6));
    const t = Array.from({ length: POINTS }, (_, i) => (end * i) / (POINTS - 1));
    const series: TheorySeries[] = [{ id: 'scalarClosedForm', label: `closed form, m = ${m}`, kind: 'line', x: t, y: t.map((s) => scalarFlow(m, p.scalarInitial, s)), index }];
    if (blowUp !== null) series.push({ id: 'blowUp', label: `blow-up t* = x₀^{1−m}/(m−1), m = ${m}`, kind: 'vline', x: [blowUp], y: [], index });
    return series;
  });
}

/** Time for dx/dt = x^m to reach `level` from x₀ < level. */
function timeToReach(m: number, x0: number, level: number): number {
  if (m === 1) return Math.log(level / x0);
  return (level ** (1 - m) - x0 ** (1 - m)) / (1 - m);
}

/** Steps 0 and log-spaced up to the run's end, for smooth overlays on log or linear axes. */
function overlaySteps(steps: number): number[] {
  const logSpaced = Array.from({ length: POINTS }, (_, i) => Math.round(10 ** ((Math.log10(steps) * i) / (POINTS - 1))));
  return [...new Set([0, ...logSpaced])];
}

export function theoryOverlays(p: SteepestParams): TheorySeries[] {
  if (p.task === 'scalar-flow') return scalarOverlays(p);
  const q = effectiveQ(p);
  const series: TheorySeries[] = [];
  const gt = groundTruthOf(p);
  const levels = [...new Set(gt.filter((v) => v !== 0))];
  series.push({ id: 'groundTruth', label: 'ground-truth values x*', kind: 'hline', x: [], y: levels });
  // q = 2 is gradient descent: linearly stable at a minimum only while λ_max < 2/η.
  if (p.optimizer === 'steepest' && p.q === 2) series.push({ id: 'stabilityThreshold', label: 'edge of stability 2/η (GD)', kind: 'hline', x: [], y: [2 / p.learningRate] });
  // Lemma 4.5 is a statement about steepest descent; Adam has no such balance law.
  if (p.optimizer === 'adam' || p.depth === 1) return series;
  const steps = overlaySteps(p.steps);
  const factor = steps.map((s) => balanceDecayFactor(q, p.learningRate, p.decoupledDecay, s));
  series.push({ id: 'balanceDecay', label: 'Lemma 4.5: exp(−q∫α)', kind: 'line', x: steps, y: factor });
  const b0 = p.init === 'saddle' ? -(p.initScale ** q) : p.init === 'balanced' ? -p.balanceConstant : null;
  if (b0 !== null) {
    for (let j = 1; j < p.depth; j++) {
      series.push({ id: 'balancePredicted', label: `Lemma 4.5: B(0)·exp(−q∫α), layers 1 and ${j + 1}`, kind: 'line', x: steps, y: factor.map((f) => b0 * f), index: j });
    }
  }
  return series;
}
