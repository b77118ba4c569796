// End to end: Playwright drives Debian's Chromium against the serve host, as a researcher would:
// create a project, open the Fig. 2 example (its quick variant: 30 runs, the same five depths and
// fits), run it, see five curves and the fit table, export SVG, reopen the project and see the
// runs again. Screenshots are kept in test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { artifacts, createFromExample, haveChromium, openWorkbench, type Workbench } from '../helpers/e2e';
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
    await expect.poll(() => page.getByTestId('runs-done-count').textContent(), { timeout: 60_000 }).toMatch(/\b30\b/);

    const analysis = page.locator('[data-testid="analysis-panel"][data-analysis-id="escape-time-scaling"]');
    await expect.poll(() => analysis.getByTestId('analysis-chart').getAttribute('data-series-count'), { timeout: 30_000 }).toBe('5');
    await expect.poll(() => analysis.locator('[data-testid="analysis-table"] tbody tr').count()).toBeGreaterThanOrEqual(5);
    const tableText = await analysis.getByTestId('analysis-table').textContent();
    expect(tableText).toMatch(/slope/i);
    await shot('2-fig2-results');

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
    await expect.poll(() => page.getByTestId('runs-done-count').textContent(), { timeout: 30_000 }).toMatch(/\b30\b/);
    await expect.poll(() => analysis.getByTestId('analysis-chart').getAttribute('data-series-count'), { timeout: 30_000 }).toBe('5');
    await shot('3-reopened');

    // A swept value out of range (mode-flow's depth ≤ 12): the value is marked and named as the CLI names it.
    const editor = page.getByTestId('experiment-editor');
    if ((await editor.locator('details').getAttribute('open')) === null) await editor.locator('summary').click();
    await editor.locator('[data-sweep="depth"] input.values').fill('2, 13');
    await expect.poll(() => editor.getByTestId('sweep-value-issue').textContent()).toMatch(/sweep\.depth\[1\] = 13: .*12/);
    await expect.poll(() => editor.locator('[data-sweep="depth"] [data-bad-value]').allTextContents()).toEqual(['13']);
    expect(await page.getByTestId('run-start').isDisabled()).toBe(true);
    await shot('4-sweep-value-out-of-range');
  }, 180_000);
});
