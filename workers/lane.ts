// A lane: one piscina task that runs many runs in turn, fed over one port. The host hands a thread
// its next run while the current one is still going, so between short runs the thread never waits
// for the host (a sweep of 0.5 ms runs spent most of its time in that hand-over).
import type { MessagePort } from 'node:worker_threads';
import type { FamilySource } from './families/sources';
import type { HostMessage, RunOutcome, RunPort, RunTask, WorkerMessage } from './pool-worker';

export interface LaneTask {
  port: MessagePort;
}

export interface LaneRun {
  runId: number;
  family: string;
  source?: FamilySource;
  params: unknown;
  seed: number;
}

/** Host → lane. 'close': end the lane once the runs it holds are done. */
export type LaneHostMessage = { type: 'run'; run: LaneRun } | { type: 'cancel'; runId: number } | { type: 'close' };

/** Lane → host: a run's messages, in order, tagged with its id; its 'end' carries how it went. */
export type LaneMessage =
  | { runId: number; message: Exclude<WorkerMessage, { type: 'end' }> }
  | { runId: number; message: Extract<WorkerMessage, { type: 'end' }>; result: LaneResult };

/** A run that threw is not the lane's failure: its message goes back, and the lane goes on. */
export type LaneResult = { ok: true; outcome: RunOutcome } | { ok: false; error: string };

export async function serveLane(task: LaneTask, runOne: (task: RunTask) => Promise<RunOutcome>): Promise<void> {
  const { port } = task;
  const queue: LaneRun[] = [];
  const cancelled = new Set<number>();
  const listeners = new Map<number, (message: HostMessage) => void>();
  let closed = false;
  let wake: (() => void) | null = null;
  port.on('message', (message: LaneHostMessage) => {
    if (message.type === 'run') queue.push(message.run);
    else if (message.type === 'close') closed = true;
    else {
      cancelled.add(message.runId);
      listeners.get(message.runId)?.({ type: 'cancel' });
    }
    wake?.();
    wake = null;
  });

  async function serve(run: LaneRun): Promise<void> {
    const { runId } = run;
    if (cancelled.has(runId)) {
      port.postMessage({ runId, message: { type: 'end' }, result: { ok: true, outcome: { status: 'cancelled', error: 'cancelled by the user', summary: null, theory: [] } } } satisfies LaneMessage);
      return;
    }
    let end: { message: Extract<WorkerMessage, { type: 'end' }>; transfer: readonly ArrayBuffer[] } = { message: { type: 'end' }, transfer: [] };
    const runPort: RunPort = {
      postMessage(message, transfer = []) {
        if (message.type === 'end') end = { message, transfer };
        else port.postMessage({ runId, message } satisfies LaneMessage, transfer);
      },
      on(_event, listener) {
        listeners.set(runId, listener);
      },
      close() {
        listeners.delete(runId);
      },
    };
    let result: LaneResult;
    try {
      result = { ok: true, outcome: await runOne({ ...run, port: runPort }) };
    } catch (error) {
      result = { ok: false, error: error instanceof Error ? error.message || error.name : String(error) };
    }
    listeners.delete(runId);
    cancelled.delete(runId);
    port.postMessage({ runId, message: end.message, result } satisfies LaneMessage, end.transfer);
  }

  try {
    for (;;) {
      // One turn of the event loop first: a cancel sent while the last run held the thread is read here.
      await new Promise((resolve) => setImmediate(resolve));
      const run = queue.shift();
      if (run) await serve(run);
      else if (closed) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    port.close();
  }
}
