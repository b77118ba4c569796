// End to end against the serve host: the Papers view. Without a project every claim reads not run
// and Reproduce is off; in a new project, "Reproduce (quick)" on claim 000-5 runs mirror-descent-fig2's
// quick sweep, and the badge turns from not run to pass by itself when the analyses are stored (000-8,
// judged by the same sweep, turns paper-wrong: τ_lin is 14.9 % from quadrature at L = 2, not within
// the caption's 2 %). The claim links to the experiment that decided it; the report downloads as
// Markdown and CSV with the verdicts. Screenshots in test-artifacts/e2e-papers-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { artifacts, haveChromium, newProject, openWorkbench, type Workbench } from '../helpers/e2e';
import { tempDir } from '../helpers/paths';

let bench: Workbench;
let page: Page;

const claim = (id: string) => page.locator(`[data-testid="claim"][data-claim-id="${id}"]`);

async function download(testId: string, dir: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const target = join(dir, file.suggestedFilename());
  await file.saveAs(target);
  return { name: file.suggestedFilename(), text: readFileSync(target, 'utf8') };
}

describe.runIf(haveChromium)('the Papers view', () => {
  beforeAll(async () => {
    bench = await openWorkbench('e2e-papers');
    page = bench.page;
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('shows every claim not run without a project, with Reproduce off and a message saying why', async () => {
    await page.goto(bench.url);
    await page.waitForFunction(() => /^v\d/.test(document.querySelector('.version')?.textContent ?? ''), undefined, { timeout: 60_000 });
    // Keyboard: the view tab is a button reached and pressed like any other.
    await page.getByTestId('view-papers').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('papers-view').count()).toBe(1);
    await expect.poll(() => claim('000-5').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('papers-no-project').isVisible()).toBe(true);
    expect(await claim('000-5').getAttribute('data-verdict')).toBe('not-run');
    expect(await claim('000-5').getByTestId('reproduce-quick-000-5').isDisabled()).toBe(true);
    // Statements are rendered with KaTeX.
    expect(await claim('000-5').locator('.statement .katex').count()).toBeGreaterThan(0);
    const verdicts = await page.getByTestId('claim').evaluateAll((items) => items.map((item) => item.getAttribute('data-verdict')));
    expect(new Set(verdicts)).toEqual(new Set(['not-run', 'not-here']));
    await bench.shot('1-no-project');
  });

  it('reproduces 000-5 (quick): not run → pass when the runs finish; 000-8 turns paper-wrong; links to its experiment', async () => {
    await page.getByTestId('view-workbench').click();
    await newProject(page, 'papers.saddle');
    await page.getByTestId('view-papers').click();
    await expect.poll(() => page.getByTestId('papers-no-project').count()).toBe(0);
    expect(await claim('000-5').getAttribute('data-verdict')).toBe('not-run');

    await claim('000-5').getByTestId('reproduce-quick-000-5').click();
    await expect.poll(() => claim('000-5').getAttribute('data-verdict'), { timeout: 120_000 }).toBe('pass');
    expect(await claim('000-5').getByTestId('claim-running').count()).toBe(0);
    expect(await claim('000-8').getAttribute('data-verdict')).toBe('paper-wrong');
    expect(await claim('000-5').getByTestId('claim-verdict').textContent()).toBe('pass');
    // Saddle Lab's number is the decisive check's: the L = 6 slope, −4 within 0.03.
    expect(Math.abs(Number((await claim('000-5').getByTestId('claim-value').textContent())?.replace('−', '-')) + 4)).toBeLessThan(0.03);
    expect(await claim('000-5').getByTestId('claim-check').textContent()).toMatch(/^L = 6, σ\* = 1: log–log slope .*\(1 of 4 checks\)$/);
    expect(await page.getByTestId('claim-error').count()).toBe(0);
    await claim('000-5').scrollIntoViewIfNeeded();
    await bench.shot('2-reproduced');
    await claim('000-5').screenshot({ path: join(artifacts, 'e2e-papers-3-claim-pass.png') });
    await claim('000-8').screenshot({ path: join(artifacts, 'e2e-papers-3-claim-paper-wrong.png') });
    await page.locator('[data-testid="claim"][data-verdict="not-here"]').first().screenshot({ path: join(artifacts, 'e2e-papers-3-claim-not-here.png') });

    const dir = tempDir();
    const markdown = await download('claims-export-md', dir);
    expect(markdown.name).toMatch(/^saddle-lab-claims-\d{4}-\d{2}-\d{2}\.md$/);
    expect(markdown.text).toMatch(/^\| 000-5 \| [^|]+ \| PASS \| -4 \|/m);
    expect(markdown.text).toMatch(/^\| 000-8 \| [^|]+ \| PAPER-WRONG \|/m);
    expect(markdown.text).toMatch(/^Saddle Lab \d+\.\d+\.\d+, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\. Verdicts judged from the stored analyses of .*papers\.saddle\.$/m);
    const csv = await download('claims-export-csv', dir);
    expect(csv.text.split('\n').filter((line) => /^000,000-5,.*,pass,/.test(line))).toHaveLength(1);

    // The claim links to the experiment that decided it, selected in the workbench.
    await claim('000-5').getByTestId('claim-experiment').click();
    await expect.poll(() => page.getByTestId('papers-view').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="experiment-item"].current').textContent()).toContain('000-5 · Mirror descent, Fig. 2 (quick)');
    await bench.shot('4-decided-by');
  });
});
