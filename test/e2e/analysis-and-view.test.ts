// End to end against the serve host: a sweep's analyses appear when main stores them (no
// re-selecting the experiment), with "computing analyses…" until then; their tables fit the
// panel's column; and a dashboard view the user changed (log x, smoothing, a reference line,
// combined runs) is still there after looking at another experiment and after reopening the project,
// without "Save view". Screenshots in test-artifacts/e2e-view-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { artifacts, createFromExample, haveChromium, newProject, openWorkbench, type Workbench } from '../helpers/e2e';

let bench: Workbench;
let page: Page;
let projectPath = '';

const experimentItem = (name: string) => page.getByTestId('experiment-item').filter({ hasText: name });
const fig2 = 'Mirror descent, Fig. 2';
const lambdaSweep = 'λ-balanced';

/** The first chart panel's view settings, as its controls show them. */
async function shownView() {
  const panel = page.getByTestId('chart-panel').first();
  return {
    logX: await panel.getByTestId('log-x').isChecked(),
    smoothing: await panel.getByTestId('smoothing').inputValue(),
    references: (await panel.locator('.chip').allTextContents()).map((text) => text.replace('✕', '').trim()),
    combined: await page.getByTestId('aggregate').isChecked(),
  };
}

describe.runIf(haveChromium)('analyses pushed to the page, and the dashboard view autosaved', () => {
  beforeAll(async () => {
    bench = await openWorkbench('e2e-view');
    page = bench.page;
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('shows a sweep\'s analyses when they are stored, computing until then, in tables that fit', async () => {
    await page.goto(bench.url);
    projectPath = await newProject(page, 'view.saddle');
    await createFromExample(page, 'mirror-descent-fig2', 'quick');
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(1);
    await expect.poll(() => page.getByTestId('chart-panel').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('analysis-panel').count()).toBe(0);
    // Remembers whether "computing analyses…" was ever drawn (it may be one frame on a fast machine).
    await page.evaluate(() => {
      const flags = window as unknown as { computingSeen: boolean };
      flags.computingSeen = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="analyses-computing"]')) flags.computingSeen = true;
      }).observe(document.body, { childList: true, subtree: true });
    });

    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toMatch(/\b30\b/);
    // No click on the experiment: the analyses arrive by themselves.
    await expect.poll(() => page.getByTestId('analysis-panel').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('analyses-computing').count()).toBe(0);
    expect(await page.getByTestId('analyses-error').count()).toBe(0);
    console.log(`computing analyses… drawn: ${String(await page.evaluate(() => (window as unknown as { computingSeen: boolean }).computingSeen))}`);

    // Every analysis table stays inside its panel: it wraps, or scrolls inside its own box.
    for (const width of [1280, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      const boxes = await page.getByTestId('analysis-panel').evaluateAll((panels) =>
        panels.flatMap((panel) => {
          const scroll = panel.querySelector('[data-testid="analysis-table-scroll"]');
          const table = panel.querySelector('table');
          if (!scroll || !table) return [];
          const outer = panel.getBoundingClientRect();
          const inner = scroll.getBoundingClientRect();
          return [{ id: panel.getAttribute('data-analysis-id'), overflow: inner.right - outer.right, tableWidth: table.scrollWidth, boxWidth: scroll.clientWidth }];
        }),
      );
      console.log(`analysis tables at ${width} px: ${JSON.stringify(boxes)}`);
      expect(boxes.length).toBeGreaterThan(0);
      for (const box of boxes) expect(box.overflow, `${box.id} sticks out of its panel`).toBeLessThanOrEqual(1);
      await page.getByTestId('analysis-table-scroll').first().screenshot({ path: join(artifacts, `e2e-view-table-${width}.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await bench.shot('1-analyses');
  });

  it('keeps log x, smoothing, a reference line and combined runs across experiments and a reopen', async () => {
    await createFromExample(page, 'dln-train-lambda-sweep', 'quick');
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(2);
    await experimentItem(fig2).click();
    const panel = page.getByTestId('chart-panel').first();
    await expect.poll(() => panel.count()).toBe(1);
    const before = await shownView();

    const changed = { logX: !before.logX, smoothing: 'ema', references: ['half'], combined: !before.combined };
    await panel.getByTestId('log-x').click();
    await panel.getByTestId('smoothing').selectOption('ema');
    await panel.getByTestId('add-reference').click();
    await panel.getByTestId('reference-value').fill('0.5');
    await panel.getByLabel('Label').fill('half');
    await panel.getByTestId('reference-add').click();
    await page.getByTestId('aggregate').click();
    await expect.poll(shownView).toEqual(changed);

    await experimentItem(lambdaSweep).click();
    await expect.poll(() => page.locator('[data-testid="experiment-item"].current').textContent()).toContain(lambdaSweep);
    await experimentItem(fig2).click();
    await expect.poll(shownView).toEqual(changed);
    await bench.shot('2-back');

    // Reopened: a fresh page, the project opened again from its path.
    await page.goto(bench.url);
    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-open').click();
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(2);
    await experimentItem(fig2).click();
    // Chosen while main may still be reopening the file: the reopen must not choose for the user.
    await expect.poll(() => page.locator('[data-testid="experiment-item"].current').textContent()).toContain(fig2);
    await expect.poll(() => page.getByTestId('chart-panel').count()).toBeGreaterThan(0);
    try {
      await expect.poll(shownView).toEqual(changed);
    } catch (error) {
      // What the page shows instead: the experiment it has open, its panels and any error it reported.
      await bench.shot('3-reopened-failed');
      const current = await page.locator('[data-testid="experiment-item"].current').textContent();
      const panels = await page.getByTestId('chart-panel').evaluateAll((items) => items.map((item) => item.getAttribute('data-chart-id')));
      const errors = (await page.getByTestId('error-banner').count()) > 0 ? await page.getByTestId('error-banner').textContent() : 'none';
      throw new Error(`${String(error)}\ncurrent experiment: ${current}\npanels: ${panels.join(', ')}\nerrors: ${errors}`);
    }
    await bench.shot('3-reopened');
  });
});
