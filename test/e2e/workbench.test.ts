// End to end: Playwright drives Debian's Chromium against the serve host, as a researcher would:
// create a project, open the Fig. 2 example (its quick variant: 30 runs, the same five depths and
// fits), run it, see five curves and the fit table, export SVG, reopen the project and see the
// runs again. A full 125-run sweep ends on the page with the host's count, drawn 40 runs at a time
// until "show all" (then drawn once, when the new runs' series and overlays are in; a long analysis
// table shows its first 100 rows until its own "show all"), a chart out of view waits to be seen
// before it draws, and Cancel on a running sweep leaves the page and the project agreeing.
// Screenshots are kept in test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Run } from '../../src-main/contract/api';
import { artifacts, createFromExample, haveChromium, hostCall, newProject, openWorkbench, type Workbench } from '../helpers/e2e';
import { tempDir } from '../helpers/paths';

let bench: Workbench;
let page: Page;
let url: string;
const shot = (name: string) => bench.shot(name);

describe.runIf(haveChromium)('the workbench in Chromium against the serve host', () => {
  beforeAll(async () => {
    bench = await openWorkbench('e2e');
    page = bench.page;
    url = bench.url;
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('creates a project, runs Fig. 2, sees five curves and the fit table, exports SVG, reopens it', async () => {
    const projectPath = join(tempDir(), 'e2e.saddle');
    await page.goto(url);

    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-new').click();
    await expect.poll(() => page.getByTestId('project-path').textContent()).toContain('e2e.saddle');

    await createFromExample(page, 'mirror-descent-fig2', 'quick');
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(1);
    await shot('1-experiment');

    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toMatch(/\b30\b/);

    const analysis = page.locator('[data-testid="analysis-panel"][data-analysis-id="escape-time-scaling"]');
    await expect.poll(() => analysis.getByTestId('analysis-chart').getAttribute('data-series-count')).toBe('5');
    await expect.poll(() => analysis.locator('[data-testid="analysis-table"] tbody tr').count()).toBeGreaterThanOrEqual(5);
    const tableText = await analysis.getByTestId('analysis-table').textContent();
    expect(tableText).toMatch(/slope/i);
    await shot('2-fig2-results');

    // The selected runs' differences are drawn when the card is opened (closed, its rows were patched at every status batch).
    const diff = page.getByTestId('run-diff');
    await expect.poll(() => diff.getByTestId('run-diff-row').count()).toBe(0);
    await diff.locator('summary').click();
    await expect.poll(() => diff.getByTestId('run-diff-row').count()).toBe(30);
    await diff.locator('summary').click();
    await expect.poll(() => diff.getByTestId('run-diff-row').count()).toBe(0);

    // The runs filter compares numbers: five depths × six scales, none of the scales exactly 0.01
    // (the old substring match selected the six runs at 0.0166).
    const filter = page.getByTestId('runs-filter');
    await filter.fill('depth>4');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(12);
    await filter.fill('depth=3 initScale<0.01');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2);
    await filter.fill('initScale=0.01');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(0);
    await filter.fill('depth>four');
    await expect.poll(() => page.getByTestId('runs-filter-issue').textContent()).toContain('"depth>four": > needs a number');
    await shot('2b-runs-filter-issue');
    await filter.fill('');

    // L acts on the panel holding keyboard focus, not on the one clicked last.
    const panels = page.locator('[data-testid="chart-panel"]:has([data-testid="log-log"])');
    const [clicked, focused] = [panels.nth(0), panels.nth(1)];
    const logAxes = async (panel: typeof clicked) => [await panel.getByTestId('log-x').isChecked(), await panel.getByTestId('log-y').isChecked()];
    const [clickedBefore, focusedBefore] = [await logAxes(clicked), await logAxes(focused)];
    const logLog = !(focusedBefore[0] && focusedBefore[1]);
    await clicked.locator('h3').click();
    await focused.focus();
    await page.keyboard.press('l');
    await expect.poll(() => logAxes(focused)).toEqual([logLog, logLog]);
    expect(await logAxes(clicked)).toEqual(clickedBefore);

    const [download] = await Promise.all([page.waitForEvent('download'), analysis.getByTestId('export-svg').first().click()]);
    const svgPath = join(artifacts, 'e2e-fig2.svg');
    await download.saveAs(svgPath);
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg.length).toBeGreaterThan(1000);
    expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
    expect(svg).toContain('</svg>');

    // Reopen: a fresh page, the project opened again from its path.
    await page.goto(url);
    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-open').click();
    await expect.poll(() => page.getByTestId('project-path').textContent()).toContain('e2e.saddle');
    await page.getByTestId('experiment-item').first().click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toMatch(/\b30\b/);
    await expect.poll(() => analysis.getByTestId('analysis-chart').getAttribute('data-series-count')).toBe('5');
    await shot('3-reopened');

    // A swept value out of range (mode-flow's depth ≤ 12): the value is marked and named as the CLI names it.
    const editor = page.getByTestId('experiment-editor');
    if ((await editor.locator('details').getAttribute('open')) === null) await editor.locator('summary').click();
    await editor.locator('[data-sweep="depth"] input.values').fill('2, 13');
    await expect.poll(() => editor.getByTestId('sweep-value-issue').textContent()).toMatch(/sweep\.depth\[1\] = 13: .*12/);
    await expect.poll(() => editor.locator('[data-sweep="depth"] [data-bad-value]').allTextContents()).toEqual(['13']);
    expect(await page.getByTestId('run-start').isDisabled()).toBe(true);
    await shot('4-sweep-value-out-of-range');
  });

  /** Each run's status as the runs table shows it and as the project holds it, by run id. */
  async function statusesOnPageAndHost(experimentId: number) {
    const rows = await page.getByTestId('run-row').evaluateAll((trs) => trs.map((tr) => [Number((tr as HTMLElement).dataset.runId), (tr as HTMLElement).dataset.status]));
    const onPage = Object.fromEntries(rows.sort((a, b) => Number(a[0]) - Number(b[0])));
    const runs = await hostCall<Run[]>(url, 'runs', 'list', { experimentId });
    const onHost = Object.fromEntries(runs.map((run) => [run.id, run.status]));
    return { onPage, onHost, hostRuns: runs };
  }

  it('a 125-run sweep ends on the page with the host\'s count, 40 runs drawn until "show all"', async () => {
    // Frames on the page's connection to the host: calls sent, replies and events received.
    let frames = 0;
    page.on('websocket', (socket) => {
      socket.on('framesent', () => frames++);
      socket.on('framereceived', () => frames++);
    });
    await page.goto(url);
    await newProject(page, 'sweep125.saddle');
    await createFromExample(page, 'mirror-descent-fig2');
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(1);
    const experimentId = Number(await page.getByTestId('experiment-item').getAttribute('data-experiment-id'));
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe('125');
    // The host's count, and each run's status, are what the page shows.
    await expect.poll(async () => {
      const { onPage, onHost } = await statusesOnPageAndHost(experimentId);
      return JSON.stringify(onPage) === JSON.stringify(onHost);
    }).toBe(true);
    const { hostRuns } = await statusesOnPageAndHost(experimentId);
    expect(hostRuns.filter((run) => run.status === 'done')).toHaveLength(125);
    await expect(page.getByTestId('run-cancel').count()).resolves.toBe(0);

    const panel = page.getByTestId('chart-panel').first();
    // Runs drawn: the distinct run labels ("depth=2, initScale=0.005012") among the panel's series.
    const runsDrawn = async () => new Set((JSON.parse((await panel.getAttribute('data-series-names')) ?? '[]') as string[]).filter((name) => /initScale=/.test(name))).size;
    await expect.poll(() => panel.getByTestId('draw-cap').textContent()).toMatch(/showing 40 of 125 runs/);
    await expect.poll(runsDrawn).toBe(40);
    await shot('4-sweep-125-capped');
    // "Show all" draws the panel once, when the 85 more runs' series and overlays are in: not first
    // again with the 40 it had, nor once more as the overlays come (it drew 2–3 times so).
    const draws = async () => Number((await panel.locator('.echart').getAttribute('data-draws')) ?? 0);
    /** The draws once neither a draw nor a frame to or from the host came for 1.5 s (the finished runs' re-reads drawn before the click). */
    const settledDraws = async () => {
      let last = '';
      await expect
        .poll(async () => {
          const now = `${await draws()} ${frames}`;
          const settled = now === last;
          last = now;
          return settled;
        }, { interval: 1500, timeout: 60_000 })
        .toBe(true);
      return Number(last.split(' ')[0]);
    };
    const drawsCapped = await settledDraws();
    await panel.getByTestId('draw-all').click();
    await expect.poll(() => panel.getByTestId('draw-cap').count()).toBe(0);
    await expect.poll(runsDrawn).toBe(125);
    expect(JSON.parse((await panel.getAttribute('data-theory-names')) ?? '[]')).not.toHaveLength(0);
    expect((await settledDraws()) - drawsCapped).toBe(1);
    await shot('5-sweep-125-all');

    // The channel-geometry table has a row per run and mode: its first 100 are drawn until "show all".
    const showAll = page.getByTestId('analysis-show-all');
    await expect.poll(() => showAll.count()).toBe(1);
    const total = Number(/Show all (\d+) rows \(100 shown\)/.exec((await showAll.textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThanOrEqual(125);
    const scrolls = page.getByTestId('analysis-table-scroll');
    const index = await scrolls.evaluateAll((boxes) => boxes.findIndex((box) => box.querySelector('[data-testid="analysis-show-all"]')));
    const table = scrolls.nth(index).getByTestId('analysis-table');
    expect(await table.locator('tbody tr').count()).toBe(100);
    await showAll.click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(total);
    expect(await showAll.count()).toBe(0);
  });

  it('a chart out of view is drawn once scrolled into view, not while the runs stream', async () => {
    await page.goto(url);
    await newProject(page, 'out-of-view.saddle');
    // A short window: the dashboard's second row of panels starts well below it.
    await page.setViewportSize({ width: 1440, height: 300 });
    try {
      await createFromExample(page, 'mirror-descent-fig2', 'quick');
      const bregman = page.locator('[data-testid="chart-panel"][data-chart-id="bregman"]');
      const draws = async () => Number((await bregman.locator('.echart').getAttribute('data-draws')) ?? 0);
      const drawsBefore = await draws();
      await page.getByTestId('run-start').click();
      await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toMatch(/\b30\b/);
      // The panel below has its 30 runs in its option, and has not drawn them.
      await expect.poll(() => bregman.getAttribute('data-series-count')).toBe('30');
      expect(await draws()).toBe(drawsBefore);
      await bregman.scrollIntoViewIfNeeded();
      await expect.poll(draws).toBeGreaterThan(drawsBefore);
      // A narrower window: the chart is drawn again at its element's new width.
      const canvasWidth = () => bregman.locator('.echart').evaluate((element) => [element.clientWidth, element.querySelector('canvas')?.clientWidth ?? 0]);
      const [widthBefore] = await canvasWidth();
      const drawsAtWidth = await draws();
      await page.setViewportSize({ width: 1100, height: 300 });
      // (At 1100 px the dashboard has fewer columns: the panel is wider, 439 → 560 px.)
      await expect.poll(async () => {
        const [element, canvas] = await canvasWidth();
        return element !== widthBefore && canvas === element;
      }).toBe(true);
      expect(await draws()).toBeGreaterThan(drawsAtWidth);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('Cancel on a running sweep: the page and the project agree on every run', async () => {
    await page.goto(url);
    await newProject(page, 'cancel.saddle');
    // Slow runs (10⁶ GD steps each, seconds), created beside the page as the CLI or another window would.
    const spec = {
      family: 'dln-train',
      name: 'slow sweep',
      params: { depth: 3, targetSingularValues: [3, 1], optimizer: 'gd', learningRate: 0.001, horizon: 1000 },
      sweep: { initScale: { logspace: [-2, -1, 40] } },
      seeds: [0],
    };
    const experiment = await hostCall<{ id: number }>(url, 'experiments', 'create', { spec });
    await page.locator(`[data-testid="experiment-item"][data-experiment-id="${experiment.id}"]`).click();
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('sweep-progress').count()).toBe(1);
    await expect.poll(async () => Number(await page.getByTestId('runs-done-count').textContent())).toBeGreaterThan(0);
    await shot('6-sweep-running');
    await page.getByTestId('run-cancel').click();

    await expect.poll(async () => (await hostCall<Run[]>(url, 'runs', 'list', { experimentId: experiment.id })).filter((run) => run.status === 'queued' || run.status === 'running').length).toBe(0);
    await expect.poll(async () => {
      const { onPage, onHost } = await statusesOnPageAndHost(experiment.id);
      return JSON.stringify(onPage) === JSON.stringify(onHost);
    }).toBe(true);
    const { hostRuns } = await statusesOnPageAndHost(experiment.id);
    const done = hostRuns.filter((run) => run.status === 'done').length;
    expect(hostRuns.filter((run) => run.status === 'cancelled').length).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe(String(done));
    await expect.poll(() => page.getByTestId('run-cancel').count()).toBe(0);
    await expect.poll(() => page.getByTestId('sweep-progress').count()).toBe(0);
    await shot('7-sweep-cancelled');
  });
});
