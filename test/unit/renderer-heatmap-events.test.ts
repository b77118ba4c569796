import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../src-main/contract/family-meta';
import { categoryLabelInterval, columnCentres, heatmapOption, seriesHeatmapGrid } from '../../src-renderer/src/charts/heatmap-option';
import { buildPanelModel } from '../../src-renderer/src/charts/panel-model';
import { optionFromModel } from '../../src-renderer/src/charts/panel-option';

describe('heatmap grid of an indexed metric', () => {
  const series = [
    { metric: 'x/1', x: [0, 5, 10], y: [0, -2, -4] },
    { metric: 'x/0', x: [0, 5, 10], y: [1, 2, 3] },
    { metric: 'loss', x: [0, 10], y: [9, 9] },
  ];

  it('puts one row per index in index order and samples by the last value at or before each column', () => {
    const grid = seriesHeatmapGrid(series, 'x/', 3, false);
    expect(grid.yLabels).toEqual(['0', '1']);
    expect(grid.xLabels).toHaveLength(3);
    // Columns at 0, 5, 10.
    expect(grid.cells).toEqual([
      [0, 0, 1], [1, 0, 2], [2, 0, 3],
      [0, 1, 0], [1, 1, -2], [2, 1, -4],
    ]);
  });

  it('steps between samples rather than interpolating', () => {
    const grid = seriesHeatmapGrid(series, 'x/', 5, false); // columns at 0, 2.5, 5, 7.5, 10
    expect(grid.cells.filter(([, row]) => row === 0).map(([, , v]) => v)).toEqual([1, 1, 2, 2, 3]);
  });

  it('spaces columns evenly in log x on a log axis and skips x ≤ 0', () => {
    expect(columnCentres(1, 1000, 4, true).map((x) => Math.round(x))).toEqual([1, 10, 100, 1000]);
    const grid = seriesHeatmapGrid(series, 'x/', 2, true);
    expect(grid.cells.filter(([, row]) => row === 0)).toEqual([[0, 0, 2], [1, 0, 3]]);
  });

  it('uses a symmetric diverging colour range when values change sign', () => {
    const option = heatmapOption(seriesHeatmapGrid(series, 'x/', 3, false), { x: 'step', y: 'i', value: 'x' });
    const map = option.visualMap[0] as { min: number; max: number };
    expect([map.min, map.max]).toEqual([-4, 4]);
    expect(option.series[0].data).toHaveLength(6);
  });
});

describe('event metrics are drawn as markers', () => {
  const chart: ChartSpec = { id: 'loss', title: 'Loss', kind: 'lines', x: { label: 't', log: false }, y: { label: 'ℓ', log: true }, series: ['loss', 'escape'], theory: [] };
  const runs = [1, 2].map((runId) => ({
    runId,
    params: { depth: 2 },
    seed: runId,
    series: [
      { metric: 'loss', x: [0, 1, 2], y: [1, 0.5, 0.1] },
      { metric: 'escape', x: [runId], y: [0.5] },
    ],
  }));

  it('gives event series scatter markers and keeps every run’s events when runs are grouped', () => {
    const model = buildPanelModel({ chart, runs, theory: new Map(), grouping: ['depth'], hiddenTheory: [], pointMetrics: ['escape'] });
    const events = model.groups[0].lines.find((line) => line.metric === 'escape');
    expect(events?.points).toBe(true);
    expect(events?.x).toEqual([1, 2]);
    const option = optionFromModel(model, { logX: false, logY: true, overlay: true });
    const types = option.series.filter((s) => String(s.id).startsWith('data:')).map((s) => s.type);
    expect(types).toEqual(['line', 'scatter']);
  });
});

describe('heatmap axis labels', () => {
  it('print at most 16 rows and 12 columns of a big sweep, evenly spaced, and every label of a small one', () => {
    expect(categoryLabelInterval(5, 12)).toBe(0);
    expect(categoryLabelInterval(16, 16)).toBe(0);
    expect(categoryLabelInterval(17, 16)).toBe(1);
    expect(categoryLabelInterval(200, 16)).toBe(12);
    // interval k prints every (k + 1)-th label: never more than the most asked for.
    for (const count of [1, 15, 16, 17, 31, 32, 33, 200, 1000]) expect(Math.ceil(count / (categoryLabelInterval(count, 16) + 1))).toBeLessThanOrEqual(16);
    const yLabels = Array.from({ length: 200 }, (_, i) => String(i));
    const option = heatmapOption({ xLabels: ['2', '3'], yLabels, cells: [[0, 0, 1]] } as Parameters<typeof heatmapOption>[0], { x: 'depth', y: 'initScale', value: 't' });
    expect((option.yAxis[0].axisLabel as { interval: number }).interval).toBe(12);
    expect((option.xAxis[0].axisLabel as { interval: number }).interval).toBe(0);
  });
});
