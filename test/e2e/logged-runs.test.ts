// End to end for W&B-style logging (docs/logging.md): the serve host holds a project while an
// unchanged script (`import saddle_lab as wandb`, the fixture) logs into it; in Chromium its run
// appears under "Logged runs" and its loss is drawn while the script is still running (it waits
// half-way), then the run ends done, and the file it kept downloads through the run's link.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haveChromium, openLoggedRuns, useWorkbench } from '../helpers/e2e';
import { tempDir } from '../helpers/paths';
import { startPausedLoggingScript } from '../helpers/python';

let script: ChildProcessWithoutNullStreams | null = null;
const project = join(tempDir('saddle-logged-e2e-'), 'live.saddle');

describe.runIf(haveChromium)('a script logging into the project the window shows', () => {
  const bench = useWorkbench('e2e-logged-runs', ['--project', project], { goto: true });
  afterAll(() => script?.kill('SIGKILL'));

  it('the run appears and its loss is drawn while the script runs, then it ends done', async () => {
    const { page } = bench;
    await expect.poll(() => page.getByTestId('project-path').textContent()).toContain('live.saddle');
    // The script has logged 20 steps and waits for a line on stdin.
    const child = (script = await startPausedLoggingScript('wandb_train.py', [`project=${project}`, 'steps=40', 'pause_at=20', 'name=live-run']));

    await openLoggedRuns(page);
    const panel = page.locator('[data-testid="chart-panel"][data-chart-id="loss"]');
    await expect.poll(async () => Number(await panel.getAttribute('data-series-count'))).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe('0');
    await bench.shot('running');

    child.stdin.write('go\n');
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe('1');
    // The file it saved in run.dir is listed with the run.
    await expect.poll(() => page.getByTestId('run-artifacts').getAttribute('data-file-count')).toBe('1');
    await page.getByTestId('run-artifacts').locator('summary').click();
    await expect.poll(() => page.getByTestId('run-artifact').textContent()).toContain('final.txt');
    // Its download link (the serve host's /artifact, with this page's token) gives the file's bytes.
    const href = await page.getByTestId('run-artifact-download').getAttribute('href');
    expect(await page.evaluate(async (url) => (await fetch(url!)).text(), href)).toBe('0.1 40\n');
    await bench.shot('done');

    // Nothing here runs a logged experiment: the editor says so (no issue to fix), and it can be renamed.
    await expect.poll(() => page.getByTestId('logged-experiment-note').isVisible()).toBe(true);
    await page.getByTestId('experiment-name').fill('decay runs');
    await expect.poll(() => page.getByTestId('experiment-item').first().textContent()).toContain('decay runs');
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    await bench.shot('renamed');
  });
});
