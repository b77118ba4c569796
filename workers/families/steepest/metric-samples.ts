// The inverse metric M(x) of the mirror flow dx = −M(x)·sign(∇f)|∇f|^{q−1} dt (Thm 4.8, Lemma 4.13),
// measured from a run's own updates: M̂ = |Δx|/(η|∂f/∂x|^{q−1}) per feature. Samples are taken at
// the recorded steps where the step changed x by at most MAX_RELATIVE_CHANGE (there a discrete step
// is the flow to that accuracy); the first update is kept apart, because from the saddle init
// (w₁ = 0, wᵢ = λ) it moves only w₁ and its M̂ is exactly μ = λ^{q(L−1)} (Cor. 4.10).

/** Steps whose |Δx|/|x| exceeds this are not samples of the flow's metric. */
export const MAX_RELATIVE_CHANGE = 1e-3;
/** Below this |Δx|/|x| the rounding of x (and of a vanishing gradient) dominates the step. */
const MIN_RELATIVE_CHANGE = 1e-9;
/** Samples kept in the run summary: evenly spaced quantiles of |x|. */
const KEPT_SAMPLES = 120;
/** Samples held while the run goes on (every second one is dropped when full). */
const HELD_SAMPLES = 20_000;

export interface MetricSummary {
  /** |x| at the middle of each sampled step, ascending. */
  metricSampleX: number[];
  /** M̂ of each sample. */
  metricSampleM: number[];
  /** Smallest and largest M̂ over the features of the first update (null if none moved). */
  firstUpdateInverseMetricMin: number | null;
  firstUpdateInverseMetricMax: number | null;
  /** Smallest M̂ over every recorded update, sampled or not. */
  minInverseMetric: number | null;
}

export class MetricSampler {
  private readonly before: Float64Array;
  private xs: number[] = [];
  private ms: number[] = [];
  private first: [number, number] | null = null;
  private min = Infinity;

  constructor(
    n: number,
    private readonly q: number,
    private readonly learningRate: number,
  ) {
    this.before = new Float64Array(n);
  }

  /** Call before the update with the current x. */
  hold(x: Float64Array): void {
    this.before.set(x);
  }

  /** Call after the update: x is the new state, ∇f = e^{logScale}·h the gradient the update used. */
  observe(x: Float64Array, h: Float64Array, logScale: number, firstUpdate: boolean): void {
    const { q, learningRate: eta, before } = this;
    let lo = Infinity, hi = -Infinity;
    for (let c = 0; c < x.length; c++) {
      const dx = Math.abs(x[c] - before[c]);
      if (h[c] === 0 || dx === 0) continue;
      // |∇f|^{q−1} in logs: the exponential loss's gradient underflows long before its direction does.
      const m = dx / (eta * Math.exp((q - 1) * (Math.log(Math.abs(h[c])) + logScale)));
      if (!Number.isFinite(m)) continue;
      lo = Math.min(lo, m);
      hi = Math.max(hi, m);
      const mid = 0.5 * Math.abs(x[c] + before[c]);
      if (dx <= MAX_RELATIVE_CHANGE * mid && dx >= MIN_RELATIVE_CHANGE * mid) this.push(mid, m);
    }
    if (lo === Infinity) return;
    this.min = Math.min(this.min, lo);
    if (firstUpdate) this.first = [lo, hi];
  }

  private push(x: number, m: number): void {
    if (this.xs.length >= HELD_SAMPLES) {
      this.xs = this.xs.filter((_, i) => i % 2 === 0);
      this.ms = this.ms.filter((_, i) => i % 2 === 0);
    }
    this.xs.push(x);
    this.ms.push(m);
  }

  summary(): MetricSummary {
    const order = this.xs.map((_, i) => i).sort((a, b) => this.xs[a] - this.xs[b]);
    const stride = Math.max(1, order.length / KEPT_SAMPLES);
    const kept: number[] = [];
    for (let k = 0; k < order.length; k += stride) kept.push(order[Math.floor(k)]);
    if (order.length > 0 && kept.at(-1) !== order.at(-1)) kept.push(order.at(-1) as number);
    return {
      metricSampleX: kept.map((i) => this.xs[i]),
      metricSampleM: kept.map((i) => this.ms[i]),
      firstUpdateInverseMetricMin: this.first?.[0] ?? null,
      firstUpdateInverseMetricMax: this.first?.[1] ?? null,
      minInverseMetric: Number.isFinite(this.min) ? this.min : null,
    };
  }
}
