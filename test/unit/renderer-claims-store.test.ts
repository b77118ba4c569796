// The Papers view's store against a fake host: claims are read while the view is shown (else on its
// next showing), Reproduce without a project says to open one and asks nothing, a refused reproduce
// shows the host's message on its claim, and a claim is "running" until the analyses of every
// experiment it started are stored (a failed one is reported on the claim).
import { createPinia, setActivePinia } from 'pinia';
import type {} from '../../src-renderer/env';
import { nextTick } from 'vue';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload } from '../../src-main/contract/api';
import type { ClaimsOverview } from '../../src-main/contract/claims';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Listener[]>();
let listCalls = 0;
let reproduceCalls: unknown[] = [];
let reproduceReply: () => Promise<{ experimentIds: number[] }> = () => Promise.resolve({ experimentIds: [] });

const overview: ClaimsOverview = { papers: [{ paper: '000', title: 'Paper', authors: 'A', families: ['mode-flow'] }], claims: [] };
const fakeApi = {
  on: (event: string, listener: Listener) => {
    listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    return () => undefined;
  },
  claims: {
    list: () => {
      listCalls += 1;
      return Promise.resolve(overview);
    },
    reproduce: (input: unknown) => {
      reproduceCalls.push(input);
      return reproduceReply();
    },
  },
};
const connection = { status: () => ({ state: 'open', retryAtMs: null, openCount: 1 }), onStatus: () => () => undefined, retryNow: () => undefined };
vi.mock('../../src-renderer/src/api/client', () => ({ saddle: () => fakeApi, saddleClient: () => ({ api: fakeApi, connection }) }));

const { useClaimsStore } = await import('../../src-renderer/src/stores/claims');
const { useAppStore } = await import('../../src-renderer/src/stores/app');
const { useProjectStore } = await import('../../src-renderer/src/stores/project');

function push<E extends EventName>(event: E, payload: EventPayload<E>): void {
  for (const listener of listeners.get(event) ?? []) listener(payload);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await nextTick();
}

function openProject(): void {
  useProjectStore().info = { path: '/tmp/a.saddle' } as unknown as ReturnType<typeof useProjectStore>['info'];
}

describe('the claims store', () => {
  beforeEach(async () => {
    listeners.clear();
    listCalls = 0;
    reproduceCalls = [];
    setActivePinia(createPinia());
    useClaimsStore();
    await settle();
  });

  it('reads the claims while the Papers view is shown, and on its next showing after a change', async () => {
    expect(listCalls).toBe(0);
    const app = useAppStore();
    app.view = 'papers';
    await settle();
    expect(listCalls).toBe(1);
    push('analyses.changed', { experimentId: 3, state: 'stored', records: [] });
    await settle();
    expect(listCalls).toBe(2);
    push('analyses.changed', { experimentId: 3, state: 'computing' });
    await settle();
    expect(listCalls).toBe(2);
    app.view = 'workbench';
    await settle();
    push('experiments.changed', {});
    push('analyses.changed', { experimentId: 3, state: 'stored', records: [] });
    await settle();
    expect(listCalls).toBe(2);
    app.view = 'papers';
    await settle();
    expect(listCalls).toBe(3);
    expect(useClaimsStore().overview).toEqual(overview);
  });

  it('without a project: says to open one and asks the host nothing', async () => {
    const claims = useClaimsStore();
    await claims.reproduce('000-5', 'quick');
    expect(reproduceCalls).toEqual([]);
    expect(claims.reproduceErrors.get('000-5')).toMatch(/^Open or create a project first/);
  });

  it('a refused reproduce shows the host\'s message on its claim, and a new try clears it', async () => {
    openProject();
    const claims = useClaimsStore();
    reproduceReply = () => Promise.reject(new Error('example X has no file'));
    await claims.reproduce('000-5', 'full');
    expect(reproduceCalls).toEqual([{ claimId: '000-5', variant: 'full' }]);
    expect(claims.reproduceErrors.get('000-5')).toBe('example X has no file');
    expect(claims.reproducing.has('000-5')).toBe(false);
    reproduceReply = () => Promise.resolve({ experimentIds: [7] });
    await claims.reproduce('000-5', 'quick');
    expect(claims.reproduceErrors.has('000-5')).toBe(false);
  });

  it('is running until every started experiment\'s analyses are stored; a failed one is reported', async () => {
    openProject();
    const claims = useClaimsStore();
    reproduceReply = () => Promise.resolve({ experimentIds: [7, 8] });
    await claims.reproduce('001-2', 'quick');
    expect(claims.reproducing.has('001-2')).toBe(true);
    push('analyses.changed', { experimentId: 7, state: 'stored', records: [] });
    expect(claims.reproducing.has('001-2')).toBe(true);
    push('analyses.changed', { experimentId: 8, state: 'failed', error: 'fit did not converge' });
    expect(claims.reproducing.has('001-2')).toBe(false);
    expect(claims.reproduceErrors.get('001-2')).toBe('the analyses of experiment 8 failed: fit did not converge');
  });
});
