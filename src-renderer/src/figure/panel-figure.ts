// The panel model and view of a line chart, built from the stores: one builder for the on-screen
// panel (ChartPanel.vue), the script exports and whole-dashboard figures alike. Compared runs of
// other experiments are drawn too, with the overlays their own family has for the chart's metrics.
import type { ChartSpec, TheorySeries } from '../../../src-main/contract/family-meta';
import type { Run } from '../../../src-main/contract/api';
import { buildPanelModel, type PanelModel, type PanelRun } from '../charts/panel-model';
import type { PanelView } from '../charts/panel-option';
import { comparedTheoryIds } from '../logic/comparison';
import { matchesMetric } from '../logic/metrics';
import { xAxisLabel } from '../logic/x-axis';
import { useDashboardStore } from '../stores/dashboard';
import { useExperimentsStore } from '../stores/experiments';
import { useFamiliesStore } from '../stores/families';
import { useSeriesStore } from '../stores/series';

export interface PanelFigure {
  model: PanelModel;
  view: PanelView;
}

export function panelFigure(chart: ChartSpec): PanelFigure {
  const dashboard = useDashboardStore();
  const experiments = useExperimentsStore();
  const series = useSeriesStore();
  const families = useFamiliesStore();
  const settings = dashboard.panelSettings(chart);
  const panelRun = (run: Run, experiment?: string): PanelRun => ({ runId: run.id, params: run.params, summary: run.summary, seed: run.seed, series: series.get(run.id, settings.logX)?.series ?? [], experiment });
  const own = dashboard.drawnRuns.map((run) => panelRun(run));
  const runs = [...own, ...dashboard.comparedRuns.map(({ run, experiment }) => panelRun(run, experiment))];
  const theory = new Map<number, readonly TheorySeries[]>();
  for (const run of runs) {
    const overlays = series.theory.get(run.runId);
    if (overlays) theory.set(run.runId, overlays);
  }
  const comparedTheory = new Map(dashboard.comparison.map((group) => [group.name, comparedTheoryIds(chart, families.byId(group.family)?.charts ?? [])]));
  const familyMetrics = experiments.currentFamily?.metrics ?? [];
  const metricLabel = (metric: string) => familyMetrics.find((m) => matchesMetric(m.name, metric))?.label ?? metric;
  const model = buildPanelModel({
    chart,
    runs,
    theory,
    grouping: dashboard.grouping,
    hiddenTheory: settings.hiddenTheory,
    comparedTheory,
    pointMetrics: familyMetrics.filter((metric) => metric.style === 'points').map((metric) => metric.name),
    xMode: settings.xMode,
    smoothing: settings.smoothing,
    band: { centre: dashboard.bandCentre, spread: dashboard.bandSpread },
    referenceLines: settings.referenceLines,
    notes: settings.notes,
  });
  const view = { logX: settings.logX, logY: settings.logY, overlay: dashboard.mode === 'overlay', xLabel: xAxisLabel(settings.xMode, chart.x.label, metricLabel), colourBy: dashboard.colourBy };
  return { model, view };
}
