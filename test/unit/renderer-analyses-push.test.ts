// The analyses store against a fake host: analyses are shown when main pushes them (no reload,
// no re-selecting the experiment), "computing" from the sweep's end until they arrive, the error
// when they fail, and a list reply read before a push never replaces the pushed records.
import { createPinia, setActivePinia } from 'pinia';
// The renderer's global types (window.saddle), which the stores read.
import type {} from '../../src-renderer/env';
import { nextTick } from 'vue';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisRecord, EventName, EventPayload } from '../../src-main/contract/api';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Listener[]>();
let releaseList: (records: AnalysisRecord[]) => void = () => undefined;
let listCalls = 0;
const listedIds: number[] = [];

const fakeApi = {
  on: (event: string, listener: Listener) => {
    listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    return () => undefined;
  },
  analyses: {
    list: ({ experimentId }: { experimentId: number }) => {
      listCalls += 1;
      listedIds.push(experimentId);
      return new Promise<AnalysisRecord[]>((resolve) => (releaseList = resolve));
    },
  },
};
const connection = { status: () => ({ state: 'open', retryAtMs: null, openCount: 1 }), onStatus: () => () => undefined, retryNow: () => undefined };
vi.mock('../../src-renderer/src/api/client', () => ({ saddle: () => fakeApi, saddleClient: () => ({ api: fakeApi, connection }) }));

const { useAnalysesStore } = await import('../../src-renderer/src/stores/analyses');
const { useExperimentsStore } = await import('../../src-renderer/src/stores/experiments');
const { useProjectStore } = await import('../../src-renderer/src/stores/project');

function push<E extends EventName>(event: E, payload: EventPayload<E>): void {
  for (const listener of listeners.get(event) ?? []) listener(payload);
}

function record(experimentId: number, slope: number): AnalysisRecord {
  return {
    experimentId,
    computedAtMs: 1,
    result: { id: 'fit', title: 'fit', description: '', columns: [{ key: 'slope', label: 'slope' }], rows: [{ slope }], checks: [], notes: [], charts: [] },
  } as unknown as AnalysisRecord; // only the fields the store passes on
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await nextTick();
}

describe('analyses pushed by the host', () => {
  beforeEach(async () => {
    listeners.clear();
    listCalls = 0;
    listedIds.length = 0;
    setActivePinia(createPinia());
    useProjectStore().info = { path: '/tmp/a.saddle' } as unknown as ReturnType<typeof useProjectStore>['info'];
    useAnalysesStore();
    useExperimentsStore().currentId = 1;
    await settle();
    releaseList([]);
    await settle();
  });

  it('computing from the sweep\'s end, then the records, without asking for them', async () => {
    const analyses = useAnalysesStore();
    expect(analyses.computing).toBe(false);
    push('analyses.changed', { experimentId: 1, state: 'computing' });
    expect(analyses.computing).toBe(true);
    push('analyses.changed', { experimentId: 1, state: 'stored', records: [record(1, -1)] });
    expect(analyses.computing).toBe(false);
    expect(analyses.records.map((item) => item.result.rows[0].slope)).toEqual([-1]);
    expect(listCalls).toBe(1);
  });

  it('the error of a failed computation, until one succeeds', () => {
    const analyses = useAnalysesStore();
    push('analyses.changed', { experimentId: 1, state: 'computing' });
    push('analyses.changed', { experimentId: 1, state: 'failed', error: 'fit: fewer than two depths' });
    expect(analyses.computing).toBe(false);
    expect(analyses.error).toBe('fit: fewer than two depths');
    push('analyses.changed', { experimentId: 1, state: 'stored', records: [record(1, -2)] });
    expect(analyses.error).toBeNull();
  });

  it('another experiment\'s analyses change nothing shown, and are known when it is chosen', async () => {
    const analyses = useAnalysesStore();
    push('analyses.changed', { experimentId: 2, state: 'computing' });
    push('analyses.changed', { experimentId: 2, state: 'stored', records: [record(2, -3)] });
    expect(analyses.records).toEqual([]);
    push('analyses.changed', { experimentId: 2, state: 'computing' });
    useExperimentsStore().currentId = 2;
    await settle();
    expect(analyses.computing).toBe(true);
  });

  it('a list reply read before a push does not replace the pushed records', async () => {
    const analyses = useAnalysesStore();
    void analyses.load();
    push('analyses.changed', { experimentId: 1, state: 'stored', records: [record(1, -4)] });
    releaseList([]);
    await settle();
    expect(analyses.records.map((item) => item.result.rows[0].slope)).toEqual([-4]);
  });

  it('another project opened: nothing is asked about the closed project\'s experiment ids (they name other experiments there)', async () => {
    const project = useProjectStore();
    const experiments = useExperimentsStore();
    const asked = listCalls;
    project.info = { path: '/tmp/b.saddle' } as unknown as ReturnType<typeof useProjectStore>['info'];
    project.generation += 1;
    await settle();
    expect(experiments.currentId).toBeNull();
    expect(listedIds.slice(asked)).not.toContain(1);
    expect(useAnalysesStore().records).toEqual([]);
  });
});
