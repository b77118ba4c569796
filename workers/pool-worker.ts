// The piscina worker: runs a batch of family runs one after another (default task) or a family's
// sweep analyses (`analyze`). Each run's chunks, progress and outcome go back over the batch's
// MessagePort, tagged with its run id; the arrays of a message travel in one transferred buffer.
import type { MessagePort } from 'node:worker_threads';
import { DivergedError, type DeviceUsed, type MetricChunk, type RunContext, type RunSummary, type TheorySeries } from './family';
import { loadBuiltInFamily } from './families/load';
import type { FamilySource } from './families/sources';
import { createRng } from './numeric/rng';
import type { GpuProbe } from './compute/select';
import type { AnalysisRunInput, FamilyDefinition } from './family';

/** One run as the host hands it over. */
export interface RunRequest {
  runId: number;
  family: string;
  /** Where a family that is not built in is loaded from (script folder or code module). */
  source?: FamilySource;
  params: unknown;
  seed: number;
  /** The run's own kept folder for files it writes (weights, checkpoints). */
  artifactsDir?: string;
  /** The run's id in its project when it differs from runId (a Slurm task's shard has ids of its own). */
  projectRunId?: number;
}

/**
 * Several runs for one thread: a sweep of short runs would otherwise pay a task, a channel and a
 * thread hop per run. Runs are taken in order until `budgetMs` has passed; the rest go back to the
 * host's queue (named in 'batchEnd'), so long runs still spread over the pool's threads.
 */
export interface RunBatchTask {
  runs: RunRequest[];
  port: MessagePort;
  budgetMs: number;
}

export type RunOutcome =
  | { status: 'done'; summary: RunSummary; theory: TheorySeries[] }
  | { status: 'diverged' | 'cancelled'; error: string; summary: null; theory: TheorySeries[] };

/**
 * Messages on a batch's port, worker → main. Chunks travel in batches (see Outbox): a short run's
 * metrics cross the thread boundary in one message, its 'end', not one per chunk.
 */
export type WorkerMessage =
  | { type: 'started'; runId: number }
  /**
   * A run's last message: whatever its outbox still held, and how it ended: `outcome`, or `error`
   * when the run threw (the host stores it as failed).
   */
  | { type: 'end'; runId: number; outcome?: RunOutcome; error?: string; chunks?: MetricChunk[]; progress?: number }
  | { type: 'chunks'; runId: number; chunks: MetricChunk[] }
  | { type: 'device'; runId: number; used: DeviceUsed }
  | { type: 'log'; runId: number; text: string }
  | { type: 'progress'; runId: number; fraction: number }
  /** The batch's last message: the runs it did not start, handed back to the host's queue, and the thread's time on the others. */
  | { type: 'batchEnd'; returned: number[]; busyMs: number };

/** Messages on a batch's port, main → worker. */
export type HostMessage = { type: 'cancel'; runId: number };

/**
 * Recorded by the host for every run: seconds since the run started (y) against the family's own
 * x, so dashboards can put wall time on the x axis. Points are batched to keep chunks few.
 */
export const wallClockMetric = '_wall';
const wallClockBatch = 256;
/** Chunks and progress wait at most this long in the worker: live panels see them that late. */
const outboxMaxAgeMs = 50;
/** ...or until this many points are waiting, so a long run's memory stays bounded. */
const outboxMaxPoints = 1 << 16;
export const cancelledByUser = 'cancelled by the user';

/** Answers once the thread has loaded its modules: a host closing an unused pool waits for it (run-pool.ts). */
export function ready(): boolean {
  return true;
}

/** Runs the batch's runs in order; a run that throws ends as `error` and the next one starts. */
export default async function runBatch(task: RunBatchTask): Promise<void> {
  const cancelled = new Set<number>();
  let current: { runId: number; abort: AbortController } | null = null;
  task.port.on('message', (message: HostMessage) => {
    if (message.type !== 'cancel') return;
    cancelled.add(message.runId);
    if (current?.runId === message.runId) current.abort.abort();
  });
  const startedMs = performance.now();
  let next = 0;
  try {
    for (; next < task.runs.length; next++) {
      if (next > 0 && performance.now() - startedMs >= task.budgetMs) break;
      const run = task.runs[next];
      // Messages arrive between event-loop turns: one turn per run lets a cancel of a later run land.
      if (next > 0) await new Promise((resolve) => setImmediate(resolve));
      if (cancelled.has(run.runId)) {
        task.port.postMessage({ type: 'end', runId: run.runId, outcome: { status: 'cancelled', error: cancelledByUser, summary: null, theory: [] } } satisfies WorkerMessage);
        continue;
      }
      current = { runId: run.runId, abort: new AbortController() };
      try {
        await runFamily(await resolveFamily(run.family, run.source), run, task.port, current.abort.signal);
      } catch (error) {
        // runFamily posted its 'end' with the error; a family that does not resolve never started.
        if (!(error instanceof RunFailure)) {
          task.port.postMessage({ type: 'end', runId: run.runId, error: describe(error) } satisfies WorkerMessage);
        }
      }
      current = null;
    }
  } finally {
    const busyMs = performance.now() - startedMs;
    task.port.postMessage({ type: 'batchEnd', returned: task.runs.slice(next).map((run) => run.runId), busyMs } satisfies WorkerMessage);
    task.port.close();
  }
}

/** Loads a built-in family before its runs come (Scheduler.preload), while the host prepares them. */
export async function preload(task: { family: string }): Promise<void> {
  await loadBuiltInFamily(task.family);
}

/** A built-in family by id, or one loaded from the source the host names (it must carry that id). */
async function resolveFamily(id: string, source: FamilySource | undefined): Promise<FamilyDefinition> {
  if (!source) return loadBuiltInFamily(id);
  // Script and code families need the script runtime and zod's catalog checks: loaded only for them.
  const { loadFamilySource } = await import('./families/sources');
  const family = await loadFamilySource(source);
  if (family.id !== id) throw new Error(`the family at ${source.kind === 'script' ? source.dir : source.file} is now "${family.id}", not "${id}"`);
  return family;
}

/** What runFamily throws after it has posted the run's 'end' with the error. */
class RunFailure extends Error {}

/**
 * Runs one family run, turning NaN/Inf in a metric into `diverged` and an aborted `signal` into `cancelled`.
 * Posts 'started', then its chunks, and last its 'end' with the outcome; a run that throws posts
 * the error in its 'end' and rethrows it.
 */
export async function runFamily(family: FamilyDefinition, run: RunRequest, port: MessagePort, signal: AbortSignal = new AbortController().signal): Promise<RunOutcome> {
  port.postMessage({ type: 'started', runId: run.runId } satisfies WorkerMessage);
  let theory: TheorySeries[] = [];
  const outbox = new Outbox(port, run.runId);
  const wall = new WallClock(outbox);
  let ending: { outcome: RunOutcome } | { error: string } = { error: 'the run ended without a result' };
  try {
    const params = family.params.parse(run.params);
    theory = family.theory?.(params, run.seed) ?? [];
    const summary = await family.run(params, createContext(run, port, signal, wall, outbox));
    const outcome: RunOutcome = signal.aborted ? { status: 'cancelled', error: cancelledByUser, summary: null, theory } : { status: 'done', summary, theory };
    ending = { outcome };
    return outcome;
  } catch (error) {
    const outcome: RunOutcome | null =
      error instanceof DivergedError
        ? { status: 'diverged', error: error.message, summary: null, theory }
        : signal.aborted
          ? { status: 'cancelled', error: cancelledByUser, summary: null, theory }
          : null;
    if (outcome) {
      ending = { outcome };
      return outcome;
    }
    ending = { error: describe(error) };
    throw new RunFailure(describe(error), { cause: error });
  } finally {
    wall.flush();
    outbox.end(ending);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * Holds a run's chunks and its latest progress for up to outboxMaxAgeMs and posts them in one
 * message: each message costs the host an event-loop turn, and a sweep of short runs made ~25 per
 * run. The chunks travel packed (packChunks).
 */
class Outbox {
  private chunks: MetricChunk[] = [];
  private points = 0;
  private progress: number | null = null;
  private firstQueuedMs = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly port: MessagePort,
    private readonly runId: number,
  ) {}

  chunk(chunk: MetricChunk): void {
    this.queued();
    this.chunks.push(chunk);
    this.points += chunk.x.length;
    if (this.points >= outboxMaxPoints) this.flush();
  }

  setProgress(fraction: number): void {
    this.queued();
    this.progress = fraction;
  }

  flush(): void {
    this.stopTimer();
    if (this.chunks.length > 0) {
      const { chunks, buffer } = this.takeChunks();
      this.port.postMessage({ type: 'chunks', runId: this.runId, chunks } satisfies WorkerMessage, [buffer]);
    }
    if (this.progress !== null) {
      this.port.postMessage({ type: 'progress', runId: this.runId, fraction: this.progress } satisfies WorkerMessage);
      this.progress = null;
    }
  }

  /** Posts 'end' with what is left and how the run ended: a short run costs the host one message. */
  end(ending: { outcome: RunOutcome } | { error: string }): void {
    this.stopTimer();
    const message: Extract<WorkerMessage, { type: 'end' }> = { type: 'end', runId: this.runId, ...ending };
    const transfer: ArrayBuffer[] = [];
    if (this.chunks.length > 0) {
      const { chunks, buffer } = this.takeChunks();
      message.chunks = chunks;
      transfer.push(buffer);
    }
    if (this.progress !== null) message.progress = this.progress;
    this.progress = null;
    this.port.postMessage(message, transfer);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private takeChunks(): PackedChunks {
    const packed = packChunks(this.chunks, this.points);
    this.chunks = [];
    this.points = 0;
    return packed;
  }

  /**
   * A family that loops synchronously never lets a timer fire, so age is also checked on every
   * call; the timer covers a family that awaits between emits.
   */
  private queued(): void {
    const now = performance.now();
    if (this.timer === null) {
      this.firstQueuedMs = now;
      this.timer = setTimeout(() => this.flush(), outboxMaxAgeMs);
    } else if (now - this.firstQueuedMs >= outboxMaxAgeMs) {
      this.flush();
      this.queued();
    }
  }
}

interface PackedChunks {
  /** One chunk per metric, in the order the metrics first came; x and y are views of `buffer`. */
  chunks: MetricChunk[];
  buffer: ArrayBuffer;
}

/**
 * A message's chunks joined per metric (in order, so the series read back the same) and copied
 * into one buffer: the host then stores one row per metric and message, and the message transfers
 * one buffer, not two per chunk (a short run of mode-flow emitted 17 chunks, 34 buffers).
 */
export function packChunks(chunks: readonly MetricChunk[], points: number): PackedChunks {
  const buffer = new ArrayBuffer(2 * points * Float64Array.BYTES_PER_ELEMENT);
  const byMetric = new Map<string, MetricChunk[]>();
  for (const chunk of chunks) {
    const same = byMetric.get(chunk.metric);
    if (same) same.push(chunk);
    else byMetric.set(chunk.metric, [chunk]);
  }
  const packed: MetricChunk[] = [];
  let offset = 0;
  for (const [metric, parts] of byMetric) {
    const length = parts.reduce((sum, part) => sum + part.x.length, 0);
    const x = new Float64Array(buffer, offset * Float64Array.BYTES_PER_ELEMENT, length);
    const y = new Float64Array(buffer, (offset + length) * Float64Array.BYTES_PER_ELEMENT, length);
    let at = 0;
    for (const part of parts) {
      x.set(part.x, at);
      y.set(part.y, at);
      at += part.x.length;
    }
    packed.push({ metric, x, y });
    offset += 2 * length;
  }
  return { chunks: packed, buffer };
}

class WallClock {
  private readonly startedMs = performance.now();
  private lastX = -Infinity;
  private x: number[] = [];
  private y: number[] = [];

  constructor(private readonly outbox: Outbox) {}

  /** Notes the wall time at the end of a chunk whose x goes beyond any seen before. */
  mark(x: Float64Array): void {
    const last = x[x.length - 1];
    if (!(last > this.lastX)) return;
    this.lastX = last;
    this.x.push(last);
    this.y.push((performance.now() - this.startedMs) / 1000);
    if (this.x.length >= wallClockBatch) this.flush();
  }

  flush(): void {
    if (this.x.length === 0) return;
    const [x, y] = [Float64Array.from(this.x), Float64Array.from(this.y)];
    this.x = [];
    this.y = [];
    this.outbox.chunk({ metric: wallClockMetric, x, y });
  }
}

function createContext(run: RunRequest, port: MessagePort, signal: AbortSignal, wall: WallClock, outbox: Outbox): RunContext {
  let lastProgress = -1;
  const emitFinite = (metric: string, x: Float64Array, y: Float64Array) => {
    if (x.length > 0) wall.mark(x);
    outbox.chunk({ metric, x, y });
  };
  return {
    runId: run.projectRunId ?? run.runId,
    artifactsDir: run.artifactsDir,
    seed: run.seed,
    rng: createRng(run.seed),
    reportDevice(used) {
      port.postMessage({ type: 'device', runId: run.runId, used } satisfies WorkerMessage);
    },
    signal,
    emit({ metric, x, y }) {
      if (x.length !== y.length) throw new Error(`metric ${metric}: x and y lengths differ (${x.length} vs ${y.length})`);
      const bad = firstNonFinite(y);
      if (bad >= 0) {
        // The points before the first non-finite one are kept; the run ends there as diverged.
        const [at, value] = [x[bad], y[bad]];
        if (bad > 0) emitFinite(metric, x.slice(0, bad), y.slice(0, bad));
        throw new DivergedError(`${metric} became ${value} at x = ${at}`);
      }
      emitFinite(metric, x, y);
    },
    keepLog(text) {
      port.postMessage({ type: 'log', runId: run.runId, text } satisfies WorkerMessage);
    },
    progress(fraction) {
      // Only whole-percent changes cross the thread boundary.
      const rounded = Math.floor(Math.min(1, Math.max(0, fraction)) * 100) / 100;
      if (rounded === lastProgress) return;
      lastProgress = rounded;
      outbox.setProgress(rounded);
    },
  };
}

/**
 * One run of the sweep as its project stores it: params and summary stay the stored JSON text, so
 * the host hands over flat strings rather than parsing every run and cloning the object graph.
 */
export interface StoredAnalysisRun {
  runId: number;
  seed: number;
  status: string;
  paramsJson: string;
  summaryJson: string | null;
}

export interface AnalyzeTask {
  family: string;
  source?: FamilySource;
  runs: StoredAnalysisRun[];
}

/**
 * A family's sweep analyses, as the JSON text the project stores: one flat string crosses back to
 * the host instead of a cloned tree of every result row, and NaN is already null as it will be stored.
 */
export async function analyze(task: AnalyzeTask): Promise<string> {
  const family = await resolveFamily(task.family, task.source);
  const runs = task.runs.map(analysisInput);
  return JSON.stringify((family.analyses ?? []).filter((a) => a.applies(runs)).map((a) => a.run(runs)));
}

function analysisInput(run: StoredAnalysisRun): AnalysisRunInput {
  return {
    runId: run.runId,
    params: storedJson<Record<string, unknown>>(run, 'paramsJson'),
    seed: run.seed,
    status: run.status,
    summary: run.summaryJson === null ? null : storedJson<RunSummary>(run, 'summaryJson'),
  };
}

/** A run's JSON column; a file changed outside the app may hold anything there, named if so. */
function storedJson<T>(run: StoredAnalysisRun, column: 'paramsJson' | 'summaryJson'): T {
  const text = run[column] as string;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`run ${run.runId}: stored ${column} is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`run ${run.runId}: stored ${column} is not a JSON object`);
  return value as T;
}

function firstNonFinite(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** Opens and closes a WebGPU adapter in a worker thread, so the host process never loads the addon. */
export async function probeGpu(): Promise<GpuProbe> {
  return (await import('./compute/select')).probeGpu();
}
