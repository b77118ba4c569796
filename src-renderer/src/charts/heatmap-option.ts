// Heatmaps: an indexed metric of one run ('x/0', 'x/1', … over time) as index × x cells, and any
// grid of values with labelled rows and columns (sweep summaries). ECharts heatmaps need category
// axes, so series are resampled onto column bins first (linear or log-spaced in x).
import type { HeatmapSeriesOption } from 'echarts/charts';
import type { VisualMapComponentOption } from 'echarts/components';
import type { XAXisComponentOption, YAXisComponentOption } from 'echarts';
import { formatNumber } from '../logic/format';
import type { MetricSeries } from '../logic/live-series';
import { chartMetrics, metricIndex } from '../logic/metrics';
import { grid, tooltip } from './axes';
import { paletteColor } from './palette';
import type { BuiltOption } from './types';

export interface HeatmapGrid {
  xLabels: string[];
  yLabels: string[];
  /** [column, row, value]; NaN cells are left out. */
  cells: [number, number, number][];
}

export type HeatmapOption = Omit<BuiltOption, 'series' | 'xAxis' | 'yAxis'> & {
  xAxis: XAXisComponentOption[];
  yAxis: YAXisComponentOption[];
  visualMap: VisualMapComponentOption[];
  series: HeatmapSeriesOption[];
};

/** The last sample at or before `x` (step interpolation), NaN before the first sample. */
function valueAt(series: MetricSeries, x: number): number {
  let lo = 0;
  let hi = series.x.length - 1;
  if (hi < 0 || series.x[0] > x) return Number.NaN;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (series.x[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return series.y[lo];
}

/** Column centres spanning [min, max]: evenly spaced, or evenly in log x. */
export function columnCentres(min: number, max: number, columns: number, logX: boolean): number[] {
  if (columns === 1 || min === max) return [max];
  const [a, b] = logX ? [Math.log10(min), Math.log10(max)] : [min, max];
  return Array.from({ length: columns }, (_, j) => {
    const t = a + ((b - a) * j) / (columns - 1);
    return logX ? 10 ** t : t;
  });
}

/** One row per indexed metric matching `pattern`, one column per x bin. */
export function seriesHeatmapGrid(series: readonly MetricSeries[], pattern: string, columns: number, logX: boolean): HeatmapGrid {
  const metrics = chartMetrics([pattern], series.map((s) => s.metric));
  const rows = metrics.map((metric) => series.find((s) => s.metric === metric)).filter((s): s is MetricSeries => s !== undefined && s.x.length > 0);
  const xs = rows.flatMap((row) => row.x).filter((x) => (logX ? x > 0 : Number.isFinite(x)));
  if (xs.length === 0) return { xLabels: [], yLabels: [], cells: [] };
  const centres = columnCentres(Math.min(...xs), Math.max(...xs), columns, logX);
  const cells: [number, number, number][] = [];
  rows.forEach((row, r) => {
    centres.forEach((x, c) => {
      const value = valueAt(row, x);
      if (Number.isFinite(value)) cells.push([c, r, value]);
    });
  });
  return {
    xLabels: centres.map(formatNumber),
    yLabels: rows.map((row) => String(metricIndex(row.metric) ?? row.metric)),
    cells,
  };
}

/** Symmetric colour range around 0 when values take both signs (signed weights), else min–max. */
function colourRange(cells: readonly [number, number, number][]): { min: number; max: number; diverging: boolean } {
  let [min, max] = [Infinity, -Infinity];
  for (const [, , v] of cells) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (!Number.isFinite(min)) return { min: 0, max: 1, diverging: false };
  if (min < 0 && max > 0) {
    const bound = Math.max(-min, max);
    return { min: -bound, max: bound, diverging: true };
  }
  return { min, max: max > min ? max : min + 1, diverging: false };
}

const divergingColours = ['#2166ac', '#92c5de', '#f7f7f7', '#f4a582', '#b2182b'];
const sequentialColours = ['#f7fbff', '#9ecae1', '#4292c6', '#08519c', '#08306b'];

/** Colours of outcome classes: cell values are indices into `classes`. */
function classMap(classes: readonly string[]): VisualMapComponentOption {
  return {
    type: 'piecewise',
    orient: 'vertical',
    right: 4,
    top: 'middle',
    textStyle: { fontSize: 10 },
    pieces: classes.map((label, value) => ({ value, label, color: paletteColor(value) })),
  };
}

/** `classes`: the values are class indices (categorical colours), else a continuous scale. */
export function heatmapOption(heatmap: HeatmapGrid, axes: { x: string; y: string; value: string }, classes?: readonly string[]): HeatmapOption {
  const range = colourRange(heatmap.cells);
  const category = { type: 'category', nameLocation: 'middle', nameTextStyle: { fontSize: 11 }, axisLabel: { fontSize: 10, hideOverlap: true }, splitArea: { show: false } } as const;
  return {
    animation: false,
    title: [],
    grid: [grid({ left: 8, right: classes ? 150 : 70, top: 12, bottom: 6 })],
    xAxis: [{ ...category, data: heatmap.xLabels, name: axes.x, nameGap: 24 }],
    yAxis: [{ ...category, data: heatmap.yLabels, name: axes.y, nameGap: 30 }],
    legend: { show: false },
    tooltip: tooltip('item'),
    dataZoom: [],
    visualMap: [
      classes ? classMap(classes) : {
        type: 'continuous',
        min: range.min,
        max: range.max,
        calculable: true,
        orient: 'vertical',
        right: 4,
        top: 'middle',
        itemHeight: 160,
        textStyle: { fontSize: 10 },
        formatter: (value: unknown) => (typeof value === 'number' ? formatNumber(value) : String(value)),
        inRange: { color: range.diverging ? divergingColours : sequentialColours },
      },
    ],
    series: [{ type: 'heatmap', id: 'data:heatmap', name: axes.value, data: heatmap.cells, progressive: 0, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
  };
}
