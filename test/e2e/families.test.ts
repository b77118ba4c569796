// End to end for every family: one shipped example per family, created and run from the app in
// Chromium against the serve host. Every chart panel the family declares must draw data, and every
// analysis that applies must show its table. Screenshots are kept in test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFromExample, haveChromium, newProject, openWorkbench, type Workbench } from '../helpers/e2e';

/** Example → how many runs it has and which analyses must appear. Quick ones: seconds each. */
const cases = [
  { family: 'dln-train', example: 'saxe-two-modes', runs: 1, analyses: ['plateaus'] },
  { family: 'dln-train', example: 'dln-train-lambda-sweep', runs: 6, analyses: ['rich-to-lazy'] },
  { family: 'multipath', example: 'multipath-phase-diagram', runs: 55, analyses: ['phase-diagram'] },
  { family: 'steepest', example: 'steepest-margins', runs: 6, analyses: ['geometry-table'] },
  { family: 'relu-escape', example: 'relu-escape-depth', runs: 5, analyses: ['depth-speed'] },
] as const;

let bench: Workbench;

describe.runIf(haveChromium)('every family in the app', () => {
  beforeAll(async () => {
    bench = await openWorkbench('e2e-families');
    await bench.page.goto(bench.url);
    await newProject(bench.page, 'families.saddle');
  });

  afterAll(async () => {
    await bench?.close();
  });

  it.each(cases)('$example ($family): runs, draws every chart, shows its analyses', async ({ example, runs, analyses }) => {
    const { page } = bench;
    const before = await page.getByTestId('experiment-item').count();
    await createFromExample(page, example);
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(before + 1);
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent(), { timeout: 120_000 }).toBe(String(runs));

    const panels = page.getByTestId('chart-panel');
    const count = await panels.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const panel = panels.nth(i);
      const id = await panel.getAttribute('data-chart-id');
      await expect.poll(async () => Number(await panel.getAttribute('data-series-count')), { timeout: 30_000, message: `chart ${id} of ${example} draws nothing` }).toBeGreaterThan(0);
    }
    for (const analysisId of analyses) {
      const analysis = page.locator(`[data-testid="analysis-panel"][data-analysis-id="${analysisId}"]`);
      await expect.poll(() => analysis.locator('[data-testid="analysis-table"] tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    }
    await bench.shot(example);
  }, 180_000);
});
