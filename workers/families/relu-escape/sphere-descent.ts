// Escape directions as minimizers of L₀ on the sphere ‖θ‖² = L (paper 004, Def. 2.1 and §4.1):
// projected gradient descent θ ← P_sphere(θ − η_k √L t/‖t‖), t = (I − θθᵀ/L)∇L₀(θ), with the
// normalized step (angle) η_k = η₀/(1 + k/τ).
// The optima sit on ReLU kinks (README), where ∇L₀ jumps; the decaying step lets the iterates
// settle onto them instead of chattering at a fixed distance. Speed s = −L₀(θ).
import type { Matrix } from '../../numeric/matrix';
import type { Rng } from '../../numeric/rng';
import { localizedLossAndGradient, randomWeights, scaled, squaredNorm, type Weights } from './network';
import { recordSteps } from '../record-schedule';

export interface DescentOptions {
  steps: number;
  stepSize: number;
  stepDecay: number;
  /** Evenly spaced steps whose speed is kept, each with the next step (the shared record schedule), the last step included. */
  record: number;
  signal?: AbortSignal;
  /** Called with the fraction of steps done at every recorded step. */
  progress?(fraction: number): void;
}

export interface DescentResult {
  weights: Weights;
  /** −L₀ at the last iterate. */
  speed: number;
  steps: Float64Array;
  speeds: Float64Array;
  aborted: boolean;
}

/** θ rescaled onto the sphere of radius √L (L = number of layers). */
export function onSphere(weights: Weights): Weights {
  return scaled(weights, Math.sqrt(weights.length / squaredNorm(weights)));
}

export function projectedDescent(start: Weights, x: Matrix, g: Matrix, o: DescentOptions): DescentResult {
  const depth = start.length;
  const theta = onSphere(start);
  const recordAt = recordSteps({ first: 0, last: o.steps, every: Math.max(1, Math.ceil(o.steps / o.record)) });
  let nextRecord = 0;
  const steps: number[] = [];
  const speeds: number[] = [];
  let aborted = false;
  for (let k = 0; ; k++) {
    const { loss, grad } = localizedLossAndGradient(theta, x, g);
    if (k === recordAt[nextRecord]) {
      nextRecord++;
      steps.push(k);
      speeds.push(-loss);
      o.progress?.(k / o.steps);
    }
    if (k === o.steps) break;
    if (o.signal?.aborted) {
      aborted = true;
      break;
    }
    // Euler: ⟨θ, ∇L₀⟩ = L·L₀, so the radial part of the gradient is L₀·θ on the radius-√L sphere.
    // The step moves θ by the angle η_k whatever the gradient's size: deep networks start where
    // L₀ is flat (it is degree-L homogeneous), and a step proportional to ∇L₀ would hardly move.
    const radial = loss;
    let tangent2 = 0;
    theta.forEach((w, l) => {
      const d = grad[l].data;
      for (let i = 0; i < w.data.length; i++) {
        d[i] -= radial * w.data[i];
        tangent2 += d[i] * d[i];
      }
    });
    if (tangent2 === 0) continue;
    const eta = (o.stepSize * Math.sqrt(depth / tangent2)) / (1 + k / o.stepDecay);
    theta.forEach((w, l) => {
      const d = grad[l].data;
      for (let i = 0; i < w.data.length; i++) w.data[i] -= eta * d[i];
    });
    const back = Math.sqrt(depth / squaredNorm(theta));
    for (const w of theta) for (let i = 0; i < w.data.length; i++) w.data[i] *= back;
  }
  return { weights: theta, speed: speeds[speeds.length - 1], steps: Float64Array.from(steps), speeds: Float64Array.from(speeds), aborted };
}

/** A random start: i.i.d. Gaussian weights, rescaled onto the sphere (the scale is irrelevant). */
export function randomStart(sizes: readonly number[], rng: Rng): Weights {
  return onSphere(randomWeights(sizes, rng, 1));
}
