import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Scheduler, type ChunkOut, type FinishedOutcome } from '../../src-main/core/scheduler';
import { getFamily } from '../../workers/families/index';
import { runFamily, wallClockMetric, type WorkerMessage } from '../../workers/pool-worker';
import type { MetricChunk } from '../../workers/family';
import { requireBuild, workerFile as builtWorkerFile } from '../helpers/paths';

const workerFile = fileURLToPath(new URL('../fixtures/flaky-worker.mjs', import.meta.url));

function harness(poolSize: number, file = workerFile) {
  const finished = new Map<number, FinishedOutcome>();
  const chunks: ChunkOut[] = [];
  const started: number[] = [];
  const devices = new Map<number, string>();
  /** Per run, in the order the hooks heard them: 'started', each chunk's metric, 'finished'. */
  const events = new Map<number, string[]>();
  const note = (runId: number, event: string) => events.set(runId, [...(events.get(runId) ?? []), event]);
  const scheduler = new Scheduler(
    { workerFile: file, poolSize, cancelGraceMs: 100 },
    {
      onStarted: (runId) => {
        started.push(runId);
        note(runId, 'started');
      },
      onChunk: (chunk) => {
        chunks.push(chunk);
        note(chunk.runId, chunk.metric);
      },
      onProgress: () => {},
      onDevice: (runId, used) => devices.set(runId, used.device),
      onFinished: (runId, outcome) => {
        finished.set(runId, outcome);
        note(runId, 'finished');
      },
    },
  );
  return { scheduler, finished, chunks, started, devices, events };
}

/** The same run in this thread, straight through runFamily: every chunk it emits, in order. */
async function chunksInProcess(familyId: string, params: Record<string, unknown>, seed: number): Promise<MetricChunk[]> {
  const channel = new MessageChannel();
  const chunks: MetricChunk[] = [];
  const ended = new Promise<void>((resolve) => {
    channel.port1.on('message', (message: WorkerMessage) => {
      if (message.type === 'chunks' || message.type === 'end') chunks.push(...(message.chunks ?? []));
      if (message.type === 'end') resolve();
    });
  });
  await runFamily(getFamily(familyId), { family: familyId, params, seed, port: channel.port2 });
  await ended;
  channel.port1.close();
  return chunks;
}

let open: Scheduler | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

describe('scheduler on a real piscina pool', () => {
  it('a worker that throws fails only its run; the others finish with their chunks', async () => {
    const h = harness(2);
    open = h.scheduler;
    await Promise.all(
      [1, 2, 3, 4].map((runId) =>
        h.scheduler.submit({ runId, family: 'x', params: runId === 2 ? { fail: 'run two' } : {}, seed: runId * 10 }),
      ),
    );
    expect(h.finished.get(2)).toMatchObject({ status: 'failed', error: 'boom: run two' });
    for (const runId of [1, 3, 4]) expect(h.finished.get(runId)).toMatchObject({ status: 'done', summary: { finalLoss: runId * 10 } });
    // Every chunk of a finished run arrived before its outcome, and transferred arrays are intact.
    expect(h.chunks.filter((c) => c.runId !== 2).map((c) => [c.runId, Array.from(c.y)])).toEqual(
      expect.arrayContaining([[1, [10, 11, 12]], [3, [30, 31, 32]], [4, [40, 41, 42]]]),
    );
    expect(h.started.sort()).toEqual([1, 2, 3, 4]);
  });

  it('cancel stops a running task (after the grace period) and drops queued ones; the pool goes on', async () => {
    const h = harness(1);
    open = h.scheduler;
    const slow = h.scheduler.submit({ runId: 1, family: 'x', params: { sleepMs: 30_000 }, seed: 0 });
    const queued = h.scheduler.submit({ runId: 2, family: 'x', params: {}, seed: 0 });
    while (!h.started.includes(1)) await new Promise((r) => setTimeout(r, 10));
    expect(h.scheduler.cancel([1, 2])).toBe(2);
    await Promise.all([slow, queued]);
    expect(h.finished.get(1)?.status).toBe('cancelled');
    expect(h.finished.get(2)?.status).toBe('cancelled');
    expect(h.started).not.toContain(2);
    await h.scheduler.submit({ runId: 3, family: 'x', params: {}, seed: 7 });
    expect(h.finished.get(3)).toMatchObject({ status: 'done', summary: { finalLoss: 7 } });
  });

  it('never terminates a run on a GPU by force: it stops on its own after the grace period', async () => {
    const h = harness(1);
    open = h.scheduler;
    // Reports a GPU, then takes 400 ms (4× the grace period) to stop after the cancel message.
    const run = h.scheduler.submit({ runId: 1, family: 'x', params: { gpuStopMs: 400 }, seed: 0 });
    while (h.devices.get(1) !== 'gpu') await new Promise((r) => setTimeout(r, 10));
    h.scheduler.cancel([1]);
    await run;
    expect(h.finished.get(1)).toMatchObject({ status: 'cancelled', error: 'stopped on its own' });
  });

  it('a run handed to a thread ahead of time and cancelled ends at once and never starts; the one running goes on', async () => {
    const h = harness(1);
    open = h.scheduler;
    const slow = h.scheduler.submit({ runId: 1, family: 'x', params: { sleepMs: 300 }, seed: 1 });
    const next = h.scheduler.submit({ runId: 2, family: 'x', params: {}, seed: 2 });
    const after = h.scheduler.submit({ runId: 3, family: 'x', params: {}, seed: 3 });
    while (!h.started.includes(1)) await new Promise((r) => setTimeout(r, 10));
    expect(h.scheduler.cancel([2])).toBe(1);
    await next;
    expect(h.finished.get(2)?.status).toBe('cancelled');
    expect(h.finished.has(1)).toBe(false);
    await Promise.all([slow, after]);
    expect(h.finished.get(1)).toMatchObject({ status: 'done', summary: { finalLoss: 1 } });
    expect(h.finished.get(3)).toMatchObject({ status: 'done', summary: { finalLoss: 3 } });
    expect(h.started).toEqual([1, 3]);
  });

  it('terminating a thread for a deaf cancelled run reruns the run handed to it ahead of time, on a fresh thread', async () => {
    const h = harness(1);
    open = h.scheduler;
    const deaf = h.scheduler.submit({ runId: 1, family: 'x', params: {}, seed: 777_777 }); // sleeps 30 s, ignores cancel
    const next = h.scheduler.submit({ runId: 2, family: 'x', params: {}, seed: 2 });
    while (!h.started.includes(1)) await new Promise((r) => setTimeout(r, 10));
    h.scheduler.cancel([1]);
    await Promise.all([deaf, next]);
    expect(h.finished.get(1)?.status).toBe('cancelled');
    expect(h.finished.get(2)).toMatchObject({ status: 'done', summary: { finalLoss: 2 } });
    expect(h.chunks.filter((c) => c.runId === 2).map((c) => Array.from(c.y))).toEqual([[2, 3, 4]]);
  });

  it('a run that ends its thread before it starts fails alone; the run handed after it runs on a fresh thread', async () => {
    const h = harness(1);
    open = h.scheduler;
    await Promise.all([
      h.scheduler.submit({ runId: 1, family: 'x', params: { exitThread: true }, seed: 1 }),
      h.scheduler.submit({ runId: 2, family: 'x', params: {}, seed: 2 }),
    ]);
    expect(h.finished.get(1)?.status).toBe('failed');
    expect(h.finished.get(2)).toMatchObject({ status: 'done', summary: { finalLoss: 2 } });
    expect(h.started).toEqual([2]);
  });

  it("many short runs of a real family: each run's chunks arrive complete and in order, between its start and its end", async () => {
    requireBuild();
    const h = harness(2, builtWorkerFile);
    open = h.scheduler;
    const family = getFamily('mode-flow');
    const runs = Array.from({ length: 24 }, (_, i) => ({ runId: i + 1, params: family.params.parse({ depth: 2 + (i % 4), initScale: 0.01 * (1 + i) }) as Record<string, unknown>, seed: i }));
    await Promise.all(runs.map((run) => h.scheduler.submit({ ...run, family: 'mode-flow' })));
    for (const run of runs) {
      expect(h.finished.get(run.runId)?.status).toBe('done');
      const expected = await chunksInProcess('mode-flow', run.params, run.seed);
      const got = h.chunks.filter((c) => c.runId === run.runId);
      expect(got.map((c) => c.metric)).toEqual(expected.map((c) => c.metric));
      // Same points, bit for bit, except the wall clock's seconds (a different run, a different clock).
      got.forEach((chunk, i) => {
        expect(Array.from(chunk.x)).toEqual(Array.from(expected[i].x));
        if (chunk.metric !== wallClockMetric) expect(Array.from(chunk.y)).toEqual(Array.from(expected[i].y));
      });
      expect(h.events.get(run.runId)).toEqual(['started', ...expected.map((c) => c.metric), 'finished']);
    }
  });
});

