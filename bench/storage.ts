// Storage benchmarks: metric ingest through the project store, and loading a 20-run panel, each
// against a baseline measured in the same run. Self-contained: works in a temp folder it removes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { downsample } from '../workers/numeric/downsample';
import { ProjectStore, type MetricChunk } from '../src-main/core/store/project-store';
import { SaddleService } from '../src-main/core/service';
import { RecentProjects } from '../src-main/core/recent';
import { median, type BenchFigure } from './figures';


const appVersion = 'bench';

/** What a sweep's workers hand the main process: a few metrics per run, in modest chunks. */
const ingest = { runs: 20, metrics: 4, chunksPerSeries: 50, pointsPerChunk: 500 };
/** A comparison panel: one metric of 20 runs, 100k points each, drawn with about 2000 points. */
const panel = { runs: 20, pointsPerRun: 100_000, pointsPerChunk: 1000, maxPoints: 2000, repeats: 9 };

export async function benchStorage(root: string): Promise<BenchFigure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saddle-bench-storage-'));
  try {
    const batched = measureIngest(path.join(dir, 'batched.saddle'), (store, batch) => store.appendChunks(batch));
    const perChunk = measureIngest(path.join(dir, 'per-chunk.saddle'), (store, batch) => {
      for (const chunk of batch) store.appendChunks([chunk]);
    });
    const load = measurePanelLoad(path.join(dir, 'panel.saddle'));
    const app = await measureRunsSeries(root, dir, path.join(dir, 'panel.saddle'));
    return [
      {
        name: `ingest: appendChunks, ${ingest.runs * ingest.metrics} chunks of ${ingest.pointsPerChunk} points per transaction`,
        value: batched,
        unit: 'points/s',
        baseline: 'one INSERT and commit per chunk',
        ratio: batched / perChunk,
      },
      { name: 'ingest baseline: one INSERT and commit per chunk', value: perChunk, unit: 'points/s' },
      {
        name: `panel: read ${panel.runs} runs x ${panel.pointsPerRun / 1000}k points and downsample each to ${panel.maxPoints}`,
        value: load.readAndDownsampleMs,
        unit: 'ms',
        baseline: 'reading the raw blobs only',
        ratio: load.readAndDownsampleMs / load.rawBlobsMs,
      },
      { name: 'panel baseline: read the raw blobs only', value: load.rawBlobsMs, unit: 'ms' },
      {
        name: `panel through runs.series (the app's path: service, read and reduce, reply checked), linear and log x`,
        value: app.both.wallMs,
        unit: 'ms',
        baseline: 'the store\'s readSeries alone (target ≤ 1.5)',
        ratio: app.both.wallMs / app.store.wallMs,
      },
      { name: 'panel through runs.series, linear x only', value: app.linear.wallMs, unit: 'ms', baseline: 'the store\'s readSeries alone', ratio: app.linear.wallMs / app.store.wallMs },
      { name: 'panel baseline: the store\'s readSeries of the 20 runs', value: app.store.wallMs, unit: 'ms' },
      // CPU time of the process (every thread): what a loaded machine does not blur as it does wall time.
      { name: 'panel through runs.series, linear and log x, CPU time', value: app.both.cpuMs, unit: 'ms', baseline: 'the store\'s readSeries, CPU time', ratio: app.both.cpuMs / app.store.cpuMs },
      { name: 'panel through runs.series, linear x only, CPU time', value: app.linear.cpuMs, unit: 'ms', baseline: 'the store\'s readSeries, CPU time', ratio: app.linear.cpuMs / app.store.cpuMs },
      { name: 'panel baseline: the store\'s readSeries of the 20 runs, CPU time', value: app.store.cpuMs, unit: 'ms' },
      { name: 'panel, log x axis: read and downsample in log x', value: load.readAndDownsampleLogXMs, unit: 'ms' },
      { name: 'panel part: downsampling alone', value: load.downsampleOnlyMs, unit: 'ms' },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function measureIngest(filePath: string, write: (store: ProjectStore, batch: MetricChunk[]) => void): number {
  const store = ProjectStore.create(filePath, appVersion);
  try {
    const runIds = storeRuns(store, ingest.runs);
    const values = new Float64Array(ingest.pointsPerChunk).map((_, i) => Math.exp(-i / 100));
    const start = performance.now();
    for (let flush = 0; flush < ingest.chunksPerSeries; flush++) {
      const batch = runIds.flatMap((runId) =>
        Array.from({ length: ingest.metrics }, (_, m) => ({ runId, metric: `sigma/${m}`, x: values, y: values })),
      );
      write(store, batch);
    }
    const seconds = (performance.now() - start) / 1000;
    return (ingest.runs * ingest.metrics * ingest.chunksPerSeries * ingest.pointsPerChunk) / seconds;
  } finally {
    store.close();
  }
}

interface PanelTimes {
  readAndDownsampleMs: number;
  readAndDownsampleLogXMs: number;
  rawBlobsMs: number;
  downsampleOnlyMs: number;
}

function measurePanelLoad(filePath: string): PanelTimes {
  const writer = ProjectStore.create(filePath, appVersion);
  const runIds = storeRuns(writer, panel.runs);
  for (const runId of runIds) {
    const chunks: MetricChunk[] = [];
    for (let start = 0; start < panel.pointsPerRun; start += panel.pointsPerChunk) {
      const x = new Float64Array(panel.pointsPerChunk).map((_, i) => (start + i) * 1e-3);
      chunks.push({ runId, metric: 'loss', x, y: x.map((t) => Math.exp(-t) * (1 + 0.1 * Math.sin(1000 * t))) });
    }
    writer.appendChunks(chunks);
  }
  writer.close();

  const store = ProjectStore.open(filePath, appVersion);
  const raw = new Database(filePath, { readonly: true });
  try {
    const blobs = raw.prepare("SELECT x, y FROM series WHERE runId = ? AND metric = 'loss' ORDER BY chunkIndex").raw();
    const loaded = runIds.map((runId) => store.readSeries(runId, ['loss'])[0]);
    const readAndDownsample = (logX: boolean) => () => {
      for (const runId of runIds) {
        const [series] = store.readSeries(runId, ['loss']);
        downsample(series.x, series.y, panel.maxPoints, { logX });
      }
    };
    return {
      readAndDownsampleMs: medianMs(readAndDownsample(false)),
      readAndDownsampleLogXMs: medianMs(readAndDownsample(true)),
      rawBlobsMs: medianMs(() => {
        for (const runId of runIds) blobs.all(runId);
      }),
      downsampleOnlyMs: medianMs(() => {
        for (const series of loaded) downsample(series.x, series.y, panel.maxPoints);
      }),
    };
  } finally {
    raw.close();
    store.close();
  }
}

/** The panel as the window asks for it: `runs.series` through the service, against the store's own read. */
async function measureRunsSeries(root: string, dir: string, filePath: string): Promise<{ both: Timing; linear: Timing; store: Timing }> {
  const service = new SaddleService({
    appVersion,
    host: 'cli',
    workerFile: path.join(root, 'dist', 'main', 'pool-worker.js'),
    examplesDir: path.join(root, 'examples'),
    recent: new RecentProjects(dir),
    liveEvents: false,
  });
  try {
    await service.dispatch('projects', 'open', { path: filePath });
    const runIds = service.project!.listRuns().map((run) => run.id);
    const fetch = (alsoLogX: boolean) => () => service.dispatch('runs', 'series', { runIds, metrics: ['loss'], maxPoints: panel.maxPoints, logX: false, alsoLogX });
    const [both, linear, store] = await interleavedMedians([
      fetch(true),
      fetch(false),
      async () => {
        for (const runId of runIds) service.project!.readSeries(runId, ['loss']);
      },
    ]);
    return { both, linear, store };
  } finally {
    await service.close();
  }
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/**
 * Medians of wall and CPU time (each on its own) of several repeats after one warm-up, the tasks
 * taking turns in each repeat: on a shared machine whose load moves, a ratio of tasks measured in
 * the same moments is what holds.
 */
async function interleavedMedians(tasks: (() => Promise<unknown>)[]): Promise<Timing[]> {
  for (const task of tasks) await task();
  const wall: number[][] = tasks.map(() => []);
  const cpu: number[][] = tasks.map(() => []);
  for (let i = 0; i < panel.repeats; i++) {
    for (const [t, task] of tasks.entries()) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await task();
      wall[t].push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu[t].push((used.user + used.system) / 1000);
    }
  }
  return tasks.map((_, t) => ({ wallMs: median(wall[t]), cpuMs: median(cpu[t]) }));
}

function storeRuns(store: ProjectStore, count: number): number[] {
  const experiment = store.insertExperiment({ family: 'bench', name: 'bench', params: {}, sweep: {}, seeds: [0], notes: '', tags: [] });
  return store.insertRuns(experiment.id, Array.from({ length: count }, (_, seed) => ({ params: {}, seed })));
}

/** Median of several timed repeats after one warm-up, in milliseconds. */
function medianMs(task: () => void): number {
  task();
  return median(
    Array.from({ length: panel.repeats }, () => {
      const start = performance.now();
      task();
      return performance.now() - start;
    }),
  );
}
