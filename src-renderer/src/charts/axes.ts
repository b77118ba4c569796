// Axis, grid, legend and tooltip pieces shared by the panel and analysis builders.
import type { XAXisComponentOption, YAXisComponentOption } from 'echarts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { formatNumber } from '../logic/format';
import { texToUnicode } from '../logic/tex-label';

const legendRowHeight = 17;
const maxLegendRows = 4;
/** Narrowest plot we lay out for: the legend wraps as if the panel were this wide. */
const assumedLegendWidth = 330;

export interface LegendLayout {
  /** Vertical space the legend takes above the plots. */
  height: number;
  /** Too many entries to show at once: one scrolling row instead. */
  scroll: boolean;
}

/** Legend rows estimated from the entry names (about 6 px per character plus the icon); none for no names. */
export function legendLayout(names: readonly string[]): LegendLayout {
  // Nothing in the legend (a colour bar stands for every run): no row kept for it.
  if (names.length === 0) return { height: 0, scroll: false };
  const width = names.reduce((sum, name) => sum + 30 + 6 * name.length, 0);
  const rows = Math.max(1, Math.ceil(width / assumedLegendWidth));
  return rows > maxLegendRows ? { height: legendRowHeight + 10, scroll: true } : { height: rows * legendRowHeight + 10, scroll: false };
}

function formatTick(value: number): string {
  return formatNumber(value);
}

function formatTooltipValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return value.map(formatTooltipValue).join(', ');
  return String(value ?? '');
}

interface AxisInput {
  label: string;
  log: boolean;
  gridIndex: number;
  showName: boolean;
}

const axisCommon = {
  nameLocation: 'middle',
  axisLabel: { formatter: formatTick, hideOverlap: true, fontSize: 10 },
  nameTextStyle: { fontSize: 11 },
  splitLine: { show: true, lineStyle: { color: '#ececec' } },
  axisLine: { onZero: false },
} as const;

/**
 * Log axes end on the decades around the data. ECharts would otherwise round a wide extent out to
 * its tick interval, e.g. from 1e-304 down to 1e-400, which underflows to 0 and breaks the axis.
 */
const logBounds = {
  min: (extent: { min: number }) => 10 ** Math.floor(Math.log10(extent.min)),
  max: (extent: { max: number }) => 10 ** Math.ceil(Math.log10(extent.max)),
};

export function xAxis({ label, log, gridIndex, showName }: AxisInput): XAXisComponentOption {
  return { ...axisCommon, ...(log ? logBounds : {}), type: log ? 'log' : 'value', gridIndex, name: showName ? texToUnicode(label) : '', nameGap: 24 };
}

export function yAxis({ label, log, gridIndex, showName }: AxisInput): YAXisComponentOption {
  return { ...axisCommon, ...(log ? logBounds : {}), type: log ? 'log' : 'value', gridIndex, name: showName ? texToUnicode(label) : '', nameGap: 38 };
}

/** A plot area whose tick labels and axis names stay inside the given rectangle. */
export function grid(rect: Pick<GridComponentOption, 'left' | 'right' | 'top' | 'bottom' | 'width' | 'height'>): GridComponentOption {
  return { ...rect, outerBoundsMode: 'same', outerBoundsContain: 'all' };
}

/** Entries whose icon should not take the colour of their first series (theory drawn per group). */
export interface NeutralEntries {
  names: readonly string[];
  neutral: ReadonlySet<string>;
  color: string;
}

export function legend(layout: LegendLayout, entries?: NeutralEntries): LegendComponentOption {
  const data = entries?.names.map((name) =>
    entries.neutral.has(name) ? { name, itemStyle: { color: entries.color }, lineStyle: { color: entries.color, type: 'dashed' as const } } : { name },
  );
  return { type: layout.scroll ? 'scroll' : 'plain', top: 4, left: 'center', width: '94%', itemWidth: 18, itemHeight: 8, itemGap: 8, textStyle: { fontSize: 11 }, data, formatter: texToUnicode };
}

/** What ECharts passes a tooltip formatter for one series (the fields read here). */
interface TooltipItem {
  seriesName?: string;
  seriesType?: string;
  name?: string;
  marker?: unknown;
  value?: unknown;
  axisValue?: unknown;
}

export const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[char]};`);

/** The value a row shows: y of an [x, y] point on an axis tooltip, the cell's value of a heatmap, else all of it. */
function shownValue(item: TooltipItem, trigger: 'axis' | 'item'): unknown {
  const { value } = item;
  if (!Array.isArray(value)) return value;
  if (item.seriesType === 'heatmap') return value[2];
  return trigger === 'axis' ? value[1] : value;
}

function tooltipRow(item: TooltipItem, label: string, trigger: 'axis' | 'item'): string {
  const marker = typeof item.marker === 'string' ? item.marker : '';
  return `<div>${marker}<span>${escapeHtml(label)}</span><span style="float:right;margin-left:16px;font-weight:bold">${escapeHtml(formatTooltipValue(shownValue(item, trigger)))}</span></div>`;
}

/**
 * Tooltips laid out as ECharts does, with series names (TeX labels such as `s^{2−2/L}`) as
 * Unicode, as the legend shows them.
 */
export function tooltipHtml(params: TooltipItem | TooltipItem[], trigger: 'axis' | 'item'): string {
  const items = Array.isArray(params) ? params : [params];
  if (items.length === 0) return '';
  const seriesLabel = (item: TooltipItem) => texToUnicode(item.seriesName ?? '');
  if (trigger === 'axis') return `<div>${escapeHtml(formatTooltipValue(items[0].axisValue))}</div>${items.map((item) => tooltipRow(item, seriesLabel(item), trigger)).join('')}`;
  const [item] = items;
  return `<div>${escapeHtml(seriesLabel(item))}</div>${tooltipRow(item, texToUnicode(item.name ?? ''), trigger)}`;
}

export function tooltip(trigger: 'axis' | 'item'): TooltipComponentOption {
  return { trigger, confine: true, formatter: (params) => tooltipHtml(params as TooltipItem | TooltipItem[], trigger), textStyle: { fontSize: 11 } };
}
