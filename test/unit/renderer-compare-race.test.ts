// The dashboard store against a fake API: a comparison chosen while the experiment's dashboard
// records are still loading is what stays (the loaded record does not overwrite it), and it is
// saved into that experiment's existing view record rather than a second one.
import { createPinia, setActivePinia } from 'pinia';
// The renderer's global types (window.saddle), which the stores read.
import type {} from '../../src-renderer/env';
import { nextTick } from 'vue';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { viewRecordName } from '../../src-renderer/src/logic/comparison';

interface SaveCall {
  id?: number;
  experimentId: number | null;
  name: string;
  layout: Record<string, unknown>;
}

let releaseList: (records: unknown[]) => void = () => undefined;
const saves: SaveCall[] = [];

const fakeApi = {
  on: () => () => undefined,
  dashboards: {
    list: () => new Promise<unknown[]>((resolve) => (releaseList = resolve)),
    save: (input: SaveCall) => {
      saves.push(input);
      return Promise.resolve({ id: input.id ?? 100 + saves.length, experimentId: input.experimentId, name: input.name, layout: input.layout });
    },
  },
  runs: { series: () => Promise.resolve([]), theory: () => Promise.resolve([]) },
};
const connection = { status: () => ({ state: 'open', retryAtMs: null, openCount: 1 }), onStatus: () => () => undefined, retryNow: () => undefined };
vi.mock('../../src-renderer/src/api/client', () => ({ saddle: () => fakeApi, saddleClient: () => ({ api: fakeApi, connection }) }));
// Frames in Node: a timer each (the series store applies replies once per frame; without them it threw after the test).
vi.stubGlobal('requestAnimationFrame', (callback: () => void) => setTimeout(callback, 0));
vi.stubGlobal('cancelAnimationFrame', (handle: ReturnType<typeof setTimeout>) => clearTimeout(handle));

const { useDashboardStore } = await import('../../src-renderer/src/stores/dashboard');
const { useExperimentsStore } = await import('../../src-renderer/src/stores/experiments');
const { useRunsStore } = await import('../../src-renderer/src/stores/runs');

function run(id: number, experimentId: number) {
  return { id, experimentId, params: {}, seed: 0, status: 'done' };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await nextTick();
}

describe('comparing while the experiment\'s records load', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    saves.length = 0;
    const experiments = useExperimentsStore();
    experiments.list = [
      { id: 1, name: 'staircase', family: 'dln-train', seeds: [0] },
      { id: 2, name: 'numpy-dln', family: 'numpy-dln', seeds: [0] },
      { id: 3, name: 'sweep', family: 'dln-train', seeds: [0] },
    ] as unknown as typeof experiments.list; // only the fields the dashboard reads
    useRunsStore().byId = new Map([run(10, 1), run(20, 2), run(21, 2), run(30, 3)].map((item) => [item.id, item])) as unknown as ReturnType<typeof useRunsStore>['byId'];
  });

  it('the user\'s choice wins over the record that loads after it, and is saved into that record', async () => {
    const experiments = useExperimentsStore();
    const dashboard = useDashboardStore();
    experiments.currentId = 1;
    await settle();
    const saving = dashboard.compareWith(3, 'all');
    releaseList([{ id: 7, experimentId: 1, name: viewRecordName, layout: { compared: [{ experimentId: 2, runIds: [20] }] } }]);
    await saving;
    await settle();
    expect(dashboard.comparison.map((group) => [group.experimentId, group.runs.map((item) => item.id)])).toEqual([[3, [30]]]);
    expect(saves).toEqual([{ id: 7, experimentId: 1, name: viewRecordName, layout: expect.objectContaining({ compared: [{ experimentId: 3, runIds: 'all' }] }) }]);
  });

  it('without a choice meanwhile, the loaded record is shown', async () => {
    const experiments = useExperimentsStore();
    const dashboard = useDashboardStore();
    experiments.currentId = 1;
    await settle();
    releaseList([{ id: 7, experimentId: 1, name: viewRecordName, layout: { compared: [{ experimentId: 2, runIds: [20] }] } }]);
    await settle();
    expect(dashboard.comparison.map((group) => [group.experimentId, group.runs.map((item) => item.id)])).toEqual([[2, [20]]]);
    expect(saves).toEqual([]);
  });
});
