// End to end: publication figures from the serve host in Debian's Chromium. Runs the Fig. 2
// example, exports a panel as a vector PDF with the figure dialog and checks the downloaded file
// (valid PDF, one embedded subset font, axis labels, 10ⁿ ticks and legend as text, caption draft in
// the metadata), saves a size preset in the project, exports the matplotlib script and runs it, a
// PNG at a DPI, and the whole dashboard as one PDF with the built-in double-column preset (2 × 2
// panels labelled (a)–(d)) and as SVG. PDFs are rendered with pdftoppm into test-artifacts/ to be
// looked at, as are the screenshots and the matplotlib output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { artifacts, createFromExample, exportDownloads, haveChromium, newProject, openWorkbench, type Workbench } from '../helpers/e2e';
import { tempDir } from '../helpers/paths';
import { pdfText, poppler } from '../helpers/pdf';

const python = '/usr/bin/python3';

/** The fonts `pdffonts` lists: name, whether embedded and whether subset. */
function pdfFonts(file: string): { name: string; embedded: boolean; subset: boolean }[] {
  return poppler('pdffonts', [file])
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      // name type... encoding emb sub uni object ID: the flags are the 5th and 4th columns from the end.
      return { name: columns[0], embedded: columns.at(-5) === 'yes', subset: columns.at(-4) === 'yes' };
    });
}

/** Checks an exported PDF: one font, embedded as a subset, size under `maxBytes`; renders it for looking at. */
function checkPdf(file: string, maxBytes: number, render: string): string {
  expect(readFileSync(file).length).toBeLessThan(maxBytes);
  const fonts = pdfFonts(file);
  expect(fonts).toHaveLength(1);
  expect(fonts[0]).toMatchObject({ embedded: true, subset: true });
  expect(fonts[0].name).toMatch(/^[A-Z]{6}\+DejaVuSans$/);
  poppler('pdftoppm', ['-r', '150', '-png', '-singlefile', file, join(artifacts, render)]);
  return pdfText(file);
}

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
    await expect.poll(() => page.getByTestId('runs-done-count').textContent()).toMatch(/\b30\b/);

    // Five runs (one per depth): a legend that fits on paper.
    await page.getByTestId('runs-filter').fill('initScale=0.1');
    await page.getByTestId('select-all-runs').click();
    // The singular-value panel (x label t, y label σᵢ).
    const panel = page.locator('[data-testid="chart-panel"]:not([data-series-count="0"])').filter({ has: page.locator('[data-testid="log-y"]') }).first();
    await expect.poll(() => panel.getAttribute('data-series-count')).not.toBe('0');
    await expect.poll(() => panel.getAttribute('data-chart-id')).toBe('sigma');

    // Log t (the runs escape from t ≈ 10 to t ≈ 2500): the PDF's ticks are decades, printed 10ⁿ.
    await panel.getByTestId('log-x').check();
    await expect.poll(() => panel.getByTestId('log-x').isChecked()).toBe(true);
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
    // One small panel: one embedded subset font (was Helvetica unembedded plus DejaVu twice, 320–380 kB).
    const pdfText = checkPdf(files.get(pdfName!)!, 120_000, 'e2e-figure-panel-pdf');
    // Searchable text: the axis names, the legend, log ticks as powers of ten (not 1e4).
    for (const label of ['σᵢ', 'depth=2', 'depth=6', '10¹', '10²', '10³']) expect(pdfText).toContain(label);
    expect(pdfText).not.toMatch(/\de[+-]?\d/);
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

    // The whole dashboard with the built-in double-column preset (7 × 3.2 in) as PDF: four panels in a
    // 2 × 2 grid labelled (a)–(d) under one legend.
    const board = page.getByTestId('dashboard-figure');
    await board.getByTestId('figure-export').click();
    await board.getByTestId('figure-preset').selectOption({ label: 'Double column (7.0 in)' });
    await expect.poll(() => board.getByTestId('figure-height').inputValue()).toBe('3.2');
    await board.getByTestId('figure-format').selectOption('pdf');
    const boardPdfFiles = await exportDownloads(page, 2, dir);
    const boardText = checkPdf([...boardPdfFiles.values()].find((file) => file.endsWith('.pdf'))!, 200_000, 'e2e-figure-dashboard-pdf');
    for (const label of ['(a)', '(b)', '(c)', '(d)', 'depth=2', 'depth=6']) expect(boardText).toContain(label);
    // The shared legend names each depth once, not once per panel.
    expect(boardText.match(/depth=2/g)).toHaveLength(1);

    // The same dashboard as one SVG: every line panel's axis names, the caption in <desc>.
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

    // The escape-time scaling fit (an analysis chart) in every format the dialog offers.
    const analysis = page.locator('[data-testid="analysis-panel"][data-analysis-id="escape-time-scaling"]');
    await expect.poll(() => analysis.getByTestId('analysis-chart').getAttribute('data-series-count')).toBe('5');
    const exportAnalysis = async (format: string, count: number) => {
      await analysis.getByTestId('figure-export').click();
      await dialog.getByTestId('figure-preset').selectOption({ label: 'Single column (3.35 in)' });
      await dialog.getByTestId('figure-format').selectOption(format);
      return exportDownloads(page, count, dir);
    };
    const fitPdf = [...(await exportAnalysis('pdf', 2)).values()].find((file) => file.endsWith('.pdf'))!;
    const fitText = checkPdf(fitPdf, 120_000, 'e2e-figure-analysis-pdf');
    expect(fitText).toMatch(/10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+/);
    const fitSvg = [...(await exportAnalysis('svg', 2)).values()].find((file) => file.endsWith('.svg'))!;
    expect(readFileSync(fitSvg, 'utf8')).toMatch(/<svg [^>]*width="3.35in"/);
    const fitPng = readFileSync([...(await exportAnalysis('png', 2)).values()].find((file) => file.endsWith('.png'))!);
    expect(fitPng.readUInt32BE(16)).toBe(Math.round(3.35 * 300));
    const fitScript = await exportAnalysis('matplotlib', 3);
    const fitPy = [...fitScript.values()].find((file) => file.endsWith('.py'))!;
    expect(readFileSync(fitPy, 'utf8')).toContain('marker="o"');
    if (hasMatplotlib) {
      const out = join(artifacts, 'e2e-figure-analysis-matplotlib.png');
      execFileSync(python, [fitPy, out], { stdio: 'pipe' });
      expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
    }
    const fitTex = readFileSync([...(await exportAnalysis('pgfplots', 3)).values()].find((file) => file.endsWith('.tex'))!, 'utf8');
    expect(fitTex).toContain('xmode=log, ymode=log');
    expect(fitTex).toContain('only marks');

    // All 30 runs, coloured by ε on screen: the dashboard's matplotlib script colours them by ε
    // (LogNorm, a colour bar) and labels its panels (a), (b)… as the PDF does.
    await page.getByTestId('runs-filter').fill('');
    await page.getByTestId('select-all-runs').click();
    await expect.poll(() => panel.getAttribute('data-colour-bar')).toBe('initScale');
    await board.getByTestId('figure-export').click();
    await board.getByTestId('figure-format').selectOption('matplotlib');
    const boardScript = [...(await exportDownloads(page, 3, dir)).values()].find((file) => file.endsWith('.py'))!;
    const boardPy = readFileSync(boardScript, 'utf8');
    expect(boardPy).toContain('matplotlib.colors.LogNorm(');
    expect(boardPy).toContain('ax.set_title("(b)", loc="left")');
    if (hasMatplotlib) {
      const out = join(artifacts, 'e2e-figure-dashboard-matplotlib.png');
      execFileSync(python, [boardScript, out], { stdio: 'pipe' });
      expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
    }
  });
});
