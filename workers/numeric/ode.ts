// Adaptive explicit Runge–Kutta integration with Dormand–Prince 8(5,3) ("DOP853"): 8th-order
// steps, a blended 5th/3rd-order error estimate, a 7th-order dense output on every step, and
// event location (Brent) on that dense output. Step control follows Hairer, Nørsett & Wanner,
// Solving ODEs I, §II.4 and §II.10. Forward in time only (tEnd ≥ t0; tEnd may be Infinity when a
// terminal event ends the run). Data in, data out: failures come back as a status, never thrown.
import { A, C, D, E3, E5, EXTENDED_STAGES, STAGES } from './dop853-tableau';
import { brentRoot } from './roots';

/** Right-hand side f(t, y), written into dydt so the inner loop allocates nothing. */
export type OdeRhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

export interface OdeEvent {
  /** Event function: an event is a sign change of g(t, y(t)). */
  g(t: number, y: Float64Array): number;
  /** +1: rising crossings only, −1: falling only, 0 (default): both. */
  direction?: -1 | 0 | 1;
  /** End the integration at the first occurrence (default false). */
  terminal?: boolean;
}

export interface EventHit {
  /** Index into options.events. */
  event: number;
  t: number;
  y: Float64Array;
}

export interface IntegrateOptions {
  /** Relative tolerance per component (default 1e-8). */
  rtol?: number;
  /** Absolute tolerance, scalar or per component (default 1e-12). */
  atol?: number | Float64Array;
  /** Most accepted steps before giving up with status 'max-steps' (default 100 000). */
  maxSteps?: number;
  /** First trial step; chosen from the local scales of y and f when absent. */
  firstStep?: number;
  /** Largest step allowed (default Infinity). */
  maxStep?: number;
  /**
   * Largest step allowed from (t, y), for problems that know their own scales (the distance to a
   * domain boundary, or to a transition the error estimate cannot see coming). Called once per step.
   */
  maxStepAt?(t: number, y: Float64Array): number;
  events?: OdeEvent[];
  /** Keep the piecewise dense solution in the result (default false). */
  dense?: boolean;
  /** Called after every accepted step with its end point and interpolant. */
  onStep?(t: number, y: Float64Array, step: DenseStep): void;
  signal?: AbortSignal;
}

export type IntegrateStatus =
  | 'done' // reached tEnd
  | 'event' // stopped by a terminal event
  | 'max-steps'
  | 'step-too-small' // tolerance not met even with the smallest representable step
  | 'non-finite' // f produced NaN/Inf that no step size could avoid
  | 'aborted'
  | 'invalid'; // bad input (message says which)

export interface SolverStats {
  acceptedSteps: number;
  rejectedSteps: number;
  rhsEvaluations: number;
}

export interface IntegrateResult {
  status: IntegrateStatus;
  /** True for 'done' and 'event'. */
  success: boolean;
  message: string;
  /** Where the integration ended. */
  t: number;
  y: Float64Array;
  /** Start and accepted step end points (the last one is the stop time). */
  times: Float64Array;
  /** State at each entry of times, row-major: times.length × y.length. */
  states: Float64Array;
  events: EventHit[];
  solution: DenseSolution | null;
  stats: SolverStats;
}

/** The 7th-order interpolant of one accepted step, valid on [t0, t1]. */
export class DenseStep {
  constructor(
    readonly t0: number,
    readonly t1: number,
    private readonly y0: Float64Array,
    /** Seven rows of length n, nested Horner form in x and 1 − x (Hairer's CONTD8). */
    private readonly rows: Float64Array,
  ) {}

  evaluate(t: number, out: Float64Array = new Float64Array(this.y0.length)): Float64Array {
    const n = this.y0.length;
    const x = (t - this.t0) / (this.t1 - this.t0);
    const rows = this.rows;
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let r = 6; r >= 0; r--) {
        v = (v + rows[r * n + j]) * ((6 - r) % 2 === 0 ? x : 1 - x);
      }
      out[j] = this.y0[j] + v;
    }
    return out;
  }
}

/** A piecewise dense solution on [tStart, tEnd], made of consecutive steps. */
export class DenseSolution {
  private readonly starts: Float64Array;

  constructor(
    readonly steps: readonly DenseStep[],
    readonly tStart: number,
    readonly tEnd: number,
  ) {
    this.starts = Float64Array.from(steps, (s) => s.t0);
  }

  /** The solution continued by a later one that starts where this one ends. */
  static concat(first: DenseSolution, second: DenseSolution): DenseSolution {
    return new DenseSolution([...first.steps, ...second.steps], first.tStart, second.tEnd);
  }

  /** y(t) for t in [tStart, tEnd]; outside, the nearest step's polynomial extrapolates. */
  evaluate(t: number, out?: Float64Array): Float64Array {
    return this.steps[this.stepIndex(t)].evaluate(t, out);
  }

  /** Index of the last step starting at or before t. */
  private stepIndex(t: number): number {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
const ERROR_EXPONENT = -1 / 8; // 1 / (order of the error estimator + 1)

interface ResolvedOptions {
  rtol: number;
  atol: Float64Array;
  maxSteps: number;
  maxStep: number;
  events: OdeEvent[];
  keepDense: boolean;
}

function resolveOptions(n: number, options: IntegrateOptions): ResolvedOptions | string {
  const rtol = options.rtol ?? 1e-8;
  const atolIn = options.atol ?? 1e-12;
  const atol = typeof atolIn === 'number' ? new Float64Array(n).fill(atolIn) : atolIn;
  if (!(rtol > 0) || !Number.isFinite(rtol)) return `rtol must be a positive finite number, got ${rtol}`;
  if (atol.length !== n) return `atol has ${atol.length} components, y0 has ${n}`;
  if (atol.some((a) => !(a >= 0) || !Number.isFinite(a))) return 'atol must be non-negative and finite';
  const maxStep = options.maxStep ?? Infinity;
  if (!(maxStep > 0)) return `maxStep must be positive, got ${maxStep}`;
  if (options.firstStep !== undefined && !(options.firstStep > 0 && Number.isFinite(options.firstStep))) {
    return `firstStep must be positive and finite, got ${options.firstStep}`;
  }
  return {
    rtol,
    atol,
    maxSteps: options.maxSteps ?? 100_000,
    maxStep,
    events: options.events ?? [],
    keepDense: options.dense ?? false,
  };
}

function rmsNorm(v: (j: number) => number, n: number): number {
  let sum = 0;
  for (let j = 0; j < n; j++) sum += v(j) ** 2;
  return Math.sqrt(sum / n);
}

/** Hairer's starting-step heuristic (Solving ODEs I, §II.4), shrunk while f is non-finite. */
function initialStep(
  f: OdeRhs,
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  tEnd: number,
  o: ResolvedOptions,
  stats: SolverStats,
): number {
  const n = y0.length;
  const interval = tEnd - t0;
  const scale = (j: number): number => o.atol[j] + Math.abs(y0[j]) * o.rtol;
  const d0 = rmsNorm((j) => y0[j] / scale(j), n);
  const d1 = rmsNorm((j) => f0[j] / scale(j), n);
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  h0 = Math.min(h0, interval, o.maxStep);
  const y1 = new Float64Array(n);
  const f1 = new Float64Array(n);
  for (;;) {
    for (let j = 0; j < n; j++) y1[j] = y0[j] + h0 * f0[j];
    f(t0 + h0, y1, f1);
    stats.rhsEvaluations++;
    if (f1.every(Number.isFinite) || h0 < 1e-300) break;
    h0 *= 0.1;
  }
  const d2 = rmsNorm((j) => (f1[j] - f0[j]) / scale(j), n) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / 8);
  const h = Math.min(100 * h0, Number.isFinite(h1) ? h1 : h0, interval, o.maxStep);
  return h > 0 ? h : 1e-6;
}

function fail(status: IntegrateStatus, message: string, t0: number, y0: Float64Array): IntegrateResult {
  return {
    status,
    success: false,
    message,
    t: t0,
    y: Float64Array.from(y0),
    times: Float64Array.of(t0),
    states: Float64Array.from(y0),
    events: [],
    solution: null,
    stats: { acceptedSteps: 0, rejectedSteps: 0, rhsEvaluations: 0 },
  };
}

function crosses(gOld: number, gNew: number, direction: -1 | 0 | 1): boolean {
  if (gOld === 0 || Number.isNaN(gOld) || Number.isNaN(gNew)) return false;
  const rising = gOld < 0 && gNew >= 0;
  const falling = gOld > 0 && gNew <= 0;
  return direction > 0 ? rising : direction < 0 ? falling : rising || falling;
}

/**
 * Integrates y' = f(t, y) from (t0, y0) to tEnd (≥ t0, may be Infinity with a terminal event).
 * Events are located on the dense output to a few ulps of t.
 */
export function integrate(
  f: OdeRhs,
  t0: number,
  y0: Float64Array,
  tEnd: number,
  options: IntegrateOptions = {},
): IntegrateResult {
  const n = y0.length;
  const resolved = resolveOptions(n, options);
  if (typeof resolved === 'string') return fail('invalid', resolved, t0, y0);
  const o = resolved;
  if (!Number.isFinite(t0) || Number.isNaN(tEnd) || tEnd < t0) {
    return fail('invalid', `need finite t0 and tEnd ≥ t0, got t0 = ${t0}, tEnd = ${tEnd}`, t0, y0);
  }
  if (!y0.every(Number.isFinite)) return fail('invalid', 'y0 has non-finite components', t0, y0);

  const stats: SolverStats = { acceptedSteps: 0, rejectedSteps: 0, rhsEvaluations: 0 };
  const K = Array.from({ length: EXTENDED_STAGES }, () => new Float64Array(n));
  let y = Float64Array.from(y0);
  let yNew = new Float64Array(n);
  const yStage = new Float64Array(n);
  const fNow = new Float64Array(n);
  f(t0, y, fNow);
  stats.rhsEvaluations++;
  if (!fNow.every(Number.isFinite)) return { ...fail('non-finite', 'f(t0, y0) is not finite', t0, y0), stats };

  const times: number[] = [t0];
  const states: number[] = Array.from(y0);
  const events: EventHit[] = [];
  const denseSteps: DenseStep[] = [];
  const gOld = o.events.map((e) => e.g(t0, y));
  let t = t0;
  let h = options.firstStep ?? initialStep(f, t0, y, fNow, tEnd, o, stats);

  const finish = (status: IntegrateStatus, message: string): IntegrateResult => ({
    status,
    success: status === 'done' || status === 'event',
    message,
    t,
    y,
    times: Float64Array.from(times),
    states: Float64Array.from(states),
    events,
    solution: o.keepDense && denseSteps.length > 0 ? new DenseSolution(denseSteps, t0, t) : null,
    stats,
  });

  /** Runs stages 1–12 of a step of size hStep from (t, y); K[0] must hold f(t, y). */
  const step = (hStep: number): number => {
    for (let s = 1; s <= STAGES; s++) {
      const row = A[s];
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let k = 0; k < s; k++) acc += row[k] * K[k][j];
        yStage[j] = y[j] + hStep * acc;
      }
      if (s < STAGES) f(t + C[s] * hStep, yStage, K[s]);
      else yNew.set(yStage);
    }
    f(t + hStep, yNew, K[STAGES]);
    stats.rhsEvaluations += STAGES;
    let err5 = 0, err3 = 0;
    for (let j = 0; j < n; j++) {
      let e5 = 0, e3 = 0;
      for (let k = 0; k <= STAGES; k++) {
        e5 += E5[k] * K[k][j];
        e3 += E3[k] * K[k][j];
      }
      const scale = o.atol[j] + o.rtol * Math.max(Math.abs(y[j]), Math.abs(yNew[j]));
      err5 += (e5 / scale) ** 2;
      err3 += (e3 / scale) ** 2;
    }
    if (err5 === 0 && err3 === 0) return 0;
    const norm = (Math.abs(hStep) * err5) / Math.sqrt((err5 + 0.01 * err3) * n);
    return Number.isNaN(norm) ? Infinity : norm;
  };

  /** Interpolant of the step just accepted, from (t, y) to (t + hStep, yNew); 3 more f calls. */
  const denseOutput = (hStep: number): DenseStep => {
    for (let s = STAGES + 1; s < EXTENDED_STAGES; s++) {
      const row = A[s];
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let k = 0; k < s; k++) acc += row[k] * K[k][j];
        yStage[j] = y[j] + hStep * acc;
      }
      f(t + C[s] * hStep, yStage, K[s]);
    }
    stats.rhsEvaluations += EXTENDED_STAGES - STAGES - 1;
    const rows = new Float64Array(7 * n);
    for (let j = 0; j < n; j++) {
      const dy = yNew[j] - y[j];
      rows[j] = dy;
      rows[n + j] = hStep * K[0][j] - dy;
      rows[2 * n + j] = 2 * dy - hStep * (K[STAGES][j] + K[0][j]);
      for (let r = 0; r < 4; r++) {
        let acc = 0;
        for (let k = 0; k < EXTENDED_STAGES; k++) acc += D[r][k] * K[k][j];
        rows[(3 + r) * n + j] = hStep * acc;
      }
    }
    return new DenseStep(t, t + hStep, Float64Array.from(y), rows);
  };

  K[0].set(fNow);
  /** Size and error of the last accepted step, for the predictive controller. */
  let previous: { h: number; error: number } | null = null;
  while (t < tEnd) {
    if (options.signal?.aborted) return finish('aborted', 'aborted by signal');
    if (stats.acceptedSteps >= o.maxSteps) return finish('max-steps', `no end after ${o.maxSteps} steps, at t = ${t}`);

    // Try steps until one meets the tolerance.
    const minStep = Math.max(10 * Number.EPSILON * Math.abs(t), 1e-300);
    let rejected = false;
    let sawNonFinite = false;
    const stepBound = Math.min(o.maxStep, options.maxStepAt?.(t, y) ?? Infinity);
    if (!(stepBound > 0)) return finish('invalid', `maxStepAt gave ${stepBound} at t = ${t}`);
    let hStep: number;
    let reachesEnd: boolean;
    for (;;) {
      if (h < minStep) {
        return sawNonFinite
          ? finish('non-finite', `f is not finite near t = ${t} for every step size`)
          : finish('step-too-small', `step size fell below ${minStep} at t = ${t}`);
      }
      hStep = Math.min(h, stepBound);
      reachesEnd = t + hStep >= tEnd;
      if (reachesEnd) hStep = tEnd - t;
      const errorNorm = step(hStep);
      if (errorNorm < 1) {
        let grow = errorNorm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * errorNorm ** ERROR_EXPONENT);
        if (previous && errorNorm > 0) {
          // Gustafsson's predictive controller (Hairer & Wanner II, §IV.8): follows a trend of
          // shrinking steps (e.g. approaching a transition) instead of rejecting every other step.
          const trend = (hStep / previous.h) * (previous.error / errorNorm) ** -ERROR_EXPONENT;
          grow = Math.max(MIN_FACTOR, Math.min(grow, grow * trend));
        }
        h = hStep * (rejected ? Math.min(1, grow) : grow);
        previous = { h: hStep, error: errorNorm };
        break;
      }
      if (!Number.isFinite(errorNorm)) sawNonFinite = true;
      h = hStep * (Number.isFinite(errorNorm) ? Math.max(MIN_FACTOR, SAFETY * errorNorm ** ERROR_EXPONENT) : MIN_FACTOR);
      rejected = true;
      stats.rejectedSteps++;
    }
    stats.acceptedSteps++;
    // Pinned, since t + (tEnd − t) can miss tEnd by an ulp and leave a step too small to take.
    const tNew = reachesEnd ? tEnd : t + hStep;

    let dense: DenseStep | null = null;
    const getDense = (): DenseStep => (dense ??= denseOutput(hStep));
    // Built now, while K, y and yNew still describe this step.
    if (o.keepDense) denseSteps.push(getDense());
    else if (options.onStep) getDense();

    // Events inside (t, tNew], earliest first; a terminal one ends the integration there.
    const hits: EventHit[] = [];
    const gNew = o.events.map((e) => e.g(tNew, yNew));
    o.events.forEach((event, index) => {
      if (!crosses(gOld[index], gNew[index], event.direction ?? 0)) return;
      const interp = getDense();
      const probe = new Float64Array(n);
      const root = brentRoot((s) => event.g(s, interp.evaluate(s, probe)), t, tNew, gOld[index], gNew[index]);
      hits.push({ event: index, t: root.x, y: interp.evaluate(root.x) });
    });
    hits.sort((a, b) => a.t - b.t);
    const stop = hits.find((hit) => o.events[hit.event].terminal);
    for (const hit of hits) {
      if (stop && hit.t > stop.t) break;
      events.push(hit);
    }

    if (stop) {
      t = stop.t;
      y = Float64Array.from(stop.y);
      times.push(t);
      for (let j = 0; j < n; j++) states.push(y[j]);
      options.onStep?.(t, y, getDense());
      return finish('event', `terminal event ${stop.event} at t = ${t}`);
    }

    [y, yNew] = [yNew, y];
    t = tNew;
    K[0].set(K[STAGES]);
    gNew.forEach((g, index) => (gOld[index] = g));
    times.push(t);
    for (let j = 0; j < n; j++) states.push(y[j]);
    if (options.onStep) options.onStep(t, y, getDense());
  }
  return finish('done', `reached t = ${t}`);
}
