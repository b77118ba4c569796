// End to end: a two-parameter sweep seen from above. Runs the η × P phase diagram of paper 002 in
// the app, checks its sweep map (one cell per run, coloured by outcome), selects a cell's run by
// clicking it, refines the outcome boundary (new runs half-way between cells) and exports the map
// as a vector PDF. Screenshots are kept in test-artifacts/.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createFromExample, exportDownloads, haveChromium, newProject, useWorkbench } from '../helpers/e2e';
import { tempDir } from '../helpers/paths';
import { pdfText } from '../helpers/pdf';

describe.runIf(haveChromium)('the sweep map in Chromium against the serve host', () => {
  const bench = useWorkbench('e2e-sweep');

  it('shows η × P outcomes, selects a cell, refines the boundary and exports a PDF', async () => {
    const { page } = bench;
    await page.goto(bench.url);
    await newProject(page, 'sweep.saddle');
    // The quick variant: a 6 × 3 grid of the same η × P plane.
    await createFromExample(page, 'multipath-phase-diagram', 'quick');
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe('18');

    const map = page.getByTestId('sweep-map');
    await expect.poll(() => map.getAttribute('data-cells')).toBe('18');
    await expect.poll(() => map.getByTestId('sweep-value').inputValue()).toBe('outcome');
    await map.getByTestId('sweep-x').selectOption('learningRate');
    await map.getByTestId('sweep-y').selectOption('pathways');
    // The family card sets the summary's scripted words (L_p, s^{2−2/L}, λ_single) with KaTeX.
    expect(await page.getByTestId('family-summary').locator('.katex').count()).toBeGreaterThanOrEqual(3);
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
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toBe(String(18 + added));
    await expect.poll(() => map.getAttribute('data-cells')).not.toBe('18');
    await bench.shot('2-refined');

    await map.getByTestId('figure-export').click();
    await page.getByTestId('figure-dialog').getByTestId('figure-format').selectOption('pdf');
    const files = await exportDownloads(page, 2, tempDir());
    const pdfPath = [...files.entries()].find(([name]) => name.endsWith('.pdf'))?.[1];
    expect(readFileSync(pdfPath!).toString('latin1').startsWith('%PDF-')).toBe(true);
    const text = pdfText(pdfPath!);
    expect(text).toContain('learningRate');
    expect(text).toContain('pathways');
  });
});

describe.runIf(haveChromium)('a sweep read at a glance in Chromium', () => {
  const bench = useWorkbench('e2e-sweep-views');

  it('draws the Fig. 2 quick sweep on log t, coloured by ε with a colour bar, and maps the escape time', async () => {
    const { page } = bench;
    await page.goto(bench.url);
    await newProject(page, 'sweep-views.saddle');
    await createFromExample(page, 'mirror-descent-fig2', 'quick');
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toMatch(/\b30\b/);

    // mode-flow marks t logarithmic when initScale or depth is swept: the panel opens on log t.
    const sigma = page.locator('[data-testid="chart-panel"][data-chart-id="sigma"]');
    await expect.poll(() => sigma.getAttribute('data-series-count')).toBe('30');
    expect(await sigma.getByTestId('log-x').isChecked()).toBe(true);
    // Six ε values over five depths: coloured by ε (a colour bar), not 30 paged legend entries.
    expect(await page.getByTestId('colour-by').inputValue()).toBe('initScale');
    await expect.poll(() => sigma.getAttribute('data-colour-bar')).toBe('initScale');

    // Done: the sweep map shows the escape time (a summary that varies), not a block of 'done'.
    const map = page.getByTestId('sweep-map');
    await expect.poll(() => map.getByTestId('sweep-value').inputValue()).toBe('bottleneckEscapeTime');
    await expect.poll(() => map.getAttribute('data-cells')).toBe('30');
    await sigma.scrollIntoViewIfNeeded();
    await bench.shot('3-fig2-colour-bar');
    await map.scrollIntoViewIfNeeded();
    await bench.shot('4-fig2-sweep-map');
    // A cell's tooltip names its value and which cell it is (the class index and no cell, before).
    const canvas = map.locator('.echart canvas').first();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
    await expect.poll(() => map.locator('.echart').innerText()).toMatch(/bottleneckEscapeTime: \S+\s+depth: [2-6]\s+initScale: \S+/);
    await bench.shot('4b-fig2-sweep-map-tooltip');
    // The experiment's name is shown whole, not cut at the field's edge, also the longest example's (89 characters).
    const nameField = page.getByTestId('experiment-name');
    await nameField.scrollIntoViewIfNeeded();
    await nameField.fill('Steepest descent, the mirror-flow metric measured from runs (Fig. 2(a), Thm 4.8, Table 1)');
    const [scrollWidth, clientWidth] = await nameField.evaluate((input) => [input.scrollWidth, input.clientWidth]);
    expect(clientWidth).toBeGreaterThan(280);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await bench.shot('4c-long-name');
    // Coloured by the swept ε itself: a log colour bar named after the parameter.
    await map.getByTestId('sweep-value').selectOption('param:initScale');
    await expect.poll(() => map.getAttribute('data-colour-bar')).toBe('initScale (log)');
    await bench.shot('5-fig2-sweep-map-by-eps');

    // The user can go back to one legend entry per run.
    await page.getByTestId('colour-by').selectOption('');
    await expect.poll(() => sigma.getAttribute('data-colour-bar')).toBe('');
  });
});
