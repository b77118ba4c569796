// End to end for a user's own family: a Python script family (the toy-decay fixture, Debian's
// python3) named with --family-path, picked in Chromium with its origin shown, run, and drawn; a
// broken module in the same folder is listed with its error and breaks nothing; the run says
// which stored copy produced it and shows its stderr.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, newProject, openWorkbench, type Workbench } from '../helpers/e2e';
import { repoRoot, tempDir } from '../helpers/paths';

let bench: Workbench;
let projectPath: string;

describe.runIf(haveChromium)('a user family in the app', () => {
  beforeAll(async () => {
    const folder = tempDir('saddle-user-families-');
    cpSync(join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay'), join(folder, 'toy-decay'), { recursive: true });
    writeFileSync(join(folder, 'broken.mjs'), 'export default 42;\n');
    bench = await openWorkbench('e2e-user-families', ['--family-path', folder]);
    await bench.page.goto(bench.url);
    projectPath = await newProject(bench.page, 'user-families.saddle');
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('creates an experiment from the script family, runs it and sees its chart', async () => {
    const { page } = bench;
    const picker = page.getByTestId('family-picker');
    await expect.poll(() => picker.locator('option[value="toy-decay"]').textContent()).toContain('Toy decay (test script family) (--family-path)');
    await expect.poll(() => page.getByTestId('family-problem').textContent()).toMatch(/broken\.mjs: export a family/);
    await picker.selectOption('toy-decay');
    await expect.poll(() => page.getByTestId('family-origin').textContent()).toMatch(/script family from .*toy-decay/);
    await page.getByTestId('create-experiment').click();
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(1);
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe('1');
    const panel = page.locator('[data-testid="chart-panel"][data-chart-id="loss"]');
    await expect.poll(async () => Number(await panel.getAttribute('data-series-count'))).toBeGreaterThan(0);
    // The manifest's overlays, computed for the run: the toggle shows the label once they are loaded.
    const toggle = panel.locator('[data-theory-id="halfLife"]');
    await expect.poll(async () => (await toggle.textContent())?.trim()).toBe('half-life ln 2 / r');
    // What produced the run: the stored copy's hash, as installed, and the stderr it kept.
    const source = page.getByTestId('run-source');
    await expect.poll(() => source.getAttribute('data-installed')).toBe('same');
    await source.locator('summary').click();
    await expect.poll(() => page.getByTestId('run-stderr').textContent()).toContain("toy-decay starting with {'rate': 0.5");
    await bench.shot('toy-decay');
  });

  it('reopened where the family is not installed: shows its runs and chart, runs nothing, restores only when asked', async () => {
    await bench.page.getByTestId('project-close').click();
    await bench.close();
    bench = await openWorkbench('e2e-user-families-missing');
    const { page } = bench;
    await page.goto(bench.url);
    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-open').click();
    const warning = page.locator('[data-testid="family-warning"][data-state="missing"]');
    await expect.poll(() => warning.textContent()).toMatch(/toy-decay is not installed here: its runs and data are shown; nothing runs/);
    expect(await page.getByTestId('family-picker').locator('option[value="toy-decay"]').count()).toBe(0);
    await page.getByTestId('experiment-item').first().click();
    const panel = page.locator('[data-testid="chart-panel"][data-chart-id="loss"]');
    await expect.poll(async () => Number(await panel.getAttribute('data-series-count'))).toBeGreaterThan(0);
    await bench.shot('missing');
    // Declining the question changes nothing; accepting restores the stored copy into the project's folder.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByTestId('family-restore').click();
    await expect.poll(() => warning.count()).toBe(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('family-restore').click();
    await expect.poll(() => warning.count()).toBe(0);
    await expect.poll(() => page.getByTestId('family-picker').locator('option[value="toy-decay"]').textContent()).toContain('(project)');
  });
});
