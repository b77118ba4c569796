// The run lifecycle around the scheduler: a worker's outcome is checked when it arrives, a sweep
// always finishes, and runs cancelled in the queue end at once.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Scheduler, type FinishedOutcome } from '../../src-main/core/scheduler';
import { RecentProjects } from '../../src-main/core/recent';
import { tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';
import { statusChanges } from '../helpers/events';

const workerFile = fileURLToPath(new URL('../fixtures/flaky-worker.mjs', import.meta.url));

let closeLater: (() => Promise<void>) | null = null;
afterEach(async () => {
  await closeLater?.();
  closeLater = null;
});

function scheduler(poolSize: number) {
  const finished = new Map<number, FinishedOutcome>();
  const started: number[] = [];
  const devices = new Map<number, string>();
  const s = new Scheduler(
    { workerFile, poolSize, cancelGraceMs: 100 },
    {
      onStarted: (runId) => started.push(runId),
      onChunk: () => {},
      onProgress: () => {},
      onDevice: (runId, used) => devices.set(runId, used.device),
      onFinished: (runId, outcome) => finished.set(runId, outcome),
    },
  );
  closeLater = () => s.close();
  return { s, finished, started, devices };
}

describe('run outcomes are checked on arrival', () => {
  it('a summary holding NaN or ±Infinity ends its run as diverged, naming the values (the one non-finite rule)', async () => {
    const h = scheduler(1);
    await h.s.submit({ runId: 1, family: 'x', params: { summary: { finalLoss: NaN, escapeTimes: [1, Infinity], note: 'ok' } }, seed: 0 });
    const outcome = h.finished.get(1);
    expect(outcome).toMatchObject({ status: 'diverged', summary: null });
    expect(outcome?.status === 'diverged' && outcome.error).toBe("the run's results hold non-finite numbers: summary.finalLoss = NaN, summary.escapeTimes[1] = Infinity");
  });

  it('a finite summary is done; a run that never named its device is recorded on the CPU', async () => {
    const h = scheduler(1);
    await h.s.submit({ runId: 1, family: 'x', params: { summary: { finalLoss: 0.5, escapeTimes: [1, null] } }, seed: 0 });
    expect(h.finished.get(1)).toMatchObject({ status: 'done', summary: { finalLoss: 0.5, escapeTimes: [1, null] } });
    expect(h.devices.get(1)).toBe('cpu');
  });

  it('the service stores the divergence, and the sweep finishes (CLI and analyses do not wait forever)', async () => {
    const dir = tempDir();
    const service = testService({ workerFile, poolSize: 1, recent: new RecentProjects(dir) });
    closeLater = () => service.close();
    const statuses: string[] = [];
    const deviceWhenRunning = new Map<number, string | null>();
    service.on((event, payload) => {
      for (const { runId, status } of statusChanges(event, payload)) {
        statuses.push(status);
        if (status === 'running') deviceWhenRunning.set(runId, service.project!.getRun(runId).device);
      }
    });
    await service.dispatch('projects', 'new', { path: join(dir, 'nan.saddle') });
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'mode-flow', name: 'nan', params: {}, sweep: {}, seeds: [1, 999_999] } })) as { id: number };
    await service.dispatch('runs', 'start', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    const runs = (await service.dispatch('runs', 'list', { experimentId: experiment.id })) as { id: number; seed: number; status: string; error: string | null; device: string | null }[];
    expect(runs.map((r) => [r.seed, r.status])).toEqual([[1, 'done'], [999_999, 'diverged']]);
    expect(runs[1].error).toMatch(/summary\.finalLoss = NaN/);
    // Both ran to their end in plain TypeScript, on the CPU.
    expect(runs.map((r) => r.device)).toEqual(['cpu', 'cpu']);
    // Never guessed: while running a run has no device or the one its worker named (status events
    // go out batched per tick, so the worker may have named it by then).
    for (const run of runs) expect([null, run.device]).toContain(deviceWhenRunning.get(run.id));
    expect(deviceWhenRunning.size).toBe(2);
    expect(statuses.filter((s) => s === 'done' || s === 'diverged').sort()).toEqual(['diverged', 'done']);
  });
});

describe('a sweep\'s analyses are pushed to the windows', () => {
  async function sweepEvents(seeds: number[]) {
    const dir = tempDir();
    const service = testService({ workerFile, poolSize: 1, recent: new RecentProjects(dir) });
    closeLater = () => service.close();
    const events: unknown[] = [];
    service.on((event, payload) => {
      if (event === 'analyses.changed') events.push(payload);
      for (const change of statusChanges(event, payload)) if (['done', 'failed', 'cancelled'].includes(change.status)) events.push('run ended');
    });
    await service.dispatch('projects', 'new', { path: join(dir, 'analyses.saddle') });
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'mode-flow', name: 'a', params: {}, sweep: {}, seeds } })) as { id: number };
    await service.dispatch('runs', 'start', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    return { events, experimentId: experiment.id };
  }

  it('computing when the last run has ended, then the stored records with the event', async () => {
    const { events, experimentId } = await sweepEvents([1, 2]);
    expect(events).toEqual(['run ended', 'run ended', { experimentId, state: 'computing' }, { experimentId, state: 'stored', records: [] }]);
  });

  it('a failed analysis is announced with its reason, and the sweep still finishes', async () => {
    const { events, experimentId } = await sweepEvents([1, 555_555]);
    expect(events.slice(2)).toEqual([{ experimentId, state: 'computing' }, { experimentId, state: 'failed', error: expect.stringContaining('no fit: the runs disagree') }]);
  });
});

describe('cancelling queued runs', () => {
  // Before the fix each queued run waited 5 s for a port that never opened (200 s for 40): the
  // queued runs must all end while the running one (sleeping far longer) is still running.
  it('ends many queued runs at once, without touching the one running', async () => {
    const h = scheduler(1);
    const slow = h.s.submit({ runId: 1, family: 'x', params: { sleepMs: 3_600_000 }, seed: 0 });
    const queuedIds = Array.from({ length: 40 }, (_, i) => i + 2);
    const queued = queuedIds.map((runId) => h.s.submit({ runId, family: 'x', params: {}, seed: runId }));
    while (!h.started.includes(1)) await new Promise((r) => setTimeout(r, 10));
    expect(h.s.cancel(queuedIds)).toBe(40);
    await Promise.all(queued);
    expect(queuedIds.map((id) => h.finished.get(id)?.status)).toEqual(queuedIds.map(() => 'cancelled'));
    expect(h.finished.has(1)).toBe(false);
    expect(h.started).toEqual([1]);
    h.s.cancel([1]);
    await slow;
    expect(h.finished.get(1)?.status).toBe('cancelled');
  });

  // Before the fix closing waited 5 s for every queued run (150 s here); now only the running one's
  // grace period (2 s). The limit separates the two with room for a loaded machine.
  it('closing a project with many queued runs ends them at once', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const service = testService({ workerFile, poolSize: 1, recent: new RecentProjects(dir) });
    closeLater = () => service.close();
    let running = false;
    service.on((event, payload) => {
      if (statusChanges(event, payload).some((change) => change.status === 'running')) running = true;
    });
    await service.dispatch('projects', 'new', { path: join(dir, 'close.saddle') });
    const seeds = [777_777, ...Array.from({ length: 30 }, (_, i) => i + 1)];
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'mode-flow', name: 'close', params: {}, sweep: {}, seeds } })) as { id: number };
    await service.dispatch('runs', 'start', { experimentId: experiment.id });
    while (!running) await new Promise((r) => setTimeout(r, 10));
    await service.dispatch('projects', 'close', {});
    expect(service.project).toBeNull();
  });
});
