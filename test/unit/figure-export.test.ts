// Publication figures: plots, data, caption and scripts from the panel model; print styling, SVG
// metadata and PNG stamping. The matplotlib script is run with Debian's python3-matplotlib.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';
import type { FigureSettings } from '../../src-main/contract/api';
import type { ChartSpec, TheorySeries } from '../../src-main/contract/family-meta';
import { buildPanelModel, type PanelRun } from '../../src-renderer/src/charts/panel-model';
import { optionFromModel, panelHeight, type PanelView } from '../../src-renderer/src/charts/panel-option';
import { optionSvg } from '../../src-renderer/src/export/echarts-runtime';
import { captionDraft } from '../../src-renderer/src/figure/figure-caption';
import { figureData } from '../../src-renderer/src/figure/figure-data';
import { analysisPlot, figurePlots, labelledPanels } from '../../src-renderer/src/figure/figure-plots';
import { matplotlibScript } from '../../src-renderer/src/figure/matplotlib-script';
import { pgfplotsCode } from '../../src-renderer/src/figure/pgfplots-code';
import { stampPng } from '../../src-renderer/src/figure/png-metadata';
import { printOption } from '../../src-renderer/src/figure/print-option';
import { figureSvg } from '../../src-renderer/src/figure/svg-figure';
import { decadeText, decadeTicks, tickText } from '../../src-renderer/src/figure/axis-ticks';
import { vectorFigure } from '../../src-renderer/src/figure/vector-figure';
import type { FigureSource } from '../../src-renderer/src/figure/figure-sources';
import { legendEntries, placeLegend, type LegendEntry } from '../../src-renderer/src/figure/legend-strip';
import { panelGrid } from '../../src-renderer/src/figure/panel-grid';
import { latexText, mathtextLabel } from '../../src-renderer/src/figure/tex-label';
import { artifacts } from '../helpers/paths';
import { skipWithoutTex } from '../helpers/tex';

const chart: ChartSpec = {
  id: 'loss',
  title: 'Loss',
  kind: 'lines',
  x: { label: 'training time t', log: true },
  y: { label: 'loss L(t)', log: true },
  series: ['loss'],
  theory: ['plateau', 'escape'],
};

function run(runId: number, depth: number, seed: number): PanelRun {
  const x = [1, 2, 4, 8, 16];
  return { runId, params: { depth, lr: 0.01, width: 8 }, seed, series: [{ metric: 'loss', x, y: x.map((t) => (1 + seed * 0.01) / (depth * t)) }] };
}

const runs = [run(1, 2, 0), run(2, 2, 1), run(3, 3, 0)];
const theory = new Map<number, TheorySeries[]>([
  [1, [{ id: 'plateau', label: 'plateau level', kind: 'hline', x: [], y: [0.05] }, { id: 'escape', label: 'escape time', kind: 'vline', x: [6], y: [] }]],
]);
const view: PanelView = { logX: true, logY: true, overlay: true };
const settings: FigureSettings = { widthIn: 3.35, heightIn: 2.5, fontFamily: 'Helvetica', fontSizePt: 8, dpi: 150 };
const caption = captionDraft({
  title: 'Loss',
  experiment: 'Fig. 2',
  family: 'mode-flow',
  runs,
  appVersion: '0.1.0',
  projectPath: '/tmp/study.saddle',
});

function model(grouping: readonly string[] | null) {
  return buildPanelModel({ chart, runs, theory, grouping, hiddenTheory: [] });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saddle-figure-'));
fs.mkdirSync(artifacts, { recursive: true });
const python = '/usr/bin/python3';
const hasMatplotlib = (() => {
  try {
    execFileSync(python, ['-c', 'import matplotlib'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const noMatplotlib = hasMatplotlib ? '' : ' (skipped: /usr/bin/python3 lacks matplotlib; apt-get install python3-matplotlib)';
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('caption draft', () => {
  it('lists the differing parameters with their values, the shared ones, version and project', () => {
    expect(caption).toContain('Differing parameters: depth ∈ {2, 3}.');
    expect(caption).toContain('Shared parameters: lr=0.01, width=8.');
    expect(caption).toContain('3 runs (ids 1, 2, 3; seeds 0, 1)');
    expect(caption).toContain('Saddle Lab 0.1.0 from /tmp/study.saddle');
  });
});

describe('plots from the panel model', () => {
  it('names and colours curves like the screen, with bands, theory rules and one legend entry each', () => {
    const plots = figurePlots(model(['depth']), view);
    expect(plots).toHaveLength(1);
    const [plot] = plots;
    expect(plot).toMatchObject({ xLabel: 'training time t', yLabel: 'loss L(t)', logX: true, logY: true, title: null });
    expect(plot.curves.map((curve) => curve.label)).toEqual(['depth=2 (N=2)', 'depth=3 (N=1)']);
    expect(plot.curves[0].band?.lower).toHaveLength(5);
    expect(plot.curves[1].band).toBeNull();
    expect(plot.rules).toEqual([
      { axis: 'y', value: 0.05, color: '#4e79a7', dash: 'dashed', label: 'plateau level' },
      { axis: 'x', value: 6, color: '#4e79a7', dash: 'dotted', label: 'escape time' },
    ]);
  });

  it('on a log axis a ±σ band dipping below zero leaves a gap in the shading, not in the centre line', () => {
    // Two seeds far apart: at every x the lower σ edge is negative, so only the band loses points.
    const spread = [run(1, 2, 0), { ...run(2, 2, 0), series: [{ metric: 'loss', x: [1, 2, 4, 8, 16], y: [5, 5, 5, 5, 5] }] }];
    const banded = buildPanelModel({ chart, runs: spread, theory: new Map(), grouping: ['depth'], hiddenTheory: [], band: { centre: 'mean', spread: 'std' } });
    const [curve] = figurePlots(banded, view)[0].curves;
    expect(curve.x).toHaveLength(5);
    expect(curve.band?.lower.every(Number.isNaN)).toBe(true);
    expect(curve.band?.upper.every(Number.isFinite)).toBe(true);
    expect(figureData(figurePlots(banded, view)).csv.split('\n')[1]).toMatch(/,nan,/);
  });

  it('small multiples: one plot per group, the legend entry only on the first', () => {
    const plots = figurePlots(model(null), { ...view, overlay: false });
    expect(plots.map((plot) => plot.title)).toEqual(['depth=2, seed=0', 'depth=2, seed=1', 'depth=3, seed=0']);
    expect(plots.map((plot) => plot.curves[0].label)).toEqual(['loss', null, null]);
  });

  it('an analysis chart: measured points and fitted lines share colours by order, missing and non-positive values dropped on log axes', () => {
    const plot = analysisPlot({
      title: 'Escape time',
      x: { label: 'initScale', log: true },
      y: { label: 't_esc', log: true },
      series: [
        { name: 'depth=2', kind: 'scatter', x: [0.01, 0.1, 1], y: [100, null, 1] },
        { name: 'fit depth=2', kind: 'line', x: [0, 0.01, 1], y: [5, 100, 1] },
        { name: 'depth=3', kind: 'scatter', x: [0.01], y: [1000] },
      ],
    });
    expect(plot.curves.map((curve) => [curve.style, curve.label, curve.x, curve.y])).toEqual([
      ['points', 'depth=2', [0.01, 1], [100, 1]],
      ['line', 'fit depth=2', [0.01, 1], [100, 1]],
      ['points', 'depth=3', [0.01], [1000]],
    ]);
    expect(plot.curves[0].color).toBe(plot.curves[1].color);
    expect(plot.curves[2].color).not.toBe(plot.curves[0].color);
    expect(pgfplotsCode({ title: 'Fit', caption, plots: [plot], data: figureData([plot]), settings, dataFile: 'fit.csv' })).toContain('ylabel={$t_{\\mathrm{esc}}$}');
  });

  it('the data CSV has a column pair per curve, padded with nan', () => {
    const plots = figurePlots(model(['depth']), view);
    plots[0].curves[1].x.pop();
    plots[0].curves[1].y.pop();
    const data = figureData(plots);
    const rows = data.csv.trim().split('\n');
    expect(rows[0]).toBe('p0c0_x,p0c0_y,p0c0_lower,p0c0_upper,p0c1_x,p0c1_y');
    expect(rows).toHaveLength(6);
    expect(rows[5].endsWith(',nan,nan')).toBe(true);
    expect(data.columns[0][0].band).toEqual({ lower: 'p0c0_lower', upper: 'p0c0_upper' });
  });
});

describe('scripts', () => {
  const plots = figurePlots(model(['depth']), view);
  const data = figureData(plots);
  const input = { title: 'Loss', caption, plots, data, settings };

  it('pgfplots code reads the CSV, keeps log axes, labels, legend names, bands and rules', () => {
    const tex = pgfplotsCode({ ...input, dataFile: 'loss.csv' });
    expect(tex).toContain('\\pgfplotstableread[col sep=comma]{loss.csv}\\saddledata');
    expect(tex).toContain('xmode=log, ymode=log');
    expect(tex).toContain('xlabel={training time t}');
    expect(tex).toContain('\\addlegendentry{depth=2 (N=2)}');
    expect(tex).toContain('fill between[of=p0c0hi and p0c0lo]');
    expect(tex).toContain('\\addlegendentry{escape time}');
    expect(tex).toContain('%   Differing parameters: depth ∈ {2, 3}.');
  });

  it('labels with TeX-style scripts become math, the rest escaped text', () => {
    expect(latexText('τ_lin/t_esc − 1')).toBe('${\\tau}_{\\mathrm{lin}}$/$t_{\\mathrm{esc}}$ $-$ 1');
    expect(latexText('a_{p,k} & 5%')).toBe('$a_{p,k}$ \\& 5\\%');
    expect(latexText('σᵢ')).toBe('$\\sigma_{i}$');
    expect(latexText('W_lW_lᵀ')).toBe('$W_{l}W_{l}^{T}$');
    expect(mathtextLabel('η_WCR costs 5$')).toBe('${\\eta}_{\\mathrm{WCR}}$ costs 5\\$');
    const tex = pgfplotsCode({ ...input, plots: input.plots.map((plot) => ({ ...plot, yLabel: 'τ_lin' })), dataFile: 'loss.csv' });
    expect(tex).toContain('ylabel={${\\tau}_{\\mathrm{lin}}$}');
    expect(tex).not.toContain('\\_lin');
  });

  it('small multiples share their axis names: once per row or column, as on screen', () => {
    const multiples = figurePlots(model(null), { ...view, overlay: false });
    const multipleData = figureData(multiples);
    const script = matplotlibScript({ ...input, plots: multiples, data: multipleData });
    // Three plots in two columns: y names on plots 0 and 2, x names on the bottom of each column (1 and 2).
    expect(script.match(/ax\.set_ylabel/g)).toHaveLength(2);
    expect(script.match(/ax\.set_xlabel/g)).toHaveLength(2);
    const tex = pgfplotsCode({ ...input, plots: multiples, data: multipleData, dataFile: 'loss.csv' });
    expect(tex).toContain('xlabels at=edge bottom, ylabels at=edge left');
    // One legend above the grid, each name once (inside a small plot it covered the data).
    expect(tex.match(/\\addlegendentry\{/g)).toHaveLength(new Set(multiples.flatMap((plot) => [...plot.curves, ...plot.rules].flatMap((item) => (item.label === null ? [] : [item.label])))).size);
    expect(tex).toContain('legend to name=saddlelegend');
    expect(tex).toContain('\\pgfplotslegendfromname{saddlelegend}');
    expect(tex.match(/xlabel=\{training time t\}/g)).toHaveLength(1);
  });

  const skipTex = skipWithoutTex();

  it.skipIf(skipTex)(`the pgfplots code compiles with pdflatex, one plot and small multiples${skipTex ? ' (skipped: no pdflatex here; .ci/run installs TeX)' : ''}`, () => {
    const multiples = figurePlots(model(null), { ...view, overlay: false });
    const figures = [
      { name: 'figure', tex: pgfplotsCode({ ...input, dataFile: 'figure.csv' }), csv: data.csv },
      { name: 'multiples', tex: pgfplotsCode({ ...input, plots: multiples, data: figureData(multiples), dataFile: 'multiples.csv' }), csv: figureData(multiples).csv },
    ];
    for (const figure of figures) {
      fs.writeFileSync(path.join(dir, `${figure.name}.tex`), figure.tex);
      fs.writeFileSync(path.join(dir, `${figure.name}.csv`), figure.csv);
    }
    fs.writeFileSync(
      path.join(dir, 'paper.tex'),
      '\\documentclass{article}\\usepackage{pgfplots}\\usepgfplotslibrary{groupplots,fillbetween}\\pgfplotsset{compat=1.17}' +
        '\\begin{document}\\input{figure.tex}\\par\\input{multiples.tex}\\end{document}\n',
    );
    execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'paper.tex'], { cwd: dir, stdio: 'pipe' });
    const pdf = fs.readFileSync(path.join(dir, 'paper.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // Kept for a look (pdftoppm): the compiled figures as a reader of the paper sees them.
    fs.writeFileSync(path.join(artifacts, 'unit-figure-pgfplots.pdf'), pdf);
  });

  it.skipIf(!hasMatplotlib)(`the matplotlib script runs and writes a PDF and a PNG${noMatplotlib}`, () => {
    const script = matplotlibScript(input);
    expect(script).toContain('#   Differing parameters: depth ∈ {2, 3}.');
    expect(script).toContain('ax.set_xscale("log")');
    expect(script).toContain('label="depth=2 (N=2)"');
    expect(script).toContain('ax.axvline(6,');
    // Any name: the script reads the CSV of its own name and writes the PDF of its own name.
    fs.writeFileSync(path.join(dir, 'renamed.py'), script);
    fs.writeFileSync(path.join(dir, 'renamed.csv'), data.csv);
    execFileSync(python, [path.join(dir, 'renamed.py')], { stdio: 'pipe' });
    const pdf = fs.readFileSync(path.join(dir, 'renamed.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/%%EOF\s*$/);
    execFileSync(python, [path.join(dir, 'renamed.py'), path.join(dir, 'loss.png')], { stdio: 'pipe' });
    const png = fs.readFileSync(path.join(dir, 'loss.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // 3.35 in × 150 dpi, rounded down by matplotlib.
    expect(png.readUInt32BE(16)).toBe(Math.floor(3.35 * 150));
  });

  it.skipIf(!hasMatplotlib)(`a stamped PNG still decodes (valid CRCs) and carries its DPI${noMatplotlib}`, () => {
    const source = path.join(dir, 'loss.png');
    const stamped = stampPng(new Uint8Array(fs.readFileSync(source)), 600, { Description: caption });
    const target = path.join(dir, 'stamped.png');
    fs.writeFileSync(target, stamped);
    const out = execFileSync(python, ['-c', `from PIL import Image; im = Image.open(${JSON.stringify(target)}); im.load(); print(round(im.info["dpi"][0]))`]);
    expect(out.toString().trim()).toBe('600');
  });
});

describe('scripts of an overlay coloured by a parameter (as on screen)', () => {
  // Five ε values in a logspace 1e-3 … 1e-1: the screen colours them on a log colour bar.
  const eps = [1e-3, 3.16e-3, 1e-2, 3.16e-2, 1e-1];
  const epsRuns: PanelRun[] = eps.map((initScale, i) => ({ runId: i + 1, params: { initScale }, seed: 0, series: [{ metric: 'loss', x: [1, 10, 100], y: [1, initScale * 10, initScale] }] }));
  const epsModel = buildPanelModel({ chart, runs: epsRuns, theory: new Map(), grouping: null, hiddenTheory: [] });
  const epsView: PanelView = { ...view, colourBy: 'initScale' };
  const plots = figurePlots(epsModel, epsView);
  const data = figureData(plots);
  const input = { title: 'Loss by ε', caption, plots, data, settings };

  it('the plot carries the screen\'s log colour scale, each curve its ε and no legend entry', () => {
    expect(plots).toHaveLength(1);
    expect(plots[0].colourScale).toEqual({ label: 'initScale', min: 1e-3, max: 0.1, log: true });
    expect(plots[0].curves.map((curve) => curve.colourValue)).toEqual(eps);
    expect(plots[0].curves.every((curve) => curve.label === null)).toBe(true);
    // The same colours as the screen draws.
    const screen = optionFromModel(epsModel, epsView).series.filter((series) => String(series.id).startsWith('data:')).map((series) => series.color);
    expect(plots[0].curves.map((curve) => curve.color)).toEqual(screen);
  });

  it('matplotlib colours by viridis(LogNorm(ε)) with a colour bar; pgfplots with a viridis colorbar over log10 ε', () => {
    const script = matplotlibScript(input);
    expect(script).toContain('norm = matplotlib.colors.LogNorm(vmin=0.001, vmax=0.1)');
    expect(script).toContain('color=VIRIDIS(norm(0.01))');
    expect(script).toContain('fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=VIRIDIS), ax=ax, label="initScale")');
    const linear = matplotlibScript({ ...input, plots: plots.map((plot) => ({ ...plot, colourScale: { ...plot.colourScale!, log: false } })) });
    expect(linear).toContain('norm = matplotlib.colors.Normalize(vmin=0.001, vmax=0.1)');
    const tex = pgfplotsCode({ ...input, dataFile: 'eps.csv' });
    expect(tex).toContain('colorbar, colormap/viridis, point meta min=-3, point meta max=-1');
    expect(tex).toContain('ytick={-3,-2,-1}, yticklabels={{$10^{-3}$},{$10^{-2}$},{$10^{-1}$}}');
    expect(tex).not.toContain('\\addlegendentry');
  });

  it.skipIf(!hasMatplotlib)(`the coloured script runs and draws its colour bar${noMatplotlib}`, () => {
    fs.writeFileSync(path.join(dir, 'eps.py'), matplotlibScript(input));
    fs.writeFileSync(path.join(dir, 'eps.csv'), data.csv);
    const out = path.join(artifacts, 'unit-figure-colour-by.png');
    execFileSync(python, [path.join(dir, 'eps.py'), out], { stdio: 'pipe' });
    expect(fs.readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('multi-panel scripts', () => {
  const plotsOf = (grouping: readonly string[] | null, overlay: boolean) => figurePlots(model(grouping), { ...view, overlay });
  // Panel (a) is one overlay; panel (b) three small multiples, labelled once.
  const plots = labelledPanels([plotsOf(['depth'], true), plotsOf(null, false)]);
  const input = { title: 'Board', caption, plots, data: figureData(plots), settings: { ...settings, widthIn: 7, heightIn: 3.2 } };

  it('label the first plot of each panel (a), (b)… as the PDF and SVG grid do; a single panel gets none', () => {
    expect(plots.map((plot) => plot.panelLabel)).toEqual(['(a)', '(b)', null, null]);
    expect(labelledPanels([plotsOf(null, false)]).map((plot) => plot.panelLabel)).toEqual([null, null, null]);
    const script = matplotlibScript(input);
    expect(script.match(/loc="left"/g)).toHaveLength(2);
    expect(script).toContain('ax.set_title("(a)", loc="left")');
    expect(script).toContain('ax.set_title("(b)", loc="left")');
    const tex = pgfplotsCode({ ...input, dataFile: 'board.csv' });
    expect(tex).toContain('at (rel axis cs:0,1) {(a)};');
    expect(tex).toContain('at (rel axis cs:0,1) {(b)};');
  });

  it.skipIf(!hasMatplotlib)(`the labelled two-panel script runs${noMatplotlib}`, () => {
    fs.writeFileSync(path.join(dir, 'board.py'), matplotlibScript(input));
    fs.writeFileSync(path.join(dir, 'board.csv'), input.data.csv);
    const out = path.join(artifacts, 'unit-figure-panels.png');
    execFileSync(python, [path.join(dir, 'board.py'), out], { stdio: 'pipe' });
    expect(fs.readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('vector figure', () => {
  const option = optionFromModel(model(['depth']), view);
  const cell = { width: settings.widthIn * 72, height: settings.heightIn * 72, topMargin: 4 };
  const printed = printOption(option, settings, 320, cell);

  it('print styling sets the embedded font and pt sizes on axes and titles, drops interaction and the per-panel legend', () => {
    const axis = (printed.xAxis as Record<string, Record<string, unknown>>[])[0];
    expect(axis.nameTextStyle).toMatchObject({ fontFamily: 'DejaVu Sans', fontSize: 8, fontWeight: 'normal' });
    expect(axis.axisLabel).toMatchObject({ fontSize: 7 });
    // The figure draws one shared legend (legend-strip.ts) instead.
    expect((printed.legend as Record<string, unknown>[])[0]).toMatchObject({ show: false });
    expect(printed.dataZoom).toEqual([]);
  });

  it('log axes are ticked on decades from the data (1 … 16 → 10⁰, 10¹, 10²), labelled as powers of ten', () => {
    const axis = (printed.xAxis as Record<string, Record<string, unknown>>[])[0];
    expect((axis.axisLabel as { customValues: number[] }).customValues).toEqual([1, 10, 100]);
    expect((axis.axisTick as { customValues: number[] }).customValues).toEqual([1, 10, 100]);
    const svg = optionSvg(printed, cell.width, cell.height);
    for (const label of ['10⁰', '10¹', '10²', '10⁻²']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).not.toMatch(/>1e\d/);
  });

  it('small multiples are fitted into the print height, each plot below its title', () => {
    const multiples = optionFromModel(model(null), { ...view, overlay: false });
    const fitted = printOption(multiples, settings, panelHeight(model(null), false), cell);
    const grids = fitted.grid as { top: number; height: number }[];
    const titles = fitted.title as { top: number }[];
    expect(grids).toHaveLength(3);
    grids.forEach((grid, i) => expect(grid.top).toBeGreaterThanOrEqual(titles[i].top + 8 * 1.4));
    expect(Math.max(...grids.map((grid) => grid.top + grid.height))).toBeLessThanOrEqual(settings.heightIn * 72);
  });

  it('the SVG is valid XML at the physical size with the caption in <desc> and <metadata>, axis names and legend text', () => {
    const width = settings.widthIn * 72;
    const svg = figureSvg([{ svg: optionSvg(printed, width, 180), x: 0, y: 0 }], '', settings, { title: 'Loss', caption, creator: 'Saddle Lab 0.1.0', source: '/tmp/study.saddle' });
    const errors: string[] = [];
    const doc = new DOMParser({ errorHandler: (level: string, message: unknown) => errors.push(`${level}: ${String(message)}`) }).parseFromString(svg, 'image/svg+xml');
    expect(errors).toEqual([]);
    const root = doc.documentElement!;
    expect(root.getAttribute('width')).toBe('3.35in');
    expect(root.getAttribute('viewBox')).toBe(`0 0 ${width} 180`);
    expect(root.getElementsByTagName('desc')[0].textContent).toContain('Differing parameters: depth ∈ {2, 3}.');
    expect(root.getElementsByTagName('dc:source')[0].textContent).toBe('/tmp/study.saddle');
    const texts = Array.from({ length: root.getElementsByTagName('text').length }, (_, i) => root.getElementsByTagName('text')[i].textContent);
    expect(texts).toEqual(expect.arrayContaining(['training time t', 'loss L(t)']));
  });
});

describe('tick labels', () => {
  it('print powers of ten with superscripts, plain numbers between 10⁻³ and 10⁴', () => {
    expect(tickText(1e4)).toBe('10⁴');
    expect(tickText(1e8)).toBe('10⁸');
    expect(tickText(1e-5)).toBe('10⁻⁵');
    expect(tickText(2.5e-5)).toBe('2.5×10⁻⁵');
    expect(tickText(-3e6)).toBe('−3×10⁶');
    expect(tickText(1234)).toBe('1234');
    expect(tickText(0.5)).toBe('0.5');
    expect(tickText(0)).toBe('0');
    expect(decadeText(1)).toBe('10⁰');
    expect(decadeText(1e-12)).toBe('10⁻¹²');
  });

  it('log axes tick every decade, or every 2nd, 3rd, 5th… when more would not fit', () => {
    expect(decadeTicks(1e-3, 50, 6)).toEqual([1e-3, 1e-2, 1e-1, 1, 10, 100]);
    // Ten decades, room for six labels: every second decade, evenly.
    expect(decadeTicks(1, 1e10, 6)).toEqual([1, 1e2, 1e4, 1e6, 1e8, 1e10]);
    expect(decadeTicks(3, 7, 6)).toEqual([1, 10]);
  });
});

describe('multi-panel figure', () => {
  it('panels go into a grid of plot-shaped cells with (a), (b)… labels', () => {
    // The double-column preset, 7 × 3.2 in, four panels: 2 × 2 cells, not four 57 pt strips.
    const cells = panelGrid(4, 504, 230.4);
    expect(cells.map((cell) => [cell.x, cell.y, cell.width, cell.height])).toEqual([
      [0, 0, 252, 115.2],
      [252, 0, 252, 115.2],
      [0, 115.2, 252, 115.2],
      [252, 115.2, 252, 115.2],
    ]);
    expect(cells.map((cell) => cell.label)).toEqual(['(a)', '(b)', '(c)', '(d)']);
    expect(panelGrid(2, 504, 230.4).map((cell) => cell.x)).toEqual([0, 252]);
    expect(panelGrid(1, 241, 180, 20)).toEqual([{ x: 0, y: 20, width: 241, height: 180, label: null }]);
  });

  const entries: LegendEntry[] = Array.from({ length: 30 }, (_, i) => ({ name: `initScale=0.${i} depth=${i}`, color: '#123456', mark: 'solid' }));
  const measure = (text: string) => 7 * 0.55 * text.length;

  it('a legend too long for three rows keeps what fits and says how many more there are', () => {
    const placed = placeLegend(entries, { width: 490, fontSize: 7, fontFamily: 'DejaVu Sans', maxRows: 3, measure });
    expect(Math.max(...placed.map((item) => item.row))).toBe(2);
    const more = placed.at(-1)!;
    expect(more.entry).toBeNull();
    const kept = placed.length - 1;
    expect(kept).toBeGreaterThan(5);
    expect(more.text).toBe(`+${30 - kept} more`);
    // Nothing runs past the strip's right edge.
    for (const item of placed) expect(item.x + (item.entry ? 17 : 0) + measure(item.text)).toBeLessThanOrEqual(490);
    expect(placeLegend(entries.slice(0, 3), { width: 490, fontSize: 7, fontFamily: 'DejaVu Sans', maxRows: 3, measure })).toHaveLength(3);
  });

  it('a dashboard figure: four panels in a 2 × 2 grid under one shared legend, each name once', () => {
    const option = optionFromModel(model(['depth']), view);
    expect(legendEntries(option).map((entry) => entry.name)).toEqual(expect.arrayContaining(['depth=2 (N=2)', 'depth=3 (N=1)']));
    // Legend names as the screen shows them: TeX scripts as Unicode.
    const texNamed = { ...option, series: [{ type: 'line', name: 'τ_{lin}', color: '#000000', data: [] }], legend: { ...(option.legend as object), data: undefined } } as typeof option;
    expect(legendEntries(texNamed)).toEqual([{ name: 'τₗᵢₙ', color: '#000000', mark: 'solid' }]);
    const source = (id: string): FigureSource => ({ chartId: id, title: () => id, option: () => option, screenHeight: () => 320, plots: () => null, runIds: () => [1, 2, 3] });
    const svg = vectorFigure(
      { settings: { ...settings, widthIn: 7, heightIn: 3.2 }, sources: ['a', 'b', 'c', 'd'].map(source), meta: { title: 'Board', caption, creator: 'Saddle Lab', source: 'x' } },
      measure,
    );
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const texts = Array.from({ length: doc.getElementsByTagName('text').length }, (_, i) => doc.getElementsByTagName('text')[i].textContent);
    expect(texts.filter((text) => text === 'depth=2 (N=2)')).toHaveLength(1);
    for (const label of ['(a)', '(b)', '(c)', '(d)']) expect(texts).toContain(label);
    const offsets = svg.match(/<g transform="translate\([\d.]+ [\d.]+\)">/g)!.slice(0, 5);
    expect(offsets.slice(1)).toEqual(expect.arrayContaining([expect.stringContaining('translate(252 ')]));
  });
});
