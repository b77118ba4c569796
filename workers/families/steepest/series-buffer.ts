// Recorded values of every metric at the steps of a schedule, emitted as the run goes so the
// dashboard fills live; each chunk owns its arrays (transferred, not copied). A run stores ~100
// series (one per feature), so chunks go out at most once a second: every chunk is a row to store.
import type { RunContext } from '../../family';

const FLUSH_INTERVAL_MS = 1000;

export class SeriesBuffer {
  private readonly values = new Map<string, Float64Array>();
  private emitted = 0;
  private lastFlush = performance.now();

  constructor(
    private readonly steps: Int32Array,
    private readonly ctx: RunContext,
  ) {}

  set(metric: string, index: number, value: number): void {
    let series = this.values.get(metric);
    if (!series) {
      // NaN marks a step where this metric was not recorded (e.g. a margin at x = 0).
      series = new Float64Array(this.steps.length).fill(NaN);
      this.values.set(metric, series);
    }
    series[index] = value;
  }

  /** Emits the records since the last chunk when the last one is a second old. */
  flushIfDue(filled: number): void {
    if (performance.now() - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush(filled);
  }

  flush(filled: number): void {
    if (filled <= this.emitted) return;
    const steps = this.steps.subarray(this.emitted, filled);
    for (const [metric, series] of this.values) {
      const y = series.slice(this.emitted, filled);
      const kept = y.filter((v) => !Number.isNaN(v));
      if (kept.length === 0) continue;
      const x = kept.length === y.length ? Float64Array.from(steps) : Float64Array.from(steps.filter((_, i) => !Number.isNaN(y[i])));
      this.ctx.emit({ metric, x, y: kept });
    }
    this.emitted = filled;
    this.lastFlush = performance.now();
  }
}
