// End to end: a two-parameter sweep seen from above. Runs the η × P phase diagram of paper 002 in
// the app, checks its sweep map (one cell per run, coloured by outcome), selects a cell's run by
// clicking it, refines the outcome boundary (new runs half-way between cells) and exports the map
// as a vector PDF. Screenshots are kept in test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createFromExample, exportDownloads, haveChromium, newProject, openWorkbench, type Workbench } from '../helpers/e2e';
import { tempDir } from '../helpers/paths';

let bench: Workbench;

describe.runIf(haveChromium)('the sweep map in Chromium against the serve host', () => {
  beforeAll(async () => {
    bench = await openWorkbench('e2e-sweep');
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('shows η × P outcomes, selects a cell, refines the boundary and exports a PDF', async () => {
    const { page } = bench;
    await page.goto(bench.url);
    await newProject(page, 'sweep.saddle');
    // The quick variant: a 6 × 3 grid of the same η × P plane.
    await createFromExample(page, 'multipath-phase-diagram', 'quick');
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent(), { timeout: 120_000 }).toBe('18');

    const map = page.getByTestId('sweep-map');
    await expect.poll(() => map.getAttribute('data-cells')).toBe('18');
    await expect.poll(() => map.getByTestId('sweep-value').inputValue()).toBe('outcome');
    await map.getByTestId('sweep-x').selectOption('learningRate');
    await map.getByTestId('sweep-y').selectOption('pathways');
    await bench.shot('1-map');

    // A click in the middle of the plot lands on one cell: its one run becomes the selection.
    const plot = map.locator('.echart');
    const box = (await plot.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.5);
    const selected = page.locator('[data-testid="run-row"][aria-selected="true"]');
    await expect.poll(() => selected.count()).toBe(1);

    const refine = map.getByTestId('sweep-refine');
    const added = Number(/\((\d+)\)/.exec((await refine.textContent()) ?? '')?.[1]);
    expect(added).toBeGreaterThan(0);
    await refine.click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent(), { timeout: 120_000 }).toBe(String(18 + added));
    await expect.poll(() => map.getAttribute('data-cells')).not.toBe('18');
    await bench.shot('2-refined');

    await map.getByTestId('figure-export').click();
    await page.getByTestId('figure-dialog').getByTestId('figure-format').selectOption('pdf');
    const files = await exportDownloads(page, 2, tempDir());
    const pdfPath = [...files.entries()].find(([name]) => name.endsWith('.pdf'))?.[1];
    const pdf = readFileSync(pdfPath!).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf).toContain('(learningRate) Tj');
    expect(pdf).toContain('(pathways) Tj');
  }, 240_000);
});
