// Everything a run records, whatever the model: pathway values a/p.k, residuals, flip rates,
// pathway imbalance, loss and sharpness on the shared doubling schedule (record-schedule.ts: dense
// early, sparse late, so 10⁶ steps stay small, each chosen step stored with the next so a period-2
// orbit keeps both branches), the phases of paper 002 §5 detected step by step, and the summary
// with the outcome class.
import type { RunContext, RunSummary } from '../../family';
import { classifyEnd, imbalance, minSharpnessAllocation, outcomeCode, rebalancingProgress, type Outcome } from './theory';
import { isDoublingRecordStep } from '../record-schedule';
import { SeriesLog } from '../series-log';

export interface ObserverSetup {
  targets: readonly number[];
  depths: readonly number[];
  /**
   * Sharpness above which a minimum is linearly unstable: 2/η for GD, 2(1+β)/η for heavy ball;
   * null for Adam, which has no such threshold, hence no edge of stability.
   */
  threshold: number | null;
  tolerance: number;
  /** Chosen steps per stride level of the doubling record schedule (isDoublingRecordStep). */
  samples: number;
  /** Gradient flow has no step size, hence no edge of stability (η only converts time to steps). */
  flow?: boolean;
  /** Names of model-specific extra metrics recorded at each sample (e.g. 'offDiagonal'). */
  extras?: readonly string[];
}

/** Metric names: a/p.k is pathway p (0-based) in mode k (0-based, in the order of targets). */
export const valueMetric = (p: number, k: number): string => `a/${p}.${k}`;

export const PHASE_EVENTS = ['symmetryBreaking', 'edgeOfStability', 'rebalancing', 'converged', 'signFlip', 'diverged'] as const;
export type PhaseEvent = (typeof PHASE_EVENTS)[number];
export const eventMetric = (e: PhaseEvent): string => `phase/${e}`;

/** Imbalance at or above which a learned mode counts as having broken symmetry. */
const SYMMETRY_BROKEN = 0.5;
/** Re-balancing starts once the imbalance has fallen by this fraction of its peak after EoS. */
const REBALANCE_DROP = 0.1;
/** Share of s_k a pathway must have carried before its crossing zero counts as a sign flip. */
const SUBSTANTIAL = 0.1;
const CHUNK = 256;

export class Observer {
  private readonly K: number;
  private readonly P: number;
  private readonly names: string[];
  private readonly log: SeriesLog;
  private lastRecorded = -1;
  private readonly optimalShares: number[][];
  private readonly lead: number;
  private readonly prevSign: Int8Array;
  private readonly flipsInWindow: Float64Array;
  private stepsInWindow = 0;
  private readonly carried: Uint8Array;
  readonly events = new Map<PhaseEvent, { x: number; y: number }>();
  private peakImbalance = 0;
  private peakSharpness = -Infinity;
  private lastSharpness = Number.NaN;
  private totalFlips = 0;
  private totalSteps = 0;
  /** The pathway leading the lead mode when symmetry broke (Fig. 4: the shallow one). */
  private symmetryBreakingLeader: number | null = null;

  constructor(private readonly setup: ObserverSetup, private readonly ctx: RunContext) {
    this.K = setup.targets.length;
    this.P = setup.depths.length;
    this.optimalShares = setup.targets.map((s) => minSharpnessAllocation(setup.depths, s).allocation.map((a) => a / s));
    this.lead = setup.targets.indexOf(Math.max(...setup.targets));
    this.prevSign = new Int8Array(this.K);
    this.flipsInWindow = new Float64Array(this.K);
    this.carried = new Uint8Array(this.K * this.P);
    this.names = [
      ...Array.from({ length: this.K * this.P }, (_, i) => valueMetric(i % this.P, Math.floor(i / this.P))),
      ...setup.targets.map((_, k) => `residual/${k}`),
      ...setup.targets.map((_, k) => `flips/${k}`),
      ...setup.targets.map((_, k) => `imbalance/${k}`),
      'loss',
      'sharpness',
      ...(setup.extras ?? []),
    ];
    this.log = new SeriesLog(ctx, { records: CHUNK });
  }

  /** Whether step x is a sampling point (the caller then supplies the sharpness). */
  due(x: number): boolean {
    return isDoublingRecordStep(x, this.setup.samples);
  }

  /**
   * Counts residual sign changes and updates the phases. `sharpness` may be NaN between samples
   * (matrix models estimate it only when recording); the EoS event then waits for a sample.
   */
  step(x: number, values: ArrayLike<number>, residual: ArrayLike<number>, sharpness: number): void {
    this.totalSteps++;
    this.stepsInWindow++;
    for (let k = 0; k < this.K; k++) {
      const sign = residual[k] > 0 ? 1 : residual[k] < 0 ? -1 : 0;
      if (sign !== 0 && this.prevSign[k] !== 0 && sign !== this.prevSign[k]) {
        this.flipsInWindow[k]++;
        if (k === this.lead) this.totalFlips++;
      }
      if (sign !== 0) this.prevSign[k] = sign;
    }
    if (!Number.isNaN(sharpness)) this.lastSharpness = sharpness;
    this.detect(x, values, sharpness);
  }

  /** Records the first occurrence of an event the model detects itself (e.g. a layer weight through zero). */
  mark(e: PhaseEvent, x: number): void {
    if (!this.events.has(e)) this.events.set(e, { x, y: this.lastSharpness });
  }

  private detect(x: number, values: ArrayLike<number>, sharpness: number): void {
    const k = this.lead, s = this.setup.targets[k];
    const iota = imbalance(values, k * this.P, this.optimalShares[k]);
    let learned = 0;
    for (let p = 0; p < this.P; p++) learned += values[k * this.P + p];
    const isLearned = learned >= 0.5 * s;
    if (isLearned) this.peakImbalance = Math.max(this.peakImbalance, iota);
    if (isLearned && iota >= SYMMETRY_BROKEN && !this.events.has('symmetryBreaking')) {
      this.mark('symmetryBreaking', x);
      let leader = 0;
      for (let p = 1; p < this.P; p++) if (values[k * this.P + p] > values[k * this.P + leader]) leader = p;
      this.symmetryBreakingLeader = leader;
    }
    if (!Number.isNaN(sharpness)) {
      this.peakSharpness = Math.max(this.peakSharpness, sharpness);
      if (!this.setup.flow && this.setup.threshold !== null && sharpness > this.setup.threshold) this.mark('edgeOfStability', x);
    }
    if (this.events.has('edgeOfStability') && this.peakImbalance >= 2 * REBALANCE_DROP && iota <= (1 - REBALANCE_DROP) * this.peakImbalance) {
      this.mark('rebalancing', x);
    }
    for (let j = 0; j < this.K * this.P; j++) {
      // A pathway that carried a real share and goes through zero is a singular-vector sign flip
      // (Section 6); tiny values wandering around zero at random initialization are not.
      const target = this.setup.targets[Math.floor(j / this.P)];
      if (values[j] >= SUBSTANTIAL * target) this.carried[j] = 1;
      else if (values[j] < 0 && this.carried[j]) this.mark('signFlip', x);
    }
  }

  /** Whether every mode is within tolerance of its target. */
  converged(residual: ArrayLike<number>): boolean {
    for (let k = 0; k < this.K; k++) if (!(Math.abs(residual[k]) <= this.setup.tolerance * this.setup.targets[k])) return false;
    return true;
  }

  /** Records one sample (call when due(x), and once at the end). */
  record(x: number, values: ArrayLike<number>, residual: ArrayLike<number>, loss: number, sharpness: number, extras: readonly number[] = []): void {
    if (x === this.lastRecorded) return;
    this.lastRecorded = x;
    const row = [
      ...Array.from(values).slice(0, this.K * this.P),
      ...Array.from(residual).slice(0, this.K),
      ...Array.from(this.flipsInWindow, (flips) => (this.stepsInWindow > 0 ? flips / this.stepsInWindow : 0)),
      ...Array.from({ length: this.K }, (_, k) => imbalance(values, k * this.P, this.optimalShares[k])),
      loss,
      sharpness,
      ...extras,
    ];
    this.log.next(x);
    row.forEach((v, i) => this.log.put(this.names[i], v));
    this.flipsInWindow.fill(0);
    this.stepsInWindow = 0;
    this.log.flushIfDue();
  }

  /**
   * Emits the buffered samples and the phase markers; returns the summary. `blewUp`: the run
   * stopped on the divergence guard (the only way to be 'diverged'); `converged`: the model's own
   * stopping test held. A bounded run that did not converge is classed by classifyEnd.
   */
  finish(x: number, values: ArrayLike<number>, residual: ArrayLike<number>, loss: number, sharpness: number, blewUp: boolean, converged: boolean): RunSummary {
    if (converged) this.mark('converged', x);
    if (blewUp) this.mark('diverged', x);
    this.log.flush();
    for (const e of PHASE_EVENTS) {
      const hit = this.events.get(e);
      if (hit) this.ctx.emit({ metric: eventMetric(e), x: Float64Array.of(hit.x), y: Float64Array.of(Number.isFinite(hit.y) ? hit.y : 0) });
    }
    return this.summary(x, values, loss, sharpness, converged, blewUp);
  }

  private summary(x: number, values: ArrayLike<number>, loss: number, sharpness: number, converged: boolean, blewUp: boolean): RunSummary {
    const { targets, depths } = this.setup;
    const P = this.P;
    const edgeOfStability = this.events.has('edgeOfStability');
    const modeProgress = targets.map((s, k) => (blewUp ? null : rebalancingProgress(depths, s, Array.from({ length: P }, (_, p) => values[k * P + p]))));
    const modeOutcomes: Outcome[] = modeProgress.map((progress) => classifyEnd({ blewUp, converged, edgeOfStability, progress: progress ?? 0 }));
    const outcome = modeOutcomes[this.lead];
    const at = (e: PhaseEvent): number | null => this.events.get(e)?.x ?? null;
    return {
      outcome,
      outcomeCode: outcomeCode(outcome),
      modeOutcomeCodes: modeOutcomes.map(outcomeCode),
      // Observed counterpart of eq. (24)'s predicted rank: modes that ended (partly) re-balanced.
      rebalancedRank: modeOutcomes.filter((o) => o === 'partial-rebalancing' || o === 'full-rebalancing').length,
      rebalancingProgress: modeProgress[this.lead],
      modeRebalancingProgress: modeProgress,
      steps: x,
      converged: converged ? 1 : 0,
      finalLoss: Number.isFinite(loss) ? loss : null,
      finalSharpness: Number.isFinite(sharpness) ? sharpness : null,
      stabilityThreshold: this.setup.threshold,
      peakSharpness: Number.isFinite(this.peakSharpness) ? this.peakSharpness : null,
      finalImbalance: imbalance(values, this.lead * P, this.optimalShares[this.lead]),
      peakImbalance: this.peakImbalance,
      finalValues: Array.from(values, (v) => (Number.isFinite(v) ? v : null)),
      leadFlipRate: this.totalSteps > 0 ? this.totalFlips / this.totalSteps : 0,
      symmetryBreakingStep: at('symmetryBreaking'),
      symmetryBreakingLeader: this.symmetryBreakingLeader,
      edgeOfStabilityStep: at('edgeOfStability'),
      rebalancingStep: at('rebalancing'),
      convergedStep: at('converged'),
      signFlipStep: at('signFlip'),
      divergedStep: at('diverged'),
    };
  }
}
