// Batches metric chunks from the workers into few SQLite transactions: the main process is the
// single writer, and one transaction per chunk would cap ingest far below the pool's output.
import type { ProjectStore } from './store/project-store';
import type { ChunkOut } from './scheduler';

export class ChunkWriter {
  private pending: ChunkOut[] = [];
  private pendingPoints = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: () => ProjectStore,
    private readonly delayMs = 30,
    private readonly maxPoints = 250_000,
  ) {}

  push(chunk: ChunkOut): void {
    this.pending.push(chunk);
    this.pendingPoints += chunk.x.length;
    if (this.pendingPoints >= this.maxPoints) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingPoints = 0;
    this.store().appendChunks(batch);
  }
}
