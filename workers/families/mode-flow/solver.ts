// Integrates the decoupled channels (2) one mode at a time with DOP853, in the coordinate that
// makes each regime nearly linear:
// - dead zone (σ < ½σ*): the barrier coordinate b = β_L(σ), where ḃ = σ* − σ ≈ σ* (Lemma 1);
//   the step is capped by the drift time to the escape level, so the plateau takes a few long
//   steps instead of a cascade of rejected overshoots;
// - active basin (from ½σ* on): w = log|b − b*|, where ẇ → −Lσ*^{2−2/L} (eq. (8)), so the
//   exponential approach is a straight line and no longer stiff however long the horizon.
// Each mode gets its own steps; the modes share a time axis through their dense outputs.
import { integrate, type DenseSolution, type IntegrateResult, type IntegrateStatus, type OdeEvent, type SolverStats } from '../../numeric/ode';
import { barrier, Channel } from './barrier';

export interface FlowProblem {
  depth: number;
  targets: readonly number[];
  initial: readonly number[];
  /** Relative convergence tolerance δ: |σ − σ*| ≤ δσ*. */
  tolerance: number;
  /** End time, or 'converged' to stop once every mode is within the tolerance. */
  horizon: number | 'converged';
  rtol: number;
}

export interface FlowFailure {
  ok: false;
  status: IntegrateStatus;
  message: string;
}

/** The dead-zone step cap applies below this fraction of σ*, where the drift is within 1/8 of σ*. */
const DEEP_DEAD_ZONE = 1 / 8;
/** Fraction of the remaining dead-zone drift time one capped step may cover. */
const DEAD_ZONE_STEP = 0.5;

interface TrajectoryPiece {
  /** 'barrier': y = b; 'basin': y = log|d| with d = b − b* of fixed sign. */
  coordinate: 'barrier' | 'basin';
  sign: number;
  solution: DenseSolution;
}

/** One mode's solution, piecewise in the two coordinates, read as the offset d(t) = b(t) − b*. */
export class ModeTrajectory {
  private readonly scratch = new Float64Array(1);

  constructor(
    readonly channel: Channel,
    readonly pieces: readonly TrajectoryPiece[],
    /** First time σ reaches ½σ* (event-located); null when σ(0) ≥ ½σ* or not within the horizon. */
    readonly escapeTime: number | null,
    /** First time |σ − σ*| ≤ δσ*; 0 when it starts there, null when not within the horizon. */
    readonly toleranceTime: number | null,
  ) {}

  offsetAt(t: number): number {
    let piece = this.pieces[0];
    for (const p of this.pieces) if (p.solution.tStart <= t) piece = p;
    const y = piece.solution.evaluate(t, this.scratch)[0];
    return piece.coordinate === 'barrier' ? y - this.channel.barrierTarget : piece.sign * Math.exp(y);
  }

  /** Start and end of every accepted step, clipped to its piece. */
  *stepIntervals(): Generator<[number, number]> {
    for (const { solution } of this.pieces) {
      for (const step of solution.steps) yield [step.t0, Math.min(step.t1, solution.tEnd)];
    }
  }
}

export interface FlowSolution {
  ok: true;
  modes: ModeTrajectory[];
  horizon: number;
  stats: SolverStats;
}

/** Integrates one mode forward piece by piece, remembering where it stands. */
class ModeIntegrator {
  readonly pieces: TrajectoryPiece[] = [];
  t = 0;
  /** Offset b − b* at time t. */
  d: number;
  escapeTime: number | null = null;
  toleranceTime: number | null;
  private readonly escapeOffset: number;
  /** Offset at the edge of the tolerance band on the side the mode approaches from. */
  private readonly toleranceOffset: number;

  constructor(
    readonly channel: Channel,
    sigma0: number,
    tolerance: number,
    private readonly rtol: number,
    private readonly stats: SolverStats,
    private readonly signal?: AbortSignal,
  ) {
    const { depth, target, barrierTarget } = channel;
    this.d = barrier(depth, sigma0) - barrierTarget;
    this.escapeOffset = barrier(depth, target / 2) - barrierTarget;
    this.toleranceOffset = barrier(depth, target * (1 + Math.sign(this.d) * tolerance)) - barrierTarget;
    this.toleranceTime = Math.abs(Math.expm1(channel.logRatio(this.d))) <= tolerance ? 0 : null;
  }

  /** Integrates to tEnd (Infinity allowed when stopping at the tolerance time). */
  advance(tEnd: number, stopAtTolerance: boolean): FlowFailure | null {
    if (this.d < this.escapeOffset) {
      const result = this.deadZone(tEnd);
      if (!result.success) return this.failure(result);
      if (result.status !== 'event') return null;
      this.escapeTime = this.t;
    }
    if (stopAtTolerance && this.toleranceTime !== null) return null;
    const result = this.d === 0 ? this.atTarget(tEnd) : this.basin(tEnd, stopAtTolerance);
    return result.success ? null : this.failure(result);
  }

  private deadZone(tEnd: number): IntegrateResult {
    const { target, barrierTarget } = this.channel;
    const bEscape = barrierTarget + this.escapeOffset;
    const bDeep = barrier(this.channel.depth, DEEP_DEAD_ZONE * target);
    const cap = (b: number): number => (b < bDeep ? (DEAD_ZONE_STEP * (bEscape - b)) / target : Infinity);
    const b0 = barrierTarget + this.d;
    return this.run('barrier', 0, b0, tEnd, {
      rhs: (_t, y, dydt) => {
        dydt[0] = -target * Math.expm1(this.channel.logRatio(y[0] - barrierTarget));
      },
      events: [{ g: (_t, y) => y[0] - bEscape, direction: 1, terminal: true }],
      maxStepAt: (_t, y) => cap(y[0]),
      firstStep: b0 < bDeep ? cap(b0) : undefined,
    });
  }

  private basin(tEnd: number, stopAtTolerance: boolean): IntegrateResult {
    const sign = Math.sign(this.d);
    const events: OdeEvent[] = [];
    if (this.toleranceTime === null) {
      const level = Math.log(Math.abs(this.toleranceOffset));
      events.push({ g: (_t, y) => y[0] - level, direction: -1, terminal: stopAtTolerance });
    }
    const result = this.run('basin', sign, Math.log(Math.abs(this.d)), tEnd, {
      rhs: (_t, y, dydt) => {
        dydt[0] = -this.channel.gapPerOffset(sign * Math.exp(y[0]));
      },
      events,
    });
    if (result.events.length > 0) this.toleranceTime ??= result.events[0].t;
    return result;
  }

  /** σ(0) = σ* exactly: a fixed point, integrated in b so it still has a dense solution. */
  private atTarget(tEnd: number): IntegrateResult {
    const { barrierTarget } = this.channel;
    const rhs = (_t: number, _y: Float64Array, dydt: Float64Array): void => {
      dydt[0] = 0;
    };
    return this.run('barrier', 0, barrierTarget, tEnd, { rhs, events: [] });
  }

  private run(
    coordinate: TrajectoryPiece['coordinate'],
    sign: number,
    y0: number,
    tEnd: number,
    problem: {
      rhs: (t: number, y: Float64Array, dydt: Float64Array) => void;
      events: OdeEvent[];
      maxStepAt?: (t: number, y: Float64Array) => number;
      firstStep?: number;
    },
  ): IntegrateResult {
    const { depth, target } = this.channel;
    // atol: in b, the change of b for a relative change rtol of σ near σ* (β' = σ^{2/L−2}/L);
    // in w = log|d|, an absolute error is already a relative error of d.
    const atol = coordinate === 'barrier' ? (this.rtol * target ** (2 / depth - 1)) / depth : this.rtol;
    const result = integrate(problem.rhs, this.t, Float64Array.of(y0), tEnd, {
      rtol: this.rtol,
      atol,
      events: problem.events,
      maxStepAt: problem.maxStepAt,
      firstStep: problem.firstStep,
      dense: true,
      signal: this.signal,
    });
    this.stats.acceptedSteps += result.stats.acceptedSteps;
    this.stats.rejectedSteps += result.stats.rejectedSteps;
    this.stats.rhsEvaluations += result.stats.rhsEvaluations;
    if (result.solution) this.pieces.push({ coordinate, sign, solution: result.solution });
    this.t = result.t;
    this.d = coordinate === 'barrier' ? result.y[0] - this.channel.barrierTarget : sign * Math.exp(result.y[0]);
    return result;
  }

  private failure(result: IntegrateResult): FlowFailure {
    return { ok: false, status: result.status, message: `mode σ* = ${this.channel.target}: ${result.message}` };
  }
}

export function solveFlow(problem: FlowProblem, signal?: AbortSignal): FlowSolution | FlowFailure {
  const { depth, targets, initial, tolerance, rtol } = problem;
  const stats: SolverStats = { acceptedSteps: 0, rejectedSteps: 0, rhsEvaluations: 0 };
  const modes = targets.map((target, i) => new ModeIntegrator(new Channel(depth, target), initial[i], tolerance, rtol, stats, signal));
  const converging = problem.horizon === 'converged';

  // Pass 1: each mode to the horizon, or (converging) to its own tolerance time.
  for (const mode of modes) {
    const failure = mode.advance(converging ? Infinity : (problem.horizon as number), converging);
    if (failure) return failure;
  }

  // Pass 2 (converging): every mode on to the last tolerance time.
  let horizon = converging ? Math.max(...modes.map((m) => m.toleranceTime ?? 0)) : (problem.horizon as number);
  if (horizon === 0) {
    // Every mode starts converged: show a few active-basin time constants of the slowest one.
    horizon = Math.log(1 / tolerance) / Math.min(...modes.map((m) => m.channel.rate));
  }
  for (const mode of modes) {
    // A gap of a few ulps (modes with equal tolerance times) is covered by the last step.
    if (mode.pieces.length > 0 && horizon - mode.t <= 1e-12 * horizon) continue;
    const failure = mode.advance(horizon, false);
    if (failure) return failure;
  }
  return {
    ok: true,
    modes: modes.map((m) => new ModeTrajectory(m.channel, m.pieces, m.escapeTime, m.toleranceTime)),
    horizon,
    stats,
  };
}
