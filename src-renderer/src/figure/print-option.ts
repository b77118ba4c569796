// A panel's on-screen ECharts option restyled for print at a physical size: every text in the
// figure's font family and pt size, no interactive parts, the whole legend shown with the plots
// right below it, and small multiples' rows fitted to the chosen height. 1 px of the result is 1 pt.
import type { FigureSettings } from '../../../src-main/contract/api';
import type { ChartOption } from '../charts/types';
import { cssFontStack, fontSizes, sizeInPoints } from './figure-settings';

type Component = Record<string, unknown>;

/** Tick label size of the on-screen charts (charts/axes.ts), which their axis-name gaps are made for. */
const screenTickFontSize = 10;

function list(value: unknown): Component[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Component[];
}

function withText(style: unknown, fontFamily: string, fontSize: number): Component {
  return { ...(style as Component | undefined), fontFamily, fontSize };
}

/** Legend entry names: its explicit data, else every named series once (as ECharts does). */
function legendNames(legend: Component, series: Component[]): string[] {
  const data = list(legend.data).map((entry) => (typeof entry === 'string' ? entry : String(entry.name)));
  return data.length > 0 ? data : [...new Set(series.map((item) => item.name).filter((name): name is string => typeof name === 'string'))];
}

/** Height of the legend block at print size: entries packed into rows, as ECharts lays them out. */
function legendHeight(names: readonly string[], width: number, fontSize: number): number {
  const available = width * 0.96 - 10;
  const gap = 8;
  let rows = 1;
  let used = 0;
  for (const name of names) {
    // Icon, its gap, then the text at about 0.55 em per character.
    const entry = 18 + 5 + 0.55 * fontSize * name.length;
    if (used > 0 && used + gap + entry > available) {
      rows += 1;
      used = 0;
    }
    used += (used > 0 ? gap : 0) + entry;
  }
  // Top offset and padding, rows of text and the gaps between them.
  return 4 + 10 + rows * fontSize * 1.25 + (rows - 1) * gap;
}

/**
 * The plots start below the legend, at pixel offsets made for the screen legend and height: move
 * them below the print legend and scale the rest (rows of small multiples) to fill `height`.
 */
function fitPlots(grids: Component[], titles: Component[], legendBottom: number, screenHeight: number, height: number, titleSize: number): { grids: Component[]; titles: Component[] } {
  const tops = [...titles, ...grids].map((item) => item.top).filter((top): top is number => typeof top === 'number');
  if (tops.length === 0) return { grids, titles };
  const screenTop = Math.min(...tops);
  const scale = (height - legendBottom) / (screenHeight - screenTop);
  const moved = (value: unknown) => (typeof value === 'number' ? legendBottom + (value - screenTop) * scale : value);
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

export function printOption(option: ChartOption, settings: FigureSettings, screenHeight: number): ChartOption {
  const fontFamily = cssFontStack[settings.fontFamily];
  const sizes = fontSizes(settings);
  const source = option as Component;
  const axis = (component: Component): Component => ({
    ...component,
    axisLabel: withText(component.axisLabel, fontFamily, sizes.small),
    nameTextStyle: withText(component.nameTextStyle, fontFamily, sizes.label),
    // Axis names sit clear of the tick labels, whose size changes with the figure's font.
    nameGap: typeof component.nameGap === 'number' ? (component.nameGap * sizes.small) / screenTickFontSize : component.nameGap,
  });
  const series = list(source.series).map((item) => {
    const markLine = item.markLine as Component | undefined;
    const label = item.label as Component | undefined;
    return {
      ...item,
      ...(label ? { label: withText(label, fontFamily, sizes.small) } : {}),
      ...(markLine?.label ? { markLine: { ...markLine, label: withText(markLine.label, fontFamily, sizes.small) } } : {}),
    };
  });
  // A legend that scrolls on screen has too many entries for paper: left out (the caption draft
  // lists the parameters); the others are drawn whole.
  const legend = list(source.legend).map((item) =>
    item.type === 'scroll' ? { ...item, show: false } : { ...item, width: '96%', textStyle: withText(item.textStyle, fontFamily, sizes.small) },
  );
  const { width, height } = sizeInPoints(settings);
  const shown = list(source.legend).find((item) => item.type !== 'scroll' && item.show !== false);
  const legendBottom = shown ? legendHeight(legendNames(shown, series), width, sizes.small) : 4;
  const { grids, titles } = legend.length > 0 ? fitPlots(list(source.grid), list(source.title), legendBottom, screenHeight, height, sizes.label) : { grids: list(source.grid), titles: list(source.title) };
  const printed: Component = {
    ...source,
    animation: false,
    backgroundColor: '#fff',
    textStyle: { fontFamily, fontSize: sizes.small },
    grid: grids,
    title: titles.map((title) => ({ ...title, textStyle: withText(title.textStyle, fontFamily, sizes.label) })),
    xAxis: list(source.xAxis).map(axis),
    yAxis: list(source.yAxis).map(axis),
    legend,
    series,
    tooltip: { show: false },
    dataZoom: [],
  };
  // Heatmaps: the value scale's labels follow the figure's fonts too.
  if (source.visualMap !== undefined) printed.visualMap = list(source.visualMap).map((item) => ({ ...item, textStyle: withText(item.textStyle, fontFamily, sizes.small) }));
  return printed as ChartOption;
}
