// The host's live feed: status changes of one tick leave as one event, in order, and a flush (the
// project closing) sends what is pending at once.
import { describe, expect, it } from 'vitest';
import type { RunStatusChange } from '../../src-main/contract/api';
import { StatusBatch } from '../../src-main/core/live-feed';

const change = (runId: number, status: RunStatusChange['status']): RunStatusChange => ({ runId, experimentId: 1, status, progress: 0, etaMs: null, error: null, summary: null });
const nextTick = () => new Promise((resolve) => setImmediate(resolve));

describe('StatusBatch', () => {
  it('sends the changes of one tick as one batch, in order', async () => {
    const sent: RunStatusChange[][] = [];
    const batch = new StatusBatch((changes) => sent.push(changes));
    for (let runId = 1; runId <= 125; runId++) batch.push(change(runId, 'done'));
    batch.push(change(7, 'cancelled'));
    expect(sent).toEqual([]);
    await nextTick();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toHaveLength(126);
    expect(sent[0].map((c) => c.runId).slice(0, 3)).toEqual([1, 2, 3]);
    expect(sent[0].at(-1)).toEqual(change(7, 'cancelled'));
    batch.push(change(1, 'running'));
    await nextTick();
    expect(sent).toHaveLength(2);
  });

  it('flush sends at once and sends nothing when empty; dispose drops what is pending', async () => {
    const sent: RunStatusChange[][] = [];
    const batch = new StatusBatch((changes) => sent.push(changes));
    batch.flush();
    expect(sent).toEqual([]);
    batch.push(change(1, 'queued'));
    batch.flush();
    expect(sent).toEqual([[change(1, 'queued')]]);
    batch.push(change(2, 'queued'));
    batch.dispose();
    await nextTick();
    expect(sent).toHaveLength(1);
  });
});
