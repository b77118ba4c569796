// Gathers the writes of runs in progress (start, device, metric chunks, outcome) and commits them
// in few SQLite transactions: the main process is the single writer, and a sweep of short runs
// committed four times per run, which capped it far below the pool's output. A commit writes
// every page it touched whole (16 KB), and runs finishing together touch the same few pages (the
// runs table's, the series index's): the fewer commits, the less is written per run. What is announced
// to the windows may be up to delayMs ahead of the file; the service flushes before it reads.
import type { ProjectStore, RunOutcome, RunWrite } from './store/project-store';
import type { ChunkOut } from './scheduler';

export class RunWriter {
  private pending: RunWrite[] = [];
  private pendingPoints = 0;
  private timer: NodeJS.Timeout | null = null;

  /** Set when a commit failed: later writes are dropped until reset (the service ends the sweep). */
  private failed = false;

  constructor(
    private readonly store: () => ProjectStore,
    /** Told of a commit that failed (a full disk); flush then returns without throwing, also from its timer. */
    private readonly onFailure: (error: unknown) => void,
    /** 30 ms held 3 runs a commit on a loaded machine (the pace of runs is wall time, not CPU). */
    private readonly delayMs = 200,
    private readonly maxPoints = 250_000,
    private readonly maxWrites = 20_000,
  ) {}

  started(runId: number, atMs: number): void {
    this.add({ kind: 'started', runId, atMs });
  }

  device(runId: number, device: string): void {
    this.add({ kind: 'device', runId, device });
  }

  chunk(chunk: ChunkOut): void {
    this.pendingPoints += chunk.x.length;
    this.add({ kind: 'chunk', chunk });
  }

  finished(runId: number, outcome: RunOutcome): void {
    this.add({ kind: 'finished', runId, outcome });
  }

  /** Commits what is pending, in one transaction. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingPoints = 0;
    if (this.failed) return;
    try {
      this.store().applyRunWrites(batch);
    } catch (error) {
      this.failed = true;
      this.onFailure(error);
    }
  }

  /** A new project: writes are committed again. */
  reset(): void {
    this.failed = false;
  }

  private add(write: RunWrite): void {
    this.pending.push(write);
    if (this.pendingPoints >= this.maxPoints || this.pending.length >= this.maxWrites) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }
}
