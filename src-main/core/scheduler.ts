// Runs family tasks on a piscina pool. Owns the queue, cancellation and progress/ETA bookkeeping;
// knows nothing of SQLite: chunks and outcomes go to the callbacks the service gives it.
import { MessageChannel } from 'node:worker_threads';
import Piscina from 'piscina';
import type { RunOutcome, WorkerMessage, AnalyzeTask, DownsampleTask } from '../../workers/pool-worker';
import type { LaneHostMessage, LaneMessage, LaneTask } from '../../workers/lane';
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
  lane?: Lane;
  startedAtMs?: number;
  cancelled: boolean;
  /** onFinished has been called (a cancelled run is finished before its lane is done with it). */
  finished: boolean;
  deviceReported: boolean;
  /**
   * On a GPU: never terminated by force. Terminating a thread inside a pending WebGPU call aborts
   * the whole process (a limit of the native addon), so GPU runs only stop cooperatively.
   */
  onGpu: boolean;
  resolve(): void;
}

/** One piscina task running runs in turn on one thread (workers/lane.ts), fed over one port. */
interface Lane {
  port: MessageChannel['port1'];
  /** Handed to the lane and not yet ended by it, in the order handed. */
  runs: Map<number, Active>;
  abort: AbortController;
  closing: boolean;
}

/** Runs a lane holds at once: the one running and the next, so the thread never waits for the host. */
const laneDepth = 2;

export class Scheduler {
  readonly poolSize: number;
  private readonly pool: Piscina;
  /** One thread for display work, so panels stay quick while every run thread is busy. */
  private readonly viewPool: Piscina;
  private readonly active = new Map<number, Active>();
  /** Submitted, not yet handed to a lane, in order. */
  private readonly queue: Active[] = [];
  private readonly lanes = new Set<Lane>();
  private readonly cancelGraceMs: number;

  constructor(options: SchedulerOptions, private readonly hooks: SchedulerHooks) {
    this.poolSize = Math.max(1, Math.floor(options.poolSize ?? defaultPoolSize()));
    this.cancelGraceMs = options.cancelGraceMs ?? 2000;
    this.pool = takeRunPool(options.workerFile, this.poolSize);
    this.viewPool = withErrorListener(
      new Piscina({ filename: options.workerFile, minThreads: 0, maxThreads: 1, idleTimeout: 30_000 }),
    );
  }

  /** Resolves once the run is finished (onFinished called). */
  submit(job: Job): Promise<void> {
    return new Promise((resolve) => {
      const entry: Active = { job, cancelled: false, finished: false, deviceReported: false, onGpu: false, resolve };
      this.active.set(job.runId, entry);
      this.queue.push(entry);
      this.pump();
    });
  }

  /**
   * Queued runs, and runs handed to a lane that have not started, end at once; running ones are
   * asked to stop, and their lane's thread is terminated after a grace period (never on a GPU).
   */
  cancel(runIds: number[]): number {
    let count = 0;
    for (const runId of runIds) {
      const entry = this.active.get(runId);
      if (!entry || entry.cancelled) continue;
      entry.cancelled = true;
      count++;
      if (!entry.lane) {
        this.queue.splice(this.queue.indexOf(entry), 1);
      } else {
        entry.lane.port.postMessage({ type: 'cancel', runId } satisfies LaneHostMessage);
        if (entry.startedAtMs !== undefined) {
          this.terminateAfterGrace(entry);
          continue;
        }
      }
      this.finish(entry, cancelledOutcome());
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

  /** Tops every lane up to laneDepth runs, opens lanes up to the pool's size, and closes idle ones. */
  private pump(): void {
    for (const lane of this.lanes) {
      if (lane.closing) continue;
      while (lane.runs.size < laneDepth && this.queue.length > 0) this.hand(lane, this.queue.shift()!);
      if (lane.runs.size === 0 && !lane.closing) {
        lane.closing = true;
        lane.port.postMessage({ type: 'close' } satisfies LaneHostMessage);
      }
    }
    while (this.queue.length > 0 && [...this.lanes].filter((lane) => !lane.closing).length < this.poolSize) {
      const lane = this.openLane();
      while (lane.runs.size < laneDepth && this.queue.length > 0) this.hand(lane, this.queue.shift()!);
    }
  }

  private hand(lane: Lane, entry: Active): void {
    const { runId, family, source, params, seed } = entry.job;
    entry.lane = lane;
    lane.runs.set(runId, entry);
    lane.port.postMessage({ type: 'run', run: { runId, family, source, params, seed } } satisfies LaneHostMessage);
  }

  private openLane(): Lane {
    const channel = new MessageChannel();
    const lane: Lane = { port: channel.port1, runs: new Map(), abort: new AbortController(), closing: false };
    this.lanes.add(lane);
    const closed = new Promise<void>((resolve) => channel.port1.once('close', () => resolve()));
    channel.port1.on('message', (message: LaneMessage) => this.onLaneMessage(lane, message));
    const task: LaneTask = { port: channel.port2 };
    void this.pool
      .run(task, { name: 'lane', transferList: [channel.port2], signal: lane.abort.signal })
      .then(
        () => null,
        (error: unknown) => error,
      )
      // A lane's messages and its task's end travel apart: what it posted is read before its runs are settled.
      .then(async (error) => {
        await withTimeout(closed, 5000);
        channel.port1.close();
        this.endLane(lane, error);
      });
    return lane;
  }

  /**
   * Runs a lane still held when it ended (its thread terminated or lost). The first is the one it
   * was on: it fails with the lane (or ends cancelled), even if it had not said 'started' yet, so a
   * run that kills its thread early is not retried for ever. The others never started: they go
   * back to the front of the queue.
   */
  private endLane(lane: Lane, error: unknown): void {
    this.lanes.delete(lane);
    const back: Active[] = [];
    let first = true;
    for (const entry of lane.runs.values()) {
      const wasRunning = first;
      first = false;
      entry.lane = undefined;
      if (entry.finished) continue;
      if (entry.cancelled) this.finish(entry, cancelledOutcome());
      else if (wasRunning) this.finish(entry, failedOutcome(error ?? new Error('the worker ended before the run did')));
      else back.push(entry);
    }
    this.queue.unshift(...back);
    this.pump();
  }

  private onLaneMessage(lane: Lane, { runId, ...rest }: LaneMessage): void {
    const entry = lane.runs.get(runId);
    if (!entry) return;
    if (!('result' in rest)) {
      // A run finished as cancelled before it started has nothing more to say, unless it started anyway.
      if (!entry.finished) this.onMessage(entry, rest.message);
      else if (rest.message.type === 'started') this.terminateAfterGrace(entry);
      else if (rest.message.type === 'device') entry.onGpu = rest.message.used.device === 'gpu';
      return;
    }
    lane.runs.delete(runId);
    entry.lane = undefined;
    this.pump();
    if (entry.finished) return;
    const { message, result } = rest;
    if (message.chunks) this.onMessage(entry, { type: 'chunks', chunks: message.chunks });
    if (message.progress !== undefined) this.onMessage(entry, { type: 'progress', fraction: message.progress });
    let outcome: FinishedOutcome;
    if (!result.ok) outcome = entry.cancelled ? cancelledOutcome() : failedOutcome(new Error(result.error));
    else {
      try {
        // A worker's reply crosses a thread boundary: checked here, so a NaN in a summary fails its run.
        outcome = checkOutcome(result.outcome);
      } catch (error) {
        outcome = failedOutcome(error);
      }
    }
    this.finish(entry, outcome);
  }

  private terminateAfterGrace(entry: Active): void {
    setTimeout(() => {
      const lane = entry.lane;
      if (lane && !entry.onGpu) lane.abort.abort();
    }, this.cancelGraceMs).unref();
  }

  private finish(entry: Active, outcome: FinishedOutcome): void {
    const { runId } = entry.job;
    entry.finished = true;
    this.active.delete(runId);
    // Families without a compute backend never report one: they ran in plain TypeScript, on the CPU.
    if (!entry.deviceReported && (outcome.status === 'done' || outcome.status === 'diverged')) {
      this.hooks.onDevice(runId, { device: 'cpu', adapterName: null, notice: null });
    }
    try {
      this.hooks.onFinished(runId, outcome);
    } finally {
      entry.resolve();
    }
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
    const timer = setTimeout(resolve, ms).unref();
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

function cancelledOutcome(): FinishedOutcome {
  return { status: 'cancelled', error: 'cancelled by the user', summary: null, theory: [] };
}

function failedOutcome(error: unknown): FinishedOutcome {
  return { status: 'failed', error: describe(error), summary: null, theory: [] };
}
