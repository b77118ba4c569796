// End to end for issue 13: a user's script family (examples/families/numpy-dln, Debian's python3
// with numpy) compared with dln-train on dln-train's dashboard. Both are run in one project, the
// two numpy runs (seeds 0 and 1) are added with "Compare with…", drawn (named by their experiment) on
// the charts whose metrics they recorded, in the panel's CSV and matplotlib exports; then only one
// of them is chosen, and that choice is shown again after the project is closed and reopened. The
// toolbar is photographed at 1280 and 1440 px wide.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifacts, createFromExample, exportDownloads, haveChromium, newProject, useWorkbench } from '../helpers/e2e';
import { haveNumpy } from '../helpers/python';
import { repoRoot, tempDir } from '../helpers/paths';

const familyPath = join(repoRoot, 'examples', 'families');
let projectPath: string;

/** The names of the data series a panel draws (its legend when several runs or experiments are drawn). */
async function seriesNames(page: Page, chartId: string): Promise<string[]> {
  const names = await page.locator(`[data-testid="chart-panel"][data-chart-id="${chartId}"]`).getAttribute('data-series-names');
  return JSON.parse(names ?? '[]') as string[];
}

async function runExperiment(page: Page, runs: number): Promise<void> {
  await page.getByTestId('run-start').click();
  await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe(String(runs));
}

describe.runIf(haveChromium && haveNumpy())('comparing runs of two experiments on one dashboard', () => {
  const bench = useWorkbench('e2e-compare', ['--family-path', familyPath], { goto: true });
  beforeAll(async () => {
    projectPath = await newProject(bench.page, 'compare.saddle');
  });

  it('draws the numpy-dln runs on the dln-train dashboard, named by their experiment, and in the exports', async () => {
    const { page } = bench;
    const picker = page.getByTestId('family-picker');
    await expect.poll(() => picker.locator('option[value="numpy-dln"]').count()).toBe(1);
    await picker.selectOption('numpy-dln');
    await page.getByTestId('create-experiment').click();
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(1);
    await page.getByTestId('experiment-name').fill('numpy-dln');
    // The name is saved after a pause in typing: wait for the list to show it before running.
    await expect.poll(() => page.getByTestId('experiment-item').first().textContent()).toContain('numpy-dln');
    await page.getByTestId('seeds-input').fill('0, 1');
    await runExperiment(page, 2);

    await createFromExample(page, 'dln-train-staircase', 'quick');
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(2);
    await runExperiment(page, 1);
    // One run of its own: the loss chart names its metrics.
    await expect.poll(() => seriesNames(page, 'loss')).toContain('loss');

    // C opens the picker; the other experiment is preselected with all its runs.
    await page.getByTestId('run-start').focus();
    await page.keyboard.press('c');
    await expect.poll(() => page.getByTestId('compare-popover').count()).toBe(1);
    await page.getByTestId('compare-all').click();
    await expect.poll(() => page.getByTestId('compare-chip').textContent()).toMatch(/numpy-dln \(2\)/);

    // Overlay of two experiments: series named by run, the compared ones with their experiment's name (and seed).
    await expect.poll(() => seriesNames(page, 'loss')).toEqual([expect.stringMatching(/^run \d+$/), 'numpy-dln: seed=0', 'numpy-dln: seed=1']);
    await expect.poll(() => seriesNames(page, 'sigma')).toContain('numpy-dln: seed=1');
    // Its family's own overlays for the σ chart, named by the experiment (dashed like every overlay).
    const theoryNames = async () => JSON.parse((await page.locator('[data-testid="chart-panel"][data-chart-id="sigma"]').getAttribute('data-theory-names')) ?? '[]') as string[];
    await expect.poll(theoryNames).toContain('numpy-dln: targets s_α');
    // numpy-dln records no layer singular values: that chart draws only dln-train's run.
    expect((await seriesNames(page, 'layers')).some((name) => name.startsWith('numpy-dln'))).toBe(false);
    // The spectrum heatmap shows one run at a time: the compared one can be chosen there too.
    const heatmapRuns = page.locator('[data-testid="chart-panel"][data-chart-id="sigmaMap"] [data-testid="heatmap-run"] option');
    await expect.poll(() => heatmapRuns.allTextContents()).toEqual([expect.stringMatching(/^run \d+$/), expect.stringMatching(/^numpy-dln: /), expect.stringMatching(/^numpy-dln: /)]);

    const loss = page.locator('[data-testid="chart-panel"][data-chart-id="loss"]');
    const download = page.waitForEvent('download');
    await loss.getByTestId('export-csv').click();
    const csv = readFileSync((await (await download).path()) ?? '', 'utf8');
    expect(csv).toMatch(/^"?numpy-dln: seed=1"?,\d+,loss,/m);
    expect(csv).toMatch(/^"?run \d+"?,\d+,loss,/m);

    // The figure dialog's matplotlib script: the same legend names, the compared runs in the caption.
    await loss.getByTestId('figure-export').click();
    await page.getByTestId('figure-dialog').getByTestId('figure-format').selectOption('matplotlib');
    const files = await exportDownloads(page, 3, tempDir('saddle-compare-e2e-'));
    const script = readFileSync([...files.values()].find((file) => file.endsWith('.py')) ?? '', 'utf8');
    expect(script).toMatch(/linestyle=":", label="numpy-dln: seed=0"/);
    expect(script).toContain('Compared with experiment "numpy-dln" (family numpy-dln)');
    await bench.shot('compared');
  });

  it('"Chosen" draws only the ticked run of the other experiment', async () => {
    const { page } = bench;
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('figure-dialog').count()).toBe(0);
    await page.getByTestId('compare-open').click();
    const boxes = page.getByTestId('compare-popover').locator('input[type="checkbox"][data-run-id]');
    // Both compared runs are ticked; untick the second.
    await expect.poll(() => boxes.count()).toBe(2);
    await expect.poll(() => page.getByTestId('compare-chosen').textContent()).toContain('Chosen (2)');
    const kept = await boxes.nth(0).getAttribute('data-run-id');
    await boxes.nth(1).uncheck();
    await expect.poll(() => page.getByTestId('compare-chosen').textContent()).toContain('Chosen (1)');
    await page.getByTestId('compare-chosen').click();
    await expect.poll(() => page.getByTestId('compare-chip').textContent()).toMatch(/numpy-dln \(1\)/);
    expect(await page.getByTestId('compare-chip').getAttribute('title')).toBe(`Runs ${kept} of numpy-dln, dotted`);
    await expect.poll(() => seriesNames(page, 'loss')).toEqual([expect.stringMatching(/^run \d+$/), `numpy-dln: run ${kept}`]);

    // The toolbar at the two common laptop widths: the saved-views controls stay on one line.
    for (const width of [1280, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      // The dashboard pane is ~910 px wide at 1440: the saved-views controls take a line of their own, together.
      const top = async (label: string) => Math.round((await page.getByLabel(label).boundingBox())?.y ?? -1);
      await expect.poll(() => top('View name')).toBe(await top('Saved views'));
      expect(Math.round((await page.getByTestId('save-view').boundingBox())?.y ?? -1)).toBe(await top('Saved views'));
      await page.locator('.dashboard-toolbar').screenshot({ path: join(artifacts, `e2e-compare-toolbar-${width}.png`) });
    }
  });

  it('shows the comparison again when the project is reopened, and removes it with ✕', async () => {
    const { page } = bench;
    await page.getByTestId('project-close').click();
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(0);
    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-open').click();
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(2);
    // The last experiment (dln-train's staircase) opens; its comparison comes back with it.
    await expect.poll(() => page.getByTestId('compare-chip').textContent()).toMatch(/numpy-dln \(1\)/);
    await expect.poll(() => seriesNames(page, 'loss')).toEqual([expect.stringMatching(/^run \d+$/), expect.stringMatching(/^numpy-dln: run \d+$/)]);

    await page.getByTestId('compare-remove').click();
    await expect.poll(() => page.getByTestId('compare-chip').count()).toBe(0);
    await expect.poll(() => seriesNames(page, 'loss')).toContain('loss');
  });
});
