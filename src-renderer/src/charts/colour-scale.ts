// A continuous colour scale over numbers (a swept parameter, a numeric summary): viridis from the
// smallest to the largest value, in log10 when the values are a logspace or span three decades or
// more (an ε sweep from 10^-2.3 to 10^-1 gets evenly spread colours), with its colour bar.
import type { TitleComponentOption, VisualMapComponentOption } from 'echarts/components';
import { formatNumber } from '../logic/format';
import { isLogSpaced } from '../logic/sweep-map';
import { viridis, viridisColor } from './palette';

export interface ColourScale {
  /** What the colours stand for (a parameter or summary name): the colour bar's title. */
  label: string;
  min: number;
  max: number;
  log: boolean;
}

/** Ratio of largest to smallest positive value from which a colour scale is logarithmic. */
const logSpanRatio = 1e3;

/** The scale spanning `values` (non-finite ones ignored); null when fewer than two distinct values remain. */
export function colourScale(label: string, values: readonly number[]): ColourScale | null {
  const distinct = [...new Set(values.filter(Number.isFinite))].sort((a, b) => a - b);
  if (distinct.length < 2) return null;
  const [min, max] = [distinct[0], distinct[distinct.length - 1]];
  const log = min > 0 && (isLogSpaced(distinct) || max / min >= logSpanRatio);
  return { label, min, max, log };
}

/** Where `value` sits on the scale, 0 at the smallest value and 1 at the largest. */
export function scalePosition(scale: ColourScale, value: number): number {
  const at = (v: number) => (scale.log ? Math.log10(v) : v);
  return (at(value) - at(scale.min)) / (at(scale.max) - at(scale.min));
}

export function scaleColor(scale: ColourScale, value: number): string {
  return viridisColor(scalePosition(scale, value));
}

/** Width a colour bar takes at the right of a plot (bar, end labels and title). */
export const colourBarWidth = 64;

/**
 * The colour bar at the right of a plot, titled with the scale's label and its end values. It is
 * a legend only (`seriesIndex: []`): series carry their own colours. A log scale runs over log10.
 */
export function colourBar(scale: ColourScale, top: number, height: number): { visualMap: VisualMapComponentOption; title: TitleComponentOption } {
  const at = (v: number) => (scale.log ? Math.log10(v) : v);
  return {
    visualMap: {
      type: 'continuous',
      seriesIndex: [],
      min: at(scale.min),
      max: at(scale.max),
      calculable: false,
      hoverLink: false,
      orient: 'vertical',
      right: 8,
      top: top + 34,
      itemWidth: 12,
      itemHeight: Math.max(40, height - 68),
      text: [formatNumber(scale.max), formatNumber(scale.min)],
      textGap: 6,
      textStyle: { fontSize: 10 },
      inRange: { color: [...viridis] },
    },
    title: { text: scale.log ? `${scale.label} (log)` : scale.label, right: 4, top: top + 4, textStyle: { fontSize: 10, fontWeight: 'normal' } },
  };
}
