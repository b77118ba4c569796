// End to end: publication figures from the serve host in Debian's Chromium. Runs the Fig. 2
// example, exports a panel as a vector PDF with the figure dialog and checks the downloaded file
// (valid PDF, axis labels and legend text in Helvetica, caption draft in the metadata), saves a
// size preset in the project, exports the matplotlib script and runs it, a PNG at a DPI, and the
// whole dashboard as one SVG. Screenshots are kept in test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { artifacts, createFromExample, exportDownloads, haveChromium, newProject, openWorkbench, type Workbench } from '../helpers/e2e';
import { tempDir } from '../helpers/paths';

const python = '/usr/bin/python3';

let bench: Workbench;
let page: Page;

/** A document-info string of a PDF (read as latin1): a literal string, UTF-16BE when it starts with a BOM. */
function pdfInfo(pdf: string, key: string): string {
  const start = pdf.indexOf(`/${key} (`) + key.length + 3;
  let raw = '';
  for (let i = start; pdf[i] !== ')'; i++) raw += pdf[i] === '\\' ? pdf[++i] : pdf[i];
  const bytes = Buffer.from(raw, 'latin1');
  return bytes[0] === 0xfe && bytes[1] === 0xff ? bytes.subarray(2).swap16().toString('utf16le') : raw;
}

describe.runIf(haveChromium)('publication figures in Chromium against the serve host', () => {
  beforeAll(async () => {
    bench = await openWorkbench('e2e-figure');
    page = bench.page;
  });

  afterAll(async () => {
    await bench?.close();
  });

  it('runs Fig. 2 and exports a panel as PDF, matplotlib and PNG, saves a preset, and the dashboard as SVG', async () => {
    const dir = tempDir('saddle-figure-e2e-');
    await page.goto(bench.url);
    await newProject(page, 'figures.saddle');
    await createFromExample(page, 'mirror-descent-fig2', 'quick');
    await expect.poll(() => page.getByTestId('experiment-item').count()).toBe(1);
    await page.getByTestId('run-start').click();
    await expect.poll(() => page.getByTestId('runs-done-count').textContent(), { timeout: 60_000 }).toMatch(/\b30\b/);

    // Five runs (one per depth): a legend that fits on paper.
    await page.getByTestId('runs-filter').fill('initScale=0.1');
    await page.getByTestId('select-all-runs').click();
    // The singular-value panel (x label t, y label σᵢ).
    const panel = page.locator('[data-testid="chart-panel"]:not([data-series-count="0"])').filter({ has: page.locator('[data-testid="log-y"]') }).first();
    await expect.poll(() => panel.getAttribute('data-series-count'), { timeout: 30_000 }).not.toBe('0');
    await expect.poll(() => panel.getAttribute('data-chart-id')).toBe('sigma');

    await panel.getByTestId('figure-export').click();
    const dialog = page.getByTestId('figure-dialog');
    await dialog.getByTestId('figure-width').fill('7');
    await dialog.getByTestId('figure-height').fill('3');
    await dialog.getByTestId('figure-preset-name').fill('Double column');
    await dialog.getByTestId('figure-preset-save').click();
    await expect.poll(() => dialog.getByTestId('figure-preset').locator('option', { hasText: /^Double column$/ }).count()).toBe(1);
    await expect.poll(() => dialog.getByTestId('figure-preset').inputValue()).toMatch(/^saved:/);
    await dialog.getByTestId('figure-format').selectOption('pdf');
    await bench.shot('1-dialog');

    const files = await exportDownloads(page, 2, dir);
    const pdfName = [...files.keys()].find((name) => name.endsWith('.pdf'));
    const captionName = [...files.keys()].find((name) => name.endsWith('.caption.txt'));
    expect(pdfName).toBeTruthy();
    expect(captionName).toBe(pdfName!.replace(/\.pdf$/, '.caption.txt'));

    const pdf = readFileSync(files.get(pdfName!)!);
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text).toMatch(/%%EOF\s*$/);
    // A cross-reference table whose offset, given after startxref, points at it.
    const startxref = Number(/startxref\s+(\d+)/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    expect(text).toMatch(/trailer\s*<<[^]*\/Root/);
    // 7 in × 3 in in points.
    expect(text).toMatch(/\/MediaBox \[0 0 504\.? 216\.?\]/);
    // Latin text in plain Helvetica (searchable): the x axis name and the legend; σᵢ in embedded DejaVu.
    expect(text).toContain('/BaseFont /Helvetica');
    expect(text).toContain('(t) Tj');
    for (const depth of [2, 3, 4, 5, 6]) expect(text).toContain(`(depth=${depth}) Tj`);
    expect(text).toMatch(/\/BaseFont \/[A-Z]*\+?DejaVuSans/);
    expect(pdfInfo(text, 'Subject')).toContain('Differing parameters: depth ∈ {2, 3, 4, 5, 6}.');
    const caption = readFileSync(files.get(captionName!)!, 'utf8');
    expect(caption).toContain('Differing parameters: depth ∈ {2, 3, 4, 5, 6}.');
    expect(caption).toMatch(/Shared parameters: .*initScale=0\.1/);
    expect(caption).toContain('figures.saddle');

    // The same figure as a matplotlib script with its CSV, run with Debian's python3.
    await panel.getByTestId('figure-export').click();
    await dialog.getByTestId('figure-format').selectOption('matplotlib');
    const scriptFiles = await exportDownloads(page, 3, dir);
    const script = [...scriptFiles.values()].find((file) => file.endsWith('.py'))!;
    expect([...scriptFiles.keys()].some((name) => name.endsWith('.csv'))).toBe(true);
    let hasMatplotlib = true;
    try {
      execFileSync(python, ['-c', 'import matplotlib'], { stdio: 'ignore' });
    } catch {
      hasMatplotlib = false;
    }
    if (hasMatplotlib) {
      const out = join(artifacts, 'e2e-figure-matplotlib.png');
      execFileSync(python, [script, out], { stdio: 'pipe' });
      expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
    }

    // PNG of the panel at 300 dpi: 7 in → 2100 px, with its resolution stamped.
    await panel.getByTestId('figure-export').click();
    await dialog.getByTestId('figure-format').selectOption('png');
    const pngFiles = await exportDownloads(page, 2, dir);
    const png = readFileSync([...pngFiles.values()].find((file) => file.endsWith('.png'))!);
    expect(png.readUInt32BE(16)).toBe(2100);
    expect(png.readUInt32BE(20)).toBe(900);
    const phys = png.indexOf('pHYs');
    expect(png.readUInt32BE(phys + 4)).toBe(Math.round(300 / 0.0254));

    // The whole dashboard as one SVG: every line panel's axis names, the caption in <desc>.
    const board = page.getByTestId('dashboard-figure');
    await board.getByTestId('figure-export').click();
    // The preset saved in the project sets 7 in × 3 in; then a taller figure for four panels.
    await expect.poll(() => board.getByTestId('figure-preset').locator('option', { hasText: /^Double column$/ }).count()).toBe(1);
    await board.getByTestId('figure-preset').selectOption({ label: 'Double column' });
    await expect.poll(() => board.getByTestId('figure-width').inputValue()).toBe('7');
    await board.getByTestId('figure-height').fill('8');
    await board.getByTestId('figure-format').selectOption('svg');
    const boardFiles = await exportDownloads(page, 2, dir);
    const svg = readFileSync([...boardFiles.values()].find((file) => file.endsWith('.svg'))!, 'utf8');
    expect(svg).toMatch(/<svg [^>]*width="7in" height="8in"/);
    expect(svg).toMatch(/<desc>[^<]*Differing parameters: depth/);
    for (const label of ['σᵢ', 'bᵢ', 'ℓ', 'D_Φ']) expect(svg).toContain(`>${label}</text>`);
    await bench.shot('2-exported');
  }, 180_000);
});
