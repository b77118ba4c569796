// Comparison panel with 50 runs × 100k points each. In Node: the data path (fetch through the
// service with min/max downsampling, panel model, ECharts option). In Chromium, when it is
// installed: the app against the serve host, from page load to the drawn panel, and re-draws
// after toggles, timed on the chart's `finished` draws. Ratios against the 200 ms target. The
// page draws a spread `defaultDrawCap` of a sweep's runs until "show all", and a chart only once
// it is in view: the load is timed to the capped panel scrolled into view, the rest with all 50.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { SeriesData } from '../src-main/contract/api';
import type { ChartSpec } from '../src-main/contract/family-meta';
import { RecentProjects } from '../src-main/core/recent';
import { SaddleService } from '../src-main/core/service';
import { ProjectStore, type MetricChunk } from '../src-main/core/store/project-store';
import { buildPanelModel, type PanelRun } from '../src-renderer/src/charts/panel-model';
import { optionFromModel } from '../src-renderer/src/charts/panel-option';
import { defaultDrawCap } from '../src-renderer/src/logic/draw-cap';
import { median, type BenchFigure } from './figures';

const size = { runs: 50, points: 100_000, chunk: 5000, maxPoints: 2000, repeats: 5 };
const targetMs = 200;
const chromiumPath = '/usr/bin/chromium';
const chart: ChartSpec = { id: 'loss', title: 'Loss', kind: 'lines', x: { label: 't', log: false }, y: { label: 'ℓ', log: false }, series: ['loss'], theory: [] };
const label = `${size.runs} runs × ${size.points / 1000}k points`;

export async function benchPanels(root: string): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-panels-'));
  const path = join(dir, 'panels.saddle');
  writeProject(path);
  try {
    const figures = await dataPath(root, dir, path);
    if (existsSync(chromiumPath)) figures.push(...(await inBrowser(root, dir, path)));
    else figures.push({ name: `in the browser: skipped (${chromiumPath} not installed)`, value: 0, unit: '' });
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function dataPath(root: string, dir: string, path: string): Promise<BenchFigure[]> {
  const service = new SaddleService({
    appVersion: 'bench',
    host: 'cli',
    workerFile: join(root, 'dist', 'main', 'pool-worker.js'),
    examplesDir: join(root, 'examples'),
    recent: new RecentProjects(dir),
    liveEvents: false,
  });
  try {
    await service.dispatch('projects', 'open', { path });
    const runIds = service.project!.listRuns().map((run) => run.id);
    const fetch = async (ids: number[], logX: boolean): Promise<PanelRun[]> => {
      const replies = (await service.dispatch('runs', 'series', { runIds: ids, maxPoints: size.maxPoints, logX })) as { runId: number; series: SeriesData[] }[];
      // The page keeps plain arrays of the Float64Arrays it is sent (stores/series.ts).
      return replies.map(({ runId, series }) => ({ runId, params: { index: runId }, seed: 0, series: series.map(({ metric, x, y }) => ({ metric, x: Array.from(x), y: Array.from(y) })) }));
    };
    const build = (runs: PanelRun[], logX: boolean) =>
      optionFromModel(buildPanelModel({ chart, runs, theory: new Map(), grouping: null, hiddenTheory: [] }), { logX, logY: false, overlay: true });
    const fetchMs = await medianMs(() => fetch(runIds, false));
    const oneRunMs = await medianMs(() => fetch(runIds.slice(0, 1), false));
    const cached = await fetch(runIds, false);
    const optionMs = await medianMs(async () => build(cached, false));
    return [
      { name: `data: fetch and downsample ${label} to ${size.maxPoints} each`, value: fetchMs, unit: 'ms', baseline: `${targetMs} ms target`, ratio: fetchMs / targetMs },
      { name: 'data: the same for one run', value: oneRunMs, unit: 'ms', baseline: 'per run of the 50-run fetch', ratio: oneRunMs / (fetchMs / size.runs) },
      { name: 'data: panel model and ECharts option from cached series', value: optionMs, unit: 'ms', baseline: `${targetMs} ms target`, ratio: optionMs / targetMs },
    ];
  } finally {
    await service.close();
  }
}

async function inBrowser(root: string, dir: string, path: string): Promise<BenchFigure[]> {
  const server = spawn(process.execPath, [join(root, 'bin', 'saddle-lab.mjs'), 'serve', '--port', '0', '--project', path], { env: { ...process.env, SADDLE_LAB_CONFIG_DIR: dir } });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d) => {
        out += d;
        const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
        if (match) resolve(match[1]);
      });
      server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const panelSelector = '[data-testid="chart-panel"][data-chart-id="loss"]';
    const panel = page.locator(panelSelector);
    /** The loss chart's finished draws so far; 0 before the page has it (read without waiting for it). */
    const draws = () =>
      page.evaluate((selector) => Number(document.querySelector(selector)?.querySelector<HTMLElement>('.echart')?.dataset.draws ?? 0), panelSelector);
    /** ms from `action` until the loss panel has drawn again with `runs` runs in it. */
    const timed = async (action: () => Promise<unknown>, runs = size.runs): Promise<number> => {
      const before = await draws();
      const start = performance.now();
      await action();
      await page.waitForFunction(
        ([count, runs]) => {
          const element = document.querySelector('[data-testid="chart-panel"][data-chart-id="loss"]');
          const drawn = Number(element?.querySelector<HTMLElement>('.echart')?.dataset.draws ?? 0);
          return element?.getAttribute('data-series-count') === String(runs) && drawn > count;
        },
        [before, runs] as const,
        { polling: 'raf', timeout: 60_000 },
      );
      return performance.now() - start;
    };
    const loadMs = await timed(async () => {
      await page.goto(url);
      await panel.scrollIntoViewIfNeeded();
    }, Math.min(size.runs, defaultDrawCap));
    const drawAllMs = await timed(() => panel.getByTestId('draw-all').click());
    // Drawing the 50 runs from scratch with their data in the page: none selected, then all.
    const selectAllMs = await medianOf(async () => {
      await page.getByTestId('select-no-runs').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="chart-panel"][data-chart-id="loss"]')?.getAttribute('data-series-count') === '0');
      return timed(() => page.getByTestId('select-all-runs').click());
    });
    const toggle = (testId: string) => () => panel.getByTestId(testId).click();
    const logYMs = await medianOf(() => timed(toggle('log-y')));
    const logXMs = await medianOf(() => timed(toggle('log-x')));
    const smoothing = panel.getByTestId('smoothing');
    const smoothMs = await medianOf(() => timed(async () => smoothing.selectOption((await smoothing.inputValue()) === 'ema' ? 'none' : 'ema')));
    return [
      { name: `browser: page load to the drawn panel, ${defaultDrawCap} of ${size.runs} runs`, value: loadMs, unit: 'ms', baseline: 'includes app start and the scroll to the panel; target applies to re-draws', ratio: undefined },
      { name: `browser: "show all", ${defaultDrawCap} → ${size.runs} runs drawn (once)`, value: drawAllMs, unit: 'ms', baseline: `${targetMs} ms target`, ratio: drawAllMs / targetMs },
      { name: 'browser: draw the 50 runs from none selected (data in the page)', value: selectAllMs, unit: 'ms', baseline: `${targetMs} ms target`, ratio: selectAllMs / targetMs },
      { name: 'browser: re-draw after the log y toggle', value: logYMs, unit: 'ms', baseline: `${targetMs} ms target`, ratio: logYMs / targetMs },
      { name: 'browser: re-draw after the log x toggle (log-x buckets fetched)', value: logXMs, unit: 'ms', baseline: `${targetMs} ms target`, ratio: logXMs / targetMs },
      { name: 'browser: re-draw after switching EMA smoothing', value: smoothMs, unit: 'ms', baseline: `${targetMs} ms target`, ratio: smoothMs / targetMs },
    ];
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}

function writeProject(path: string): void {
  const store = ProjectStore.create(path, 'bench');
  try {
    const experiment = store.insertExperiment({ family: 'mode-flow', name: 'panels', params: {}, sweep: {}, seeds: [0], notes: '', tags: [] });
    const runIds = store.insertRuns(experiment.id, Array.from({ length: size.runs }, (_, seed) => ({ params: { depth: 3, initScale: 0.01 + seed / 1000 }, seed: 0 })));
    for (const runId of runIds) {
      const chunks: MetricChunk[] = [];
      for (let start = 0; start < size.points; start += size.chunk) {
        const x = Float64Array.from({ length: size.chunk }, (_, i) => start + i + 1);
        // A decay with wiggles and one-sample spikes: what min/max buckets must keep.
        const y = x.map((t) => Math.exp(-t / (2000 * runId)) * (1 + 0.2 * Math.sin(t / 50)) + (t % 9973 === 0 ? 1 : 0));
        chunks.push({ runId, metric: 'loss', x, y });
      }
      store.appendChunks(chunks);
      store.finishRun(runId, { status: 'done', error: null, summary: {}, theory: [], finishedAtMs: Date.now() });
    }
  } finally {
    store.close();
  }
}

/** Median of repeated measurements after one warm-up; `measure` returns milliseconds. */
async function medianOf(measure: () => Promise<number>): Promise<number> {
  await measure();
  const times: number[] = [];
  for (let i = 0; i < size.repeats; i++) times.push(await measure());
  return median(times);
}

function medianMs(task: () => Promise<unknown>): Promise<number> {
  return medianOf(async () => {
    const start = performance.now();
    await task();
    return performance.now() - start;
  });
}
