// The piscina worker: runs one family run (default task) or a family's sweep analyses (`analyze`).
// Metric chunks and progress go back over the task's MessagePort; the arrays are transferred.
import type { MessagePort } from 'node:worker_threads';
import { DivergedError, type AnalysisResult, type DeviceUsed, type RunContext, type RunSummary, type TheorySeries } from './family';
import { getFamily } from './families/index';
import { loadFamilySource, type FamilySource } from './families/sources';
import { move } from 'piscina';
import { downsample, packSeries, type XY } from './numeric/downsample';
import { createRng } from './numeric/rng';
import { probeGpu as probe, type GpuProbe } from './compute/select';
import type { AnalysisRunInput, FamilyDefinition } from './family';

export interface RunTask {
  family: string;
  /** Where a family that is not built in is loaded from (script folder or code module). */
  source?: FamilySource;
  params: unknown;
  seed: number;
  port: MessagePort;
}

export type RunOutcome =
  | { status: 'done'; summary: RunSummary; theory: TheorySeries[] }
  | { status: 'diverged' | 'cancelled'; error: string; summary: null; theory: TheorySeries[] };

/** Messages on a run's port, worker → main. */
export type WorkerMessage =
  | { type: 'started' }
  | { type: 'end' }
  | { type: 'chunk'; metric: string; x: Float64Array; y: Float64Array }
  | { type: 'device'; used: DeviceUsed }
  | { type: 'log'; text: string }
  | { type: 'progress'; fraction: number };

/** Messages on a run's port, main → worker. */
export type HostMessage = { type: 'cancel' };

/**
 * Recorded by the host for every run: seconds since the run started (y) against the family's own
 * x, so dashboards can put wall time on the x axis. Points are batched to keep chunks few.
 */
export const wallClockMetric = '_wall';
const wallClockBatch = 256;

export default async function runTask(task: RunTask): Promise<RunOutcome> {
  return runFamily(await resolveFamily(task.family, task.source), task);
}

/** A built-in family by id, or one loaded from the source the host names (it must carry that id). */
async function resolveFamily(id: string, source: FamilySource | undefined): Promise<FamilyDefinition> {
  if (!source) return getFamily(id);
  const family = await loadFamilySource(source);
  if (family.id !== id) throw new Error(`the family at ${source.kind === 'script' ? source.dir : source.file} is now "${family.id}", not "${id}"`);
  return family;
}

/** Runs one family run, turning NaN/Inf into `diverged` and a cancel message into `cancelled`. */
export async function runFamily(family: FamilyDefinition, task: RunTask): Promise<RunOutcome> {
  const abort = new AbortController();
  task.port.on('message', (message: HostMessage) => {
    if (message.type === 'cancel') abort.abort();
  });
  task.port.postMessage({ type: 'started' } satisfies WorkerMessage);
  let theory: TheorySeries[] = [];
  const wall = new WallClock(task.port);
  try {
    const params = family.params.parse(task.params);
    theory = family.theory?.(params) ?? [];
    const summary = await family.run(params, createContext(task, abort.signal, wall));
    if (abort.signal.aborted) return { status: 'cancelled', error: 'cancelled by the user', summary: null, theory };
    return { status: 'done', summary, theory };
  } catch (error) {
    if (error instanceof DivergedError) return { status: 'diverged', error: error.message, summary: null, theory };
    if (abort.signal.aborted) return { status: 'cancelled', error: 'cancelled by the user', summary: null, theory };
    throw error;
  } finally {
    wall.flush();
    task.port.postMessage({ type: 'end' } satisfies WorkerMessage);
    task.port.close();
  }
}

class WallClock {
  private readonly startedMs = performance.now();
  private lastX = -Infinity;
  private x: number[] = [];
  private y: number[] = [];

  constructor(private readonly port: MessagePort) {}

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
    this.port.postMessage({ type: 'chunk', metric: wallClockMetric, x, y } satisfies WorkerMessage, [x.buffer, y.buffer]);
  }
}

function createContext(task: RunTask, signal: AbortSignal, wall: WallClock): RunContext {
  let lastProgress = -1;
  return {
    seed: task.seed,
    rng: createRng(task.seed),
    reportDevice(used) {
      task.port.postMessage({ type: 'device', used } satisfies WorkerMessage);
    },
    signal,
    emit({ metric, x, y }) {
      if (x.length !== y.length) throw new Error(`metric ${metric}: x and y lengths differ (${x.length} vs ${y.length})`);
      const bad = firstNonFinite(y);
      if (bad >= 0) throw new DivergedError(`${metric} became ${y[bad]} at x = ${x[bad]}`);
      if (x.length > 0) wall.mark(x);
      const message: WorkerMessage = { type: 'chunk', metric, x, y };
      task.port.postMessage(message, [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer]);
    },
    keepLog(text) {
      task.port.postMessage({ type: 'log', text } satisfies WorkerMessage);
    },
    progress(fraction) {
      // Only whole-percent changes cross the thread boundary.
      const rounded = Math.floor(Math.min(1, Math.max(0, fraction)) * 100) / 100;
      if (rounded === lastProgress) return;
      lastProgress = rounded;
      const message: WorkerMessage = { type: 'progress', fraction: rounded };
      task.port.postMessage(message);
    },
  };
}

export interface AnalyzeTask {
  family: string;
  source?: FamilySource;
  runs: AnalysisRunInput[];
}

export async function analyze(task: AnalyzeTask): Promise<AnalysisResult[]> {
  const family = await resolveFamily(task.family, task.source);
  return (family.analyses ?? []).filter((a) => a.applies(task.runs)).map((a) => a.run(task.runs));
}

function firstNonFinite(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

export interface DownsampleTask {
  series: XY[];
  maxPoints: number;
  logX: boolean;
}

/** Display downsampling off the main thread: the reduced series come back packed in one transferred buffer. */
export function downsampleSeries(task: DownsampleTask): unknown {
  const packed = packSeries(task.series.map(({ x, y }) => downsample(x, y, task.maxPoints, { logX: task.logX })));
  return move(packed);
}

/** Opens and closes a WebGPU adapter in a worker thread, so the host process never loads the addon. */
export function probeGpu(): Promise<GpuProbe> {
  return probe();
}
