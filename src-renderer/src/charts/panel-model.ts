// What a dashboard panel draws, before any ECharts detail: the chart's metrics for each series
// group (one run, or runs aggregated into a centre line and band), named by the parameters that
// tell the groups apart, with the theory overlays that belong to each group. Runs of other
// experiments (a comparison) form groups of their own, after the current experiment's, labelled
// with their experiment's name. The x axis mode, smoothing and band statistics of the panel are
// applied here.
import type { ChartSpec, TheorySeries } from '../../../src-main/contract/family-meta';
import { aggregateSeries, bandLines, isAscending, type BandCentre, type BandSpread } from '../logic/aggregate';
import type { PinnedNote, ReferenceLine } from '../logic/dashboard-layout';
import type { MetricSeries } from '../logic/live-series';
import { chartMetrics, metricIndex } from '../logic/metrics';
import { compareParams, paramsLabel, stableStringify, varyingKeys } from '../logic/params';
import { smooth, type Smoothing } from '../logic/smoothing';
import { mapRunSeries, mapTheory, type XMode } from '../logic/x-axis';

export interface PanelRun {
  runId: number;
  params: Readonly<Record<string, unknown>>;
  /** The run's summary values: an x axis may be rescaled by one of them. */
  summary?: Readonly<Record<string, unknown>> | null;
  seed: number;
  series: readonly MetricSeries[];
  /** Name of the other experiment the run is compared from; absent for the current experiment's runs. */
  experiment?: string;
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
  /** Per compared experiment (by name), the theory ids its family draws for this chart's metrics. */
  comparedTheory?: ReadonlyMap<string, readonly string[]>;
  /** Metric names or prefixes the family records as events: drawn as markers, not lines. */
  pointMetrics?: readonly string[];
  xMode?: XMode;
  smoothing?: Smoothing;
  band?: { centre: BandCentre; spread: BandSpread };
  referenceLines?: readonly ReferenceLine[];
  notes?: readonly PinnedNote[];
}

export interface ModelLine {
  metric: string;
  /** Mode index for indexed metrics ('sigma/2' → 2), else the metric's position in the chart. */
  colorIndex: number;
  x: readonly number[];
  y: readonly number[];
  band: { min: readonly number[]; max: readonly number[] } | null;
  points: boolean;
  /** The unsmoothed curve, drawn faintly under a smoothed one. */
  raw: { x: readonly number[]; y: readonly number[] } | null;
}

export interface ModelGroup {
  key: string;
  label: string;
  runIds: number[];
  lines: ModelLine[];
  theory: TheorySeries[];
  /** The compared experiment the group's runs come from; null for the current experiment. */
  experiment: string | null;
  /** Parameters of the group's first run: what a colour by parameter reads. */
  params: Readonly<Record<string, unknown>>;
}

export interface PanelModel {
  chart: ChartSpec;
  groups: ModelGroup[];
  referenceLines: readonly ReferenceLine[];
  notes: readonly PinnedNote[];
  /** Selected runs the x mode cannot place (e.g. no k-th event): left out, and counted. */
  unplaced: number;
}

interface RunGroup {
  key: string;
  label: string;
  runs: PanelRun[];
  experiment: string | null;
}

function individualGroups(runs: readonly PanelRun[]): RunGroup[] {
  const keys = varyingKeys(runs.map((run) => run.params));
  const seedsVary = new Set(runs.map((run) => run.seed)).size > 1;
  const ordered = [...runs].sort((a, b) => compareParams(a.params, b.params, keys) || a.seed - b.seed || a.runId - b.runId);
  return ordered.map((run) => {
    const parts = [paramsLabel(run.params, keys), seedsVary ? `seed=${run.seed}` : ''].filter((part) => part !== '');
    return { key: `run:${run.runId}`, label: parts.length > 0 ? parts.join(', ') : `run ${run.runId}`, runs: [run], experiment: null };
  });
}

function aggregatedGroups(runs: readonly PanelRun[], keys: readonly string[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const key = `group:${stableStringify(keys.map((name) => run.params[name]))}`;
    const group = groups.get(key) ?? { key, label: paramsLabel(run.params, keys) || 'all runs', runs: [], experiment: null };
    group.runs.push(run);
    groups.set(key, group);
  }
  // N in the label: how many runs the band summarises.
  return [...groups.values()]
    .sort((a, b) => compareParams(a.runs[0].params, b.runs[0].params, keys))
    .map((group) => ({ ...group, label: `${group.label} (N=${group.runs.length})` }));
}

/**
 * The current experiment's groups, then each compared experiment's (in the order of `runs`), named
 * "experiment: label". A compared experiment is grouped by the grouping parameters its runs have.
 */
function experimentGroups(runs: readonly PanelRun[], grouping: Grouping): RunGroup[] {
  const byExperiment = new Map<string | null, PanelRun[]>([[null, []]]);
  for (const run of runs) {
    const experiment = run.experiment ?? null;
    byExperiment.set(experiment, [...(byExperiment.get(experiment) ?? []), run]);
  }
  return [...byExperiment].flatMap(([experiment, members]) => {
    if (experiment === null) return grouping === null ? individualGroups(members) : aggregatedGroups(members, grouping);
    const keys = grouping?.filter((key) => members.some((run) => key in run.params)) ?? null;
    const groups = keys === null ? individualGroups(members) : aggregatedGroups(members, keys);
    return groups.map((group) => ({ ...group, key: `compared:${experiment}:${group.key}`, label: `${experiment}: ${group.label}`, experiment }));
  });
}

interface LineStyle {
  colorIndex: number;
  points: boolean;
  smoothing: Smoothing;
  band: { centre: BandCentre; spread: BandSpread };
}

function finishLine(metric: string, x: readonly number[], y: readonly number[], band: ModelLine['band'], style: LineStyle): ModelLine {
  const smoothed = !style.points && style.smoothing.kind !== 'none';
  return {
    metric,
    colorIndex: style.colorIndex,
    x,
    y: smoothed ? smooth(y, style.smoothing) : y,
    band,
    points: style.points,
    raw: smoothed ? { x, y } : null,
  };
}

function groupLines(group: RunGroup, metric: string, style: LineStyle): ModelLine[] {
  const members = group.runs.flatMap((run) => run.series.filter((series) => series.metric === metric && series.x.length > 0));
  if (members.length === 0) return [];
  // Events of several runs are not averaged: each run's markers are drawn.
  if (style.points) return [finishLine(metric, members.flatMap((m) => [...m.x]), members.flatMap((m) => [...m.y]), null, style)];
  if (members.length === 1) return [finishLine(metric, members[0].x, members[0].y, null, style)];
  // A band needs a common ascending x; parametric curves (metric on x) are drawn one by one.
  if (!members.every((member) => isAscending(member.x))) return members.map((member) => finishLine(metric, member.x, member.y, null, style));
  const stats = aggregateSeries(members);
  const { y, lower, upper } = bandLines(stats, style.band.centre, style.band.spread);
  return [finishLine(metric, stats.x, y, { min: lower, max: upper }, style)];
}

export function buildPanelModel(input: PanelModelInput): PanelModel {
  const { chart, theory, grouping, hiddenTheory } = input;
  const xMode = input.xMode ?? { kind: 'native' };
  const placed = input.runs.flatMap((run) => {
    const series = mapRunSeries(run, xMode);
    return series ? [{ ...run, series }] : [];
  });
  const available = [...new Set(placed.flatMap((run) => run.series.map((series) => series.metric)))];
  const metrics = chartMetrics(chart.series, available);
  const pointMetrics = new Set(chartMetrics(input.pointMetrics ?? [], available));
  const shownTheory = new Set((chart.theory ?? []).filter((id) => !hiddenTheory.includes(id)));
  const band = input.band ?? { centre: 'mean', spread: 'minmax' };
  const smoothing = input.smoothing ?? { kind: 'none' };
  // Runs with equal parameters (other seeds) share their theory: draw it once.
  const theoryDrawnFor = new Set<string>();

  const runGroups = experimentGroups(placed, grouping);
  const groups: ModelGroup[] = [];
  for (const group of runGroups) {
    const lines = metrics.flatMap((metric, position) =>
      groupLines(group, metric, { colorIndex: metricIndex(metric) ?? position, points: pointMetrics.has(metric), smoothing, band }),
    );
    if (lines.length === 0) continue;
    // A compared group draws the overlays its own family lists for this chart's metrics (ids of
    // different families need not mean the same), named by its experiment.
    const theoryIds = group.experiment === null
      ? shownTheory
      : new Set((input.comparedTheory?.get(group.experiment) ?? []).filter((id) => !hiddenTheory.includes(id)));
    const owner = theoryIds.size > 0 ? group.runs.find((run) => theory.has(run.runId)) : undefined;
    const signature = owner ? `${group.experiment ?? ''}\u0000${stableStringify(owner.params)}` : '';
    let groupTheory: TheorySeries[] = [];
    if (owner && !theoryDrawnFor.has(signature)) {
      theoryDrawnFor.add(signature);
      const original = input.runs.find((run) => run.runId === owner.runId) ?? owner;
      const shown = (theory.get(owner.runId) ?? []).filter((series) => theoryIds.has(series.id));
      const mapped = mapTheory(original, xMode, shown);
      groupTheory = group.experiment === null ? mapped : mapped.map((series) => ({ ...series, label: `${group.experiment}: ${series.label}` }));
    }
    groups.push({ key: group.key, label: group.label, runIds: group.runs.map((run) => run.runId), lines, theory: groupTheory, experiment: group.experiment, params: group.runs[0].params });
  }
  return { chart, groups, referenceLines: input.referenceLines ?? [], notes: input.notes ?? [], unplaced: input.runs.length - placed.length };
}
