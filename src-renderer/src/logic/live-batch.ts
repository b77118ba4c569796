// Live events gathered and applied once per animation frame: the page's cost then follows the
// frame rate, not the rate at which runs report. The folding is pure; `FrameBatch` only decides
// when a batch is applied.
import type { EventPayload, Run, RunStatus, RunStatusChange } from '../../../src-main/contract/api';

export type LivePoints = EventPayload<'run.points'>;

const activeStatuses: readonly RunStatus[] = ['queued', 'running'];

export function isActive(run: Pick<Run, 'status'>): boolean {
  return activeStatuses.includes(run.status);
}

/**
 * Applies status changes, in order, to the runs they name. Also says which runs went from queued
 * or running to an end here (for the sweep's rate) and which runs are not known (started elsewhere).
 */
export function applyStatusChanges(
  runs: ReadonlyMap<number, Run>,
  changes: readonly RunStatusChange[],
): { runs: Map<number, Run>; finished: number[]; unknown: number[] } {
  const next = new Map(runs);
  const finished: number[] = [];
  const unknown: number[] = [];
  for (const change of changes) {
    const run = next.get(change.runId);
    if (!run) {
      unknown.push(change.runId);
      continue;
    }
    if (isActive(run) && !isActive(change) && change.status !== 'submitted') finished.push(change.runId);
    next.set(change.runId, {
      ...run,
      status: change.status,
      progress: change.progress,
      error: change.error,
      summary: change.summary ?? run.summary,
    });
  }
  return { runs: next, finished, unknown };
}

/**
 * Whether no run would be queued or running once `pending` changes are applied to `runs`: the
 * batch that holds them ends what streams, and is worth showing at once (the sweep's "done").
 */
export function noneActiveAfter(runs: ReadonlyMap<number, Run>, pending: readonly RunStatusChange[]): boolean {
  const latest = new Map(pending.map((change) => [change.runId, change.status]));
  for (const run of runs.values()) if (isActive({ status: latest.get(run.id) ?? run.status })) return false;
  return true;
}

/**
 * `previous` when `next` holds the same items (by identity) in the same order, else `next`. A status
 * change copies its run but keeps its `params` object, so what is derived from the runs' parameters
 * (varying keys, colour scale) is then not recomputed for each batch of status events.
 */
export function sameItemsOr<T>(previous: readonly T[] | undefined, next: readonly T[]): readonly T[] {
  return previous !== undefined && previous.length === next.length && previous.every((item, i) => item === next[i]) ? previous : next;
}

/** Points of the same run and metric joined in arrival order, so each series is updated once. */
export function joinPoints(batches: readonly LivePoints[]): LivePoints[] {
  const joined = new Map<string, { runId: number; metric: string; x: number[]; y: number[] }>();
  for (const { runId, metric, x, y } of batches) {
    const key = `${runId}\u0000${metric}`;
    const entry = joined.get(key);
    if (entry) {
      entry.x.push(...x);
      entry.y.push(...y);
    } else joined.set(key, { runId, metric, x: [...x], y: [...y] });
  }
  return [...joined.values()];
}

/**
 * A sweep's time left from the rate at which its runs have been finishing (over the last `window`
 * finishes seen), or null before two have finished.
 */
export function sweepEtaMs(finishedAtMs: readonly number[], remaining: number, window = 20): number | null {
  if (remaining <= 0) return 0;
  const recent = finishedAtMs.slice(-window);
  if (recent.length < 2) return null;
  const spanMs = recent[recent.length - 1] - recent[0];
  return (spanMs / (recent.length - 1)) * remaining;
}

export interface FrameScheduler {
  /** Calls back once, on the first frame at least `delayMs` from now; the returned function cancels. */
  request(callback: () => void, delayMs: number): () => void;
  /** Calls back once what the page changed so far has been drawn (just after the next frame). */
  drawn(callback: () => void): void;
  now(): number;
}

/** Where frames stop (a hidden window), a batch still lands within this many milliseconds. */
const hiddenFallbackMs = 250;

/**
 * Calls back in a task of its own just after the next frame; the returned function cancels. Work
 * done there is painted with the frame after, and a key press that arrives meanwhile is handled
 * (and painted) first: inside the frame, as a requestAnimationFrame callback, it would hold up the
 * paint of that key press.
 */
export function afterNextFrame(callback: () => void): () => void {
  let task: ReturnType<typeof setTimeout> | null = null;
  const frame = requestAnimationFrame(() => (task = setTimeout(callback, 0)));
  return () => {
    cancelAnimationFrame(frame);
    if (task !== null) clearTimeout(task);
  };
}

/** Calls back just after the first frame at least `delayMs` from now (or without frames, a hidden page, soon after). */
function requestFrame(callback: () => void, delayMs: number): () => void {
  let cancelFrame: (() => void) | null = null;
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cancelFrame?.();
    clearTimeout(fallback);
    callback();
  };
  const fallback = setTimeout(once, delayMs + hiddenFallbackMs);
  const delay = setTimeout(() => (cancelFrame = afterNextFrame(once)), delayMs);
  return () => {
    done = true;
    clearTimeout(delay);
    clearTimeout(fallback);
    cancelFrame?.();
  };
}

/** Animation frames of the page: a batch is applied just after a frame (`afterNextFrame`). */
export const animationFrames: FrameScheduler = {
  request: requestFrame,
  drawn: (callback) => void requestFrame(callback, 0),
  now: () => performance.now(),
};

/** A fixed delay instead of frames: for changes that need not move more than a few times a second. */
export function everyMs(intervalMs: number): FrameScheduler {
  return {
    request(callback, delayMs) {
      const timer = setTimeout(callback, Math.max(intervalMs, delayMs));
      return () => clearTimeout(timer);
    },
    drawn: animationFrames.drawn,
    now: () => performance.now(),
  };
}

/**
 * Items gathered until the next frame and handed over together, in arrival order. Applying a batch
 * may take at most about 1/`costFactor` of the main thread: after a batch that cost c ms the next
 * waits (costFactor − 1)·c ms, so a page swamped with events applies bigger batches less often
 * instead of falling behind. A batch's cost runs until the frame that shows it has been drawn: the
 * page update it sets off, and the style, layout and paint of that frame, which on a big page cost
 * more than the script.
 */
export class FrameBatch<T> {
  private items: T[] = [];
  private cancel: (() => void) | null = null;
  private readyAtMs = -Infinity;
  /** Counts applied batches: only the latest one's cost sets the wait. */
  private applied = 0;
  /** The last batch is not drawn yet (its cost is not known): the next is asked for once it is. */
  private drawing = false;

  constructor(
    private readonly apply: (items: T[]) => void,
    private readonly frames: FrameScheduler = animationFrames,
    private readonly costFactor = 4,
  ) {}

  push(...items: T[]): void {
    this.items.push(...items);
    this.requestFlush();
  }

  /** What was gathered and not applied yet, in arrival order. */
  get pending(): readonly T[] {
    return this.items;
  }

  /**
   * What was gathered is applied on the next frame, not after the wait the last batch's cost set:
   * for a batch that ends the stream (no flood follows it to make room for).
   */
  hurry(): void {
    if (this.items.length === 0) return;
    this.cancel?.();
    this.cancel = this.frames.request(() => void this.flush(), 0);
  }

  /** Applies what was gathered now; resolves once the frame that shows it has been drawn. */
  async flush(): Promise<void> {
    this.cancel?.();
    this.cancel = null;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    const batch = ++this.applied;
    this.drawing = true;
    const started = this.frames.now();
    this.apply(items);
    await new Promise<void>((resolve) => this.frames.drawn(resolve));
    if (batch !== this.applied) return;
    const ended = this.frames.now();
    this.readyAtMs = ended + (this.costFactor - 1) * (ended - started);
    this.drawing = false;
    this.requestFlush();
  }

  /** Forgets what was gathered (the project changed under it). */
  clear(): void {
    this.cancel?.();
    this.cancel = null;
    this.items = [];
  }

  private requestFlush(): void {
    if (this.drawing || this.cancel || this.items.length === 0) return;
    this.cancel = this.frames.request(() => void this.flush(), Math.max(0, this.readyAtMs - this.frames.now()));
  }
}
