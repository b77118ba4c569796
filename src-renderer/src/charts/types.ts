// The ECharts option shape our builders produce: concrete arrays (easy to test and to post-process
// for export) that are assignable to the tree-shaken ECharts option type.
import type { XAXisComponentOption, YAXisComponentOption } from 'echarts';
import type { HeatmapSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';

/**
 * ECharts reads a typed array [x₀, y₀, x₁, y₁, …] as series data as it is (echarts/lib/data/Source.js,
 * SOURCE_FORMAT_TYPED_ARRAY; no copy, no array per point), which its option types leave out.
 */
type WithTypedData<S extends { data?: unknown }> = Omit<S, 'data'> & { data?: S['data'] | Float64Array };

export type SeriesOption = WithTypedData<LineSeriesOption> | WithTypedData<ScatterSeriesOption>;

// A type alias, not an interface: ECharts' option type has an index signature.
export type BuiltOption = {
  animation: false;
  backgroundColor?: string;
  title: TitleComponentOption[];
  grid: GridComponentOption[];
  xAxis: XAXisComponentOption[];
  yAxis: YAXisComponentOption[];
  legend: LegendComponentOption;
  tooltip: TooltipComponentOption;
  dataZoom: DataZoomComponentOption[];
  /** The colour bar of a panel coloured by a parameter (a legend only: it maps no series). */
  visualMap?: VisualMapComponentOption[];
  series: SeriesOption[];
};

/** What `echarts/core` accepts with the components registered in echarts-runtime.ts. */
export type ChartOption = ComposeOption<
  | SeriesOption
  | HeatmapSeriesOption
  | VisualMapComponentOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | DataZoomComponentOption
  | TitleComponentOption
>;

export type Point = [number, number];
