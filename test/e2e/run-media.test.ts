// End to end for logged media (docs/logging.md): a script logs text, images and histograms into the
// project the serve host holds (test/fixtures/logging/wandb_media.py); while it waits after step 1
// the selected run already shows step 1's image and two texts, and once it has ended, in Chromium,
// the run shows its last image (decoded by the browser at the logged size) with a step
// slider that switches to the step-0 image, the histogram "sv" as a heatmap with one cell per
// non-zero count, and its texts and refused values in a table. A run whose log calls carry only media
// (test/fixtures/logging/wandb_media_only.py: no metric line, so its summary never changes) is followed
// live too: each step's text shows while the script waits after it.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haveChromium, openLoggedRuns, useWorkbench } from '../helpers/e2e';
import { pngOf } from '../helpers/png';
import { haveNumpy, startPausedLoggingScript } from '../helpers/python';
import { tempDir } from '../helpers/paths';

let script: ChildProcessWithoutNullStreams | null = null;
const folder = tempDir('saddle-media-e2e-');
const project = join(folder, 'media.saddle');

describe.runIf(haveChromium)('a logged run with text, images and histograms', () => {
  const bench = useWorkbench('e2e-run-media', ['--project', project], { goto: true });
  afterAll(() => script?.kill('SIGKILL'));

  it('shows the image per step, the histogram heatmap and the texts, live while the script runs', async () => {
    const { page } = bench;
    await expect.poll(() => page.getByTestId('project-path').textContent()).toContain('media.saddle');
    const pngPath = join(folder, 'given.png');
    writeFileSync(pngPath, pngOf(2, 2, (x, y) => [200 * x, 100 * y, 7]));
    const child = (script = await startPausedLoggingScript('wandb_media.py', [`project=${project}`, `png_path=${pngPath}`, 'steps=5', 'pause_at=2']));
    await openLoggedRuns(page);
    await page.getByTestId('run-row').first().click();
    const media = page.getByTestId('run-media');
    await expect.poll(() => media.count()).toBe(1);
    const image = page.locator('[data-testid="run-media-image"][data-key="samples"]');
    const rows = page.getByTestId('run-media-text');

    // Live: the script waits after steps 0 and 1.
    await expect.poll(() => image.getByTestId('run-media-image-step').textContent()).toBe('1');
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe('0');
    child.stdin.write('go\n');
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe('1');

    // The last step's image first: a 5 × 3 array with numpy, else the 2 × 2 PNG logged as bytes at step 1.
    const width = () => image.getByTestId('run-media-img').evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
    await expect.poll(width).toBe(haveNumpy() ? 5 : 2);
    await expect.poll(() => image.getByTestId('run-media-image-step').textContent()).toBe(haveNumpy() ? '4' : '1');
    await image.getByTestId('run-media-step').fill('0');
    await expect.poll(() => image.getByTestId('run-media-image-step').textContent()).toBe('0');
    await expect.poll(width).toBe(2);

    // sv's counts are [s, 2, 3] at steps 0-4 on one binning: 14 non-zero cells, drawn on a canvas.
    const sv = page.locator('[data-testid="run-media-histogram"][data-key="sv"]');
    await expect.poll(() => sv.getAttribute('data-cell-count')).toBe('14');
    await expect.poll(() => sv.locator('canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="run-media-histogram"][data-key="weights"]').count()).toBe(1);

    // Five texts and the three refused values of step 2, by step.
    await expect.poll(() => rows.count()).toBe(8);
    expect(await rows.first().textContent()).toContain('step 0: ok ✓');
    expect(await page.locator('[data-testid="run-media-text"].problem').allTextContents()).toEqual([
      expect.stringContaining('not logged: Histogram: np_histogram counts[1] is nan'),
      expect.stringContaining('not logged: Histogram: np_histogram edges must increase: edges[2] = 1.0 after edges[1] = 2.0'),
      expect.stringMatching(/not logged: Image: data_or_path '.*given\.png\.missing' does not exist/),
    ]);
    await bench.shot('media');
  });

  it("follows a run whose log calls carry only media: each step's text shows while the script waits", async () => {
    const { page } = bench;
    const child = (script = await startPausedLoggingScript('wandb_media_only.py', [`project=${project}`, 'steps=3']));
    await openLoggedRuns(page);
    const running = page.locator('[data-testid="run-row"][data-status="running"]');
    await expect.poll(() => running.count()).toBe(1);
    const row = page.locator(`[data-testid="run-row"][data-run-id="${await running.getAttribute('data-run-id')}"]`);
    await row.click();
    const rows = page.getByTestId('run-media-text');
    const texts = () => rows.allTextContents();
    await expect.poll(texts).toEqual([expect.stringContaining('media only 0')]);
    child.stdin.write('go\n');
    await expect.poll(texts).toEqual([expect.stringContaining('media only 0'), expect.stringContaining('media only 1')]);
    expect(await row.getAttribute('data-status')).toBe('running');
    child.stdin.write('go\n');
    await expect.poll(() => row.getAttribute('data-status')).toBe('done');
    await expect.poll(texts).toEqual([0, 1, 2].map((step) => expect.stringContaining(`media only ${step}`)));
  });
});
