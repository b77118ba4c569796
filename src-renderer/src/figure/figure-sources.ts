// What each mounted panel offers to figure export, by chart id, so a dialog can export one panel or
// every panel of the dashboard as one figure.
import type { ChartOption } from '../charts/types';
import type { FigurePlot } from './figure-plots';

export interface FigureSource {
  chartId: string;
  title(): string;
  /** The on-screen option, or null while there is nothing to draw. */
  option(): ChartOption | null;
  /** On-screen height in px, which small-multiple rows are laid out for. */
  screenHeight(): number;
  /** Line and analysis charts: the plots the scripts are written from; null for heatmaps. */
  plots(): FigurePlot[] | null;
  /** Runs the panel draws, for the caption. */
  runIds(): number[];
}

const sources = new Map<string, FigureSource>();

export function registerFigureSource(source: FigureSource): () => void {
  sources.set(source.chartId, source);
  return () => {
    if (sources.get(source.chartId) === source) sources.delete(source.chartId);
  };
}

/** Every registered panel, in the order of `chartIds` (the dashboard's order). */
export function figureSources(chartIds: readonly string[]): FigureSource[] {
  return chartIds.flatMap((id) => sources.get(id) ?? []);
}
