// Export of one panel, whatever it shows: PNG from the live canvas, SVG by re-rendering its
// option offscreen, CSV from its data. Registered so menu commands can reach the active panel, and
// as a figure source for publication export (figure/).
import { onBeforeUnmount, onMounted, type Ref } from 'vue';
import { ApiError } from '../api/api-error';
import type { ChartOption } from '../charts/types';
import { optionSvg } from '../export/echarts-runtime';
import { registerPanelExporter, type ExportFormat, type PanelExporter } from '../export/panel-exporter';
import { fileStem, saveExport } from '../export/save-file';
import { registerFigureSource, type FigureSource } from '../figure/figure-sources';
import { figurePlots, type FigurePlot } from '../figure/figure-plots';
import { panelFigure } from '../figure/panel-figure';
import { useAppStore } from '../stores/app';
import { useDashboardStore } from '../stores/dashboard';

export interface ChartHandle {
  png(): string | null;
  width(): number;
}

export interface PanelContent {
  /** File name without extension. */
  name: () => string;
  option: () => ChartOption | null;
  height: () => number;
  csv: () => string;
  /** Plots for the script exports of a chart that is not a dashboard line chart (analysis charts). */
  plots?: () => FigurePlot[] | null;
}

export function usePanelExport(panelId: () => string, chart: Ref<ChartHandle | null>, content: PanelContent): PanelExporter {
  const app = useAppStore();
  const dashboard = useDashboardStore();
  const spec = () => dashboard.charts.find((candidate) => candidate.id === panelId()) ?? null;
  const lineFigure = () => {
    const chartSpec = spec();
    return chartSpec && chartSpec.kind === 'lines' ? panelFigure(chartSpec) : null;
  };
  const source: FigureSource = {
    chartId: panelId(),
    title: () => spec()?.title ?? panelId(),
    option: () => content.option(),
    screenHeight: () => content.height(),
    plots: () => {
      const figure = lineFigure();
      return figure ? figurePlots(figure.model, figure.view) : (content.plots?.() ?? null);
    },
    runIds: () => {
      const figure = lineFigure();
      return figure ? figure.model.groups.flatMap((group) => group.runIds) : dashboard.selectedRuns.map((run) => run.id);
    },
  };

  const exportAs = async (format: ExportFormat) => {
    const name = fileStem(content.name());
    if (format === 'csv') {
      await saveExport({ name: `${name}.csv`, data: content.csv(), encoding: 'utf8', mimeType: 'text/csv' }, app.host);
      return;
    }
    const option = content.option();
    if (!chart.value || !option) throw new ApiError({ kind: 'expected', message: 'This panel has no chart to export yet.' });
    if (format === 'png') {
      const url = chart.value.png();
      if (!url) throw new ApiError({ kind: 'expected', message: 'The chart is not drawn yet.' });
      await saveExport({ name: `${name}.png`, data: url.slice(url.indexOf(',') + 1), encoding: 'base64', mimeType: 'image/png' }, app.host);
    } else {
      const svg = optionSvg(option, chart.value.width(), content.height());
      await saveExport({ name: `${name}.svg`, data: svg, encoding: 'utf8', mimeType: 'image/svg+xml' }, app.host);
    }
  };

  const exporter: PanelExporter = Object.assign(exportAs, { figure: source });
  const unregister: (() => void)[] = [];
  onMounted(() => {
    unregister.push(registerPanelExporter(panelId(), exporter), registerFigureSource(source));
  });
  onBeforeUnmount(() => unregister.forEach((undo) => undo()));
  return exporter;
}
