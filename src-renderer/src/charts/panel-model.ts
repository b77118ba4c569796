// What a dashboard panel draws, before any ECharts detail: the chart's metrics for each series
// group (one run, or runs aggregated into mean + min–max band), named by the parameters that
// tell the groups apart, with the theory overlays that belong to each group.
import type { ChartSpec, TheorySeries } from '../../../src-main/contract/family-meta';
import { aggregateSeries } from '../logic/aggregate';
import type { MetricSeries } from '../logic/live-series';
import { chartMetrics, metricIndex } from '../logic/metrics';
import { compareParams, paramsLabel, stableStringify, varyingKeys } from '../logic/params';

export interface PanelRun {
  runId: number;
  params: Readonly<Record<string, unknown>>;
  seed: number;
  series: readonly MetricSeries[];
}

/** null: one series per run. A list of parameters: runs sharing their values form one group. */
export type Grouping = readonly string[] | null;

export interface PanelModelInput {
  chart: ChartSpec;
  runs: readonly PanelRun[];
  theory: ReadonlyMap<number, readonly TheorySeries[]>;
  grouping: Grouping;
  /** Theory ids the user switched off on this panel. */
  hiddenTheory: readonly string[];
  /** Metric names or prefixes the family records as events: drawn as markers, not lines. */
  pointMetrics?: readonly string[];
}

export interface ModelLine {
  metric: string;
  /** Mode index for indexed metrics ('sigma/2' → 2), else the metric's position in the chart. */
  colorIndex: number;
  x: readonly number[];
  y: readonly number[];
  band: { min: readonly number[]; max: readonly number[] } | null;
  points: boolean;
}

export interface ModelGroup {
  key: string;
  label: string;
  runIds: number[];
  lines: ModelLine[];
  theory: TheorySeries[];
}

export interface PanelModel {
  chart: ChartSpec;
  groups: ModelGroup[];
}

interface RunGroup {
  key: string;
  label: string;
  runs: PanelRun[];
}

function individualGroups(runs: readonly PanelRun[]): RunGroup[] {
  const keys = varyingKeys(runs.map((run) => run.params));
  const seedsVary = new Set(runs.map((run) => run.seed)).size > 1;
  const ordered = [...runs].sort((a, b) => compareParams(a.params, b.params, keys) || a.seed - b.seed || a.runId - b.runId);
  return ordered.map((run) => {
    const parts = [paramsLabel(run.params, keys), seedsVary ? `seed=${run.seed}` : ''].filter((part) => part !== '');
    return { key: `run:${run.runId}`, label: parts.length > 0 ? parts.join(', ') : `run ${run.runId}`, runs: [run] };
  });
}

function aggregatedGroups(runs: readonly PanelRun[], keys: readonly string[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const key = `group:${stableStringify(keys.map((name) => run.params[name]))}`;
    const group = groups.get(key) ?? { key, label: paramsLabel(run.params, keys) || 'all runs', runs: [] };
    group.runs.push(run);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => compareParams(a.runs[0].params, b.runs[0].params, keys));
}

function groupLine(group: RunGroup, metric: string, colorIndex: number, points: boolean): ModelLine | null {
  const members = group.runs.flatMap((run) => run.series.filter((series) => series.metric === metric && series.x.length > 0));
  if (members.length === 0) return null;
  // Events of several runs are not averaged: each run's markers are drawn.
  if (members.length === 1 || points) {
    const x = members.flatMap((member) => [...member.x]);
    const y = members.flatMap((member) => [...member.y]);
    return { metric, colorIndex, x, y, band: null, points };
  }
  const band = aggregateSeries(members);
  return { metric, colorIndex, x: band.x, y: band.mean, band: { min: band.min, max: band.max }, points };
}

export function buildPanelModel(input: PanelModelInput): PanelModel {
  const { chart, runs, theory, grouping, hiddenTheory } = input;
  const pointMetrics = new Set(chartMetrics(input.pointMetrics ?? [], runs.flatMap((run) => run.series.map((series) => series.metric))));
  const available = [...new Set(runs.flatMap((run) => run.series.map((series) => series.metric)))];
  const metrics = chartMetrics(chart.series, available);
  const shownTheory = new Set(chart.theory.filter((id) => !hiddenTheory.includes(id)));
  // Runs with equal parameters (other seeds) share their theory: draw it once.
  const theoryDrawnFor = new Set<string>();

  const runGroups = grouping === null ? individualGroups(runs) : aggregatedGroups(runs, grouping);
  const groups: ModelGroup[] = [];
  for (const group of runGroups) {
    const lines = metrics
      .map((metric, position) => groupLine(group, metric, metricIndex(metric) ?? position, pointMetrics.has(metric)))
      .filter((line): line is ModelLine => line !== null);
    if (lines.length === 0) continue;
    const owner = group.runs.find((run) => theory.has(run.runId));
    const signature = owner ? stableStringify(owner.params) : '';
    let groupTheory: TheorySeries[] = [];
    if (owner && !theoryDrawnFor.has(signature)) {
      theoryDrawnFor.add(signature);
      groupTheory = (theory.get(owner.runId) ?? []).filter((series) => shownTheory.has(series.id));
    }
    groups.push({ key: group.key, label: group.label, runIds: group.runs.map((run) => run.runId), lines, theory: groupTheory });
  }
  return { chart, groups };
}
