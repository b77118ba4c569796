// Gradient flow started on an escape direction, against the norm growth of Prop. 2.2 (README form):
// ‖θ(t)‖ = (‖θ₀‖^{2−L} + (2 − L)L s₁ t)^{1/(2−L)} (L ≠ 2), ‖θ₀‖e^{2s₁t} (L = 2), where s₁ = −L₀(θ/‖θ‖)
// is the speed on the unit sphere: the proof (App. A.3) sets L₀(θ̄) = −s with ‖θ̄‖ = 1. Def. 2.1's
// speed s lives on the radius-√L sphere, and homogeneity gives s₁ = s·L^{−L/2}; with s in place of
// s₁ the formula overstates the growth rate by L^{L/2} (checked by integration in the tests).
// Classical RK4 on a grid uniform in log ‖θ‖ of the closed form: the right-hand side jumps where a
// pre-activation crosses zero (the optima sit on ReLU kinks), which stalls an adaptive integrator's
// error control, while fixed steps scaled to the local time scale stay accurate.
import { frobenius, type Matrix } from '../../numeric/matrix';
import type { Cost } from './datasets';
import { backward, forward, scaled, squaredNorm, traceInner, type Weights } from './network';

/** The flow stops once ‖θ‖ exceeds this multiple of the closed form's final norm. */
const BLOW_UP_FACTOR = 10;
/**
 * ... or once one step changes ‖θ‖ by more than this many times the closed form's growth per step:
 * the grid no longer resolves the flow (a faster direction nearing its blow-up), and a coarse RK4
 * step there can throw θ across every kink into a dead network, which then sits still.
 */
const UNRESOLVED_STEP_FACTOR = 10;

/** s₁ = −L₀(θ/‖θ‖) from Def. 2.1's s = −L₀(ρ), ‖ρ‖ = √L. */
export function unitSphereSpeed(speed: number, depth: number): number {
  return speed * depth ** (-depth / 2);
}

/** Prop. 2.2: ‖θ(t)‖ at unit-sphere speed s₁; Infinity past the finite-time blow-up (L > 2). */
export function closedFormNorm(norm0: number, depth: number, unitSpeed: number, t: number): number {
  if (depth === 2) return norm0 * Math.exp(2 * unitSpeed * t);
  const base = norm0 ** (2 - depth) + (2 - depth) * depth * unitSpeed * t;
  return base > 0 ? base ** (1 / (2 - depth)) : Infinity;
}

/** Time for the closed-form norm to grow by `factor`. */
export function timeToGrow(norm0: number, depth: number, unitSpeed: number, factor: number): number {
  if (depth === 2) return Math.log(factor) / (2 * unitSpeed);
  return (norm0 ** (2 - depth) - (factor * norm0) ** (2 - depth)) / ((depth - 2) * depth * unitSpeed);
}

export interface FlowOptions {
  /** 'localized': ∂C/∂Y = G (L₀); 'actual': ∂C/∂Y at the current outputs. */
  loss: 'localized' | 'actual';
  norm0: number;
  growth: number;
  steps: number;
  /** Def. 2.1's speed s of the direction (radius-√L sphere); sets the time grid and the closed form. */
  speed: number;
  signal?: AbortSignal;
}

export interface FlowTrace {
  t: Float64Array;
  norm: Float64Array;
  closedForm: Float64Array;
  /** L₀(θ(t)) or C(Y_θ(t)) − C(0). */
  loss: Float64Array;
  /** ‖Y_θ(t)‖_F, the output size whose first passage through r is the escape time t₁(r) (§2.2). */
  outputNorm: Float64Array;
}

/** −∇ of L₀ or of C at θ, the loss value and the outputs Y_θ. */
export function negativeGradient(theta: Weights, x: Matrix, g: Matrix, cost: Cost, loss: FlowOptions['loss']): { dtheta: Weights; value: number; y: Matrix } {
  const pass = forward(theta, x);
  const y = pass.pre[pass.pre.length - 1];
  const dY = loss === 'localized' ? g : cost.gradient(y);
  const grad = backward(theta, pass, dY);
  return { dtheta: scaled(grad, -1), value: loss === 'localized' ? traceInner(g, y) : cost.value(y), y };
}

/** One classical RK4 step of θ′ = −∇L(θ) of size h, from the derivative f1 at θ. */
export function rk4Step(theta: Weights, f1: Weights, h: number, x: Matrix, g: Matrix, cost: Cost, loss: FlowOptions['loss']): Weights {
  const f2 = negativeGradient(plus(theta, f1, h / 2), x, g, cost, loss).dtheta;
  const f3 = negativeGradient(plus(theta, f2, h / 2), x, g, cost, loss).dtheta;
  const f4 = negativeGradient(plus(theta, f3, h), x, g, cost, loss).dtheta;
  return theta.map((m, l) => ({
    rows: m.rows,
    cols: m.cols,
    data: m.data.map((v, i) => v + (h / 6) * (f1[l].data[i] + 2 * f2[l].data[i] + 2 * f3[l].data[i] + f4[l].data[i])),
  }));
}

function plus(a: Weights, b: Weights, h: number): Weights {
  return a.map((m, l) => ({ rows: m.rows, cols: m.cols, data: m.data.map((v, i) => v + h * b[l].data[i]) }));
}

/** Integrates θ' = −∇L(θ) from `norm0` times the unit direction of `direction`. */
export function flowFromDirection(direction: Weights, x: Matrix, g: Matrix, cost: Cost, o: FlowOptions): FlowTrace {
  const depth = direction.length;
  let theta = scaled(direction, o.norm0 / Math.sqrt(squaredNorm(direction)));
  const n = o.steps;
  const t = new Float64Array(n + 1);
  const norm = new Float64Array(n + 1);
  const closedForm = new Float64Array(n + 1);
  const loss = new Float64Array(n + 1);
  const outputNorm = new Float64Array(n + 1);
  const unitSpeed = unitSphereSpeed(o.speed, depth);
  for (let k = 0; k <= n; k++) t[k] = timeToGrow(o.norm0, depth, unitSpeed, o.growth ** (k / n));
  const maxStepGrowth = UNRESOLVED_STEP_FACTOR * (o.growth ** (1 / n) - 1);
  let last = n;
  for (let k = 0; k <= n; k++) {
    const f1 = negativeGradient(theta, x, g, cost, o.loss);
    norm[k] = Math.sqrt(squaredNorm(theta));
    closedForm[k] = closedFormNorm(o.norm0, depth, unitSpeed, t[k]);
    loss[k] = f1.value;
    outputNorm[k] = frobenius(f1.y);
    if (k === n || o.signal?.aborted) {
      last = k;
      break;
    }
    const next = rk4Step(theta, f1.dtheta, t[k + 1] - t[k], x, g, cost, o.loss);
    // A direction faster than s reaches the localized flow's finite-time blow-up (L > 2) before
    // the grid ends: stop where the norm leaves the range the grid resolves.
    const nextNorm = Math.sqrt(squaredNorm(next));
    if (!(nextNorm < BLOW_UP_FACTOR * o.growth * o.norm0) || !(Math.abs(nextNorm / norm[k] - 1) <= maxStepGrowth)) {
      last = k;
      break;
    }
    theta = next;
  }
  const cut = (a: Float64Array): Float64Array => a.slice(0, last + 1);
  return { t: cut(t), norm: cut(norm), closedForm: cut(closedForm), loss: cut(loss), outputNorm: cut(outputNorm) };
}

/** The last record at which the closed form has at most doubled (the last record if the trace ends sooner). */
export function doublingIndex(flow: FlowTrace, norm0: number): number {
  let k = 0;
  while (k + 1 < flow.t.length && flow.closedForm[k + 1] <= 2 * norm0) k++;
  return k;
}

/**
 * Largest |‖θ(t)‖ / closed form − 1| while the closed form has at most doubled (the whole trace if
 * it ends sooner). Later, near the finite-time blow-up (L > 2), a speed off by δ moves ‖θ‖ by a
 * factor without bound; up to the doubling the error is about δ(2^{L−2} − 1)/(L − 2) (δ ln 2 at L = 2).
 */
export function maxRelErrorToDoubling(flow: FlowTrace, norm0: number): number {
  let worst = 0;
  for (let k = 0; k <= doublingIndex(flow, norm0); k++) worst = Math.max(worst, Math.abs(flow.norm[k] / flow.closedForm[k] - 1));
  return worst;
}

/**
 * Def. 2.1's speed s implied by the norm growth, from R^{2−L} = R₀^{2−L} + (2 − L)L s₁ t (log R for
 * L = 2). Read it where R^{2−L} still differs from R₀^{2−L} by a good share (the doubling: 1 − 2^{2−L}):
 * near the blow-up R^{2−L} → 0 and the value depends on t alone (at 100-fold growth and L = 6 the final
 * norm enters with weight 1e-8), so it would equal the speed the time grid was built from.
 */
export function impliedSpeed(norm0: number, depth: number, norm: number, t: number): number {
  const unit = depth === 2 ? Math.log(norm / norm0) / (2 * t) : (norm ** (2 - depth) - norm0 ** (2 - depth)) / ((2 - depth) * depth * t);
  return unit * depth ** (depth / 2);
}

/**
 * §2.2's lower bound on the escape time t₁(r) − t₀ from ‖θ(t₀)‖ = norm0 at unit-sphere speed s₁:
 * the time the closed form needs to reach the norm radius(r) that outputs of size r require. The
 * paper's radius is √L r^{1/L}; ‖Y‖ ≤ (‖θ‖/√L)^L ‖X‖_F makes the true one √L (r/‖X‖_F)^{1/L}.
 */
export function escapeTimeBound(norm0: number, depth: number, unitSpeed: number, radius: number): number {
  if (depth === 2) return Math.log(radius / norm0) / (2 * unitSpeed);
  return (norm0 ** (2 - depth) - radius ** (2 - depth)) / ((depth - 2) * depth * unitSpeed);
}

/**
 * The smallest t₁(r)/bound(r) over the localized flow's records, r = ‖Y_θ(t)‖_F at each record where
 * the output reaches a new maximum (its first passage) and the bound is positive; null when none is.
 * The bound takes the largest unit-sphere speed −L₀(θ̄) seen along the flow, so it is a bound on this
 * trajectory whatever small drift of direction the flow makes; `inputNorm` null gives the printed bound.
 */
export function escapeTimeBoundRatio(flow: FlowTrace, norm0: number, depth: number, inputNorm: number | null): number | null {
  let unitSpeed = 0;
  flow.loss.forEach((l, k) => (unitSpeed = Math.max(unitSpeed, -l / flow.norm[k] ** depth)));
  if (!(unitSpeed > 0)) return null;
  let worst: number | null = null, reached = 0;
  flow.outputNorm.forEach((r, k) => {
    if (!(r > reached)) return;
    reached = r;
    const radius = Math.sqrt(depth) * (inputNorm === null ? r : r / inputNorm) ** (1 / depth);
    const bound = escapeTimeBound(norm0, depth, unitSpeed, radius);
    if (bound > 0) worst = Math.min(worst ?? Infinity, flow.t[k] / bound);
  });
  return worst;
}
