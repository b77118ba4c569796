// End to end for every family: one shipped example per family, created and run from the app in
// Chromium against the serve host. Every chart panel the family declares must draw data, and every
// analysis that applies must show its table. Screenshots are kept in test-artifacts/.
import { beforeAll, describe, expect, it } from 'vitest';
import { createFromExample, haveChromium, newProject, useWorkbench } from '../helpers/e2e';

/**
 * Example (its quick variant where it has one: the same charts and analyses in seconds) → how many
 * runs it has, which analyses must appear, which theory overlay must load.
 */
const cases: { family: string; example: string; variant: 'full' | 'quick'; runs: number; analyses: string[]; theory?: string }[] = [
  { family: 'dln-train', example: 'saxe-two-modes', variant: 'quick', runs: 1, analyses: ['plateaus'], theory: 'logistic' },
  { family: 'dln-train', example: 'dln-train-lambda-sweep', variant: 'quick', runs: 4, analyses: ['rich-to-lazy'] },
  { family: 'multipath', example: 'multipath-phase-diagram', variant: 'quick', runs: 18, analyses: ['phase-diagram'] },
  { family: 'steepest', example: 'steepest-margins', variant: 'quick', runs: 6, analyses: ['geometry-table'] },
  { family: 'relu-escape', example: 'relu-escape-depth', variant: 'quick', runs: 3, analyses: ['depth-speed'] },
];

describe.runIf(haveChromium)('every family in the app', () => {
  const bench = useWorkbench('e2e-families', [], { goto: true });
  beforeAll(() => newProject(bench.page, 'families.saddle'));

  it.each(cases)('$example ($variant, $family): runs, draws every chart, shows its analyses', async ({ example, variant, runs, analyses, theory }) => {
    const { page } = bench;
    const before = await page.getByTestId('experiment-item').count();
    await createFromExample(page, example, variant);
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(before + 1);
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe(String(runs));

    const panels = page.getByTestId('chart-panel');
    const count = await panels.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const panel = panels.nth(i);
      const id = await panel.getAttribute('data-chart-id');
      await expect.poll(async () => Number(await panel.getAttribute('data-series-count')), { message: `chart ${id} of ${example} draws nothing` }).toBeGreaterThan(0);
    }
    if (theory) {
      // Overlays are stored when a run ends; panels that asked before must fetch them again.
      const toggle = page.locator(`[data-theory-id="${theory}"]`).first();
      await expect.poll(async () => (await toggle.textContent())?.trim()).not.toBe(theory);
    }
    for (const analysisId of analyses) {
      const analysis = page.locator(`[data-testid="analysis-panel"][data-analysis-id="${analysisId}"]`);
      await expect.poll(() => analysis.locator('[data-testid="analysis-table"] tbody tr').count()).toBeGreaterThan(0);
    }
    await bench.shot(example);
  });
});
