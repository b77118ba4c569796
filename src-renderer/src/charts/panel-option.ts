// Panel model → ECharts option: overlay (every group in one plot) or small multiples (one plot
// per group, same metrics and colours in each). Pure; runs in unit tests without a DOM.
import type { ChartSpec, TheorySeries } from '../../../src-main/contract/family-meta';
import type { PinnedNote, ReferenceLine } from '../logic/dashboard-layout';
import { grid, legend, legendLayout, tooltip, xAxis, yAxis } from './axes';
import { texToUnicode } from '../logic/tex-label';
import { plottable, plottableBand, pointSeries } from './log-filter';
import { claimColor, neutralColor, paletteColor } from './palette';
import { colourBar, colourBarWidth, colourScale, scaleColor, type ColourScale } from './colour-scale';
import { buildPanelModel, type Grouping, type ModelGroup, type ModelLine, type PanelModel, type PanelRun } from './panel-model';
import type { BuiltOption, SeriesOption } from './types';
import type { GridComponentOption, TitleComponentOption } from 'echarts/components';

export interface PanelView {
  logX: boolean;
  logY: boolean;
  overlay: boolean;
  /** Replaces the chart's x label when the x axis shows something else (wall time, η·t, …). */
  xLabel?: string;
  /**
   * A numeric parameter that colours the groups of an overlay on a continuous scale, shown by a
   * colour bar instead of one legend entry per group; absent or null: one palette colour per group.
   */
  colourBy?: string | null;
}

export interface PanelOptions extends PanelView {
  grouping: Grouping;
  hiddenTheory: readonly string[];
  pointMetrics?: readonly string[];
}

const overlayPlotHeight = 290;
const cellHeight = 210;
const cellTitleHeight = 18;

/** Columns × rows for `count` small multiples: at most three columns. */
export function multiplesGrid(count: number): { columns: number; rows: number } {
  const columns = count <= 1 ? 1 : count <= 4 ? 2 : 3;
  return { columns, rows: Math.max(1, Math.ceil(count / columns)) };
}

/** The value a group is coloured by, when the overlay is coloured by a parameter and the group has a number for it. */
export function colourValue(group: ModelGroup, scale: ColourScale | null): number | null {
  const value = scale ? group.params[scale.label] : null;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The continuous scale of an overlay of several groups coloured by `view.colourBy`; null otherwise. */
export function panelColourScale(model: PanelModel, view: Pick<PanelView, 'overlay' | 'colourBy'>): ColourScale | null {
  const key = view.colourBy;
  if (!key || !view.overlay || model.groups.length < 2) return null;
  return colourScale(key, model.groups.flatMap((group) => (typeof group.params[key] === 'number' ? [group.params[key] as number] : [])));
}

/**
 * Legend entries: groups in an overlay of several groups (those the colour bar does not cover),
 * else metrics; then theory labels.
 */
function legendNames(model: PanelModel, overlay: boolean, scale: ColourScale | null): string[] {
  const byGroup = overlay && model.groups.length > 1;
  const groupEntries = (group: ModelGroup) => (colourValue(group, scale) !== null ? [] : [group.label]);
  const names = model.groups.flatMap((group) => [...(byGroup ? groupEntries(group) : group.lines.map((line) => line.metric)), ...group.theory.map((theory) => theory.label)]);
  return [...new Set(names)];
}

/** Pixel height the panel needs: the plot (or grid of plots) plus its legend. */
export function panelHeight(model: PanelModel, overlay: boolean, colourBy?: string | null): number {
  const legendHeight = legendLayout(legendNames(model, overlay, panelColourScale(model, { overlay, colourBy }))).height;
  return legendHeight + (overlay ? overlayPlotHeight : multiplesGrid(model.groups.length).rows * cellHeight);
}

/** The data series drawn (theory and band edges excluded), for the panel's `data-series-count`. */
export function countDataSeries(option: BuiltOption): number {
  return option.series.filter((series) => String(series.id).startsWith('data:')).length;
}

/** The names of the data series drawn, each once, for the panel's `data-series-names` (what the legend tells apart). */
export function dataSeriesNames(option: BuiltOption): string[] {
  return [...new Set(option.series.filter((series) => String(series.id).startsWith('data:')).map((series) => String(series.name)))];
}

interface Cell {
  index: number;
  groups: ModelGroup[];
}

interface Styling {
  /** Overlay of several groups: series named and coloured by group; otherwise by metric. */
  byGroup: boolean;
  logX: boolean;
  logY: boolean;
  /** The colour of a group's series and overlays when coloured by group. */
  groupColor: (group: ModelGroup, groupIndex: number) => string;
}

function dataSeries(cell: Cell, group: ModelGroup, groupIndex: number, line: ModelLine, style: Styling): SeriesOption[] {
  const name = style.byGroup ? group.label : line.metric;
  const color = style.byGroup ? style.groupColor(group, groupIndex) : paletteColor(line.colorIndex);
  const axes = { xAxisIndex: cell.index, yAxisIndex: cell.index };
  const id = `${cell.index}:${group.key}:${line.metric}`;
  if (line.points) {
    return [{ ...axes, type: 'scatter', id: `data:${id}`, name, color, ...pointSeries(line.x, line.y, style.logX, style.logY), symbol: 'circle', symbolSize: 7, z: 4 }];
  }
  const series: SeriesOption[] = [
    {
      ...axes,
      type: 'line',
      id: `data:${id}`,
      name,
      color,
      ...pointSeries(line.x, line.y, style.logX, style.logY),
      showSymbol: false,
      // More points than pixel columns: ECharts keeps each column's min and max, so spikes survive.
      sampling: 'minmax',
      // Runs compared from another experiment: dotted (theory overlays are dashed).
      lineStyle: group.experiment === null ? { width: 1.5 } : { width: 1.8, type: 'dotted' },
      emphasis: { focus: 'series' },
      z: 3,
    },
  ];
  if (line.raw) {
    // Same name as the smoothed line, so the legend toggles both; faint and out of the tooltip.
    series.push({ ...axes, type: 'line', id: `raw:${id}`, name, color, ...pointSeries(line.raw.x, line.raw.y, style.logX, style.logY), showSymbol: false, sampling: 'minmax', silent: true, tooltip: { show: false }, lineStyle: { width: 1, opacity: 0.25 }, z: 2 });
  }
  if (line.band) {
    const { lower, spread } = plottableBand(line.x, line.band.min, line.band.max, style.logX, style.logY);
    // Same name as the mean line, so the legend toggles the band with it.
    const edge = { ...axes, type: 'line', name, color, stack: `band:${id}`, stackStrategy: 'all', showSymbol: false, silent: true, tooltip: { show: false }, lineStyle: { opacity: 0 }, z: 1 } as const;
    series.push({ ...edge, id: `band:${id}:lower`, data: lower });
    series.push({ ...edge, id: `band:${id}:spread`, data: spread, areaStyle: { color, opacity: 0.18 } });
  }
  return series;
}

function theorySeries(cell: Cell, group: ModelGroup, groupIndex: number, theory: TheorySeries, position: number, style: Styling): SeriesOption {
  // A paper's claim is grey and dotted whatever it belongs to, so it never reads as a prediction.
  const claim = theory.role === 'paper-claim';
  const color = claim ? claimColor : style.byGroup ? style.groupColor(group, groupIndex) : theory.index !== undefined ? paletteColor(theory.index) : neutralColor;
  const base = {
    xAxisIndex: cell.index,
    yAxisIndex: cell.index,
    id: `theory:${cell.index}:${group.key}:${theory.id}:${position}`,
    name: theory.label,
    color,
    z: 2,
  };
  const markLine = (data: ({ xAxis: number } | { yAxis: number })[], dash: 'dotted' | 'dashed') => ({
    silent: true,
    symbol: ['none', 'none'],
    label: { show: false },
    lineStyle: { type: dash, width: 1.2, color },
    data,
  });
  switch (theory.kind) {
    case 'line':
      return { ...base, type: 'line', ...pointSeries(theory.x, theory.y, style.logX, style.logY), showSymbol: false, lineStyle: { type: claim ? 'dotted' : 'dashed', width: 1.2 } };
    case 'marker':
      return { ...base, type: 'scatter', ...pointSeries(theory.x, theory.y, style.logX, style.logY), symbol: 'diamond', symbolSize: 8 };
    case 'vline':
      return { ...base, type: 'line', data: [], markLine: markLine(theory.x.filter((x) => plottable(x, style.logX)).map((x) => ({ xAxis: x })), 'dotted') };
    case 'hline':
      return { ...base, type: 'line', data: [], markLine: markLine(theory.y.filter((y) => plottable(y, style.logY)).map((y) => ({ yAxis: y })), claim ? 'dotted' : 'dashed') };
  }
}

/** The user's reference lines (labelled) and pinned notes, drawn on every plot of the panel. */
function annotationSeries(cell: Cell, lines: readonly ReferenceLine[], notes: readonly PinnedNote[], style: Styling): SeriesOption[] {
  const axes = { xAxisIndex: cell.index, yAxisIndex: cell.index };
  const series: SeriesOption[] = [];
  const shown = lines.filter((line) => plottable(line.value, line.axis === 'x' ? style.logX : style.logY));
  if (shown.length > 0) {
    series.push({
      ...axes,
      type: 'line',
      id: `ref:${cell.index}`,
      data: [],
      markLine: {
        silent: true,
        symbol: ['none', 'none'],
        lineStyle: { type: 'dashed', width: 1, color: '#555' },
        label: { formatter: '{b}', fontSize: 10, color: '#333' },
        data: shown.map((line) => (line.axis === 'x' ? { xAxis: line.value, name: line.label } : { yAxis: line.value, name: line.label })),
      },
    });
  }
  const pinned = notes.filter((note) => plottable(note.x, style.logX) && plottable(note.y, style.logY));
  if (pinned.length > 0) {
    series.push({
      ...axes,
      type: 'scatter',
      id: `notes:${cell.index}`,
      symbol: 'pin',
      symbolSize: 18,
      color: '#333',
      z: 5,
      data: pinned.map((note) => ({ value: [note.x, note.y], name: note.text })),
      label: { show: true, position: 'top', formatter: '{b}', fontSize: 10, color: '#222', backgroundColor: 'rgba(255,255,255,0.8)', padding: 2 },
    });
  }
  return series;
}

function cellRect(index: number, count: number, legendHeight: number): { grid: GridComponentOption; title: TitleComponentOption } {
  const { columns } = multiplesGrid(count);
  const [column, row] = [index % columns, Math.floor(index / columns)];
  const width = 100 / columns;
  const top = legendHeight + row * cellHeight;
  return {
    grid: grid({ left: `${column * width + 0.5}%`, width: `${width - 1}%`, top: top + cellTitleHeight, height: cellHeight - cellTitleHeight - 6 }),
    title: { left: `${(column + 0.5) * width}%`, top, textAlign: 'center', textStyle: { fontSize: 11, fontWeight: 'normal' } },
  };
}

export function optionFromModel(model: PanelModel, view: PanelView): BuiltOption {
  const { chart, groups } = model;
  const multiples = !view.overlay && groups.length > 0;
  const cells: Cell[] = multiples ? groups.map((group, index) => ({ index, groups: [group] })) : [{ index: 0, groups }];
  const scale = panelColourScale(model, view);
  const groupColor = (group: ModelGroup, groupIndex: number) => {
    const value = colourValue(group, scale);
    return scale && value !== null ? scaleColor(scale, value) : paletteColor(groupIndex);
  };
  const style: Styling = { byGroup: view.overlay && groups.length > 1, logX: view.logX, logY: view.logY, groupColor };
  const { columns } = multiplesGrid(cells.length);
  // Axis names only on the outer plots: x on the last row, y on the first column.
  const lastRowStart = cells.length - (cells.length % columns || columns);
  const names = legendNames(model, view.overlay, scale);
  const legendBlock = legendLayout(names);
  // Theory coloured by group: its legend entry stands for all groups, so it gets a neutral icon.
  const theoryNames = new Set(groups.flatMap((group) => group.theory.map((theory) => theory.label)));
  const neutral = style.byGroup ? { names, neutral: theoryNames, color: neutralColor } : undefined;
  const option: BuiltOption = {
    animation: false,
    title: [],
    grid: [],
    xAxis: [],
    yAxis: [],
    legend: legend(legendBlock, neutral),
    tooltip: tooltip('axis'),
    dataZoom: [{ type: 'inside', xAxisIndex: cells.map((cell) => cell.index), filterMode: 'none', zoomOnMouseWheel: 'ctrl', moveOnMouseWheel: false }],
    series: [],
  };
  for (const cell of cells) {
    const rect = multiples ? cellRect(cell.index, cells.length, legendBlock.height) : null;
    option.grid.push(rect?.grid ?? grid({ left: 8, right: scale ? 16 + colourBarWidth : 16, top: legendBlock.height + 6, bottom: 6 }));
    if (rect) option.title.push({ ...rect.title, text: texToUnicode(cell.groups[0].label) });
    option.xAxis.push(xAxis({ label: view.xLabel ?? chart.x.label, log: view.logX, gridIndex: cell.index, showName: cell.index >= lastRowStart }));
    option.yAxis.push(yAxis({ label: chart.y.label, log: view.logY, gridIndex: cell.index, showName: cell.index % columns === 0 }));
    for (const group of cell.groups) {
      const groupIndex = groups.indexOf(group);
      for (const line of group.lines) option.series.push(...dataSeries(cell, group, groupIndex, line, style));
      group.theory.forEach((theory, position) => option.series.push(theorySeries(cell, group, groupIndex, theory, position, style)));
    }
    option.series.push(...annotationSeries(cell, model.referenceLines, model.notes, style));
  }
  // An empty list, not none: the chart replaces its visual maps, so a bar switched off goes away.
  option.visualMap = [];
  if (scale) {
    const bar = colourBar(scale, legendBlock.height, overlayPlotHeight);
    option.visualMap.push(bar.visualMap);
    option.title.push(bar.title);
  }
  return option;
}

/** (chart spec, run data, theory, view options) → ECharts option. */
export function buildPanelOption(
  chart: ChartSpec,
  runs: readonly PanelRun[],
  theory: ReadonlyMap<number, readonly TheorySeries[]>,
  options: PanelOptions,
): BuiltOption {
  const model = buildPanelModel({ chart, runs, theory, grouping: options.grouping, hiddenTheory: options.hiddenTheory, pointMetrics: options.pointMetrics });
  return optionFromModel(model, options);
}
