// Theory drawn over the data. Task-aligned balanced runs follow the decoupled mode flow
// ȧ = L a^{2−2/L}(s − a) (paper 001 §5.3), solved by the mode-flow family's own solver; L = 2 has
// the logistic closed form and the Saxe times t*_α ≈ (1/2s_α) log(s_α/a₀). Two-layer λ-balanced
// runs follow ȧ = √(λ² + 4a²)(s − a) with the closed form of papers/README.md, deeper ones the
// scalar law of the README's deep λ-balanced mode. Two-layer small random init escapes where the
// linearization at the rank-0 saddle, started from the run's own init, says (smallRandomEscapeTimes);
// paper 001 §7.2's gap timescale τ_r ~ log(1/ε)/(s_r − s_{r+1}) is contradicted by the runs and is
// drawn only as that paper's claim.
import type { TheorySeries } from '../../family';
import { evaluateFlow } from '../mode-flow/sampling';
import { solveFlow } from '../mode-flow/solver';
import { integrate } from '../../numeric/ode';
import { matmul, matmulTN, qr, zeros, type Matrix } from '../../numeric/matrix';
import { createRng } from '../../numeric/rng';
import { singularValues } from '../../numeric/svd';
import { lambdaLayerValues } from './balanced-init';
import { initialLayers } from './network';
import { layerWidths, sortedTargets, type DlnTrainParams } from './params';
import { buildTask, referenceValues } from './task';
import type { Task } from './task-types';

/** L = 2 logistic solution a(t) = s / (1 + (s/a₀ − 1)e^{−2st}) (paper 001 §5.3). */
export function logisticMode(s: number, a0: number, t: number): number {
  return s / (1 + (s / a0 - 1) * Math.exp(-2 * s * t));
}

/**
 * Two-layer λ-balanced mode (README): c = √(λ² + 4s²), z = 2a + √(λ² + 4a²),
 * K₀ = (z₀ − 2s + c)/(2s + c − z₀), E = K₀e^{ct}, z = [(2s + c)E + 2s − c]/(1 + E), a = (z² − λ²)/(4z).
 */
export function lambdaBalancedMode(s: number, a0: number, lambda: number, t: number): number {
  const c = Math.sqrt(lambda * lambda + 4 * s * s);
  const z0 = 2 * a0 + Math.sqrt(lambda * lambda + 4 * a0 * a0);
  const k0 = (z0 - 2 * s + c) / (2 * s + c - z0);
  // Written in e^{−ct} so large ct saturates instead of overflowing.
  const decay = Math.exp(-c * t);
  const z = ((2 * s + c) * k0 + (2 * s - c) * decay) / (k0 + decay);
  return (z * z - lambda * lambda) / (4 * z);
}

/** Saxe transition time t*_α ≈ (1/2s) log(s/a₀) (paper 001 §7.2, L = 2). */
export function saxeTime(s: number, a0: number): number {
  return Math.log(s / a0) / (2 * s);
}

/**
 * Paper 001 §7.2's claimed gap timescales τ_r = log(1/ε)/(s_r − s_{r+1}), s_{k+1} = 0; null for a zero gap.
 * Not a prediction: runs at s = (10, 9, 1), ε = 1e-3 escape near 0.8, 0.9 and 7–9, not 6.9, 0.86, 6.9.
 */
export function gapTimescales(targets: readonly number[], eps: number): (number | null)[] {
  return targets.map((s, r) => {
    const gap = s - (targets[r + 1] ?? 0);
    // A repeated value (equal to rounding, e.g. √3 twice from an SVD) has no gap.
    return gap > DEGENERATE * s ? Math.log(1 / eps) / gap : null;
  });
}

/**
 * Deep λ-balanced mode, L ≥ 2: with layer values a_l² = x + (l − 1)λ, every a_l² moves at the same
 * rate d(a_l²)/dt = 2a(s − a), so ẋ = 2a(s − a), a = ∏_l √(x + (l − 1)λ) (the README's
 * ȧ = a²Σ_l 1/a_l² (s − a) in one scalar); integrated by DOP853 and read at the given times.
 */
export function deepLambdaBalancedMode(s: number, a0: number, lambda: number, depth: number, times: readonly number[]): Float64Array | null {
  const product = (x: number): number => {
    let a = 1;
    for (let l = 0; l < depth; l++) a *= Math.sqrt(x + l * lambda);
    return a;
  };
  const x0 = lambdaLayerValues(a0, lambda, depth)[0] ** 2;
  const horizon = Math.max(...times, 0);
  const rhs = (_t: number, y: Float64Array, dy: Float64Array): void => {
    const a = product(y[0]);
    dy[0] = 2 * a * (s - a);
  };
  const result = integrate(rhs, 0, Float64Array.of(x0), horizon, { rtol: 1e-12, atol: 1e-14 * Math.max(x0, 1e-300), dense: true });
  if (!result.success) return null;
  const out = new Float64Array(1);
  return Float64Array.from(times, (t) => (t === 0 || !result.solution ? product(x0) : product(result.solution.evaluate(t, out)[0])));
}

/** Where smallRandomEscapeTimes applies: two layers, small random init, the target task, gradient flow. */
export function hasLinearizedEscapes(p: DlnTrainParams): boolean {
  return p.init === 'small-random' && p.depth === 2 && p.task === 'target' && p.optimizer === 'flow';
}

/**
 * Escape times (σ_α = s_α/2) of a two-layer run from small init, predicted from that init. Near the rank-0
 * saddle the flow is linear, Q̇ = FQ with Q = [W₁ᵀ; W₂] and F = [0 Tᵀ; T 0], whose growing direction for
 * mode α is (v_α; u_α)/√2 at rate s_α: the mode starts as an aligned balanced mode of size a_α = ½‖z_α‖²,
 * z_α = (W₁v_α + W₂ᵀu_α)/√2, of which only the part orthogonal to the hidden directions of the faster modes
 * (larger s) survives (the QR of [z₁ … z_k]). From there the logistic gives t_α = log(s_α/a_α − 1)/(2s_α).
 * Modes with one target value s grow together at the same rate, so the init decides which direction of
 * their subspace escapes first: their sizes are the singular values of that group's diagonal block of R.
 * Within 2 % of the runs (test/unit/paper-claim-overlays.test.ts); null for a mode with no hidden direction
 * left or that starts past s_α/2.
 */
export function linearizedEscapeTimes(task: Task, layers: readonly Matrix[]): (number | null)[] {
  const s = referenceValues(task);
  const [w1, w2] = layers;
  const fromInput = matmul(w1, task.targetV), fromOutput = matmulTN(w2, task.targetU);
  const z = zeros(w1.rows, s.length);
  for (let h = 0; h < w1.rows; h++) {
    for (let alpha = 0; alpha < s.length; alpha++) z.data[h * s.length + alpha] = (fromInput.data[h * fromInput.cols + alpha] + fromOutput.data[h * fromOutput.cols + alpha]) / Math.SQRT2;
  }
  const { r } = qr(z);
  const sizes = new Array<number | null>(s.length).fill(null);
  for (let first = 0; first < s.length; ) {
    let end = first + 1;
    while (end < s.length && Math.abs(s[end] - s[first]) <= DEGENERATE * s[first]) end++;
    const rows = Math.min(end, r.rows) - first;
    if (rows > 0) {
      const block = zeros(rows, end - first);
      for (let i = 0; i < rows; i++) for (let j = 0; j < end - first; j++) block.data[i * block.cols + j] = r.data[(first + i) * r.cols + first + j];
      singularValues(block).forEach((value, i) => (sizes[first + i] = value));
    }
    first = end;
  }
  return s.map((target, alpha) => {
    const size = sizes[alpha];
    if (size === null) return null;
    const a0 = size ** 2 / 2;
    return a0 > 0 && a0 < target / 2 ? Math.log(target / a0 - 1) / (2 * target) : null;
  });
}

/** Target values this close (relative) are one repeated value: their modes share a subspace. */
const DEGENERATE = 1e-9;

/** linearizedEscapeTimes for the init that `seed` draws (the run's own); null where the prediction does not apply. */
export function smallRandomEscapeTimes(p: DlnTrainParams, seed: number): (number | null)[] | null {
  if (!hasLinearizedEscapes(p)) return null;
  const rng = createRng(seed);
  const task = buildTask(p, rng);
  return linearizedEscapeTimes(task, initialLayers(p, task, rng));
}

export type TheoryKind = 'mode-flow' | 'lambda-balanced' | null;

/** Which exact prediction of σ_α(t) a configuration has: task-aligned target runs on all target modes. */
export function theoryKind(p: DlnTrainParams): TheoryKind {
  const w = layerWidths(p);
  if (p.task !== 'target' || Math.min(...w) < sortedTargets(p).length) return null;
  // ε·I is the aligned balanced init when T is diagonal and square, with every mode at ε^L.
  if (p.init === 'identity') return !p.targetMatrix && p.singularVectors === 'identity' && w.every((n) => n === w[0]) && p.targetSingularValues.length === w[0] ? 'mode-flow' : null;
  if (p.initAlignment !== 'task') return null;
  if (p.init === 'aligned' || (p.init === 'lambda-balanced' && p.lambda === 0)) return 'mode-flow';
  if (p.init === 'lambda-balanced' && p.depth >= 2) return 'lambda-balanced';
  return null;
}

/** Predicted σ_α(t) of W_eff at the given times, one array per target mode (descending s); null without a theory. */
export function predictedSigmas(p: DlnTrainParams, times: readonly number[]): Float64Array[] | null {
  const kind = theoryKind(p);
  const targets = sortedTargets(p);
  const a0 = p.initScale ** p.depth;
  if (kind === 'lambda-balanced') {
    if (p.depth === 2) return targets.map((s) => Float64Array.from(times, (t) => lambdaBalancedMode(s, a0, p.lambda, t)));
    const modes = targets.map((s) => deepLambdaBalancedMode(s, a0, p.lambda, p.depth, times));
    return modes.every((m): m is Float64Array => m !== null) ? modes : null;
  }
  if (kind !== 'mode-flow') return null;
  const horizon = Math.max(...times, Number.MIN_VALUE);
  const solution = solveFlow({ depth: p.depth, targets, initial: targets.map(() => a0), tolerance: 1e-12, horizon, rtol: 1e-12 });
  if (!solution.ok) return null;
  return evaluateFlow(solution.modes, Float64Array.from(times)).sigma;
}

const OVERLAY_POINTS = 240;

/** Overlays of a run drawn with `seed` (absent: those that do not depend on the random init). */
export function theoryOverlays(p: DlnTrainParams, seed?: number): TheorySeries[] {
  const targets = sortedTargets(p);
  const series: TheorySeries[] = targets.map((s, index) => ({ id: 'targets', label: `s_${index + 1} = ${s}`, kind: 'hline' as const, x: [], y: [s], index }));
  if (p.task === 'target') {
    const levels = targets.map((_, r) => targets.slice(r).reduce((acc, s) => acc + s * s, 0) / 2);
    series.push({ id: 'saddleLosses', label: 'saddle losses ½Σ_{α>r} s_α²', kind: 'hline', x: [], y: levels });
  }
  // Linear stability of GD at a minimum: λ_max < 2/η; heavy ball: λ_max < 2(1 + β)/η.
  if (p.optimizer === 'gd' || p.optimizer === 'momentum') {
    const threshold = (2 * (1 + (p.optimizer === 'momentum' ? p.momentum : 0))) / p.learningRate;
    series.push({ id: 'stabilityThreshold', label: p.optimizer === 'gd' ? 'edge of stability 2/η' : 'edge of stability 2(1 + β)/η', kind: 'hline', x: [], y: [threshold] });
  }
  const times = Array.from({ length: OVERLAY_POINTS + 1 }, (_, i) => (p.horizon * i) / OVERLAY_POINTS);
  const predicted = predictedSigmas(p, times);
  const kind = theoryKind(p);
  predicted?.forEach((y, index) =>
    series.push({
      id: 'theoryFlow',
      label: kind === 'lambda-balanced' ? `exact λ-balanced dynamics, mode ${index + 1}` : `mode flow ȧ = L a^{2−2/L}(s − a), mode ${index + 1}`,
      kind: 'line',
      x: times,
      y: Array.from(y),
      index,
    }),
  );
  const a0 = p.initScale ** p.depth;
  if (kind === 'mode-flow' && p.depth === 2) {
    targets.forEach((s, index) => {
      series.push({ id: 'logistic', label: `logistic a(t), mode ${index + 1}`, kind: 'line', x: times, y: times.map((t) => logisticMode(s, a0, t)), index });
      series.push({ id: 'saxeTimes', label: `Saxe t* = log(s/a₀)/(2s), mode ${index + 1}`, kind: 'vline', x: [saxeTime(s, a0)], y: [], index });
    });
  }
  if (seed !== undefined) {
    smallRandomEscapeTimes(p, seed)?.forEach((t, index) => {
      if (t !== null) series.push({ id: 'escapePrediction', label: `escape from the init's linearization, log(s/a₀ − 1)/(2s), mode ${index + 1}`, kind: 'vline', x: [t], y: [], index });
    });
  }
  if (p.init === 'small-random') {
    gapTimescales(targets, p.initScale).forEach((tau, index) => {
      const r = index + 1;
      if (tau !== null) series.push({ id: 'gapTimes', label: `paper 001 §7.2 claim: τ_${r} = log(1/ε)/(s_${r} − s_${r + 1})`, kind: 'vline', x: [tau], y: [], index, role: 'paper-claim' });
    });
  }
  return series;
}
