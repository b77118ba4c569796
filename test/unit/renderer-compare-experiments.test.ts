// Runs of another experiment on the current experiment's dashboard: which charts draw them, how
// they are labelled and styled on screen and in every figure export, and how a stored comparison
// is read back (deleted or foreign ids left out, malformed entries dropped).
import { describe, expect, it } from 'vitest';
import type { ChartSpec, TheorySeries } from '../../src-main/contract/family-meta';
import { panelCsv } from '../../src-renderer/src/charts/csv';
import { buildPanelModel, type PanelRun } from '../../src-renderer/src/charts/panel-model';
import { dataSeriesNames, optionFromModel, type PanelView } from '../../src-renderer/src/charts/panel-option';
import { captionDraft } from '../../src-renderer/src/figure/figure-caption';
import { figureData } from '../../src-renderer/src/figure/figure-data';
import { figurePlots } from '../../src-renderer/src/figure/figure-plots';
import { matplotlibScript } from '../../src-renderer/src/figure/matplotlib-script';
import { pgfplotsCode } from '../../src-renderer/src/figure/pgfplots-code';
import { comparedTheoryIds, resolveComparison, splitDashboards, storedComparison, viewRecordName, withCompared } from '../../src-renderer/src/logic/comparison';
import { defaultLayout, readLayout, readViewSettings } from '../../src-renderer/src/logic/dashboard-layout';
import { commandForKey } from '../../src-renderer/src/logic/shortcuts';

const lossChart: ChartSpec = { id: 'loss', title: 'Loss', kind: 'lines', x: { label: 't', log: false }, y: { label: 'loss', log: true }, series: ['loss'], theory: ['plateau'] };
const sigmaChart: ChartSpec = { id: 'sigma', title: 'Singular values', kind: 'lines', x: { label: 't', log: false }, y: { label: 'σ', log: false }, series: ['sigma/'], theory: [] };
const x = [0, 1, 2];

function dlnRun(runId: number, depth: number): PanelRun {
  return { runId, params: { depth }, seed: 0, series: [{ metric: 'loss', x, y: [1, 0.5 / depth, 0.1 / depth] }, { metric: 'sigma/0', x, y: [0, depth, 3] }] };
}

/** A compared script-family run: the same loss metric, no singular values. */
function numpyRun(runId: number, initScale: number, extra: Record<string, unknown> = {}): PanelRun {
  return { runId, params: { initScale, ...extra }, seed: 0, series: [{ metric: 'loss', x, y: [2, initScale, initScale / 2] }], experiment: 'numpy-dln' };
}

const own = [dlnRun(1, 2), dlnRun(2, 3)];
const compared = [numpyRun(11, 0.1), numpyRun(12, 0.2)];
const theory = new Map<number, TheorySeries[]>([
  [1, [{ id: 'plateau', label: 'plateau', kind: 'hline', x: [], y: [0.05] }]],
  // Overlays of a compared run are not the chart's: never drawn.
  [11, [{ id: 'plateau', label: 'plateau', kind: 'hline', x: [], y: [0.5] }]],
]);
const view: PanelView = { logX: false, logY: true, overlay: true };

function model(chart: ChartSpec, grouping: readonly string[] | null = null) {
  return buildPanelModel({ chart, runs: [...own, ...compared], theory, grouping, hiddenTheory: [] });
}

describe('compared runs in the panel model', () => {
  it('come after the current runs, labelled with their experiment, without theory', () => {
    const { groups } = model(lossChart);
    expect(groups.map((group) => group.label)).toEqual(['depth=2', 'depth=3', 'numpy-dln: initScale=0.1', 'numpy-dln: initScale=0.2']);
    expect(groups.map((group) => group.experiment)).toEqual([null, null, 'numpy-dln', 'numpy-dln']);
    expect(groups[2].lines[0].y).toEqual([2, 0.1, 0.05]);
    expect(groups.map((group) => group.theory.length)).toEqual([1, 0, 0, 0]);
  });

  it('draw the overlays their own family has for the chart\'s metrics, named by their experiment, dashed', () => {
    const input = { chart: lossChart, runs: [...own, ...compared], theory, grouping: null, hiddenTheory: [] };
    const { groups } = buildPanelModel({ ...input, comparedTheory: new Map([['numpy-dln', ['plateau']]]) });
    expect(groups.map((group) => group.theory.map((series) => [series.label, series.y[0]]))).toEqual([[['plateau', 0.05]], [], [['numpy-dln: plateau', 0.5]], []]);
    const option = optionFromModel(buildPanelModel({ ...input, comparedTheory: new Map([['numpy-dln', ['plateau']]]) }), view);
    const overlay = option.series.find((series) => series.name === 'numpy-dln: plateau');
    expect(overlay?.type === 'line' ? overlay.markLine?.lineStyle?.type : null).toBe('dashed');
    // Switched off on the panel, or not among the family's ids for this chart: not drawn.
    expect(buildPanelModel({ ...input, hiddenTheory: ['plateau'], comparedTheory: new Map([['numpy-dln', ['plateau']]]) }).groups[2].theory).toEqual([]);
    expect(buildPanelModel({ ...input, comparedTheory: new Map([['numpy-dln', ['other']]]) }).groups[2].theory).toEqual([]);
  });

  it('a compared family\'s theory ids for a chart come from its charts that plot the same metrics', () => {
    const numpyCharts: ChartSpec[] = [
      { ...lossChart, id: 'numpyLoss', theory: ['plateau', 'fixedPoint'] },
      { ...sigmaChart, id: 'numpySigma', series: ['sigma/'], theory: ['sigmaFlow'] },
      { ...lossChart, id: 'gradNorm', series: ['gradNorm'], theory: ['gradBound'] },
    ];
    expect(comparedTheoryIds(lossChart, numpyCharts)).toEqual(['plateau', 'fixedPoint']);
    expect(comparedTheoryIds(sigmaChart, numpyCharts)).toEqual(['sigmaFlow']);
    expect(comparedTheoryIds({ ...lossChart, series: ['accuracy'] }, numpyCharts)).toEqual([]);
  });

  it('are left out of charts whose metrics they did not record', () => {
    const { groups } = model(sigmaChart);
    expect(groups.map((group) => group.runIds)).toEqual([[1], [2]]);
  });

  it('a single compared run is named by its id', () => {
    const { groups } = buildPanelModel({ chart: lossChart, runs: [...own, numpyRun(11, 0.1)], theory, grouping: null, hiddenTheory: [] });
    expect(groups.at(-1)?.label).toBe('numpy-dln: run 11');
  });

  it('combined runs: a compared experiment is grouped by the grouping parameters it has', () => {
    expect(model(lossChart, ['depth']).groups.map((group) => group.label)).toEqual(['depth=2 (N=1)', 'depth=3 (N=1)', 'numpy-dln: all runs (N=2)']);
    const withDepth = [numpyRun(11, 0.1, { depth: 2 }), numpyRun(12, 0.2, { depth: 2 }), numpyRun(13, 0.1, { depth: 3 })];
    const grouped = buildPanelModel({ chart: lossChart, runs: [...own, ...withDepth], theory, grouping: ['depth'], hiddenTheory: [] });
    expect(grouped.groups.map((group) => group.label).slice(2)).toEqual(['numpy-dln: depth=2 (N=2)', 'numpy-dln: depth=3 (N=1)']);
    // Mean of the two depth-2 runs: (0.1 + 0.2)/2 at t = 1.
    expect(grouped.groups[2].lines[0].y[1]).toBeCloseTo(0.15, 15);
  });

  it('two experiments combined by the same parameters get distinct group keys', () => {
    const other = { ...numpyRun(21, 0.1), experiment: 'second' };
    const { groups } = buildPanelModel({ chart: lossChart, runs: [...own, ...compared, other], theory, grouping: [], hiddenTheory: [] });
    expect(groups.map((group) => group.label)).toEqual(['all runs (N=2)', 'numpy-dln: all runs (N=2)', 'second: all runs (N=1)']);
    expect(new Set(groups.map((group) => group.key)).size).toBe(3);
  });
});

describe('compared runs on screen and in exports', () => {
  const built = model(lossChart);

  it('the ECharts option names them in the legend and draws them dotted', () => {
    const option = optionFromModel(built, view);
    const data = option.series.filter((series) => String(series.id).startsWith('data:'));
    expect(data.map((series) => series.name)).toEqual(['depth=2', 'depth=3', 'numpy-dln: initScale=0.1', 'numpy-dln: initScale=0.2']);
    expect(dataSeriesNames(option)).toEqual(data.map((series) => series.name));
    expect(data.map((series) => (series.type === 'line' ? series.lineStyle?.type ?? 'solid' : 'points'))).toEqual(['solid', 'solid', 'dotted', 'dotted']);
    const legendNames = (option.legend.data ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.name));
    expect(legendNames).toEqual(['depth=2', 'plateau', 'depth=3', 'numpy-dln: initScale=0.1', 'numpy-dln: initScale=0.2']);
  });

  it('the CSV lists their points under the same labels', () => {
    const rows = panelCsv(built).trim().split('\n');
    // Header, then 3 points for each of the 4 groups.
    expect(rows).toHaveLength(1 + 4 * 3);
    expect(rows.filter((row) => row.startsWith('numpy-dln: initScale=0.2,12,loss,'))).toHaveLength(3);
  });

  it('matplotlib and pgfplots draw them dotted under the same legend names', () => {
    const plots = figurePlots(built, view);
    expect(plots[0].curves.map((curve) => [curve.label, curve.style])).toEqual([
      ['depth=2', 'line'],
      ['depth=3', 'line'],
      ['numpy-dln: initScale=0.1', 'compared'],
      ['numpy-dln: initScale=0.2', 'compared'],
    ]);
    const data = figureData(plots);
    const caption = captionDraft({
      title: 'Loss',
      experiment: 'staircase',
      family: 'dln-train',
      runs: own,
      compared: [{ experiment: 'numpy-dln', family: 'numpy-dln', runIds: [11, 12] }],
      appVersion: '0.1.0',
      projectPath: '/tmp/p.saddle',
    });
    expect(caption).toContain('Compared with experiment "numpy-dln" (family numpy-dln): runs 11, 12.');
    const settings = { widthIn: 3.35, heightIn: 2.5, fontFamily: 'Helvetica', fontSizePt: 8, dpi: 150 } as const;
    const script = matplotlibScript({ title: 'Loss', caption, plots, data, settings });
    expect(script).toContain('linestyle=":", label="numpy-dln: initScale=0.2"');
    const tex = pgfplotsCode({ title: 'Loss', caption, plots, data, settings, dataFile: 'loss.csv' });
    expect(tex).toMatch(/densely dotted.*\n\\addlegendentry\{numpy-dln: initScale=0\.1\}/);
  });
});

describe('a stored comparison', () => {
  const experiments = [
    { id: 1, name: 'staircase', family: 'dln-train' },
    { id: 2, name: 'numpy-dln', family: 'numpy-dln' },
    { id: 3, name: 'other', family: 'dln-train' },
  ];
  const runs = [
    { id: 10, experimentId: 1 },
    { id: 20, experimentId: 2 },
    { id: 21, experimentId: 2 },
    { id: 30, experimentId: 3 },
  ];

  it('is kept in its own dashboard record, which is not one of the saved views', () => {
    const views = [{ id: 1, name: 'View 1', layout: {} }, { id: 3, name: 'log axes', layout: {} }];
    const record = { id: 2, name: viewRecordName, layout: { compared: [{ experimentId: 2, runIds: [20] }] } };
    expect(splitDashboards([views[0], record, views[1]])).toEqual({ views, viewRecord: record });
    expect(splitDashboards(views).viewRecord).toBeNull();
  });

  it('survives a layout round trip', () => {
    const layout = { ...defaultLayout(), compared: [{ experimentId: 2, runIds: [20, 21] }] };
    expect(readLayout(JSON.parse(JSON.stringify(layout)) as Record<string, unknown>)).toEqual(layout);
  });

  it('drops malformed entries and ids, keeping the good ones', () => {
    const record = { compared: [{ experimentId: 2, runIds: [20, 'x', -1, 1.5, 21] }, { experimentId: 'two', runIds: [20] }, { runIds: [30] }, 7, null] };
    expect(readViewSettings(record, defaultLayout()).compared).toEqual([{ experimentId: 2, runIds: [20, 21] }]);
    expect(readViewSettings({ compared: 'all' }, defaultLayout()).compared).toEqual([]);
    expect(readViewSettings({}, defaultLayout()).compared).toEqual([]);
    expect(readLayout({ compared: { experimentId: 2 } }).compared).toEqual([]);
  });

  it('resolves to what the project still has: no deleted, foreign or own runs, no unknown experiment', () => {
    const stored = [
      { experimentId: 2, runIds: [20, 99, 30, 20] }, // 99 deleted, 30 belongs to experiment 3, 20 twice
      { experimentId: 1, runIds: [10] }, // the current experiment itself
      { experimentId: 42, runIds: [20] }, // deleted experiment
      { experimentId: 3, runIds: [77] }, // every run deleted
      { experimentId: 2, runIds: [21] }, // a second entry for experiment 2
    ];
    const groups = resolveComparison(stored, 1, experiments, runs);
    expect(groups).toEqual([{ experimentId: 2, name: 'numpy-dln', family: 'numpy-dln', runs: [{ id: 20, experimentId: 2 }], all: false }]);
    expect(storedComparison(groups)).toEqual([{ experimentId: 2, runIds: [20] }]);
  });

  it('"all" takes every run the experiment has now, runs added later too, and is stored as "all"', () => {
    const stored = [{ experimentId: 2, runIds: 'all' as const }];
    expect(resolveComparison(stored, 1, experiments, runs)[0].runs.map((run) => run.id)).toEqual([20, 21]);
    const later = resolveComparison(stored, 1, experiments, [...runs, { id: 22, experimentId: 2 }, { id: 40, experimentId: 3 }]);
    expect(later[0].runs.map((run) => run.id)).toEqual([20, 21, 22]);
    expect(storedComparison(later)).toEqual(stored);
    // An experiment left with no runs is not drawn.
    expect(resolveComparison(stored, 1, experiments, runs.filter((run) => run.experimentId !== 2))).toEqual([]);
    expect(withCompared([{ experimentId: 2, runIds: [20] }], 2, 'all')).toEqual(stored);
    expect(withCompared(stored, 2, [21])).toEqual([{ experimentId: 2, runIds: [21] }]);
  });

  it('reads "all" and lists of ids (the format written first) and drops other run choices', () => {
    const record = { compared: [{ experimentId: 2, runIds: 'all' }, { experimentId: 3, runIds: [30] }, { experimentId: 4, runIds: 'some' }, { experimentId: 5, runIds: null }] };
    expect(readViewSettings(record, defaultLayout()).compared).toEqual([{ experimentId: 2, runIds: 'all' }, { experimentId: 3, runIds: [30] }]);
  });

  it('is changed per experiment: replaced in place, appended, or removed with no runs', () => {
    const start = [{ experimentId: 2, runIds: [20] }, { experimentId: 3, runIds: [30] }];
    expect(withCompared(start, 2, [20, 21, 21])).toEqual([{ experimentId: 2, runIds: [20, 21] }, { experimentId: 3, runIds: [30] }]);
    expect(withCompared(start, 4, [40])).toEqual([...start, { experimentId: 4, runIds: [40] }]);
    expect(withCompared(start, 2, [])).toEqual([{ experimentId: 3, runIds: [30] }]);
  });
});

describe('the C shortcut', () => {
  const press = (key: string, ctrlKey = false) => ({ key, ctrlKey, metaKey: false, shiftKey: false, altKey: false });

  it('opens "Compare with…", but not while typing, and Ctrl+C stays copy', () => {
    expect(commandForKey(press('c'), 'serve', false, false)).toBe('view.compare');
    expect(commandForKey(press('C'), 'electron', false, false)).toBe('view.compare');
    expect(commandForKey(press('c'), 'serve', false, true)).toBeNull();
    expect(commandForKey(press('c', true), 'serve', false, false)).toBeNull();
  });
});
