// End to end: Playwright drives Debian's Chromium against the serve host, as a researcher would:
// create a project, open the Fig. 2 example, run it, see five curves and the fit table, export
// SVG, reopen the project and see the runs again. Screenshots are kept in test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cliBin, repoRoot, requireBuild, tempDir } from '../helpers/paths';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = join(repoRoot, 'test-artifacts');
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.CI) throw new Error(`Chromium is required in CI (looked at ${chromiumPath}); .ci/run installs it`);

let server: ChildProcess;
let url: string;
let browser: Browser;
let page: Page;

async function startServe(): Promise<string> {
  server = spawn(process.execPath, [cliBin, 'serve', '--port', '0', '--pool', '2'], {
    cwd: repoRoot,
    env: { ...process.env, SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') },
  });
  server.stderr?.on('data', (d) => process.stderr.write(`[serve] ${d}`));
  return new Promise((resolve, reject) => {
    let out = '';
    server.stdout?.on('data', (d) => {
      out += d;
      const match = /serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (match) resolve(match[1]);
    });
    server.on('exit', (code) => reject(new Error(`serve exited early with ${code}: ${out}`)));
  });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `e2e-${name}.png`), fullPage: true });
}

describe.runIf(haveChromium)('the workbench in Chromium against the serve host', () => {
  beforeAll(async () => {
    requireBuild();
    mkdirSync(artifacts, { recursive: true });
    url = await startServe();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
  });

  it('creates a project, runs Fig. 2, sees five curves and the fit table, exports SVG, reopens it', async () => {
    const projectPath = join(tempDir(), 'e2e.saddle');
    await page.goto(url);

    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-new').click();
    await expect.poll(() => page.getByTestId('project-path').textContent()).toContain('e2e.saddle');

    const picker = page.getByTestId('example-picker');
    if ((await picker.evaluate((el) => el.tagName)) === 'SELECT') {
      const value = await picker.locator('[data-example="mirror-descent-fig2"]').getAttribute('value');
      await picker.selectOption(value ?? 'mirror-descent-fig2.json');
    } else {
      await picker.locator('[data-example="mirror-descent-fig2"]').click();
    }
    await page.getByTestId('create-from-example').click();
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(1);
    await shot('1-experiment');

    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent(), { timeout: 60_000 }).toMatch(/\b125\b/);

    const analysis = page.locator('[data-testid="analysis-panel"][data-analysis-id="escape-time-scaling"]');
    await expect.poll(() => analysis.getByTestId('analysis-chart').getAttribute('data-series-count'), { timeout: 30_000 }).toBe('5');
    await expect.poll(() => analysis.locator('[data-testid="analysis-table"] tbody tr').count()).toBeGreaterThanOrEqual(5);
    const tableText = await analysis.getByTestId('analysis-table').textContent();
    expect(tableText).toMatch(/slope/i);
    await shot('2-fig2-results');

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
    await expect.poll(() => page.getByTestId('runs-done-count').textContent(), { timeout: 30_000 }).toMatch(/\b125\b/);
    await expect.poll(() => analysis.getByTestId('analysis-chart').getAttribute('data-series-count'), { timeout: 30_000 }).toBe('5');
    await shot('3-reopened');
  });
});
