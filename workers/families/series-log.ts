// The metrics a run records, as named columns over one shared x axis: kept whole, since a family's
// summary and plateau detection read them back, and sent to the dashboard while they grow. The new
// tail of every column goes out as one chunk per metric once enough records have piled up or enough
// time has passed, so charts fill in live while the number of stored chunks stays bounded.
import type { RunContext } from '../family';

export interface FlushPolicy {
  /** Emit once this many records are waiting. */
  records?: number;
  /** Emit once the last chunk is this old (a run with ~100 metrics makes ~100 rows per chunk). */
  ms?: number;
}

export class SeriesLog {
  readonly x: number[] = [];
  private readonly columns = new Map<string, number[]>();
  private emitted = 0;
  private lastFlush = performance.now();

  constructor(
    private readonly ctx: RunContext,
    private readonly policy: FlushPolicy,
  ) {}

  /** Opens the record at x: values put until the next call belong to it. */
  next(x: number): void {
    this.x.push(x);
  }

  /** Sets a metric of the open record. A metric left out of a record (e.g. a margin that is
   * undefined at x = 0) holds NaN there and is left out of its chunk. */
  put(metric: string, value: number): void {
    let column = this.columns.get(metric);
    if (!column) {
      column = [];
      this.columns.set(metric, column);
    }
    while (column.length < this.x.length - 1) column.push(NaN);
    column[this.x.length - 1] = value;
  }

  get(metric: string): readonly number[] {
    return this.columns.get(metric) ?? [];
  }

  last(metric: string): number | null {
    const column = this.columns.get(metric);
    return column && column.length > 0 ? column[column.length - 1] : null;
  }

  flushIfDue(): void {
    const waiting = this.x.length - this.emitted;
    const { records = Infinity, ms = Infinity } = this.policy;
    if (waiting > 0 && (waiting >= records || performance.now() - this.lastFlush >= ms)) this.flush();
  }

  /** Emits every record not yet sent; each chunk owns its arrays (the host transfers them). */
  flush(): void {
    const end = this.x.length;
    if (end === this.emitted) return;
    const xs = this.x.slice(this.emitted, end);
    for (const [metric, column] of this.columns) {
      const x: number[] = [], y: number[] = [];
      for (let i = this.emitted; i < Math.min(end, column.length); i++) {
        if (Number.isNaN(column[i])) continue;
        x.push(xs[i - this.emitted]);
        y.push(column[i]);
      }
      if (y.length > 0) this.ctx.emit({ metric, x: Float64Array.from(x), y: Float64Array.from(y) });
    }
    this.emitted = end;
    this.lastFlush = performance.now();
  }
}
