// Heatmaps: an indexed metric of one run ('x/0', 'x/1', … over time) as index × x cells, and any
// grid of values with labelled rows and columns (sweep summaries). ECharts heatmaps need category
// axes, so series are resampled onto column bins first (linear or log-spaced in x).
import type { HeatmapSeriesOption } from 'echarts/charts';
import type { VisualMapComponentOption } from 'echarts/components';
import type { XAXisComponentOption, YAXisComponentOption } from 'echarts';
import { formatNumber } from '../logic/format';
import { texToUnicode } from '../logic/tex-label';
import type { MetricSeries } from '../logic/live-series';
import { chartMetrics, metricIndex } from '../logic/metrics';
import { escapeHtml, grid, tooltip } from './axes';
import { colourScale } from './colour-scale';
import { classColor, viridis } from './palette';
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

interface ColourRange {
  min: number;
  max: number;
  diverging: boolean;
  /** Colours follow log10 of the value (positive values over three decades or more, or log-spaced). */
  log: boolean;
}

/** Symmetric colour range around 0 when values take both signs (signed weights), else min–max, in log10 where the values call for it. */
function colourRange(cells: readonly [number, number, number][]): ColourRange {
  const values = cells.map(([, , v]) => v);
  const scale = colourScale('', values);
  if (!scale) return values.length > 0 ? { min: values[0], max: values[0] + 1, diverging: false, log: false } : { min: 0, max: 1, diverging: false, log: false };
  if (scale.log) return { min: Math.log10(scale.min), max: Math.log10(scale.max), diverging: false, log: true };
  if (scale.min < 0 && scale.max > 0) {
    const bound = Math.max(-scale.min, scale.max);
    return { min: -bound, max: bound, diverging: true, log: false };
  }
  return { min: scale.min, max: scale.max, diverging: false, log: false };
}

const divergingColours = ['#2166ac', '#92c5de', '#f7f7f7', '#f4a582', '#b2182b'];

/** Colours of classes, each bound to its name (palette.ts): cell values are indices into `classes`. */
function classMap(classes: readonly string[]): VisualMapComponentOption {
  return {
    type: 'piecewise',
    orient: 'vertical',
    right: 4,
    top: 'middle',
    textStyle: { fontSize: 10 },
    pieces: classes.map((label, value) => ({ value, label, color: classColor(label) })),
  };
}

/** Category labels a heatmap axis prints at most; ECharts' own 'auto' spacing keeps the spacing it chose for
 * the first few rows of a growing sweep, so 200 ε values came out as overlapping text. */
const MOST_X_LABELS = 12;
const MOST_Y_LABELS = 16;

/** ECharts' axisLabel.interval: how many categories to skip between printed labels. */
export function categoryLabelInterval(count: number, most: number): number {
  return Math.max(0, Math.ceil(count / most) - 1);
}

/**
 * A cell's tooltip: its value under the value's name (a class by its name, not its index) and the
 * cell's column and row as the axes label them. The generic item tooltip showed the class index
 * ("outcome · 1") and not which cell it was.
 */
export function heatmapTooltipHtml(value: unknown, heatmap: HeatmapGrid, axes: { x: string; y: string; value: string }, classes?: readonly string[]): string {
  if (!Array.isArray(value) || value.length < 3) return '';
  const [column, row, cellValue] = value as number[];
  const shown = classes ? (classes[cellValue] ?? String(cellValue)) : formatNumber(cellValue);
  const line = (name: string, text: string, bold = false) =>
    `<div>${escapeHtml(texToUnicode(name))}: ${bold ? `<b>${escapeHtml(text)}</b>` : escapeHtml(text)}</div>`;
  return line(axes.value, shown, true) + line(axes.x, heatmap.xLabels[column] ?? '') + line(axes.y, heatmap.yLabels[row] ?? '');
}

/** `classes`: the values are class indices (categorical colours), else a continuous scale. */
export function heatmapOption(heatmap: HeatmapGrid, axes: { x: string; y: string; value: string }, classes?: readonly string[]): HeatmapOption {
  const range = colourRange(heatmap.cells);
  const category = { type: 'category', nameLocation: 'middle', nameTextStyle: { fontSize: 11 }, splitArea: { show: false } } as const;
  const labels = (count: number, most: number) => ({ fontSize: 10, hideOverlap: true, interval: categoryLabelInterval(count, most) });
  return {
    animation: false,
    // The colour bar names what it stands for (a summary or a swept parameter), as the panels' bar does.
    title: classes ? [] : [{ text: texToUnicode(range.log ? `${axes.value} (log)` : axes.value), right: 4, top: 4, textStyle: { fontSize: 10, fontWeight: 'normal' } }],
    // A continuous bar's title sits above the cells and its value labels beside the bar, both clear of
    // the cells (at 70 px and top 12 a long summary name and the top value were drawn over them).
    grid: [grid({ left: 8, right: classes ? 150 : 100, top: classes ? 12 : 30, bottom: 6 })],
    xAxis: [{ ...category, data: heatmap.xLabels, axisLabel: labels(heatmap.xLabels.length, MOST_X_LABELS), name: texToUnicode(axes.x), nameGap: 24 }],
    yAxis: [{ ...category, data: heatmap.yLabels, axisLabel: labels(heatmap.yLabels.length, MOST_Y_LABELS), name: texToUnicode(axes.y), nameGap: 30 }],
    legend: { show: false },
    tooltip: { ...tooltip('item'), formatter: (params) => heatmapTooltipHtml((params as { value?: unknown }).value, heatmap, axes, classes) },
    dataZoom: [],
    visualMap: [
      classes ? classMap(classes) : {
        type: 'continuous',
        min: range.min,
        max: range.max,
        // A log scale maps the fourth value of each cell, log10 of the third.
        ...(range.log ? { dimension: 3 } : {}),
        calculable: true,
        orient: 'vertical',
        right: 4,
        top: 'middle',
        itemHeight: 160,
        textStyle: { fontSize: 10 },
        formatter: (value: unknown) => (typeof value === 'number' ? formatNumber(range.log ? 10 ** value : value) : String(value)),
        inRange: { color: range.diverging ? divergingColours : [...viridis] },
      },
    ],
    series: [{ type: 'heatmap', id: 'data:heatmap', name: axes.value, data: range.log ? heatmap.cells.map((cell) => [...cell, Math.log10(cell[2])]) : heatmap.cells, progressive: 0, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
  };
}
