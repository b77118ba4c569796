// Gradient flow on the flattened layers integrated by DOP853 to a relative tolerance (float64, on
// the CPU), with the metrics read from its dense output at the record times, and the record plans
// of all optimizers. Gradient descent and SGD run on a compute backend: descent.ts.
import { DivergedError, type RunContext } from '../../family';
import { type Matrix, views } from '../../numeric/matrix';
import { integrate } from '../../numeric/ode';
import { Backprop } from './network';
import type { Recorder } from './observables';
import { followFlowStep, type EscapeTracker } from './escapes';
import type { UpdateRule } from '../../compute/optimizers';
import type { Task } from './task-types';

/** Uniform records per run (when recordEvery is not given) and log-spaced ones per decade on top. */
export interface RecordPlan {
  uniform: number;
  perDecade: number;
}

/**
 * A record costs O(d³) (W_eff's spectrum by bidiagonalisation, balance and kernel products: ~40 ms at
 * d = 256, about four GD steps at L = 3): 300 uniform records and 20 per decade up to width 64, fewer as d³ grows so that recording
 * stays a fraction of training.
 */
export function recordPlan(widths: readonly number[]): RecordPlan {
  const scale = Math.min(1, (64 / Math.max(...widths)) ** 3);
  return { uniform: Math.max(30, Math.round(300 * scale)), perDecade: Math.max(3, Math.round(20 * scale)) };
}
const FLOW_MAX_STEPS = 2_000_000;

export interface TrainResult {
  status: 'done' | 'aborted';
  layers: Matrix[];
  /** GD / SGD steps, or accepted flow steps. */
  steps: number;
  rhsEvaluations?: number;
}

/** Times in [0, horizon] at which the flow is recorded: uniform, log-spaced from horizon·1e-4, and `extra`. */
export function recordTimes(horizon: number, plan: RecordPlan, extra: readonly number[] = []): number[] {
  const times = new Set<number>(extra);
  for (let i = 0; i <= plan.uniform; i++) times.add((horizon * i) / plan.uniform);
  for (let j = -4 * plan.perDecade; j < 0; j++) times.add(horizon * 10 ** (j / plan.perDecade));
  return [...times].sort((a, b) => a - b);
}

export function assertFinite(loss: number, t: number): void {
  if (!Number.isFinite(loss)) throw new DivergedError(`loss became ${loss} at t = ${t}`);
}

export interface DescentOptions {
  learningRate: number;
  /** How the gradients move the layers (plain, momentum, Adam). */
  rule: UpdateRule;
  steps: number;
  recordEvery: number;
  perDecade: number;
  /** Minibatch size, or null for full-batch gradient descent. */
  batchSize: number | null;
  /** Steps recorded on top of the plan (checkpoints). */
  extraSteps: number[];
  /** Follows every step for the escape times; null where the levels are known only at the end. */
  escapes: EscapeTracker | null;
}

export interface FlowOptions {
  horizon: number;
  rtol: number;
  records: RecordPlan;
  /** Times recorded on top of the plan (checkpoints). */
  extraTimes: number[];
  /** Follows every step for the escape times; null where the levels are known only at the end. */
  escapes: EscapeTracker | null;
  /** Further levels located on the trajectory the same way (the 10 % and 90 % crossings of a transition). */
  crossings?: EscapeTracker[];
}

export function flow(task: Task, initial: readonly Matrix[], widths: readonly number[], o: FlowOptions, recorder: Recorder, ctx: RunContext): TrainResult {
  const size = initial.reduce((n, w) => n + w.data.length, 0);
  const y0 = new Float64Array(size);
  let offset = 0;
  for (const w of initial) {
    y0.set(w.data, offset);
    offset += w.data.length;
  }
  const bp = new Backprop(widths);
  const g = { rows: widths[widths.length - 1], cols: widths[0], data: new Float64Array(widths[0] * widths[widths.length - 1]) };
  const rhs = (_t: number, y: Float64Array, dydt: Float64Array): void => {
    const layers = views(y, initial);
    task.lossAndGradient(bp.product(layers), g);
    bp.gradients(layers, g, views(dydt, initial));
    for (let i = 0; i < dydt.length; i++) dydt[i] = -dydt[i];
  };
  const recordState = (t: number, y: Float64Array): void => {
    const layers = views(y, initial);
    const weff = bp.product(layers);
    const loss = task.lossAndGradient(weff, g);
    assertFinite(loss, t);
    recorder.record(t, layers, weff, loss);
  };
  const times = recordTimes(o.horizon, o.records, o.extraTimes);
  recordState(0, y0);
  const trackers = [...(o.escapes ? [o.escapes] : []), ...(o.crossings ?? [])];
  for (const tracker of trackers) tracker.start(bp.product(views(y0, initial)));
  let next = 1;
  const state = new Float64Array(size);
  let scale = 0;
  for (const v of y0) scale = Math.max(scale, Math.abs(v));
  const result = integrate(rhs, 0, y0, o.horizon, {
    rtol: o.rtol,
    // Entries that start at zero stay tiny on a plateau: resolve them relative to the init scale.
    atol: o.rtol * 1e-3 * (scale || 1),
    maxSteps: FLOW_MAX_STEPS,
    signal: ctx.signal,
    onStep: (t, y, step) => {
      while (next < times.length && times[next] <= t) {
        recordState(times[next], step.evaluate(times[next], state));
        next++;
      }
      for (const tracker of trackers) followFlowStep(tracker, step, y, (at) => bp.product(views(at, initial)));
      ctx.progress(t / o.horizon);
    },
  });
  if (result.status === 'aborted') return { status: 'aborted', layers: views(result.y, initial), steps: result.stats.acceptedSteps };
  if (result.status === 'non-finite') throw new DivergedError(result.message);
  if (!result.success) throw new Error(`gradient-flow integration failed (${result.status}): ${result.message}`);
  return { status: 'done', layers: views(result.y, initial), steps: result.stats.acceptedSteps, rhsEvaluations: result.stats.rhsEvaluations };
}
