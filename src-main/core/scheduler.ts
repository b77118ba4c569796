// Runs family tasks on a piscina pool. Owns the queue, cancellation and progress/ETA bookkeeping;
// knows nothing of SQLite: chunks and outcomes go to the callbacks the service gives it.
import { MessageChannel } from 'node:worker_threads';
import type { RunOutcome, RunBatchTask, WorkerMessage, HostMessage, AnalyzeTask } from '../../workers/pool-worker';
import type { DeviceUsed, MetricChunk } from '../../workers/family';
import type { FamilySource } from '../../workers/families/sources';
import type { GpuProbe } from '../../workers/compute/select';
import { closeLoadedPool, createRunPool, defaultPoolSize, Piscina, withErrorListener, type PrestartedPool } from './run-pool';
import { checkOutcome } from './run-outcome';

export interface Job {
  runId: number;
  family: string;
  /** For a family that is not built in: where the worker loads it from. */
  source?: FamilySource;
  params: Record<string, unknown>;
  seed: number;
  /** The run's own kept folder for files it writes (core/artifacts.ts). */
  artifactsDir?: string;
  /** The run's id in its project (SADDLE_RUN_ID): runId, except in a Slurm task's shard. */
  projectRunId?: number;
}

export interface ChunkOut {
  runId: number;
  metric: string;
  x: Float64Array;
  y: Float64Array;
}

export interface SchedulerHooks {
  onStarted(runId: number, atMs: number): void;
  onChunk(chunk: ChunkOut): void;
  onProgress(runId: number, fraction: number, etaMs: number | null): void;
  onDevice(runId: number, used: DeviceUsed): void;
  /** Text a run keeps (a script family's stderr). */
  onLog?(runId: number, text: string): void;
  /** outcome.status 'failed' carries the worker's exception message. */
  onFinished(runId: number, outcome: FinishedOutcome): void;
}

export type FinishedOutcome =
  | RunOutcome
  | { status: 'failed'; error: string; summary: null; theory: [] }
  | { status: 'cancelled'; error: string; summary: null; theory: [] };

export interface SchedulerOptions {
  workerFile: string;
  /** Threads in the pool; default cores − 1, at least 1. */
  poolSize?: number;
  /** How long a cooperative cancel may take before the worker thread is terminated. */
  cancelGraceMs?: number;
  /** A pool the host started early (the CLI), taken over when it fits. */
  prestarted?: PrestartedPool;
}

/** A run waiting in the queue or out in a batch. */
interface Active {
  job: Job;
  cancelled: boolean;
  startedAtMs?: number;
  deviceReported: boolean;
  /**
   * On a GPU: never terminated by force. Terminating a thread inside a pending WebGPU call aborts
   * the whole process (a limit of the native addon), so GPU runs only stop cooperatively.
   */
  onGpu: boolean;
  batch: Batch | null;
  settle: () => void;
}

/** Runs handed to one thread in one task, sharing one channel that exists while the task does. */
interface Batch {
  port: MessageChannel['port1'];
  abort: AbortController;
  /** Runs of the batch without an outcome yet. */
  open: Set<Active>;
  /** From 'batchEnd': how many runs came back unstarted, and the thread's time on the rest. */
  returned: number;
  busyMs: number;
  /** Terminated to stop a run that ignored its cancel: the runs it had not started go back to the queue. */
  forced: boolean;
}

/** Most runs in one task: a sweep of short runs pays one thread hop per batch, not per run. */
const maxBatchRuns = 64;
/**
 * A batch holds about this much work by the runs measured so far, and its thread stops taking runs
 * after this long (see RunBatchTask): a long run holds up few others, and the threads stay even.
 */
const batchBudgetMs = 20;

export class Scheduler {
  readonly poolSize: number;
  private readonly pool: Piscina;
  /** A thread for the WebGPU probe, so the host process never loads the addon. */
  private readonly probePool: Piscina;
  private readonly active = new Map<number, Active>();
  /** Runs not yet handed to a thread, in order; they hold no channel or task (memory flat in the queue's length). */
  private queue: Active[] = [];
  private batchesInFlight = 0;
  /** Milliseconds a run has taken of late, as the threads measured their batches; null before the first. */
  private runMsEstimate: number | null = null;
  private dispatchQueued = false;
  private readonly cancelGraceMs: number;
  /** Why the pool has no thread left (its worker file failed to load): every run fails with it. */
  private poolFailure: string | null = null;
  /** Whether any task went to the run pool: a thread that ran one has loaded. */
  private poolUsed = false;
  /** A built-in family a thread is loading ahead of its runs (preload); close() waits for it. */
  private preloading: { done: Promise<void>; abort: AbortController } | null = null;

  constructor(options: SchedulerOptions, private readonly hooks: SchedulerHooks) {
    this.poolSize = Math.max(1, Math.floor(options.poolSize ?? defaultPoolSize()));
    this.cancelGraceMs = options.cancelGraceMs ?? 2000;
    this.pool = options.prestarted?.take(options.workerFile, this.poolSize) ?? createRunPool(options.workerFile, this.poolSize);
    // piscina starts no new thread after one failed while loading, and queued tasks would wait for ever.
    this.pool.on('error', (error: unknown) => {
      if (this.pool.threads.length === 0) this.failPool(describe(error));
    });
    if (this.pool.threads.length === 0) this.poolFailure = 'the run worker failed to start';
    this.probePool = withErrorListener(
      new Piscina({ filename: options.workerFile, minThreads: 0, maxThreads: 1, idleTimeout: 30_000 }),
    );
  }

  /** Queues a run; resolves once its outcome has been handed to onFinished. */
  submit(job: Job): Promise<void> {
    return new Promise((settle) => {
      const entry: Active = { job, cancelled: false, deviceReported: false, onGpu: false, batch: null, settle };
      this.active.set(job.runId, entry);
      this.queue.push(entry);
      this.scheduleDispatch();
    });
  }

  /** Cancels queued runs at once; running ones are asked to stop, then terminated after a grace period. */
  cancel(runIds: number[]): number {
    let count = 0;
    const dropped = new Set<Active>();
    for (const runId of runIds) {
      const entry = this.active.get(runId);
      if (!entry || entry.cancelled) continue;
      entry.cancelled = true;
      count++;
      const batch = entry.batch;
      if (!batch) {
        dropped.add(entry);
        continue;
      }
      batch.port.postMessage({ type: 'cancel', runId } satisfies HostMessage);
      // Not started: it ends now, whatever its thread is busy with (the worker skips it, or its
      // messages, if it started meanwhile, are ignored).
      if (entry.startedAtMs === undefined) {
        dropped.add(entry);
        continue;
      }
      if (!entry.onGpu) {
        setTimeout(() => {
          if (!batch.open.has(entry)) return;
          batch.forced = true;
          batch.abort.abort();
        }, this.cancelGraceMs).unref();
      }
    }
    if (dropped.size > 0) {
      if (this.queue.some((entry) => dropped.has(entry))) this.queue = this.queue.filter((entry) => !dropped.has(entry));
      for (const entry of dropped) {
        entry.batch?.open.delete(entry);
        entry.batch = null;
      }
      // Settled after the call, as a run that ends by itself: the caller is not re-entered.
      queueMicrotask(() => {
        for (const entry of dropped) this.finish(entry, cancelledOutcome());
      });
    }
    return count;
  }

  /**
   * Has a thread load a built-in family now, so its first run does not wait for the family's
   * modules (the CLI's `run` asks while it opens the project). A family that does not load fails
   * its runs, which say why.
   */
  preload(family: string): void {
    if (this.preloading || this.poolFailure !== null) return;
    const abort = new AbortController();
    const done = this.pool.run({ family }, { name: 'preload', signal: abort.signal }).then(
      () => undefined,
      () => undefined,
    );
    this.preloading = { done, abort };
  }

  /** The family's analyses as JSON text (see pool-worker's analyze). */
  analyze(task: AnalyzeTask): Promise<string> {
    this.poolUsed = true;
    return this.pool.run(task, { name: 'analyze' }) as Promise<string>;
  }

  probeGpu(): Promise<GpuProbe> {
    return this.probePool.run({}, { name: 'probeGpu' }) as Promise<GpuProbe>;
  }

  async close(): Promise<void> {
    this.cancel([...this.active.keys()]);
    await this.probePool.destroy();
    // A thread ended while it loads ESM aborts the process: the preload is let finish.
    await this.preloading?.done;
    // A host that closes before any run (a project that does not open) may find the run thread
    // still loading: ended then, it aborts the process. (Once a task has run, or the worker file
    // failed to load, piscina would never answer the wait.)
    if (this.poolUsed || this.poolFailure !== null) await this.pool.destroy();
    else await closeLoadedPool(this.pool);
  }

  /** Dispatch waits for the end of the current tick: a sweep submitted in a loop goes out in batches. */
  private scheduleDispatch(): void {
    if (this.dispatchQueued) return;
    this.dispatchQueued = true;
    queueMicrotask(() => {
      this.dispatchQueued = false;
      this.dispatch();
    });
  }

  /**
   * One batch per thread, sized to about batchBudgetMs of runs as measured so far (one run before
   * any has been measured), and never more than an even share of the queue.
   */
  private dispatch(): void {
    if (this.poolFailure !== null) {
      const failed = this.queue;
      this.queue = [];
      for (const entry of failed) this.finish(entry, this.failedOutcome(this.poolFailure));
      return;
    }
    while (this.batchesInFlight < this.poolSize && this.queue.length > 0) {
      const byTime = this.runMsEstimate === null ? 1 : Math.floor(batchBudgetMs / Math.max(this.runMsEstimate, 1e-3));
      const size = Math.max(1, Math.min(maxBatchRuns, byTime, Math.ceil(this.queue.length / this.poolSize)));
      void this.runBatch(this.queue.splice(0, size));
    }
  }

  private failPool(reason: string): void {
    if (this.poolFailure !== null) return;
    this.poolFailure = `the run worker could not start: ${reason}`;
    this.preloading?.abort.abort();
    for (const entry of this.active.values()) entry.batch?.abort.abort();
    this.dispatch();
  }

  private failedOutcome(error: string): FinishedOutcome {
    return { status: 'failed', error, summary: null, theory: [] };
  }

  private noteBatchTime(ms: number, runs: number): void {
    if (runs === 0) return;
    const perRun = ms / runs;
    this.runMsEstimate = this.runMsEstimate === null ? perRun : (this.runMsEstimate + perRun) / 2;
  }

  private async runBatch(entries: Active[]): Promise<void> {
    this.batchesInFlight++;
    const channel = new MessageChannel();
    const batch: Batch = { port: channel.port1, abort: new AbortController(), open: new Set(entries), returned: 0, busyMs: 0, forced: false };
    for (const entry of entries) entry.batch = batch;
    const byRunId = new Map(entries.map((entry) => [entry.job.runId, entry]));
    // The task's result and the port's messages travel apart: the batch is over at 'batchEnd' (or
    // when a terminated thread closes the port), not when the task settles.
    const ended = new Promise<void>((resolve) => {
      channel.port1.on('message', (message: WorkerMessage) => {
        if (message.type === 'batchEnd') {
          batch.returned = message.returned.length;
          batch.busyMs = message.busyMs;
          resolve();
          return;
        }
        const entry = byRunId.get(message.runId);
        if (entry && batch.open.has(entry)) this.onMessage(entry, message);
      });
      channel.port1.once('close', () => resolve());
    });
    const task: RunBatchTask = {
      runs: entries.map(({ job }) => ({ runId: job.runId, family: job.family, source: job.source, params: job.params, seed: job.seed, artifactsDir: job.artifactsDir, projectRunId: job.projectRunId })),
      port: channel.port2,
      budgetMs: batchBudgetMs,
    };
    let failure: unknown = null;
    try {
      this.poolUsed = true;
      await this.pool.run(task, { transferList: [channel.port2], signal: batch.abort.signal });
    } catch (error) {
      failure = error;
    }
    const anyStarted = entries.some((entry) => entry.startedAtMs !== undefined);
    try {
      // A thread that never loaded has nothing in flight; otherwise every message of the batch is
      // handled before its runs are settled (a terminated thread closes the port at once).
      if (failure === null || anyStarted) await withTimeout(ended, 5000);
      this.noteBatchTime(batch.busyMs, entries.length - batch.returned);
    } finally {
      channel.port1.close();
      this.batchesInFlight--;
    }
    const requeue: Active[] = [];
    for (const entry of batch.open) {
      entry.batch = null;
      if (entry.cancelled) this.finish(entry, cancelledOutcome());
      else if (this.poolFailure !== null) this.finish(entry, this.failedOutcome(this.poolFailure));
      else if (entry.startedAtMs !== undefined || (failure !== null && !anyStarted && !batch.forced)) {
        // The run that was going when the thread died; or a thread that failed before any run started.
        this.finish(entry, this.failedOutcome(failure === null ? 'the worker ended without a result' : describe(failure)));
      } else requeue.push(entry);
    }
    this.queue.unshift(...requeue);
    this.dispatch();
  }

  private onMessage(entry: Active, message: Exclude<WorkerMessage, { type: 'batchEnd' }>): void {
    const runId = entry.job.runId;
    switch (message.type) {
      case 'started':
        entry.startedAtMs = Date.now();
        this.hooks.onStarted(runId, entry.startedAtMs);
        return;
      case 'chunks':
        this.forwardChunks(runId, message.chunks);
        return;
      case 'log':
        this.hooks.onLog?.(runId, message.text);
        return;
      case 'device':
        entry.onGpu = message.used.device === 'gpu';
        entry.deviceReported = true;
        this.hooks.onDevice(runId, message.used);
        return;
      case 'progress':
        this.onProgress(entry, message.fraction);
        return;
      case 'end':
        if (message.chunks) this.forwardChunks(runId, message.chunks);
        if (message.progress !== undefined) this.onProgress(entry, message.progress);
        this.finish(entry, finishedOutcome(message));
    }
  }

  private forwardChunks(runId: number, chunks: readonly MetricChunk[]): void {
    for (const { metric, x, y } of chunks) this.hooks.onChunk({ runId, metric, x, y });
  }

  private onProgress(entry: Active, fraction: number): void {
    const elapsed = Date.now() - (entry.startedAtMs ?? Date.now());
    const eta = fraction > 0.02 ? (elapsed * (1 - fraction)) / fraction : null;
    this.hooks.onProgress(entry.job.runId, fraction, eta);
  }

  private finish(entry: Active, outcome: FinishedOutcome): void {
    entry.batch?.open.delete(entry);
    entry.batch = null;
    this.active.delete(entry.job.runId);
    // Families without a compute backend never report one: they ran in plain TypeScript, on the CPU.
    if (!entry.deviceReported && (outcome.status === 'done' || outcome.status === 'diverged')) {
      this.hooks.onDevice(entry.job.runId, { device: 'cpu', adapterName: null, notice: null });
    }
    try {
      this.hooks.onFinished(entry.job.runId, outcome);
    } finally {
      entry.settle();
    }
  }
}

/** A run's outcome as its 'end' says: the worker's reply crosses a thread boundary and is checked here, once. */
function finishedOutcome(message: Extract<WorkerMessage, { type: 'end' }>): FinishedOutcome {
  if (message.error !== undefined) return { status: 'failed', error: message.error, summary: null, theory: [] };
  try {
    // A NaN in a summary fails its run (checkOutcome names the field).
    return checkOutcome(message.outcome);
  } catch (error) {
    return { status: 'failed', error: describe(error), summary: null, theory: [] };
  }
}

function cancelledOutcome(): FinishedOutcome {
  return { status: 'cancelled', error: 'cancelled by the user', summary: null, theory: [] };
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
