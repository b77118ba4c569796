// Compact live updates for the windows: metric points are gathered per run and metric and sent a
// few times a second, downsampled, so a fast sweep cannot flood the renderer.
import { downsample } from '../../workers/numeric/downsample';

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
