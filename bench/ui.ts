// Whether the window keeps up with the runs (issue 19): Fig. 2-style mode-flow sweeps of 125, 250
// and 1000 runs, each started with the Run button of the app in Debian's Chromium against the serve
// host (default pool), as a researcher would. Measured per sweep: the host's own compute time (its
// stored start and finish times), how long after the host's last run the page shows "N / N done",
// input-to-paint latency of key presses from Run until the page shows done (runs still stream to
// the page), how long after the analyses were stored their panels appear, and the CPU time the
// page's main thread spent meanwhile (Run to analysis shown: on a shared machine the waits stretch
// with the load, the page's own CPU time much less). The 125-run sweep
// streams for about a second, a dozen key presses: it is run `repeats` times (new experiments) and
// the presses of all are pooled, so its p90 is read from some fifty; its other figures are the
// worst of the repeats. With the 250 runs
// drawn: the log-x toggle; at 1000 runs: the page's JS heap. Every wait ends by itself
// (SADDLE_BENCH_UI_TIMEOUT_S, default 300 s per sweep) and is then reported as "> N s". The page at
// the end of each sweep's wait: test-artifacts/bench-ui-*.png. With SADDLE_BENCH_UI_PROFILE=1 the
// page's CPU profile of each sweep (Run to analysis shown) and of the log-x toggles is written next
// to them (test-artifacts/bench-ui-*.cpuprofile, for Chromium's DevTools Performance panel); with
// =trace a Chromium trace and the page's WebSocket frames. SADDLE_BENCH_UI_SWEEPS=125,1000 runs only
// those sweep sizes.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import type { AnalysisRecord, Experiment, Run } from '../src-main/contract/api';
import { ProjectStore } from '../src-main/core/store/project-store';
import { median, type BenchFigure } from './figures';

const chromiumPath = '/usr/bin/chromium';
const target = { doneLagMs: 1000, inputP90Ms: 100, analysisMs: 1000, logXMs: 200 };
/** initScale points per depth (5 depths): 125, 250 and 1000 runs. */
const sweeps = [{ scales: 25, repeats: 4 }, { scales: 50, logX: true }, { scales: 200, memory: true }];
const keyPressGapMs = 100;
const logXToggles = 4;

interface HostTimes {
  /** First run started to last run finished, from the store; null while runs are unfinished. */
  computeMs: number | null;
  lastFinishedAtMs: number | null;
  analysesStoredAtMs: number | null;
}

/** What the page watcher (installed per sweep) saw, in the page's Date.now(). */
interface PageSeen {
  doneAtMs: number | null;
  analysesAtMs: Record<string, number>;
}

type HostCall = <T>(ns: string, method: string, input?: unknown) => Promise<T>;

export async function benchUi(root: string): Promise<BenchFigure[]> {
  if (!existsSync(chromiumPath)) return [{ name: `skipped: ${chromiumPath} not installed`, value: 0, unit: '' }];
  const timeoutMs = Number(process.env.SADDLE_BENCH_UI_TIMEOUT_S ?? 300) * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-ui-'));
  const projectPath = join(dir, 'ui.saddle');
  ProjectStore.create(projectPath, 'bench').close();
  const server = spawn(process.execPath, [join(root, 'bin', 'saddle-lab.mjs'), 'serve', '--port', '0', '--project', projectPath], {
    env: { ...process.env, SADDLE_LAB_CONFIG_DIR: dir },
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    const url = await serveUrl(server);
    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.waitForFunction(() => /^v\d/.test(document.querySelector('.version')?.textContent ?? ''), undefined, { timeout: 60_000 });
    await page.evaluate(recordInputToPaint);
    const base = JSON.parse(readFileSync(join(root, 'examples', 'mirror-descent-fig2.json'), 'utf8')) as Record<string, unknown>;
    delete base.quick;
    const figures: BenchFigure[] = [];
    const only = process.env.SADDLE_BENCH_UI_SWEEPS?.split(',').map(Number);
    for (const sweep of sweeps.filter(({ scales }) => !only || only.includes(scales * 5))) {
      const spec = { ...base, name: `Fig. 2, ${sweep.scales} scales`, sweep: { depth: [2, 3, 4, 5, 6], initScale: { logspace: [-2.3, -1, sweep.scales] } } };
      const measured: SweepSeen[] = [];
      for (let repeat = 0; repeat < (sweep.repeats ?? 1); repeat++) {
        const seen = await profiled(root, page, `${sweep.scales * 5}-runs${repeat > 0 ? `-${repeat + 1}` : ''}`, () => measureSweep(root, page, url, spec, sweep.scales * 5, timeoutMs));
        if (seen) measured.push(seen);
      }
      if (measured.length === 0) {
        figures.push({ name: `${sweep.scales * 5} runs: the page did not open the new experiment`, value: timeoutMs / 1000, unit: 's', atLeast: true });
        continue;
      }
      figures.push(...sweepFigures(sweep.scales * 5, measured, timeoutMs));
      if (sweep.logX) figures.push(await profiled(root, page, `log-x-${sweep.scales * 5}-runs`, () => measureLogX(page, sweep.scales * 5, timeoutMs)));
      if (sweep.memory) figures.push(...(await measureMemory(page, sweep.scales * 5)));
    }
    return figures;
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `work`; with SADDLE_BENCH_UI_PROFILE set, records the page's CPU profile meanwhile in test-artifacts/bench-ui-NAME.cpuprofile. */
async function profiled<T>(root: string, page: Page, name: string, work: () => Promise<T>): Promise<T> {
  if (!process.env.SADDLE_BENCH_UI_PROFILE) return work();
  if (process.env.SADDLE_BENCH_UI_PROFILE === 'trace') {
    // With the trace, the page's WebSocket frames: when (the trace's clock, s), how long (negative: sent), how they begin.
    const network = await page.context().newCDPSession(page);
    const frames: { atS: number; chars: number; what: string }[] = [];
    network.on('Network.webSocketFrameReceived', ({ timestamp, response }) => {
      frames.push({ atS: timestamp, chars: response.payloadData.length, what: response.payloadData.slice(0, 60) });
    });
    network.on('Network.webSocketFrameSent', ({ timestamp, response }) => {
      frames.push({ atS: timestamp, chars: -response.payloadData.length, what: response.payloadData.slice(0, 80) });
    });
    await network.send('Network.enable');
    await page.context().browser()!.startTracing(page, { path: join(root, 'test-artifacts', `bench-ui-${name}.trace.json`), categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'disabled-by-default-v8.cpu_profiler', 'blink.user_timing'] });
    try {
      return await work();
    } finally {
      await page.context().browser()!.stopTracing();
      writeFileSync(join(root, 'test-artifacts', `bench-ui-${name}.frames.json`), JSON.stringify(frames));
      await network.detach();
    }
  }
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(join(root, 'test-artifacts', `bench-ui-${name}.cpuprofile`), JSON.stringify(profile));
    await cdp.detach();
  }
}

/** One sweep as the host and the page saw it, with the key presses' input-to-paint times meanwhile. */
interface SweepSeen {
  host: HostTimes;
  seen: PageSeen;
  latencies: number[];
  /** CPU time of the page's main thread from the Run click until the analysis was shown (or the wait ended). */
  pageCpuMs: number;
}

/**
 * Creates the sweep through the host, opens it in the page and clicks Run there; what was seen,
 * or null when the page did not open the experiment within `timeoutMs`.
 */
async function measureSweep(root: string, page: Page, url: string, spec: Record<string, unknown>, runs: number, timeoutMs: number): Promise<SweepSeen | null> {
  const experiment = await withHost(url, (call) => call<Experiment>('experiments', 'create', { spec }));
  const item = page.locator(`[data-testid="experiment-item"][data-experiment-id="${experiment.id}"]`);
  try {
    await item.click({ timeout: timeoutMs });
    await page.waitForFunction(
      (id) => document.querySelector(`[data-testid="experiment-item"][data-experiment-id="${id}"]`)?.classList.contains('current') && !document.querySelector('[data-testid="analysis-panel"]'),
      experiment.id,
      { timeout: timeoutMs },
    );
  } catch {
    // Still busy with the previous sweep: this one is not measured (nor its log-x or heap figure).
    return null;
  }
  await page.evaluate(watchSweep, runs);
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  // The page's main-thread CPU time (Chromium's ThreadTime, seconds): what the page itself costs,
  // which, unlike the waits, a machine shared with other work stretches little.
  const metrics = await page.context().newCDPSession(page);
  await metrics.send('Performance.enable');
  const threadCpuMs = async () => ((await metrics.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'ThreadTime')?.value ?? Number.NaN) * 1000;
  const cpuAtRunMs = await threadCpuMs();
  await page.getByTestId('run-start').click({ timeout: left() });
  // Key presses go to a field whose edits change nothing else (the view name), until the page shows done.
  await page.getByLabel('View name').focus({ timeout: left() });
  await page.evaluate(() => (window as unknown as BenchWindow).saddleInputLatencies.splice(0));
  const typing = { stop: false };
  const typed = (async () => {
    for (let i = 0; !typing.stop && Date.now() < deadline; i++) {
      await page.keyboard.press(i % 2 === 0 ? 'x' : 'Backspace');
      await new Promise((resolve) => setTimeout(resolve, keyPressGapMs));
    }
  })();
  await page.waitForFunction(() => (window as unknown as BenchWindow).saddleSweepSeen.doneAtMs !== null, undefined, { polling: 250, timeout: left() }).catch(() => undefined);
  typing.stop = true;
  await typed;
  const latencies = await page.evaluate(() => (window as unknown as BenchWindow).saddleInputLatencies.splice(0));
  const host = await hostTimes(url, experiment.id, deadline);
  if (host.analysesStoredAtMs !== null) {
    await page
      .waitForFunction(() => Object.keys((window as unknown as BenchWindow).saddleSweepSeen.analysesAtMs).length > 0, undefined, { polling: 250, timeout: left() })
      .catch(() => undefined);
  }
  const pageCpuMs = (await threadCpuMs()) - cpuAtRunMs;
  await metrics.detach();
  // What the researcher sees at the end of the wait, for the lead to look at.
  await page.screenshot({ path: join(root, 'test-artifacts', `bench-ui-${runs}-runs.png`), timeout: 30_000 }).catch(() => undefined);
  // The host's times as marks in the page's timeline, for a trace (SADDLE_BENCH_UI_PROFILE=trace).
  await page.evaluate((times) => {
    for (const [name, atMs] of Object.entries(times)) if (atMs !== null) performance.mark(`saddle-bench-host-${name}`, { startTime: atMs - performance.timeOrigin });
  }, { finished: host.lastFinishedAtMs, analysesStored: host.analysesStoredAtMs });
  const seen = await page.evaluate(() => {
    const { doneAtMs, analysesAtMs, stop } = (window as unknown as BenchWindow).saddleSweepSeen;
    stop();
    return { doneAtMs, analysesAtMs };
  });
  return { host, seen, latencies, pageCpuMs };
}

/** Figures of one sweep's repeats: key presses pooled, the other figures the worst repeat's. */
function sweepFigures(runs: number, repeats: SweepSeen[], timeoutMs: number): BenchFigure[] {
  const label = repeats.length > 1 ? `${runs} runs (worst of ${repeats.length})` : `${runs} runs`;
  const timeoutS = timeoutMs / 1000;
  const unfinished = repeats.find(({ host }) => host.computeMs === null || host.lastFinishedAtMs === null);
  if (unfinished) return [{ name: `${label}: the host had not finished its runs`, value: timeoutS, unit: 's', atLeast: true }];
  const lagMs = ({ host, seen }: SweepSeen) => (seen.doneAtMs === null ? Infinity : seen.doneAtMs - host.lastFinishedAtMs!);
  const worst = repeats.reduce((a, b) => (lagMs(b) > lagMs(a) ? b : a));
  const host = worst.host as HostTimes & { computeMs: number; lastFinishedAtMs: number };
  const hostCompute = `host compute ${(host.computeMs / 1000).toFixed(1)} s`;
  const doneName = `${label}: page shows done, after the host (≤ 1 s)`;
  const figures: BenchFigure[] = [{ name: `${label}: host compute, first start to last end`, value: host.computeMs, unit: 'ms' }];
  figures.push(
    worst.seen.doneAtMs === null
      ? { name: doneName, value: timeoutS, unit: 's', atLeast: true }
      : { name: doneName, value: lagMs(worst), unit: 'ms', baseline: hostCompute, ratio: lagMs(worst) / host.computeMs },
  );
  const latencies = repeats.flatMap((repeat) => repeat.latencies).sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const pressed = repeats.length > 1 ? `${runs} runs (${repeats.length} sweeps pooled)` : label;
  if (latencies.length === 0) figures.push({ name: `${pressed}: key press to paint: none painted`, value: timeoutS, unit: 's', atLeast: true });
  else {
    const presses = `${latencies.length} key presses; ${target.inputP90Ms} ms target`;
    figures.push({ name: `${pressed}: key press to paint while runs stream, p50`, value: at(0.5), unit: 'ms', baseline: presses, ratio: at(0.5) / target.inputP90Ms });
    figures.push({ name: `${pressed}: key press to paint, p90 (≤ 100 ms)`, value: at(0.9), unit: 'ms', baseline: presses, ratio: at(0.9) / target.inputP90Ms });
  }
  const meanCpuMs = repeats.reduce((sum, repeat) => sum + repeat.pageCpuMs, 0) / repeats.length;
  const cpuName = `${runs} runs: page main-thread CPU, Run to analysis shown${repeats.length > 1 ? ` (mean of ${repeats.length} sweeps)` : ''}`;
  figures.push({ name: cpuName, value: meanCpuMs, unit: 'ms', baseline: `host compute ${(host.computeMs / 1000).toFixed(1)} s` });
  const analysisName = `${label}: analysis shown, after it was stored (≤ 1 s)`;
  const analysisLagMs = ({ host: { analysesStoredAtMs }, seen }: SweepSeen) => {
    const shown = Object.values(seen.analysesAtMs);
    return analysesStoredAtMs === null ? null : shown.length === 0 ? Infinity : Math.max(...shown) - analysesStoredAtMs;
  };
  const analysisLags = repeats.map(analysisLagMs);
  const analysisLag = Math.max(...analysisLags.map((lag) => lag ?? -Infinity));
  if (analysisLags.some((lag) => lag === null)) figures.push({ name: `${label}: the host stored no analysis`, value: 0, unit: '' });
  else if (analysisLag === Infinity) figures.push({ name: analysisName, value: timeoutS, unit: 's', atLeast: true });
  else figures.push({ name: analysisName, value: analysisLag, unit: 'ms', baseline: `${target.analysisMs} ms target`, ratio: analysisLag / target.analysisMs });
  return figures;
}

/**
 * Median ms from a click on the loss panel's log-x box until that panel has drawn again, all `runs`
 * selected: up to `logXToggles` toggles, as many as fit in `timeoutMs`.
 */
async function measureLogX(page: Page, runs: number, timeoutMs: number): Promise<BenchFigure> {
  const panel = '[data-testid="chart-panel"][data-chart-id="loss"]';
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  const times: number[] = [];
  try {
    await page.getByTestId('select-all-runs').click({ timeout: left() });
    // Big sweeps draw a subset until "show all" is pressed.
    await page.waitForFunction(([selector, count]) => document.querySelector(selector)?.getAttribute('data-series-count') === String(count) || document.querySelector(`${selector} [data-testid="draw-all"]`) !== null, [panel, runs] as const, {
      timeout: left(),
    });
    const showAll = page.locator(panel).getByTestId('draw-all');
    if ((await showAll.count()) > 0) await showAll.click({ timeout: left() });
    await page.waitForFunction(([selector, count]) => document.querySelector(selector)?.getAttribute('data-series-count') === String(count), [panel, runs] as const, { timeout: left() });
    while (times.length < logXToggles) {
      const draws = Number((await page.locator(`${panel} .echart`).getAttribute('data-draws', { timeout: left() })) ?? 0);
      const start = performance.now();
      await page.locator(panel).getByTestId('log-x').click({ timeout: left() });
      await page.waitForFunction(
        ([selector, before]) => Number(document.querySelector<HTMLElement>(`${selector} .echart`)?.dataset.draws ?? 0) > before,
        [panel, draws] as const,
        { polling: 'raf', timeout: left() },
      );
      times.push(performance.now() - start);
    }
  } catch {
    // Out of time: the toggles that finished are reported, or the time-out.
  }
  const name = `log-x toggle, ${runs} runs drawn, median of ${times.length} (≤ 200 ms)`;
  if (times.length === 0) return { name, value: timeoutMs / 1000, unit: 's', atLeast: true };
  const toggleMs = median(times);
  return { name, value: toggleMs, unit: 'ms', baseline: `${target.logXMs} ms target`, ratio: toggleMs / target.logXMs };
}

/** The page's JS heap as Chromium counts it (CDP Performance.getMetrics), then after a full GC. */
async function measureMemory(page: Page, runs: number): Promise<BenchFigure[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => (await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
  const used = await heap();
  await cdp.send('HeapProfiler.collectGarbage');
  const retained = await heap();
  await cdp.detach();
  const mib = 1024 * 1024;
  return [
    { name: `renderer JS heap at ${runs} runs`, value: used / mib, unit: 'MiB' },
    { name: `renderer JS heap at ${runs} runs, after a full GC`, value: retained / mib, unit: 'MiB' },
  ];
}

/** The host's own times for the experiment, from the store, once its analyses are stored (or by `deadline`). */
async function hostTimes(url: string, experimentId: number, deadline: number): Promise<HostTimes> {
  return withHost(url, async (call) => {
    for (;;) {
      const runs = await call<Run[]>('runs', 'list', { experimentId });
      const analyses = await call<AnalysisRecord[]>('analyses', 'list', { experimentId });
      const finished = runs.every((run) => run.finishedAtMs !== null);
      if ((finished && analyses.length > 0) || Date.now() > deadline) {
        const lastFinishedAtMs = finished ? Math.max(...runs.map((run) => run.finishedAtMs ?? 0)) : null;
        const firstStartedAtMs = Math.min(...runs.map((run) => run.startedAtMs ?? Number.POSITIVE_INFINITY));
        return {
          computeMs: lastFinishedAtMs === null ? null : lastFinishedAtMs - firstStartedAtMs,
          lastFinishedAtMs,
          analysesStoredAtMs: analyses.length > 0 ? Math.max(...analyses.map((analysis) => analysis.computedAtMs)) : null,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
}

/**
 * A second WebSocket client of the serve host, open only while `work` runs: it would otherwise
 * receive (and make the host serialise) every event of the sweep a second time.
 */
async function withHost<T>(pageUrl: string, work: (call: HostCall) => Promise<T>): Promise<T> {
  const { host, searchParams } = new URL(pageUrl);
  const socket = new WebSocket(`ws://${host}/api?token=${searchParams.get('token')}`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.on('message', (data) => {
    const reply = JSON.parse(String(data)) as { id?: number | null; ok?: boolean; result?: unknown; error?: { message: string } };
    if (typeof reply.id !== 'number') return; // an event
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.result);
    else waiter?.reject(new Error(reply.error?.message ?? 'host call failed'));
  });
  let nextId = 0;
  const call: HostCall = (ns, method, input = {}) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      socket.send(JSON.stringify({ id, ns, method, input }));
    });
  try {
    return await work(call);
  } finally {
    socket.close();
  }
}

function serveUrl(server: ReturnType<typeof spawn>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (d) => {
      out += d;
      const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (match) resolve(match[1]);
    });
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

interface BenchWindow {
  saddleInputLatencies: number[];
  saddleSweepSeen: PageSeen & { stop(): void };
}

/** In the page: each key press's time from the event (as the browser took it) to the next animation frame. */
function recordInputToPaint(): void {
  const latencies: number[] = [];
  (window as unknown as BenchWindow).saddleInputLatencies = latencies;
  window.addEventListener(
    'keydown',
    (event) => {
      const pressedAt = event.timeStamp;
      requestAnimationFrame(() => latencies.push(performance.now() - pressedAt));
    },
    true,
  );
}

/** In the page: every frame, notes when the run bar first shows `runs` of `runs` done and when each analysis panel first appears. */
function watchSweep(runs: number): void {
  let watching = true;
  const seen: PageSeen = { doneAtMs: null, analysesAtMs: {} };
  (window as unknown as BenchWindow).saddleSweepSeen = Object.assign(seen, { stop: () => (watching = false) });
  const frame = () => {
    if (!watching) return;
    const count = document.querySelector('[data-testid="runs-done-count"]');
    const bar = count?.parentElement?.textContent?.replace(/\s+/g, ' ') ?? '';
    if (seen.doneAtMs === null && count?.textContent?.trim() === String(runs) && bar.includes(`/ ${runs} done`)) {
      seen.doneAtMs = Date.now();
      performance.mark('saddle-bench-done');
    }
    for (const panel of Array.from(document.querySelectorAll<HTMLElement>('[data-testid="analysis-panel"]'))) {
      const id = panel.dataset.analysisId ?? '';
      if (seen.analysesAtMs[id] !== undefined) continue;
      seen.analysesAtMs[id] = Date.now();
      performance.mark(`saddle-bench-analysis-${id}`);
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}
