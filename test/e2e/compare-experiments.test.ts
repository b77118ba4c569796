// End to end for issue 13: a user's script family (examples/families/numpy-dln, Debian's python3
// with numpy) compared with dln-train on dln-train's dashboard. Both are run in one project, the
// numpy runs are added with "Compare with…", drawn (named by their experiment) on the charts whose
// metrics they recorded, in the panel's CSV and matplotlib exports, and shown again after the project is
// closed and reopened.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFromExample, exportDownloads, haveChromium, newProject, openWorkbench, type Workbench } from '../helpers/e2e';
import { haveNumpy } from '../helpers/python';
import { repoRoot, tempDir } from '../helpers/paths';

const familyPath = join(repoRoot, 'examples', 'families');
let bench: Workbench;
let projectPath: string;

/** The names of the data series a panel draws (its legend when several runs or experiments are drawn). */
async function seriesNames(page: Page, chartId: string): Promise<string[]> {
  const names = await page.locator(`[data-testid="chart-panel"][data-chart-id="${chartId}"]`).getAttribute('data-series-names');
  return JSON.parse(names ?? '[]') as string[];
}

async function runExperiment(page: Page, runs: number): Promise<void> {
  await page.getByTestId('run-start').click();
  await expect.poll(() => page.getByTestId('runs-done-count').textContent(), { timeout: 60_000 }).toBe(String(runs));
}

describe.runIf(haveChromium && haveNumpy())('comparing runs of two experiments on one dashboard', () => {
  beforeAll(async () => {
    bench = await openWorkbench('e2e-compare', ['--family-path', familyPath]);
    await bench.page.goto(bench.url);
    projectPath = await newProject(bench.page, 'compare.saddle');
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('draws the numpy-dln runs on the dln-train dashboard, named by their experiment, and in the exports', async () => {
    const { page } = bench;
    const picker = page.getByTestId('family-picker');
    await expect.poll(() => picker.locator('option[value="numpy-dln"]').count()).toBe(1);
    await picker.selectOption('numpy-dln');
    await page.getByTestId('create-experiment').click();
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(1);
    await page.getByTestId('experiment-name').fill('numpy-dln');
    await runExperiment(page, 1);

    await createFromExample(page, 'dln-train-staircase');
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(2);
    await runExperiment(page, 1);
    // One run of its own: the loss chart names its metrics.
    await expect.poll(() => seriesNames(page, 'loss'), { timeout: 30_000 }).toContain('loss');

    // C opens the picker; the other experiment is preselected with all its runs.
    await page.getByTestId('run-start').focus();
    await page.keyboard.press('c');
    await expect.poll(() => page.getByTestId('compare-popover').count()).toBe(1);
    await page.getByTestId('compare-all').click();
    await expect.poll(() => page.getByTestId('compare-chip').textContent()).toMatch(/numpy-dln \(1\)/);

    // Overlay of two experiments: series named by run, the compared one with its experiment's name.
    await expect.poll(() => seriesNames(page, 'loss'), { timeout: 30_000 }).toEqual([expect.stringMatching(/^run \d+$/), expect.stringMatching(/^numpy-dln: run \d+$/)]);
    await expect.poll(() => seriesNames(page, 'sigma')).toContainEqual(expect.stringMatching(/^numpy-dln: run \d+$/));
    // numpy-dln records no layer singular values: that chart draws only dln-train's run.
    expect((await seriesNames(page, 'layers')).some((name) => name.startsWith('numpy-dln'))).toBe(false);
    // The spectrum heatmap shows one run at a time: the compared one can be chosen there too.
    const heatmapRuns = page.locator('[data-testid="chart-panel"][data-chart-id="sigmaMap"] [data-testid="heatmap-run"] option');
    await expect.poll(() => heatmapRuns.allTextContents()).toEqual([expect.stringMatching(/^run \d+$/), expect.stringMatching(/^numpy-dln: run \d+$/)]);

    const loss = page.locator('[data-testid="chart-panel"][data-chart-id="loss"]');
    const download = page.waitForEvent('download');
    await loss.getByTestId('export-csv').click();
    const csv = readFileSync((await (await download).path()) ?? '', 'utf8');
    expect(csv).toMatch(/^"?numpy-dln: run \d+"?,\d+,loss,/m);
    expect(csv).toMatch(/^"?run \d+"?,\d+,loss,/m);

    // The figure dialog's matplotlib script: the same legend names, the compared runs in the caption.
    await loss.getByTestId('figure-export').click();
    await page.getByTestId('figure-dialog').getByTestId('figure-format').selectOption('matplotlib');
    const files = await exportDownloads(page, 3, tempDir('saddle-compare-e2e-'));
    const script = readFileSync([...files.values()].find((file) => file.endsWith('.py')) ?? '', 'utf8');
    expect(script).toMatch(/linestyle=":", label="numpy-dln: run \d+"/);
    expect(script).toContain('Compared with experiment "numpy-dln" (family numpy-dln)');
    await bench.shot('compared');
  }, 60_000);

  it('shows the comparison again when the project is reopened, and removes it with ✕', async () => {
    const { page } = bench;
    await page.getByTestId('project-close').click();
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(0);
    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-open').click();
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(2);
    // The last experiment (dln-train's staircase) opens; its comparison comes back with it.
    await expect.poll(() => page.getByTestId('compare-chip').textContent()).toMatch(/numpy-dln \(1\)/);
    await expect.poll(() => seriesNames(page, 'loss'), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/^numpy-dln: run \d+$/));

    await page.getByTestId('compare-remove').click();
    await expect.poll(() => page.getByTestId('compare-chip').count()).toBe(0);
    await expect.poll(() => seriesNames(page, 'loss')).toContain('loss');
  }, 60_000);
});
