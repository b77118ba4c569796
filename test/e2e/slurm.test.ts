// The workbench sends an experiment to the real local Slurm cluster: "Run on: Slurm", the run in
// the queue with its array task's state, then the results come home when the project is opened
// again (the service collects on open). Skipped without sbatch, unless SADDLE_REQUIRE_SLURM=1.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createFromExample, haveChromium, newProject, useWorkbench } from '../helpers/e2e';
import { slurmHere } from '../helpers/slurm';

describe.runIf(haveChromium && slurmHere)('Run on Slurm from the workbench', () => {
  const bench = useWorkbench('e2e-slurm');

  it('submits the experiment to Slurm, shows the job in the queue, and collects it on reopening', async () => {
    const { page } = bench;
    await page.goto(bench.url);
    const projectPath = await newProject(page, 'slurm-e2e.saddle');
    await createFromExample(page, 'saxe-two-modes', 'quick');
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(1);

    await expect.poll(() => page.locator('[data-testid="run-target"] option[value="slurm"]').isDisabled()).toBe(false);
    await page.getByTestId('run-target').selectOption('slurm');
    await page.getByTestId('slurm-time').fill('00:05:00');
    await expect.poll(() => page.getByTestId('run-start').textContent()).toContain('Submit 1 run');
    await page.getByTestId('run-start').click();

    const job = page.getByTestId('slurm-job');
    await expect.poll(() => job.count()).toBe(1);
    const jobId = (await job.getAttribute('data-job-id')) as string;
    expect(jobId).toMatch(/^\d+$/);
    await expect.poll(() => page.locator('[data-testid="queue-row"][data-status="submitted"] [data-testid="queue-slurm"]').textContent()).toContain(`Slurm job ${jobId}, task 0`);
    await bench.shot('1-submitted');

    // Submit again: the point has a run in the project, so the app asks first; declined, nothing is sent.
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByTestId('run-start').click();
    await expect.poll(() => asked).toContain('1 of 1 runs repeat points (parameters and seed) that already have runs in this project');
    await expect.poll(() => page.getByTestId('run-start').isEnabled()).toBe(true);
    expect(await page.getByTestId('slurm-job').count()).toBe(1);

    await expect.poll(() => execFileSync('squeue', ['-h', '-j', jobId], { encoding: 'utf8' }).trim(), { interval: 500 }).toBe('');
    await page.getByTestId('project-path-input').fill(projectPath);
    await page.getByTestId('project-open').click();
    await page.getByTestId('experiment-item').first().click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toMatch(/\b1\b/);
    await expect.poll(() => page.getByTestId('slurm-job').count()).toBe(0);
    await bench.shot('2-collected');
  });
});
