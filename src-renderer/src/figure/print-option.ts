// A panel's on-screen ECharts option restyled for print at a physical size: every text in the
// figure's font and pt size, ticks as a paper prints them (axis-ticks.ts), no interactive parts, no
// legend (the figure draws one shared legend: legend-strip.ts), and small multiples' rows fitted to
// the cell the panel gets. 1 px of the result is 1 pt.
import type { FigureSettings } from '../../../src-main/contract/api';
import { dataPairs } from '../charts/log-filter';
import type { ChartOption } from '../charts/types';
import { decadeText, decadeTicks, tickText } from './axis-ticks';
import { figureFontName, fontSizes } from './figure-settings';

type Component = Record<string, unknown>;

/** Tick label size of the on-screen charts (charts/axes.ts), which their axis-name gaps are made for. */
const screenTickFontSize = 10;

function list(value: unknown): Component[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Component[];
}

function withText(style: unknown, fontFamily: string, fontSize: number): Component {
  // One weight: the figure embeds a single font file (figure-font.ts).
  return { ...(style as Component | undefined), fontFamily, fontSize, fontWeight: 'normal' };
}

/**
 * The plots start below the screen legend, at pixel offsets made for the screen height: move them
 * up to `topMargin` and scale the rest (rows of small multiples) to fill `height`.
 */
function fitPlots(grids: Component[], titles: Component[], topMargin: number, screenHeight: number, height: number, titleSize: number): { grids: Component[]; titles: Component[] } {
  const tops = [...titles, ...grids].map((item) => item.top).filter((top): top is number => typeof top === 'number');
  if (tops.length === 0) return { grids, titles };
  const screenTop = Math.min(...tops);
  const scale = (height - topMargin) / (screenHeight - screenTop);
  const moved = (value: unknown) => (typeof value === 'number' ? topMargin + (value - screenTop) * scale : value);
  const placedTitles = titles.map((title) => ({ ...title, top: moved(title.top), padding: 0 }));
  const placedGrids = grids.map((grid, index) => {
    const top = moved(grid.top);
    const size = typeof grid.height === 'number' ? grid.height * scale : grid.height;
    // Small multiples: one title per plot, same order; keep the plot clear of its title's line.
    const titleTop = placedTitles[index]?.top;
    if (typeof top !== 'number' || typeof size !== 'number' || typeof titleTop !== 'number') return { ...grid, top, height: size };
    const clearTop = Math.max(top, titleTop + titleSize * 1.4);
    return { ...grid, top: clearTop, height: size - (clearTop - top) };
  });
  return { grids: placedGrids, titles: placedTitles };
}

/** Data values a series draws on its x (0) or y (1) axis; stacked series (band spreads) hold differences, not values. */
function seriesValues(series: Component, dimension: 0 | 1): number[] {
  if (series.stack !== undefined) return [];
  return dataPairs(series.data).flatMap((pair) => (Number.isFinite(pair[dimension]) && pair[dimension] > 0 ? [pair[dimension]] : []));
}

/** Labelled decades for a log axis, from the data of the series drawn on it. */
function logTicks(series: Component[], dimension: 0 | 1, axisIndex: number, maxLabels: number): number[] | null {
  const indexKey = dimension === 0 ? 'xAxisIndex' : 'yAxisIndex';
  const values = series.filter((item) => (item[indexKey] ?? 0) === axisIndex).flatMap((item) => seriesValues(item, dimension));
  if (values.length === 0) return null;
  return decadeTicks(Math.min(...values), Math.max(...values), maxLabels);
}

export interface PrintCell {
  width: number;
  height: number;
  /** Room left above the plots (for the panel's (a)/(b) label). */
  topMargin: number;
}

export function printOption(option: ChartOption, settings: FigureSettings, screenHeight: number, cell: PrintCell): ChartOption {
  const fontFamily = figureFontName[settings.fontFamily];
  const sizes = fontSizes(settings);
  const source = option as Component;
  const sourceSeries = list(source.series);
  const axis = (dimension: 0 | 1) => (component: Component, index: number): Component => {
    // Labels about 4 em apart across, 2.5 em up; a log axis gets decades only.
    const length = dimension === 0 ? cell.width : cell.height;
    const ticks = component.type === 'log' ? logTicks(sourceSeries, dimension, index, Math.max(2, Math.floor(length / (sizes.small * (dimension === 0 ? 4 : 2.5))))) : null;
    const numeric = component.type === 'value' || component.type === 'log';
    const labelStyle = { ...withText(component.axisLabel, fontFamily, sizes.small), ...(numeric ? { formatter: tickText } : {}), ...(ticks ? { customValues: ticks, formatter: decadeText, hideOverlap: false } : {}) };
    return {
      ...component,
      axisLabel: labelStyle,
      ...(ticks ? { axisTick: { ...(component.axisTick as Component | undefined), customValues: ticks } } : {}),
      nameTextStyle: withText(component.nameTextStyle, fontFamily, sizes.label),
      // Axis names sit clear of the tick labels, whose size changes with the figure's font.
      nameGap: typeof component.nameGap === 'number' ? (component.nameGap * sizes.small) / screenTickFontSize : component.nameGap,
    };
  };
  const series = list(source.series).map((item) => {
    const markLine = item.markLine as Component | undefined;
    const label = item.label as Component | undefined;
    return {
      ...item,
      ...(label ? { label: withText(label, fontFamily, sizes.small) } : {}),
      ...(markLine?.label ? { markLine: { ...markLine, label: withText(markLine.label, fontFamily, sizes.small) } } : {}),
    };
  });
  const { grids, titles } = fitPlots(list(source.grid), list(source.title), cell.topMargin, screenHeight, cell.height, sizes.label);
  const printed: Component = {
    ...source,
    animation: false,
    backgroundColor: '#fff',
    textStyle: { fontFamily, fontSize: sizes.small },
    grid: grids,
    title: titles.map((title) => ({ ...title, textStyle: withText(title.textStyle, fontFamily, sizes.label) })),
    xAxis: list(source.xAxis).map(axis(0)),
    yAxis: list(source.yAxis).map(axis(1)),
    legend: list(source.legend).map((item) => ({ ...item, show: false })),
    series,
    tooltip: { show: false },
    dataZoom: [],
  };
  // Heatmaps: the value scale's labels follow the figure's fonts too.
  if (source.visualMap !== undefined) printed.visualMap = list(source.visualMap).map((item) => ({ ...item, textStyle: withText(item.textStyle, fontFamily, sizes.small) }));
  return printed as ChartOption;
}
