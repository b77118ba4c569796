import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { Scheduler, type ChunkOut, type FinishedOutcome } from '../../src-main/core/scheduler';
import { requireBuild, workerFile as builtWorkerFile } from '../helpers/paths';

const workerFile = fileURLToPath(new URL('../fixtures/flaky-worker.mjs', import.meta.url));
const unloadableWorkerFile = fileURLToPath(new URL('../fixtures/unloadable-worker.mjs', import.meta.url));

function harness(poolSize: number, file = workerFile) {
  const finished = new Map<number, FinishedOutcome>();
  const chunks: ChunkOut[] = [];
  const started: number[] = [];
  const devices = new Map<number, string>();
  const scheduler = new Scheduler(
    { workerFile: file, poolSize, cancelGraceMs: 100 },
    {
      onStarted: (runId) => started.push(runId),
      onChunk: (chunk) => chunks.push(chunk),
      onProgress: () => {},
      onDevice: (runId, used) => devices.set(runId, used.device),
      onFinished: (runId, outcome) => finished.set(runId, outcome),
    },
  );
  return { scheduler, finished, chunks, started, devices };
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

  it('a worker file that cannot load fails every run of the sweep, none left waiting', async () => {
    const h = harness(2, unloadableWorkerFile);
    open = h.scheduler;
    const runIds = Array.from({ length: 150 }, (_, i) => i + 1);
    await Promise.all(runIds.map((runId) => h.scheduler.submit({ runId, family: 'x', params: {}, seed: runId })));
    expect([...h.finished.keys()].sort((a, b) => a - b)).toEqual(runIds);
    for (const outcome of h.finished.values()) expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('this worker file cannot load') });
    expect(h.started).toEqual([]);
  });

  it('a sweep larger than a batch: every run once, its chunks before its outcome', async () => {
    const order: string[] = [];
    const scheduler = new Scheduler(
      { workerFile, poolSize: 2 },
      {
        onStarted: (runId) => order.push(`start ${runId}`),
        onChunk: (chunk) => order.push(`chunk ${chunk.runId} ${chunk.y[0]}`),
        onProgress: () => {},
        onDevice: () => {},
        onFinished: (runId, outcome) => order.push(`end ${runId} ${outcome.status === 'done' ? outcome.summary.finalLoss : outcome.status}`),
      },
    );
    open = scheduler;
    const runIds = Array.from({ length: 300 }, (_, i) => i + 1);
    await Promise.all(runIds.map((runId) => scheduler.submit({ runId, family: 'x', params: {}, seed: 1000 + runId })));
    for (const runId of runIds) {
      const events = order.filter((line) => line.split(' ')[1] === String(runId));
      expect(events).toEqual([`start ${runId}`, `chunk ${runId} ${1000 + runId}`, `end ${runId} ${1000 + runId}`]);
    }
  });
});

// Scheduler.preload: the CLI's `run` has the thread load the spec's family while the project opens.
describe('family preload', () => {
  it('a family that does not load: the preload neither hangs nor aborts, and the run fails with the reason', async () => {
    requireBuild();
    const h = harness(1, builtWorkerFile);
    open = h.scheduler;
    h.scheduler.preload('no-such-family');
    await h.scheduler.submit({ runId: 1, family: 'no-such-family', params: {}, seed: 0 });
    expect(h.finished.get(1)).toMatchObject({ status: 'failed', error: expect.stringContaining("unknown family 'no-such-family'") });
    await h.scheduler.close();
    open = null;
  });

  it('closed while its family loads, before any run (a project that did not open): no abort, no hang', async () => {
    requireBuild();
    const h = harness(1, builtWorkerFile);
    h.scheduler.preload('mode-flow');
    await h.scheduler.close();
    expect(h.finished.size).toBe(0);
  });

  it('on a worker file that cannot load: the runs fail with the reason and close does not wait for ever', async () => {
    const h = harness(1, unloadableWorkerFile);
    open = h.scheduler;
    h.scheduler.preload('mode-flow');
    await h.scheduler.submit({ runId: 1, family: 'mode-flow', params: {}, seed: 0 });
    expect(h.finished.get(1)).toMatchObject({ status: 'failed', error: expect.stringContaining('this worker file cannot load') });
  });
});
