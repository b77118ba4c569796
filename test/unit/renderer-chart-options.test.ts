import { describe, expect, it } from 'vitest';
import type { AnalysisResult, ChartSpec, TheorySeries } from '../../src-main/contract/family-meta';
import { buildAnalysisOption, countScatterSeries } from '../../src-renderer/src/charts/analysis-option';
import { analysisCsv, panelCsv } from '../../src-renderer/src/charts/csv';
import { dataPairs, plottableBand, plottablePoints } from '../../src-renderer/src/charts/log-filter';
import { buildPanelModel, type PanelRun } from '../../src-renderer/src/charts/panel-model';
import { buildPanelOption, countDataSeries, multiplesGrid, optionFromModel, panelHeight } from '../../src-renderer/src/charts/panel-option';
import type { SeriesOption } from '../../src-renderer/src/charts/types';
import { optionSvg } from '../../src-renderer/src/export/echarts-runtime';

const sigmaChart: ChartSpec = {
  id: 'sigma',
  title: 'Singular values',
  kind: 'lines',
  x: { label: 't', log: false },
  y: { label: 'σ_i', log: false },
  series: ['sigma/'],
  theory: ['tauLin', 'targets'],
};

function run(runId: number, params: Record<string, unknown>, seed: number, scale = 1): PanelRun {
  const x = [0, 1, 2, 3];
  return {
    runId,
    params,
    seed,
    series: [
      { metric: 'sigma/1', x, y: x.map((t) => scale * (t + 10)) },
      { metric: 'sigma/0', x, y: x.map((t) => scale * t) },
      { metric: 'loss', x, y: x.map(() => 1) },
    ],
  };
}

const view = { logX: false, logY: false, overlay: true, grouping: null, hiddenTheory: [] };
const noTheory = new Map<number, TheorySeries[]>();

function seriesById(series: SeriesOption[], prefix: string): SeriesOption[] {
  return series.filter((item) => String(item.id).startsWith(prefix));
}

describe('log axes drop what they cannot show', () => {
  it('drops non-positive values on log axes only', () => {
    const x = [-1, 0, 1, 2, 3];
    const y = [1, 1, 0, -2, 5];
    expect(dataPairs(plottablePoints(x, y, false, false))).toHaveLength(5);
    expect(dataPairs(plottablePoints(x, y, true, false))).toEqual([[1, 0], [2, -2], [3, 5]]);
    expect(dataPairs(plottablePoints(x, y, true, true))).toEqual([[3, 5]]);
    expect(dataPairs(plottablePoints(x, y, false, true))).toEqual([[-1, 1], [0, 1], [3, 5]]);
  });

  it('hands ECharts the points as one typed array x₀, y₀, x₁, y₁, … (no array per point)', () => {
    const points = plottablePoints([1, 2, 3], [10, null, 30], false, false);
    expect(points).toBeInstanceOf(Float64Array);
    expect(Array.from(points)).toEqual([1, 10, 3, 30]);
    expect(dataPairs([[1, 2], { value: [3, 4] }])).toEqual([[1, 2], [3, 4]]);
  });

  it('drops subnormal values on log axes (an underflowing loss), keeps them on linear ones', () => {
    expect(dataPairs(plottablePoints([1, 2, 3], [1e-300, 1.5e-323, 0.5], false, true))).toEqual([[1, 1e-300], [3, 0.5]]);
    expect(dataPairs(plottablePoints([1, 2], [1.5e-323, 1], false, false))).toHaveLength(2);
  });

  it('draws a log axis over 300 decades (a loss that decays to 1e-304) without breaking', () => {
    const x = Array.from({ length: 50 }, (_, i) => i + 1);
    const runs = [{ runId: 1, params: {}, seed: 0, series: [{ metric: 'sigma/0', x, y: x.map((t) => 10 ** (-6.2 * t)) }] }];
    const option = buildPanelOption(sigmaChart, runs, noTheory, { ...view, logY: true });
    const svg = optionSvg(option, 500, 300);
    expect(svg).not.toContain('NaN');
    expect(svg).toContain('>1e-300<');
  });

  it('drops NaN, Infinity and nulls on any axis', () => {
    expect(dataPairs(plottablePoints([1, 2, 3, 4], [NaN, Infinity, null, 2], false, false))).toEqual([[4, 2]]);
  });

  it('keeps band edges index-aligned when one edge is not plottable', () => {
    const band = plottableBand([1, 2, 3], [0, 1, 2], [1, 3, 5], false, true);
    expect(band.lower).toEqual([[2, 1], [3, 2]]);
    expect(band.spread).toEqual([[2, 2], [3, 3]]);
  });

  it('removes non-positive points, vlines and hlines from the option on log axes', () => {
    const theory = new Map<number, TheorySeries[]>([
      [1, [
        { id: 'tauLin', label: 'τ_lin', kind: 'vline', x: [0, 2], y: [], index: 0 },
        { id: 'targets', label: 'targets', kind: 'hline', x: [], y: [-1, 10] },
      ]],
    ]);
    const option = buildPanelOption(sigmaChart, [run(1, { depth: 2 }, 0)], theory, { ...view, logX: true, logY: true });
    expect(option.xAxis[0].type).toBe('log');
    expect(option.yAxis[0].type).toBe('log');
    const sigma0 = option.series.find((item) => String(item.id).endsWith('sigma/0'));
    expect(dataPairs(sigma0?.data)).toEqual([[1, 1], [2, 2], [3, 3]]);
    const vline = option.series.find((item) => String(item.id).includes('tauLin'));
    expect(vline?.markLine?.data).toEqual([{ xAxis: 2 }]);
    const hline = option.series.find((item) => String(item.id).includes('targets'));
    expect(hline?.markLine?.data).toEqual([{ yAxis: 10 }]);
  });
});

describe('panel series and legend naming', () => {
  it('draws the chart metrics only, prefix patterns in index order', () => {
    const model = buildPanelModel({ chart: sigmaChart, runs: [run(1, { depth: 2 }, 0)], theory: noTheory, grouping: null, hiddenTheory: [] });
    expect(model.groups).toHaveLength(1);
    expect(model.groups[0].lines.map((line) => line.metric)).toEqual(['sigma/0', 'sigma/1']);
    expect(model.groups[0].lines.map((line) => line.colorIndex)).toEqual([0, 1]);
  });

  it('names a single run by metric and several runs by the parameters that vary', () => {
    const single = buildPanelOption(sigmaChart, [run(1, { depth: 2, initScale: 0.04 }, 0)], noTheory, view);
    expect(seriesById(single.series, 'data:').map((item) => item.name)).toEqual(['sigma/0', 'sigma/1']);

    const runs = [run(2, { depth: 3, initScale: 0.04, horizon: 5 }, 0), run(1, { depth: 2, initScale: 0.01, horizon: 5 }, 0)];
    const overlay = buildPanelOption(sigmaChart, runs, noTheory, view);
    const names = seriesById(overlay.series, 'data:').map((item) => item.name);
    expect(names).toEqual(['depth=2, initScale=0.01', 'depth=2, initScale=0.01', 'depth=3, initScale=0.04', 'depth=3, initScale=0.04']);
    expect(countDataSeries(overlay)).toBe(4);
  });

  it('adds the seed to the legend when only seeds tell runs apart', () => {
    const option = buildPanelOption(sigmaChart, [run(1, { depth: 2 }, 0), run(2, { depth: 2 }, 1)], noTheory, view);
    expect(new Set(seriesById(option.series, 'data:').map((item) => item.name))).toEqual(new Set(['seed=0', 'seed=1']));
  });

  it('names a run by its id when nothing tells it apart', () => {
    const model = buildPanelModel({ chart: sigmaChart, runs: [run(7, { depth: 2 }, 0)], theory: noTheory, grouping: null, hiddenTheory: [] });
    expect(model.groups[0].label).toBe('run 7');
  });

  it('colours by group in an overlay of several groups, by mode index otherwise', () => {
    const runs = [run(1, { depth: 2 }, 0), run(2, { depth: 3 }, 0)];
    const overlay = buildPanelOption(sigmaChart, runs, noTheory, view);
    const colors = seriesById(overlay.series, 'data:').map((item) => item.color);
    expect(colors[0]).toBe(colors[1]);
    expect(colors[0]).not.toBe(colors[2]);
    const multiples = buildPanelOption(sigmaChart, runs, noTheory, { ...view, overlay: false });
    const multipleColors = seriesById(multiples.series, 'data:').map((item) => item.color);
    expect(multipleColors[0]).toBe(multipleColors[2]);
    expect(multipleColors[0]).not.toBe(multipleColors[1]);
  });
});

describe('grouping: mean and min–max band over seeds', () => {
  const runs = [run(1, { depth: 2 }, 0, 1), run(2, { depth: 2 }, 1, 2), run(3, { depth: 2 }, 2, 3), run(4, { depth: 3 }, 0, 1)];

  it('aggregates runs that share the grouped parameters', () => {
    const model = buildPanelModel({ chart: sigmaChart, runs, theory: noTheory, grouping: ['depth'], hiddenTheory: [] });
    expect(model.groups.map((group) => group.label)).toEqual(['depth=2 (N=3)', 'depth=3 (N=1)']);
    expect(model.groups[0].runIds).toEqual([1, 2, 3]);
    const sigma1 = model.groups[0].lines.find((line) => line.metric === 'sigma/1');
    // sigma/1 = scale·(t + 10) with scales 1, 2, 3 → mean 2(t + 10), min t + 10, max 3(t + 10).
    expect(sigma1?.y).toEqual([20, 22, 24, 26]);
    expect(sigma1?.band?.min).toEqual([10, 11, 12, 13]);
    expect(sigma1?.band?.max).toEqual([30, 33, 36, 39]);
    expect(model.groups[1].lines[0].band).toBeNull();
  });

  it('draws a stacked band named like its mean line and counts only the mean as data', () => {
    const option = buildPanelOption(sigmaChart, runs, noTheory, { ...view, grouping: ['depth'] });
    expect(countDataSeries(option)).toBe(4);
    const bands = seriesById(option.series, 'band:');
    expect(bands).toHaveLength(4);
    const [lower, spread] = bands;
    expect(lower.name).toBe('depth=2 (N=3)');
    expect(spread.type === 'line' && spread.stack).toBe(lower.type === 'line' && lower.stack);
    // sigma/0 = scale·t: spread = max − min = 3t − t.
    expect(spread.data).toEqual([[0, 0], [1, 2], [2, 4], [3, 6]]);
  });

  it('groups everything into one series with no grouping keys', () => {
    const model = buildPanelModel({ chart: sigmaChart, runs, theory: noTheory, grouping: [], hiddenTheory: [] });
    expect(model.groups.map((group) => group.label)).toEqual(['all runs (N=4)']);
  });
});

describe('theory overlays', () => {
  const theory = new Map<number, TheorySeries[]>([
    [1, [
      { id: 'tauLin', label: 'τ_lin', kind: 'vline', x: [1.5], y: [], index: 1 },
      { id: 'targets', label: 'targets', kind: 'hline', x: [], y: [3] },
      { id: 'deadZoneLine', label: 'dead zone', kind: 'line', x: [0, 1], y: [0, 1] },
    ]],
    [2, [{ id: 'tauLin', label: 'τ_lin', kind: 'vline', x: [1.5], y: [], index: 1 }]],
  ]);

  it('draws only the chart theory ids the user left on', () => {
    const runs = [run(1, { depth: 2 }, 0)];
    const all = buildPanelOption(sigmaChart, runs, theory, view);
    expect(seriesById(all.series, 'theory:').map((item) => item.name)).toEqual(['τ_lin', 'targets']);
    const hidden = buildPanelOption(sigmaChart, runs, theory, { ...view, hiddenTheory: ['tauLin'] });
    expect(seriesById(hidden.series, 'theory:').map((item) => item.name)).toEqual(['targets']);
    expect(countDataSeries(hidden)).toBe(countDataSeries(all));
  });

  it('colours theory like the mode it belongs to', () => {
    const option = buildPanelOption(sigmaChart, [run(1, { depth: 2 }, 0)], theory, view);
    const sigma1 = option.series.find((item) => String(item.id).endsWith('sigma/1'));
    const tau = option.series.find((item) => String(item.id).includes('tauLin'));
    expect(tau?.color).toBe(sigma1?.color);
  });

  it('gives theory a neutral legend icon when it is coloured per group', () => {
    const runs = [run(1, { depth: 2 }, 0), run(2, { depth: 3 }, 0)];
    const option = buildPanelOption(sigmaChart, runs, theory, view);
    const entries = Array.isArray(option.legend.data) ? option.legend.data : [];
    const tau = entries.find((entry) => typeof entry === 'object' && entry.name === 'τ_lin');
    expect(tau).toMatchObject({ itemStyle: { color: '#555555' } });
    expect(entries.find((entry) => typeof entry === 'object' && entry.name === 'depth=2')).toEqual({ name: 'depth=2' });
  });

  it('draws theory once for runs with equal parameters', () => {
    const option = buildPanelOption(sigmaChart, [run(1, { depth: 2 }, 0), run(2, { depth: 2 }, 1)], theory, view);
    expect(seriesById(option.series, 'theory:').filter((item) => item.name === 'τ_lin')).toHaveLength(1);
  });
});

describe('legend space', () => {
  it('grows the panel for a legend that wraps and scrolls a very long one', () => {
    const runs = Array.from({ length: 40 }, (_, i) => run(i + 1, { depth: i + 1, initScale: 0.01 * (i + 1) }, 0));
    const few = buildPanelModel({ chart: sigmaChart, runs: runs.slice(0, 2), theory: noTheory, grouping: null, hiddenTheory: [] });
    const several = buildPanelModel({ chart: sigmaChart, runs: runs.slice(0, 6), theory: noTheory, grouping: null, hiddenTheory: [] });
    const many = buildPanelModel({ chart: sigmaChart, runs, theory: noTheory, grouping: null, hiddenTheory: [] });
    expect(panelHeight(several, true)).toBeGreaterThan(panelHeight(few, true));
    expect(optionFromModel(several, { logX: false, logY: false, overlay: true }).legend.type).toBe('plain');
    expect(optionFromModel(many, { logX: false, logY: false, overlay: true }).legend.type).toBe('scroll');
  });
});

describe('small multiples', () => {
  it('lays out one grid per group with its own axes and title', () => {
    const runs = [1, 2, 3, 4, 5].map((id) => run(id, { depth: id }, 0));
    const option = buildPanelOption(sigmaChart, runs, noTheory, { ...view, overlay: false });
    expect(option.grid).toHaveLength(5);
    expect(option.xAxis).toHaveLength(5);
    expect(option.title.map((title) => title.text)).toEqual(['depth=1', 'depth=2', 'depth=3', 'depth=4', 'depth=5']);
    expect(option.series.filter((item) => item.xAxisIndex === 4)).toHaveLength(2);
    expect(multiplesGrid(5)).toEqual({ columns: 3, rows: 2 });
    const model = (count: number) => buildPanelModel({ chart: sigmaChart, runs: runs.slice(0, count), theory: noTheory, grouping: null, hiddenTheory: [] });
    expect(panelHeight(model(5), false)).toBeGreaterThan(panelHeight(model(2), false));
  });

  it('gives an empty model one empty plot', () => {
    const option = optionFromModel({ chart: sigmaChart, groups: [], referenceLines: [], notes: [], unplaced: 0 }, { logX: false, logY: false, overlay: false });
    expect(option.grid).toHaveLength(1);
    expect(countDataSeries(option)).toBe(0);
  });
});

describe('panel CSV', () => {
  it('writes one row per point with the band columns', () => {
    const model = buildPanelModel({ chart: sigmaChart, runs: [run(1, { depth: 2 }, 0), run(2, { depth: 2 }, 1, 3)], theory: noTheory, grouping: ['depth'], hiddenTheory: [] });
    const lines = panelCsv(model).trim().split('\r\n');
    expect(lines[0]).toBe('series,run_ids,metric,x (t),y (σ_i),y_min,y_max');
    expect(lines[1]).toBe('depth=2 (N=2),1 2,sigma/0,0,0,0,0');
    expect(lines[2]).toBe('depth=2 (N=2),1 2,sigma/0,1,2,1,3');
    expect(lines).toHaveLength(1 + 2 * 4);
  });
});

describe('analysis chart', () => {
  const result: AnalysisResult = {
    id: 'escape-time-scaling',
    title: 'Escape time vs initialization scale',
    columns: [{ key: 'depth', label: 'N' }, { key: 'slope', label: 'fitted slope' }],
    rows: [{ depth: 2, slope: -1.01 }, { depth: 3, slope: -2.02 }],
    checks: [{ name: 'slope N=3', value: -2.02, expected: -2, tolerance: '±5%', pass: true }],
    chart: {
      title: 'τ vs ε',
      x: { label: 'ε', log: true },
      y: { label: 'τ', log: true },
      series: [
        { name: 'N=2 empirical', kind: 'scatter', x: [0.01, 0.1, 0], y: [100, 10, 5] },
        { name: 'N=2 theory', kind: 'line', x: [0.01, 0.1], y: [100, 10] },
        { name: 'N=3 empirical', kind: 'scatter', x: [0.01, 0.1], y: [null, 50] },
        { name: 'N=3 theory', kind: 'line', x: [0.01, 0.1], y: [1e4, 100] },
      ],
    },
    notes: [],
  };

  it('builds log–log scatter + line series and counts the scatter ones', () => {
    const option = buildAnalysisOption(result);
    expect(option).not.toBeNull();
    if (!option) return;
    expect(option.xAxis[0].type).toBe('log');
    expect(option.yAxis[0].type).toBe('log');
    expect(countScatterSeries(option)).toBe(2);
    expect(dataPairs(option.series[0].data)).toEqual([[0.01, 100], [0.1, 10]]);
    expect(dataPairs(option.series[2].data)).toEqual([[0.1, 50]]);
    expect(option.series[0].color).toBe(option.series[1].color);
    expect(option.series[2].color).toBe(option.series[3].color);
    expect(option.series[0].color).not.toBe(option.series[2].color);
  });

  it('has no option without a chart', () => {
    expect(buildAnalysisOption({ ...result, chart: undefined })).toBeNull();
    expect(countScatterSeries(null)).toBe(0);
  });

  it('exports the table as CSV with the column labels', () => {
    expect(analysisCsv(result)).toBe('N,fitted slope\r\n2,-1.01\r\n3,-2.02\r\n');
  });
});

describe('TeX in chart labels', () => {
  it('axis names and legend entries read as Unicode; series keep their names', () => {
    const chart: ChartSpec = { ...sigmaChart, title: 'Pathway values a_{p,k}', y: { label: 'a_{p,k}', log: false }, x: { label: '\\tau', log: false } };
    const theory = new Map([[1, [{ id: 'tauLin', label: 's_{r+1} level', kind: 'hline' as const, x: [], y: [1] }]]]);
    const option = buildPanelOption(chart, [run(1, { depth: 2 }, 0)], theory, view);
    expect(option.yAxis[0].name).toBe('aₚ,ₖ');
    expect(option.xAxis[0].name).toBe('τ');
    const legend = option.legend as { formatter: (name: string) => string };
    expect(legend.formatter('s_{r+1} level')).toBe('sᵣ₊₁ level');
    expect(option.series.some((series) => series.name === 's_{r+1} level')).toBe(true);
  });
});
