// One legend for the whole figure, drawn above its panels: the entries of every panel, each name
// and colour once, packed into rows measured in the figure's font. When they do not fit in
// `maxRows`, the last place says how many are left out instead of dropping the legend.
import type { ChartOption } from '../charts/types';

export interface LegendEntry {
  name: string;
  color: string;
  /** How the series is drawn: a line (solid, dashed or dotted) or a marker. */
  mark: 'solid' | 'dashed' | 'dotted' | 'marker';
}

type Component = Record<string, unknown>;

function list(value: unknown): Component[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Component[];
}

function seriesMark(series: Component): LegendEntry['mark'] {
  if (series.type === 'scatter') return 'marker';
  const style = ((series.lineStyle ?? (series.markLine as Component | undefined)?.lineStyle) as Component | undefined)?.type;
  return style === 'dashed' || style === 'dotted' ? style : 'solid';
}

/** The entries a panel's (screen) legend shows, in its order, drawn as the series are. */
export function legendEntries(option: ChartOption): LegendEntry[] {
  const source = option as Component;
  const legend = list(source.legend).find((item) => item.show !== false);
  if (!legend) return [];
  const series = list(source.series).filter((item) => typeof item.name === 'string');
  const explicit = list(legend.data).map((entry) => (typeof entry === 'string' ? entry : String(entry.name)));
  const names = explicit.length > 0 ? explicit : [...new Set(series.map((item) => String(item.name)))];
  // The screen legend's formatter (TeX labels as Unicode) applies on paper too.
  const shown = typeof legend.formatter === 'function' ? (legend.formatter as (name: string) => string) : (name: string) => name;
  return names.flatMap((name) => {
    const drawn = series.find((item) => item.name === name);
    if (!drawn) return [];
    const color = drawn.color ?? (drawn.lineStyle as Component | undefined)?.color ?? (drawn.itemStyle as Component | undefined)?.color;
    return [{ name: shown(name), color: typeof color === 'string' ? color : '#333333', mark: seriesMark(drawn) }];
  });
}

/** Entries of several panels, each name and colour once (a shared legend). */
export function sharedEntries(panels: readonly LegendEntry[][]): LegendEntry[] {
  const seen = new Set<string>();
  return panels.flat().filter((entry) => {
    const key = `${entry.name}\u0000${entry.color}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface LegendLayoutInput {
  width: number;
  fontSize: number;
  fontFamily: string;
  maxRows: number;
  /** Width of a text in pt at `fontSize` in the figure's font. */
  measure: (text: string) => number;
}

interface Placed {
  text: string;
  entry: LegendEntry | null;
  x: number;
  row: number;
}

const sampleLength = 14;
const sampleGap = 3;
const entryGap = 9;

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Items left to right, wrapped into rows `width` wide. */
function pack(items: readonly { text: string; entry: LegendEntry | null }[], input: LegendLayoutInput): Placed[] {
  let row = 0;
  let x = 0;
  return items.map((item) => {
    const width = (item.entry ? sampleLength + sampleGap : 0) + input.measure(item.text);
    if (x > 0 && x + width > input.width) {
      row += 1;
      x = 0;
    }
    const placed = { ...item, x, row };
    x += width + entryGap;
    return placed;
  });
}

/** Entries in at most `maxRows` rows; what does not fit is summed up as "+N more" in the last place. */
export function placeLegend(entries: readonly LegendEntry[], input: LegendLayoutInput): Placed[] {
  const items = entries.map((entry) => ({ text: entry.name, entry }));
  const all = pack(items, input);
  if (all.every((item) => item.row < input.maxRows)) return all;
  for (let kept = all.filter((item) => item.row < input.maxRows).length - 1; kept > 0; kept--) {
    const placed = pack([...items.slice(0, kept), { text: `+${entries.length - kept} more`, entry: null }], input);
    if (placed.every((item) => item.row < input.maxRows)) return placed;
  }
  return pack([{ text: `${entries.length} series`, entry: null }], input);
}

const dashArray: Record<LegendEntry['mark'], string> = { solid: '', dashed: ' stroke-dasharray="4 2"', dotted: ' stroke-dasharray="1 2"', marker: '' };

/** The legend as SVG elements for a strip `width` wide, with the strip's height; empty with no entries. */
export function legendStrip(entries: readonly LegendEntry[], input: LegendLayoutInput): { svg: string; height: number } {
  if (entries.length === 0) return { svg: '', height: 0 };
  const placed = placeLegend(entries, input);
  const rowHeight = input.fontSize * 1.35;
  const parts = placed.map((item) => {
    const middle = item.row * rowHeight + rowHeight / 2;
    const textX = item.x + (item.entry ? sampleLength + sampleGap : 0);
    const text = `<text x="${textX}" y="${middle + input.fontSize * 0.35}" font-family="${input.fontFamily}" font-size="${input.fontSize}" fill="#333">${xmlText(item.text)}</text>`;
    if (!item.entry) return text;
    const { color, mark } = item.entry;
    const sample =
      mark === 'marker'
        ? `<circle cx="${item.x + sampleLength / 2}" cy="${middle}" r="2" fill="${color}"/>`
        : `<line x1="${item.x}" y1="${middle}" x2="${item.x + sampleLength}" y2="${middle}" stroke="${color}" stroke-width="1.2"${dashArray[mark]}/>`;
    return sample + text;
  });
  const rows = Math.max(...placed.map((item) => item.row)) + 1;
  return { svg: parts.join(''), height: rows * rowHeight + 2 };
}
