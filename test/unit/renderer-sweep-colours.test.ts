// Sweep views that read at a glance: classes coloured by name (the same in every view and at every
// moment), a swept parameter on viridis with a colour bar (log10 for a logspace), and log axes
// chosen from the family's metadata.
import { describe, expect, it } from 'vitest';
import type { AnalysisResult, ChartSpec } from '../../src-main/contract/family-meta';
import { buildAnalysisOption } from '../../src-renderer/src/charts/analysis-option';
import { colourScale, scaleColor, scalePosition } from '../../src-renderer/src/charts/colour-scale';
import { heatmapOption, heatmapTooltipHtml } from '../../src-renderer/src/charts/heatmap-option';
import { classColor, viridis, viridisColor } from '../../src-renderer/src/charts/palette';
import { buildPanelModel, type PanelRun } from '../../src-renderer/src/charts/panel-model';
import { optionFromModel, panelHeight } from '../../src-renderer/src/charts/panel-option';
import { chartDefaultPanel } from '../../src-renderer/src/logic/dashboard-layout';
import { defaultColourParam } from '../../src-renderer/src/logic/params';
import { buildSweepMap, defaultSweepValue, paramValueKey, sweepValueKeys, sweepValueLabel, type SweepRun } from '../../src-renderer/src/logic/sweep-map';

/** Relative luminance (sRGB, ITU-R BT.709 weights on linearised channels). */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const c = parseInt(hex.slice(at, at + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The colour of each piece of a class heatmap's legend, by label. */
function pieceColours(classes: string[]): Map<string, string> {
  const option = heatmapOption({ xLabels: ['a'], yLabels: ['b'], cells: classes.map((_, i) => [0, 0, i]) }, { x: 'x', y: 'y', value: 'outcome' }, classes);
  const pieces = (option.visualMap[0] as { pieces: { label: string; color: string }[] }).pieces;
  return new Map(pieces.map((piece) => [piece.label, piece.color]));
}

describe('class colours are bound to the class name', () => {
  it('gives a class the same colour whatever classes came before it', () => {
    const running = pieceColours(['oscillating', 'diverged']);
    const done = pieceColours(['winner-takes-all', 'full-rebalancing', 'diverged', 'oscillating']);
    expect(running.get('oscillating')).toBe(done.get('oscillating'));
    expect(running.get('diverged')).toBe(done.get('diverged'));
    // Named classes of one kind never share a colour.
    const outcomes = ['winner-takes-all', 'partial-rebalancing', 'full-rebalancing', 'diverged', 'flow-split', 'oscillating', 'not-converged', 'no-stable-minimum'];
    expect(new Set(outcomes.map(classColor)).size).toBe(outcomes.length);
    const statuses = ['queued', 'submitted', 'running', 'done', 'failed', 'diverged', 'cancelled'];
    expect(new Set(statuses.map(classColor)).size).toBe(statuses.length);
    // Any other name is hashed: stable, not positional.
    expect(classColor('my-class')).toBe(classColor('my-class'));
  });

  it('keeps a class colour as the sweep map fills in over time', () => {
    const run = (id: number, x: number, outcome: string): SweepRun => ({ id, params: { x, y: 0 }, seed: 0, status: 'done', summary: { outcome } });
    const early = buildSweepMap([run(1, 1, 'oscillating')], 'x', 'y', 'outcome');
    const late = buildSweepMap([run(2, 0, 'diverged'), run(1, 1, 'oscillating'), run(3, 2, 'flow-split')], 'x', 'y', 'outcome');
    expect(early.classes.indexOf('oscillating')).not.toBe(late.classes.indexOf('oscillating'));
    expect(pieceColours(early.classes).get('oscillating')).toBe(pieceColours(late.classes).get('oscillating'));
  });

  it('colours the phase diagram analysis by class too, as the sweep map does', () => {
    const result: AnalysisResult = {
      id: 'phase-diagram',
      title: 'Phase diagram',
      columns: [],
      rows: [],
      checks: [],
      notes: [],
      chart: {
        title: 'Outcome',
        x: { label: 'η', log: false },
        y: { label: 'P', log: false },
        series: [
          { name: 'diverged', kind: 'scatter', x: [1], y: [1] },
          { name: 'oscillating', kind: 'scatter', x: [2], y: [1] },
          { name: 'boundary', kind: 'line', x: [0, 1], y: [0, 1] },
        ],
      },
    };
    const colours = new Map(buildAnalysisOption(result)!.series.map((series) => [series.name, series.color]));
    expect(colours.get('oscillating')).toBe(pieceColours(['oscillating']).get('oscillating'));
    expect(colours.get('diverged')).toBe(classColor('diverged'));
  });
});

describe('continuous colours follow the value along viridis', () => {
  it('starts and ends on viridis and grows monotonically in luminance', () => {
    expect(viridisColor(0)).toBe(viridis[0]);
    expect(viridisColor(1)).toBe(viridis[viridis.length - 1]);
    const scale = colourScale('depth', [2, 3, 4, 5, 6])!;
    expect(scale.log).toBe(false);
    const lum = Array.from({ length: 41 }, (_, i) => luminance(scaleColor(scale, 2 + i / 10)));
    for (let i = 1; i < lum.length; i++) expect(lum[i]).toBeGreaterThan(lum[i - 1]);
  });

  it('maps a logspace (an ε sweep) in log10: evenly spaced exponents get evenly spaced positions', () => {
    const eps = Array.from({ length: 6 }, (_, i) => 10 ** (-2.3 + (1.3 * i) / 5));
    const scale = colourScale('initScale', eps)!;
    expect(scale.log).toBe(true);
    eps.forEach((value, i) => expect(scalePosition(scale, value)).toBeCloseTo(i / 5, 12));
    // Values spanning three decades are logarithmic even when not a logspace; signed values never are.
    expect(colourScale('t', [1, 2, 5000])!.log).toBe(true);
    expect(colourScale('w', [-1, 0.5, 1000])!.log).toBe(false);
    expect(colourScale('one', [3, 3])).toBeNull();
  });
});

describe('a sweep overlay coloured by a swept parameter', () => {
  const chart: ChartSpec = { id: 'sigma', title: 'σ', kind: 'lines', x: { label: 't', log: false }, y: { label: 'σ', log: false }, series: ['sigma/'], theory: [] };
  const eps = [0.005, 0.01, 0.02, 0.05, 0.1];
  const runs: PanelRun[] = [2, 3].flatMap((depth) => eps.map((initScale, i) => ({ runId: depth * 10 + i, params: { depth, initScale }, seed: 0, series: [{ metric: 'sigma/0', x: [1, 2], y: [initScale, 1] }] })));
  const model = buildPanelModel({ chart, runs, theory: new Map(), grouping: null, hiddenTheory: [] });

  it('picks the most finely swept numeric parameter by default', () => {
    expect(defaultColourParam(runs.map((run) => run.params), ['depth', 'initScale'])).toBe('initScale');
    expect(defaultColourParam([{ a: 'x' }, { a: 'y' }], ['a'])).toBeNull();
  });

  it('colours each run by its ε on a log scale and shows a colour bar in place of ten legend entries', () => {
    const option = optionFromModel(model, { logX: true, logY: false, overlay: true, colourBy: 'initScale' });
    const colourOf = (runId: number) => option.series.find((series) => String(series.id).includes(`run:${runId}:`))?.color as string;
    // Same ε, different depth: one colour; rising ε: rising luminance.
    expect(colourOf(20)).toBe(colourOf(30));
    const lum = eps.map((_, i) => luminance(colourOf(20 + i)));
    for (let i = 1; i < lum.length; i++) expect(lum[i]).toBeGreaterThan(lum[i - 1]);
    expect(colourOf(20)).toBe(viridis[0]);
    expect(colourOf(24)).toBe(viridis[viridis.length - 1]);
    expect(option.legend.data ?? []).toEqual([]);
    expect(option.visualMap).toHaveLength(1);
    expect(option.visualMap![0]).toMatchObject({ min: Math.log10(0.005), max: -1, seriesIndex: [] });
    expect(option.title.some((title) => title.text === 'initScale (log)')).toBe(true);
    // The legend is empty: no row is kept for it above the plot.
    expect(option.grid[0].top).toBe(6);
    // The overlay plot's 290 px alone; with ten legend entries it needs more.
    expect(panelHeight(model, true, 'initScale')).toBe(290);
    expect(panelHeight(model, true, null)).toBeGreaterThan(290);
  });

  it('falls back to one legend entry per run without a colour parameter', () => {
    const option = optionFromModel(model, { logX: true, logY: false, overlay: true, colourBy: null });
    expect(option.legend.data).toHaveLength(runs.length);
    expect(option.visualMap).toEqual([]);
  });
});

describe('log axes from the family metadata', () => {
  const chart: ChartSpec = { id: 'sigma', title: 'σ', kind: 'lines', x: { label: 't', log: false, logWhenSwept: ['initScale', 'depth'] }, y: { label: 'σ', log: true }, series: ['sigma/'], theory: [] };

  it('starts t logarithmic when the experiment sweeps a parameter the family names, linear otherwise', () => {
    expect(chartDefaultPanel(chart, new Set(['initScale']))).toMatchObject({ logX: true, logY: true });
    expect(chartDefaultPanel(chart, new Set(['learningRate']))).toMatchObject({ logX: false, logY: true });
    expect(chartDefaultPanel(chart, new Set())).toMatchObject({ logX: false, logY: true });
  });
});

describe('the sweep map opens on what says most', () => {
  const run = (id: number, status: string, summary: Record<string, unknown> | null): SweepRun => ({ id, params: { a: id }, seed: 0, status, summary });

  it('shows the status while runs are active, then a class, else a numeric summary that varies', () => {
    const withClass = [run(1, 'done', { outcome: 'diverged', steps: 3 }), run(2, 'done', { outcome: 'oscillating', steps: 4 })];
    expect(defaultSweepValue(withClass, true)).toBe('status');
    expect(defaultSweepValue(withClass, false)).toBe('outcome');
    const numeric = [run(1, 'done', { bottleneckMode: 0, escapeTime: 10 }), run(2, 'done', { bottleneckMode: 0, escapeTime: 1e4 })];
    expect(defaultSweepValue(numeric, false)).toBe('escapeTime');
    expect(defaultSweepValue([run(1, 'failed', null)], false)).toBe('status');
  });

  it('offers the swept parameters as colours: a third one on neither axis gets its own log colour bar', () => {
    // depth × seed on the axes, ε (a logspace 1e-3 … 1e-1) swept across them.
    const eps = [1e-3, 1e-2, 1e-1];
    const runs: SweepRun[] = eps.flatMap((initScale, i) => [2, 3].map((depth) => ({ id: 10 * i + depth, params: { depth, initScale }, seed: i, status: 'done', summary: { initScale: 'a summary of that name' } })));
    expect(sweepValueKeys(runs, ['depth', 'initScale'])).toEqual(['status', 'initScale', 'param:depth', 'param:initScale']);
    const key = paramValueKey('initScale');
    expect(sweepValueLabel(key)).toBe('initScale');
    const map = buildSweepMap(runs, 'depth', 'seed', key);
    expect(map.classes).toEqual([]);
    // The parameter, not the summary of the same name: cell (depth, seed i) holds ε_i.
    expect(map.cells.map((cell) => cell.value)).toEqual([1e-3, 1e-3, 1e-2, 1e-2, 1e-1, 1e-1]);
    const cells = map.cells.map((cell): [number, number, number] => [cell.column, cell.row, cell.value as number]);
    const option = heatmapOption({ xLabels: ['2', '3'], yLabels: ['0', '1', '2'], cells }, { x: 'depth', y: 'seed', value: sweepValueLabel(key) });
    expect(option.visualMap[0]).toMatchObject({ type: 'continuous', dimension: 3, inRange: { color: viridis } });
    expect((option.visualMap[0] as { min: number }).min).toBeCloseTo(-3, 12);
    expect((option.visualMap[0] as { max: number }).max).toBeCloseTo(-1, 12);
    expect(option.title).toEqual([expect.objectContaining({ text: 'initScale (log)' })]);
  });

  it('colours a numeric summary over decades on a log colour bar', () => {
    const option = heatmapOption({ xLabels: ['a', 'b'], yLabels: ['c'], cells: [[0, 0, 10], [1, 0, 1e6]] }, { x: 'a', y: 'b', value: 'escapeTime' });
    expect(option.visualMap[0]).toMatchObject({ type: 'continuous', min: 1, max: 6, dimension: 3, inRange: { color: viridis } });
    expect(option.series[0].data).toEqual([[0, 0, 10, 1], [1, 0, 1e6, 6]]);
  });

  it('says in a cell’s tooltip which cell it is and its value: a class by name, a number as the colour bar prints it', () => {
    const grid = { xLabels: ['0.005', '0.01'], yLabels: ['2', '3'], cells: [] };
    const axes = { x: 'initScale', y: 'depth', value: 'outcome' };
    // Cell (initScale 0.01, depth 3) of class index 1.
    expect(heatmapTooltipHtml([1, 1, 1], grid, axes, ['stuck', 'escaped'])).toBe('<div>outcome: <b>escaped</b></div><div>initScale: 0.01</div><div>depth: 3</div>');
    // A log colour bar's cell carries log10 of its value fourth; the tooltip shows the value.
    expect(heatmapTooltipHtml([0, 1, 2.5e6, Math.log10(2.5e6)], grid, { ...axes, value: 'escapeTime' })).toBe('<div>escapeTime: <b>2.5e6</b></div><div>initScale: 0.005</div><div>depth: 3</div>');
    const option = heatmapOption({ ...grid, cells: [[1, 1, 1]] }, axes, ['stuck', 'escaped']);
    const formatter = (option.tooltip as { formatter: (params: unknown) => string }).formatter;
    expect(formatter({ value: [1, 1, 1] })).toContain('<b>escaped</b>');
  });
});
