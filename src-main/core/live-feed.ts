// Compact live updates for the windows: metric points are gathered per run and metric and sent a
// few times a second, downsampled, and run-status changes are gathered per tick and sent as one
// event, so a fast sweep cannot flood the renderer.
import { downsample } from '../../workers/numeric/downsample';
import type { RunStatusChange } from '../contract/api';

export interface LivePoints {
  runId: number;
  metric: string;
  x: number[];
  y: number[];
}

export class LiveFeed {
  private pending = new Map<string, { runId: number; metric: string; x: number[]; y: number[] }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly send: (points: LivePoints) => void,
    private readonly intervalMs = 250,
    private readonly maxPointsPerFlush = 200,
  ) {}

  push(runId: number, metric: string, x: Float64Array, y: Float64Array): void {
    const key = `${runId}\u0000${metric}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { runId, metric, x: [], y: [] };
      this.pending.set(key, entry);
    }
    for (let i = 0; i < x.length; i++) {
      entry.x.push(x[i]);
      entry.y.push(y[i]);
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const entry of batch) {
      const reduced = downsample(Float64Array.from(entry.x), Float64Array.from(entry.y), this.maxPointsPerFlush);
      this.send({ runId: entry.runId, metric: entry.metric, x: Array.from(reduced.x), y: Array.from(reduced.y) });
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}

/**
 * Run-status changes of one tick of the host, sent together and in order: runs of a sweep end in
 * bursts, and a window pays per message, not per change.
 */
export class StatusBatch {
  private pending: RunStatusChange[] = [];
  private tick: NodeJS.Immediate | null = null;

  constructor(private readonly send: (changes: RunStatusChange[]) => void) {}

  push(change: RunStatusChange): void {
    this.pending.push(change);
    this.tick ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.tick) clearImmediate(this.tick);
    this.tick = null;
    if (this.pending.length === 0) return;
    const changes = this.pending;
    this.pending = [];
    this.send(changes);
  }

  dispose(): void {
    if (this.tick) clearImmediate(this.tick);
    this.tick = null;
    this.pending = [];
  }
}
