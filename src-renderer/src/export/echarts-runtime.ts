// The tree-shaken ECharts build: only the charts and components our option builders use, and both
// renderers (canvas on screen and for PNG, SVG for vector export).
import { HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomInsideComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  VisualMapPiecewiseComponent,
} from 'echarts/components';
import { init, use, type EChartsType } from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import type { ChartOption } from '../charts/types';

use([
  HeatmapChart,
  VisualMapContinuousComponent,
  VisualMapPiecewiseComponent,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  DataZoomInsideComponent,
  MarkLineComponent,
  TitleComponent,
  CanvasRenderer,
  SVGRenderer,
]);

export type { EChartsType };

export function createChart(element: HTMLElement): EChartsType {
  return init(element, null, { renderer: 'canvas' });
}

/** PNG at 3× the on-screen size, on white (transparent PNGs vanish on dark slides). */
export function chartPng(chart: EChartsType): string {
  return chart.getDataURL({ type: 'png', pixelRatio: 3, backgroundColor: '#fff' });
}

/** The same option rendered offscreen by the SVG renderer: vector output for papers. */
export function optionSvg(option: ChartOption, width: number, height: number): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false, backgroundColor: '#fff' });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
