// What the dashboard shows for the current experiment: the selected runs (driven by the runs
// table), overlay or small multiples, grouping (centre line and band), per-panel axes, smoothing,
// theory toggles, reference lines and notes, runs of other experiments compared with these, and
// saved layouts (`dashboards.save` / `list`). The view as the user left it (every setting but the
// run selection) is autosaved, debounced, in a dashboard record of its own per experiment, so
// looking at another experiment or reopening the project shows it again.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Dashboard } from '../../../src-main/contract/api';
import type { ChartSpec } from '../../../src-main/contract/family-meta';
import { ApiError } from '../api/api-error';
import { saddle } from '../api/client';
import type { Grouping } from '../charts/panel-model';
import type { BandCentre, BandSpread } from '../logic/aggregate';
import { resolveComparison, splitDashboards, storedComparison, viewRecordName, withCompared } from '../logic/comparison';
import {
  chartDefaultPanel,
  defaultLayout,
  readLayout,
  readViewSettings,
  type ComparedExperiment,
  type DashboardLayout,
  type LayoutMode,
  type PanelSettings,
  type ViewSettings,
} from '../logic/dashboard-layout';
import { defaultColourParam, varyingKeys } from '../logic/params';
import { clickSelection, type ClickModifiers } from '../logic/selection';
import { useAppStore } from './app';
import { useExperimentsStore } from './experiments';
import { useProjectStore } from './project';
import { useRunsStore } from './runs';
import { useSeriesStore } from './series';
import { chartMetrics } from '../logic/metrics';
import { defaultDrawCap, spreadSubset } from '../logic/draw-cap';

/** A view change is saved once the user has paused this long (a dragged slider is one save). */
const viewSaveDelayMs = 400;

export const useDashboardStore = defineStore('dashboard', () => {
  const app = useAppStore();
  const experiments = useExperimentsStore();
  const runs = useRunsStore();
  const project = useProjectStore();

  const selectedIds = ref(new Set<number>());
  const anchor = ref<number | null>(null);
  const mode = ref<LayoutMode>('overlay');
  const aggregate = ref(false);
  const bandCentre = ref<BandCentre>('mean');
  const bandSpread = ref<BandSpread>('minmax');
  const groupKeys = ref<string[] | null>(null);
  const panels = ref<Record<string, PanelSettings>>({});
  /** The user's colour choice: a parameter, null for palette colours, undefined for the sweep's default. */
  const colourChoice = ref<string | null | undefined>(undefined);
  /** New runs of the experiment join the selection, so a started sweep shows up live. */
  const followNewRuns = ref(true);
  /** The panel the user last touched: the target of "export panel" from the menu. */
  const activePanelId = ref<string | null>(null);
  const saved = ref<Dashboard[]>([]);
  const savedId = ref<number | null>(null);
  let seenRunIds = new Set<number>();
  /** Stored ids of compared runs; `comparison` is what of them the project still has. */
  const compared = ref<ComparedExperiment[]>([]);
  /** The "Compare with…" popover (also the C key). */
  const compareOpen = ref(false);
  /** Each experiment's view record, by experiment id, in the project at `viewsPath`. */
  const viewRecordIds = new Map<number, number>();
  let viewsPath: string | null = null;
  let viewSaving = Promise.resolve();
  /** The current experiment's records loading: its view record's id is known once it settles. */
  let recordsLoading = Promise.resolve();
  /**
   * The view as last applied or saved (JSON), and the experiment it belongs to: any other value is
   * the user's change of that experiment's view, even when noticed after another was chosen.
   */
  let settled: { experimentId: number | null; json: string } = { experimentId: null, json: '' };
  /** Counts the user's view changes, so a record that loads after one does not undo it. */
  let viewEdits = 0;
  /** A changed view waiting for the user to pause, with the experiment it belongs to. */
  let pendingView: { experimentId: number; settings: ViewSettings; loaded: Promise<void> } | null = null;
  let viewTimer: ReturnType<typeof setTimeout> | null = null;

  const selectedRuns = computed(() => runs.ofCurrent.filter((run) => selectedIds.value.has(run.id)));
  /** Every selected run drawn, not an evenly spread `defaultDrawCap` of them (bands always use all). */
  const drawAll = ref(false);
  const drawnRuns = computed(() => (drawAll.value || aggregate.value ? selectedRuns.value : spreadSubset(selectedRuns.value, defaultDrawCap)));
  const comparison = computed(() => resolveComparison(compared.value, experiments.currentId, experiments.list, runs.all));
  const comparedRuns = computed(() => comparison.value.flatMap((group) => group.runs.map((run) => ({ run, experiment: group.name }))));
  const comparable = computed(() => experiments.list.filter((experiment) => experiment.id !== experiments.currentId));
  const varying = computed(() => varyingKeys(runs.paramsOfCurrent));
  const grouping = computed<Grouping>(() => {
    if (!aggregate.value) return null;
    return groupKeys.value ? groupKeys.value.filter((key) => varying.value.includes(key)) : varying.value;
  });
  /** Parameters a colour scale can show: those that vary and are numbers in every run. */
  const colourParams = computed(() => varying.value.filter((key) => runs.paramsOfCurrent.every((params) => typeof params[key] === 'number')));
  /** What overlays are coloured by: the user's choice, else the sweep's most finely swept numeric parameter. */
  const colourBy = computed<string | null>(() => {
    const choice = colourChoice.value;
    if (choice === undefined) return defaultColourParam(runs.paramsOfCurrent, colourParams.value);
    return choice !== null && colourParams.value.includes(choice) ? choice : null;
  });
  const charts = computed<ChartSpec[]>(() => experiments.currentFamily?.charts ?? []);
  const series = useSeriesStore();
  /**
   * Metrics the selected runs recorded, once any of their data is loaded (null before). Read from
   * the cache map itself: `series.get` is a Pinia action, and its wrapper, once per selected run at
   * every batch of status events, was 0.2 s of the page's CPU over a 1000-run sweep.
   */
  const recordedMetrics = computed<Set<string> | null>(() => {
    let loaded = false;
    const metrics = new Set<string>();
    const cache = series.cache;
    for (const run of selectedRuns.value) {
      const cached = cache.get(run.id)?.linear;
      if (!cached) continue;
      loaded = true;
      for (const item of cached.series) if (item.x.length > 0) metrics.add(item.metric);
    }
    return loaded ? metrics : null;
  });
  /** Charts of other tasks or modes of the family (no selected run records their metrics) are left out. */
  const visibleCharts = computed(() => {
    const recorded = recordedMetrics.value;
    return recorded === null ? charts.value : charts.value.filter((chart) => chartMetrics(chart.series, [...recorded]).length > 0);
  });
  watch(
    [drawnRuns, comparedRuns],
    ([selected, others]) => void series.ensure([...selected.map((run) => run.id), ...others.map(({ run }) => run.id)]),
    { immediate: true },
  );

  /** The experiment's swept parameters: an axis the family marks `logWhenSwept` for one of them starts logarithmic. */
  const swept = computed(() => new Set(Object.keys(experiments.current?.sweep ?? {})));
  function panelSettings(chart: ChartSpec): PanelSettings {
    return panels.value[chart.id] ?? chartDefaultPanel(chart, swept.value);
  }

  function updatePanel(chart: ChartSpec, patch: Partial<PanelSettings>): void {
    // Set in place: only this panel's readers update (a new record would redraw every panel).
    panels.value[chart.id] = { ...panelSettings(chart), ...patch };
  }

  function toggleLog(chart: ChartSpec, axis: 'logX' | 'logY'): void {
    updatePanel(chart, { [axis]: !panelSettings(chart)[axis] });
  }

  /** Log–log on when either axis is linear, else both back to linear. */
  function toggleLogLog(chart: ChartSpec): void {
    const settings = panelSettings(chart);
    const both = !(settings.logX && settings.logY);
    updatePanel(chart, { logX: both, logY: both });
  }

  function toggleTheory(chart: ChartSpec, theoryId: string): void {
    const settings = panelSettings(chart);
    const hidden = settings.hiddenTheory.includes(theoryId)
      ? settings.hiddenTheory.filter((id) => id !== theoryId)
      : [...settings.hiddenTheory, theoryId];
    updatePanel(chart, { hiddenTheory: hidden });
  }

  function setGroupKey(key: string, included: boolean): void {
    const keys = groupKeys.value ?? varying.value;
    groupKeys.value = included ? [...new Set([...keys, key])] : keys.filter((candidate) => candidate !== key);
  }

  function clickRun(runId: number, orderedIds: readonly number[], modifiers: ClickModifiers): void {
    const next = clickSelection({ selected: selectedIds.value, anchor: anchor.value }, orderedIds, runId, modifiers);
    selectedIds.value = new Set(next.selected);
    anchor.value = next.anchor;
  }

  function selectOnly(runIds: readonly number[]): void {
    selectedIds.value = new Set(runIds);
  }

  /** The view's settings with the given comparison: resolved for a named view, as chosen for the autosave. */
  function settingsWith(comparedRuns: ViewSettings['compared']): ViewSettings {
    return {
      mode: mode.value,
      aggregate: aggregate.value,
      bandCentre: bandCentre.value,
      bandSpread: bandSpread.value,
      groupKeys: groupKeys.value,
      panels: panels.value,
      compared: comparedRuns,
      colourBy: colourChoice.value,
      drawAll: drawAll.value,
    };
  }

  function layout(): DashboardLayout {
    return { ...settingsWith(storedComparison(comparison.value)), selectedRunIds: [...selectedIds.value] };
  }

  /**
   * The autosaved part of the view. The comparison as chosen, not as resolved: runs may not be
   * loaded yet, and this must not be recomputed on every run update of a sweep.
   */
  const viewJson = computed(() => JSON.stringify(settingsWith(compared.value)));

  function applySettings(next: ViewSettings): void {
    mode.value = next.mode;
    aggregate.value = next.aggregate;
    bandCentre.value = next.bandCentre;
    bandSpread.value = next.bandSpread;
    groupKeys.value = next.groupKeys;
    panels.value = next.panels;
    compared.value = next.compared;
    colourChoice.value = next.colourBy;
    drawAll.value = next.drawAll;
  }

  function apply(next: DashboardLayout): void {
    applySettings(next);
    const known = new Set(runs.ofCurrent.map((run) => run.id));
    selectedIds.value = new Set(next.selectedRunIds.filter((id) => known.has(id)));
  }

  /** The current experiment's defaults: several seeds show their mean and spread. */
  function experimentDefaults(): DashboardLayout {
    return { ...defaultLayout(), aggregate: (experiments.current?.seeds.length ?? 1) > 1, selectedRunIds: runs.ofCurrent.map((run) => run.id) };
  }

  /** A view the user changed is queued for saving in its experiment's record once they pause. */
  function noteViewChange(): void {
    const { experimentId } = settled;
    const json = viewJson.value;
    if (experimentId === null || json === settled.json) return;
    settled = { experimentId, json };
    viewEdits += 1;
    // Saving before the experiment's records have loaded would write a second view record.
    pendingView = { experimentId, settings: JSON.parse(json) as ViewSettings, loaded: recordsLoading };
    if (viewTimer) clearTimeout(viewTimer);
    viewTimer = setTimeout(() => void saveViewNow(), viewSaveDelayMs);
  }

  /** Saves the queued view now, one save after the other; resolves when it is stored. */
  function saveViewNow(): Promise<void> {
    if (viewTimer) clearTimeout(viewTimer);
    viewTimer = null;
    const pending = pendingView;
    pendingView = null;
    if (!pending) return viewSaving;
    const { experimentId, settings, loaded } = pending;
    viewSaving = viewSaving.then(() => loaded).then(async () => {
      const id = viewRecordIds.get(experimentId);
      const record = await app.attempt('Saving the dashboard view', () => saddle().dashboards.save({ id, experimentId, name: viewRecordName, layout: { ...settings } }));
      if (record) viewRecordIds.set(experimentId, record.id);
    });
    return viewSaving;
  }

  watch(viewJson, noteViewChange);
  // A change made just before the project closes (or another opens) is saved into it first.
  project.flushBeforeSwitch(saveViewNow);

  /** Draws `runIds` of experiment `experimentId` beside the current runs ("all": also its later runs; none: stops comparing it). */
  function compareWith(experimentId: number, runIds: readonly number[] | 'all'): Promise<void> {
    compared.value = withCompared(storedComparison(comparison.value), experimentId, runIds);
    noteViewChange();
    return saveViewNow();
  }

  async function loadSaved(): Promise<void> {
    const experimentId = experiments.currentId;
    const editsBefore = viewEdits;
    // A change queued now is saved after this read (it waits for the record's id).
    const queuedBefore = pendingView?.experimentId === experimentId;
    // A save already on its way is read back, not overtaken by this read.
    await viewSaving;
    const records = experimentId === null ? [] : ((await app.attempt('Loading saved dashboards', () => saddle().dashboards.list({ experimentId }))) ?? []);
    const { views, viewRecord } = splitDashboards(records);
    if (viewRecord && experimentId !== null) viewRecordIds.set(experimentId, viewRecord.id);
    if (experimentId !== experiments.currentId) return;
    saved.value = views;
    // The user changed the view (or opened a saved one) while the records loaded, or has a change
    // queued: their choice wins, and is saved into this record.
    const changeQueued = queuedBefore || pendingView?.experimentId === experimentId;
    if (viewRecord && viewEdits === editsBefore && !changeQueued) {
      applySettings(readViewSettings(viewRecord.layout, experimentDefaults()));
      settled = { experimentId, json: viewJson.value };
    }
  }

  /** Saves the current view under `name` (overwriting the loaded one when the name matches). */
  async function save(name: string): Promise<void> {
    if (name === viewRecordName) {
      app.report(new ApiError({ kind: 'expected', message: `View name: "${name}" is where the app keeps the view as last left; choose another name.` }), 'Saving the dashboard');
      return;
    }
    const experimentId = experiments.currentId;
    const existing = saved.value.find((dashboard) => dashboard.name === name);
    const dashboard = await app.attempt('Saving the dashboard', () =>
      saddle().dashboards.save({ id: existing?.id, experimentId, name, layout: { ...layout() } }),
    );
    if (!dashboard) return;
    saved.value = [...saved.value.filter((item) => item.id !== dashboard.id), dashboard];
    savedId.value = dashboard.id;
  }

  function open(id: number): void {
    const dashboard = saved.value.find((item) => item.id === id);
    if (!dashboard) return;
    apply(readLayout(dashboard.layout));
    savedId.value = id;
    noteViewChange();
  }

  async function removeSaved(id: number): Promise<void> {
    const removed = await app.attempt('Deleting the dashboard', () => saddle().dashboards.delete({ id }));
    if (!removed) return;
    saved.value = saved.value.filter((item) => item.id !== id);
    if (savedId.value === id) savedId.value = null;
  }

  watch(
    () => project.generation,
    () => {
      const path = project.info?.path ?? null;
      if (path !== viewsPath) {
        // Another project: a view still queued belongs to the one that was closed.
        viewsPath = path;
        if (viewTimer) clearTimeout(viewTimer);
        pendingView = null;
        viewRecordIds.clear();
        return;
      }
      // The same project reopened (or reconnected) keeps its experiment chosen and any change queued.
      // Its view is read again (a read made while the connection was down can have failed), with its
      // record's id: a queued change waits for that read. Main also saves a view without a known id
      // into the experiment's record of that name, never a second one.
      if (experiments.currentId === null) return;
      recordsLoading = loadSaved();
      if (pendingView) pendingView = { ...pendingView, loaded: recordsLoading };
    },
  );

  watch(
    () => experiments.currentId,
    () => {
      // The view left behind is saved at once, into its own experiment's record.
      noteViewChange();
      if (project.isOpen) void saveViewNow();
      seenRunIds = new Set(runs.ofCurrent.map((run) => run.id));
      apply(experimentDefaults());
      settled = { experimentId: experiments.currentId, json: viewJson.value };
      anchor.value = null;
      savedId.value = null;
      recordsLoading = loadSaved();
    },
    { immediate: true },
  );

  watch(
    () => runs.ofCurrent.map((run) => run.id),
    (runIds) => {
      const fresh = runIds.filter((id) => !seenRunIds.has(id));
      // Runs arriving for an experiment that showed none (e.g. loaded after it was chosen) are all shown.
      const firstRuns = seenRunIds.size === 0;
      seenRunIds = new Set(runIds);
      if (fresh.length > 0 && (followNewRuns.value || firstRuns)) selectedIds.value = new Set([...selectedIds.value, ...fresh]);
    },
  );

  return {
    selectedIds,
    mode,
    aggregate,
    bandCentre,
    bandSpread,
    groupKeys,
    panels,
    colourChoice,
    colourParams,
    colourBy,
    followNewRuns,
    activePanelId,
    saved,
    savedId,
    selectedRuns,
    drawAll,
    drawnRuns,
    comparison,
    compareOpen,
    comparedRuns,
    comparable,
    compareWith,
    varying,
    grouping,
    charts,
    visibleCharts,
    panelSettings,
    updatePanel,
    toggleLog,
    toggleLogLog,
    toggleTheory,
    setGroupKey,
    clickRun,
    selectOnly,
    save,
    open,
    removeSaved,
  };
});
