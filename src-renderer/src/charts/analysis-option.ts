// An analysis result's chart (empirical scatter + theory lines, e.g. escape time vs init scale on
// log–log axes) → ECharts option. Pure.
import type { AnalysisResult } from '../../../src-main/contract/family-meta';
import { grid, legend, legendLayout, tooltip, xAxis, yAxis } from './axes';
import { pointSeries } from './log-filter';
import { classColor, isNamedClass, paletteColor } from './palette';
import type { BuiltOption, SeriesOption } from './types';

/**
 * Null when the result has no chart. The k-th scatter and the k-th line share a colour: analyses
 * list one empirical and one theory series per group in the same order.
 */
export function buildAnalysisOption(result: AnalysisResult): BuiltOption | null {
  const chart = result.chart;
  if (!chart) return null;
  const counters = { scatter: 0, line: 0 };
  const series: SeriesOption[] = chart.series.map((item, position) => {
    // A series named by a class (an outcome of a phase diagram) takes that class's colour, as in the sweep map.
    const color = item.kind === 'scatter' && isNamedClass(item.name) ? classColor(item.name) : paletteColor(counters[item.kind]++);
    const common = { id: `${item.kind}:${position}`, name: item.name, color, ...pointSeries(item.x, item.y, chart.x.log, chart.y.log) };
    return item.kind === 'scatter'
      ? { ...common, type: 'scatter', symbolSize: 7, z: 3 }
      : { ...common, type: 'line', showSymbol: false, lineStyle: { width: 1.4 }, z: 2 };
  });
  const legendBlock = legendLayout(chart.series.map((item) => item.name));
  return {
    animation: false,
    title: [],
    grid: [grid({ left: 8, right: 16, top: legendBlock.height + 6, bottom: 6 })],
    xAxis: [xAxis({ label: chart.x.label, log: chart.x.log, gridIndex: 0, showName: true })],
    yAxis: [yAxis({ label: chart.y.label, log: chart.y.log, gridIndex: 0, showName: true })],
    legend: legend(legendBlock),
    tooltip: tooltip('item'),
    dataZoom: [],
    series,
  };
}

/** Empirical (scatter) series drawn, for the analysis chart's `data-series-count`. */
export function countScatterSeries(option: BuiltOption | null): number {
  return option ? option.series.filter((series) => series.type === 'scatter').length : 0;
}
