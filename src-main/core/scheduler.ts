// Runs family tasks on a piscina pool. Owns the queue, cancellation and progress/ETA bookkeeping;
// knows nothing of SQLite: chunks and outcomes go to the callbacks the service gives it.
import { MessageChannel } from 'node:worker_threads';
import Piscina from 'piscina';
import type { RunOutcome, RunTask, WorkerMessage, AnalyzeTask, DownsampleTask } from '../../workers/pool-worker';
import type { DeviceUsed } from '../../workers/family';
import type { FamilySource } from '../../workers/families/sources';
import type { GpuProbe } from '../../workers/compute/select';
import { unpackSeries, type XY } from '../../workers/numeric/downsample';
import type { AnalysisResult } from '../contract';
import { defaultPoolSize, takeRunPool, withErrorListener } from './run-pool';
import { checkOutcome } from './run-outcome';

export interface Job {
  runId: number;
  family: string;
  /** For a family that is not built in: where the worker loads it from. */
  source?: FamilySource;
  params: Record<string, unknown>;
  seed: number;
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
}

interface Active {
  job: Job;
  abort: AbortController;
  port?: MessageChannel['port1'];
  startedAtMs?: number;
  cancelled: boolean;
  deviceReported: boolean;
  /**
   * On a GPU: never terminated by force. Terminating a thread inside a pending WebGPU call aborts
   * the whole process (a limit of the native addon), so GPU runs only stop cooperatively.
   */
  onGpu: boolean;
}

export class Scheduler {
  readonly poolSize: number;
  private readonly pool: Piscina;
  /** One thread for display work, so panels stay quick while every run thread is busy. */
  private readonly viewPool: Piscina;
  private readonly active = new Map<number, Active>();
  private readonly cancelGraceMs: number;

  constructor(options: SchedulerOptions, private readonly hooks: SchedulerHooks) {
    this.poolSize = Math.max(1, Math.floor(options.poolSize ?? defaultPoolSize()));
    this.cancelGraceMs = options.cancelGraceMs ?? 2000;
    this.pool = takeRunPool(options.workerFile, this.poolSize);
    this.viewPool = withErrorListener(
      new Piscina({ filename: options.workerFile, minThreads: 0, maxThreads: 1, idleTimeout: 30_000 }),
    );
  }

  submit(job: Job): Promise<void> {
    const entry: Active = { job, abort: new AbortController(), cancelled: false, deviceReported: false, onGpu: false };
    this.active.set(job.runId, entry);
    return this.execute(entry);
  }

  /** Cancels queued runs at once; running ones are asked to stop, then terminated after a grace period. */
  cancel(runIds: number[]): number {
    let count = 0;
    for (const runId of runIds) {
      const entry = this.active.get(runId);
      if (!entry || entry.cancelled) continue;
      entry.cancelled = true;
      count++;
      if (entry.port && entry.startedAtMs !== undefined) {
        entry.port.postMessage({ type: 'cancel' });
        if (!entry.onGpu) setTimeout(() => entry.abort.abort(), this.cancelGraceMs).unref();
      } else {
        entry.abort.abort();
      }
    }
    return count;
  }

  analyze(task: AnalyzeTask): Promise<AnalysisResult[]> {
    return this.pool.run(task, { name: 'analyze' }) as Promise<AnalysisResult[]>;
  }

  /** Min/max-bucket downsampling of many series in the view thread; the inputs are transferred (unusable after). */
  async downsample(task: DownsampleTask): Promise<XY[]> {
    const transferList = task.series.flatMap(({ x, y }) => [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer]);
    const packed = (await this.viewPool.run(task, { name: 'downsampleSeries', transferList })) as Float64Array;
    return unpackSeries(packed);
  }

  probeGpu(): Promise<GpuProbe> {
    return this.viewPool.run({}, { name: 'probeGpu' }) as Promise<GpuProbe>;
  }

  async close(): Promise<void> {
    this.cancel([...this.active.keys()]);
    await this.viewPool.destroy();
    await this.pool.destroy();
  }

  private async execute(entry: Active): Promise<void> {
    const { job } = entry;
    const channel = new MessageChannel();
    const task: RunTask = { family: job.family, source: job.source, params: job.params, seed: job.seed, port: channel.port2 };
    entry.port = channel.port1;
    // The result and the chunks travel on different ports, so their order is not guaranteed:
    // the worker ends its port with 'end' and we wait for it before calling the run finished.
    const drained = new Promise<void>((resolve) => {
      channel.port1.on('message', (message: WorkerMessage) => {
        if (message.type !== 'end') {
          this.onMessage(entry, message);
          return;
        }
        if (message.chunks) this.onMessage(entry, { type: 'chunks', chunks: message.chunks });
        if (message.progress !== undefined) this.onMessage(entry, { type: 'progress', fraction: message.progress });
        resolve();
      });
      channel.port1.once('close', () => resolve());
    });
    let outcome: FinishedOutcome;
    try {
      // A worker's reply crosses a thread boundary: checked here, so a NaN in a summary fails its run.
      outcome = checkOutcome(await this.pool.run(task, { transferList: [channel.port2], signal: entry.abort.signal }));
    } catch (error) {
      outcome = entry.cancelled
        ? { status: 'cancelled', error: 'cancelled by the user', summary: null, theory: [] }
        : { status: 'failed', error: describe(error), summary: null, theory: [] };
    }
    // A run cancelled in the queue never reached a worker: its port never opens, nothing can arrive.
    const reachedWorker = !(entry.cancelled && entry.startedAtMs === undefined);
    // A failed run drains too: its 'started' and chunks must not arrive after it is called finished.
    // (A terminated thread closes the port, which ends the wait at once.)
    try {
      if (reachedWorker) await withTimeout(drained, 5000);
    } finally {
      channel.port1.close();
      this.active.delete(job.runId);
    }
    // Families without a compute backend never report one: they ran in plain TypeScript, on the CPU.
    if (!entry.deviceReported && (outcome.status === 'done' || outcome.status === 'diverged')) {
      this.hooks.onDevice(job.runId, { device: 'cpu', adapterName: null, notice: null });
    }
    this.hooks.onFinished(job.runId, outcome);
  }

  private onMessage(entry: Active, message: Exclude<WorkerMessage, { type: 'end' }>): void {
    if (message.type === 'started') {
      entry.startedAtMs = Date.now();
      this.hooks.onStarted(entry.job.runId, entry.startedAtMs);
      return;
    }
    if (message.type === 'chunks') {
      for (const { metric, x, y } of message.chunks) this.hooks.onChunk({ runId: entry.job.runId, metric, x, y });
      return;
    }
    if (message.type === 'log') {
      this.hooks.onLog?.(entry.job.runId, message.text);
      return;
    }
    if (message.type === 'device') {
      entry.onGpu = message.used.device === 'gpu';
      entry.deviceReported = true;
      this.hooks.onDevice(entry.job.runId, message.used);
      return;
    }
    const elapsed = Date.now() - (entry.startedAtMs ?? Date.now());
    const eta = message.fraction > 0.02 ? (elapsed * (1 - message.fraction)) / message.fraction : null;
    this.hooks.onProgress(entry.job.runId, message.fraction, eta);
  }
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
