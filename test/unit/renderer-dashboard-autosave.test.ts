// The dashboard store against a fake project: the view as the user left it (log axes, smoothing,
// reference lines, x mode, combined runs) comes back after looking at another experiment and after
// reopening the project, without "Save view"; quick changes are one save; one record per experiment.
import { createPinia, setActivePinia } from 'pinia';
// The renderer's global types (window.saddle), which the stores read.
import type {} from '../../src-renderer/env';
import { computed, nextTick } from 'vue';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChartSpec } from '../../src-main/contract/family-meta';
import { viewRecordName } from '../../src-renderer/src/logic/comparison';
import { defaultLayout, readViewSettings, viewSettingsOf } from '../../src-renderer/src/logic/dashboard-layout';

interface DashboardRecord {
  id: number;
  experimentId: number | null;
  name: string;
  layout: Record<string, unknown>;
}

/** The project file: its dashboard records outlive the stores, as a reopened project's do. */
const records: DashboardRecord[] = [];
let saveCount = 0;
/** Lists that fail, as one does when it reaches main while the project is being reopened. */
let failingLists = 0;
/** Lists answer once this settles, as over a slow connection. */
let slowLists = Promise.resolve();
/** As over the wire: plain JSON, never the caller's (reactive) objects. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const fakeApi = {
  on: () => () => undefined,
  dashboards: {
    list: async ({ experimentId }: { experimentId: number }) => {
      await slowLists;
      if (failingLists > 0) {
        failingLists -= 1;
        throw new Error('no project is open: create or open a project first');
      }
      return copy(records.filter((record) => record.experimentId === experimentId));
    },
    save: async (input: Omit<DashboardRecord, 'id'> & { id?: number }) => {
      // Saves take a round trip, as over the wire.
      await Promise.resolve();
      saveCount += 1;
      const record = { ...copy(input), id: input.id ?? records.length + 1 };
      const at = records.findIndex((item) => item.id === record.id);
      if (at >= 0) records[at] = record;
      else records.push(record);
      return record;
    },
  },
  experiments: { list: () => Promise.resolve(copy(experimentList)) },
  projects: {
    current: () => Promise.resolve({ path: projectPath }),
    close: () => Promise.resolve(null),
    open: ({ path }: { path: string }) => Promise.resolve({ path }),
    recent: () => Promise.resolve([]),
  },
  runs: { series: () => Promise.resolve([]), theory: () => Promise.resolve([]) },
};
const connection = { status: () => ({ state: 'open', retryAtMs: null, openCount: 1 }), onStatus: () => () => undefined, retryNow: () => undefined };
vi.mock('../../src-renderer/src/api/client', () => ({ saddle: () => fakeApi, saddleClient: () => ({ api: fakeApi, connection }) }));

const { useDashboardStore } = await import('../../src-renderer/src/stores/dashboard');
const { useExperimentsStore } = await import('../../src-renderer/src/stores/experiments');
const { useProjectStore } = await import('../../src-renderer/src/stores/project');

const projectPath = '/tmp/autosave.saddle';
const experimentList = [
  { id: 1, name: 'sweep', family: 'dln-train', seeds: [0] },
  { id: 2, name: 'seeds', family: 'dln-train', seeds: [0, 1, 2] },
];
const lossChart = { id: 'loss', title: 'loss', series: ['loss'], x: { label: 't', log: false }, y: { label: 'loss', log: false } } as unknown as ChartSpec;

/** Until the fake API's replies and the stores' reactions to them are done: every queued promise job runs before a setImmediate callback. */
async function settle(): Promise<void> {
  for (let i = 0; i < 4; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    await nextTick();
  }
}

/** A fresh window on the project (new stores), showing experiment `id`. */
async function openProjectAt(id: number) {
  setActivePinia(createPinia());
  useProjectStore().info = { path: projectPath } as unknown as ReturnType<typeof useProjectStore>['info'];
  const experiments = useExperimentsStore();
  experiments.list = copy(experimentList) as unknown as typeof experiments.list; // only the fields the dashboard reads
  const dashboard = useDashboardStore();
  experiments.currentId = id;
  await settle();
  return { experiments, dashboard };
}

/**
 * A fresh window that finds the project open (`projects.current`, as at start or after a reconnect),
 * with experiment 1 viewed and `setUp` (its first window's changes) saved into the project.
 */
async function windowFindingProject(setUp: (dashboard: ReturnType<typeof useDashboardStore>) => void) {
  const first = await openProjectAt(1);
  setUp(first.dashboard);
  await first.dashboard.compareWith(2, []);
  expect(records).toHaveLength(1);
  setActivePinia(createPinia());
  const project = useProjectStore();
  const experiments = useExperimentsStore();
  const dashboard = useDashboardStore();
  await project.refresh();
  await settle();
  expect(experiments.currentId).toBe(2);
  return { project, experiments, dashboard };
}

describe('the dashboard view is autosaved per experiment', () => {
  beforeEach(() => {
    records.length = 0;
    saveCount = 0;
    failingLists = 0;
    slowLists = Promise.resolve();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('comes back after another experiment and after reopening the project', async () => {
    const { experiments, dashboard } = await openProjectAt(1);
    dashboard.toggleLog(lossChart, 'logX');
    dashboard.updatePanel(lossChart, { smoothing: { kind: 'ema', weight: 0.8 }, xMode: { kind: 'wall' }, referenceLines: [{ axis: 'y', value: 0.5, label: 'half' }] });
    dashboard.aggregate = true;
    await settle();

    experiments.currentId = 2;
    await settle();
    // Experiment 2 shows its own defaults (several seeds: combined), not experiment 1's view.
    expect(dashboard.panelSettings(lossChart).logX).toBe(false);
    expect(dashboard.aggregate).toBe(true);
    dashboard.aggregate = false;
    experiments.currentId = 1;
    await settle();
    const expected = { logX: true, smoothing: { kind: 'ema', weight: 0.8 }, xMode: { kind: 'wall' }, referenceLines: [{ axis: 'y', value: 0.5, label: 'half' }] };
    expect(dashboard.panelSettings(lossChart)).toMatchObject(expected);
    expect(dashboard.aggregate).toBe(true);

    const reopened = await openProjectAt(1);
    expect(reopened.dashboard.panelSettings(lossChart)).toMatchObject(expected);
    expect(reopened.dashboard.aggregate).toBe(true);
    const second = await openProjectAt(2);
    expect(second.dashboard.aggregate).toBe(false);
    // One view record per experiment, never a named view.
    expect(records.map((record) => [record.experimentId, record.name])).toEqual([[1, viewRecordName], [2, viewRecordName]]);
    expect(second.dashboard.saved).toEqual([]);
  });

  it('reads the view again when the project is reopened, after a read that failed while it reopened', async () => {
    // The new window shows the last experiment; the user opens the same project and, before main has
    // reopened it, chooses experiment 1: that read of its records fails.
    const { project, experiments, dashboard } = await windowFindingProject((first) => {
      first.toggleLog(lossChart, 'logX');
      first.aggregate = true;
    });
    failingLists = 1;
    experiments.currentId = 1;
    await settle();
    expect(dashboard.panelSettings(lossChart).logX).toBe(false);
    // The reopen ends: the same project again, and the view the user left comes back.
    await project.open(projectPath);
    await settle();
    expect(experiments.currentId).toBe(1);
    expect(dashboard.panelSettings(lossChart).logX).toBe(true);
    expect(dashboard.aggregate).toBe(true);
    // Read, not written: still the one record, holding the user's view.
    expect(records).toHaveLength(1);
    expect(records[0].layout).toMatchObject({ aggregate: true, panels: { loss: { logX: true } } });
  });

  it('keeps a change still queued when the window reconnects to the same project, and saves it into the record the file holds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { project, experiments, dashboard } = await windowFindingProject((first) => first.toggleLog(lossChart, 'logY'));
    experiments.currentId = 1;
    await settle();
    expect(dashboard.panelSettings(lossChart).logY).toBe(true);
    // A change, still waiting for the user to pause when the connection comes back (a reconnect reads
    // the project again). Meanwhile the file's view record has another id (the file was replaced).
    // The user pauses before the project's records have been read again.
    dashboard.toggleLog(lossChart, 'logX');
    await settle();
    records[0].id = 7;
    let answerLists = () => undefined as void;
    slowLists = new Promise((resolve) => (answerLists = resolve));
    await project.refresh();
    await settle();
    vi.advanceTimersByTime(1000);
    await settle();
    answerLists();
    await settle();
    expect(dashboard.panelSettings(lossChart)).toMatchObject({ logX: true, logY: true });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: 7, layout: { panels: { loss: { logX: true, logY: true } } } });
  });

  it('saves a burst of changes once, after the user pauses, and opening an experiment saves nothing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { dashboard } = await openProjectAt(1);
    for (const weight of [0.5, 0.6, 0.7]) {
      dashboard.updatePanel(lossChart, { smoothing: { kind: 'ema', weight } });
      await settle();
    }
    expect(saveCount).toBe(0);
    vi.advanceTimersByTime(1000);
    await settle();
    expect(saveCount).toBe(1);
    expect(records[0].layout.panels).toMatchObject({ loss: { smoothing: { kind: 'ema', weight: 0.7 } } });
    await openProjectAt(1);
    vi.advanceTimersByTime(1000);
    await settle();
    expect(saveCount).toBe(1);
  });

  it('keeps named views working beside it: saved, listed and opened', async () => {
    const { experiments, dashboard } = await openProjectAt(1);
    dashboard.toggleLog(lossChart, 'logY');
    await dashboard.save('log y');
    dashboard.toggleLog(lossChart, 'logY');
    await settle();
    expect(dashboard.panelSettings(lossChart).logY).toBe(false);
    dashboard.open(dashboard.saved[0].id);
    expect(dashboard.panelSettings(lossChart).logY).toBe(true);
    await dashboard.save(viewRecordName);
    experiments.currentId = 2;
    await settle();
    const reopened = await openProjectAt(1);
    expect(reopened.dashboard.saved.map((view) => view.name)).toEqual(['log y']);
    // The opened view is also the view as last left.
    expect(reopened.dashboard.panelSettings(lossChart).logY).toBe(true);
  });

  it('keeps "show all" of a big sweep with the view: per experiment and after reopening', async () => {
    const { experiments, dashboard } = await openProjectAt(1);
    expect(dashboard.drawAll).toBe(false);
    dashboard.drawAll = true;
    await settle();
    experiments.currentId = 2;
    await settle();
    expect(dashboard.drawAll).toBe(false);
    experiments.currentId = 1;
    await settle();
    expect(dashboard.drawAll).toBe(true);
    expect((await openProjectAt(1)).dashboard.drawAll).toBe(true);
    expect((await openProjectAt(2)).dashboard.drawAll).toBe(false);
  });

  it.each(['close', 'open'] as const)('saves a change made just before the project %ss, not 400 ms later into nothing', async (action) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { dashboard } = await openProjectAt(1);
    const project = useProjectStore();
    dashboard.toggleLog(lossChart, 'logY');
    await settle();
    // No time passes: the debounced save has not fired when the user closes or opens another project.
    expect(saveCount).toBe(0);
    await (action === 'close' ? project.close() : project.open('/tmp/other.saddle'));
    expect(records).toHaveLength(1);
    expect(records[0].layout.panels).toMatchObject({ loss: { logY: true } });
    expect((await openProjectAt(1)).dashboard.panelSettings(lossChart).logY).toBe(true);
  });

  it("changes one panel's settings without touching another panel's (which would redraw it)", async () => {
    const { dashboard } = await openProjectAt(1);
    const gradChart = { ...lossChart, id: 'grad' } as ChartSpec;
    let gradReads = 0;
    const gradLogX = computed(() => {
      gradReads += 1;
      return dashboard.panelSettings(gradChart).logX;
    });
    expect(gradLogX.value).toBe(false);
    dashboard.toggleLog(lossChart, 'logX');
    dashboard.toggleLog(lossChart, 'logY');
    expect(gradLogX.value).toBe(false);
    expect(gradReads).toBe(1);
    expect(dashboard.panelSettings(lossChart)).toMatchObject({ logX: true, logY: true });
    // A change to the other panel itself is still seen.
    dashboard.toggleLog(gradChart, 'logX');
    expect(gradLogX.value).toBe(true);
  });

  it('reads a record that holds only the compared runs (older projects) over the experiment\'s defaults', () => {
    const defaults = { ...defaultLayout(), aggregate: true };
    const settings = readViewSettings({ compared: [{ experimentId: 3, runIds: 'all' }] }, defaults);
    expect(settings).toEqual(viewSettingsOf({ ...defaults, compared: [{ experimentId: 3, runIds: 'all' }] }));
    // Malformed values fall back field by field; the selection is never read from it.
    expect(readViewSettings({ aggregate: 'yes', mode: 'smallMultiples', selectedRunIds: [1] }, defaults)).toMatchObject({ aggregate: false, mode: 'smallMultiples' });
    expect(readViewSettings({ selectedRunIds: [1] }, defaults)).not.toHaveProperty('selectedRunIds');
  });
});
