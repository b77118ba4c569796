// Live events reach the page in batches: status changes folded into the runs in order, points
// joined per run and metric, a batch applied once per frame (in a task just after it) and spaced
// by what the last one cost, the sweep's time left from the rate its runs finish, and big sweeps
// drawn as an even subset.
import { describe, expect, it, vi } from 'vitest';
import type { Run, RunStatusChange } from '../../src-main/contract/api';
import { defaultDrawCap, spreadSubset } from '../../src-renderer/src/logic/draw-cap';
import { afterNextFrame, applyStatusChanges, FrameBatch, joinPoints, noneActiveAfter, sameItemsOr, sweepEtaMs, type FrameScheduler } from '../../src-renderer/src/logic/live-batch';

function run(id: number, status: Run['status']): Run {
  return { id, experimentId: 1, status, progress: 0, error: null, summary: null } as Run;
}

function change(runId: number, status: Run['status'], extra: Partial<RunStatusChange> = {}): RunStatusChange {
  return { runId, experimentId: 1, status, progress: status === 'done' ? 1 : 0.5, etaMs: null, error: null, summary: null, ...extra };
}

/**
 * Frames by hand: `frame()` runs what was requested (whatever delay it was requested with), then
 * reports drawn what was changed before it.
 */
function manualFrames() {
  let clock = 0;
  const requests: { callback: () => void; delayMs: number; cancelled: boolean }[] = [];
  const drawnCallbacks: (() => void)[] = [];
  const frames: FrameScheduler = {
    request(callback, delayMs) {
      const request = { callback, delayMs, cancelled: false };
      requests.push(request);
      return () => (request.cancelled = true);
    },
    drawn: (callback) => drawnCallbacks.push(callback),
    now: () => clock,
  };
  return {
    frames,
    requests,
    advance: (ms: number) => (clock += ms),
    frame: async () => {
      const drawn = drawnCallbacks.splice(0);
      requests.filter((request) => !request.cancelled).forEach((request) => ((request.cancelled = true), request.callback()));
      drawn.forEach((callback) => callback());
      // What the batches do once drawn (their cost, the next request) runs in the promise jobs after.
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

describe('applyStatusChanges', () => {
  it('applies changes in order, keeps untouched runs as they were, and names finished and unknown runs', () => {
    const before = new Map([1, 2, 3].map((id) => [id, run(id, 'queued')]));
    const summary = { escapeTime: 12 };
    const { runs, finished, unknown } = applyStatusChanges(before, [
      change(1, 'running'),
      change(1, 'done', { summary }),
      change(2, 'running'),
      change(9, 'running'),
    ]);
    expect(runs.get(1)).toMatchObject({ status: 'done', progress: 1, summary });
    expect(runs.get(2)?.status).toBe('running');
    expect(runs.get(3)).toBe(before.get(3));
    expect(before.get(1)?.status).toBe('queued');
    expect(finished).toEqual([1]);
    expect(unknown).toEqual([9]);
  });

  it('does not count a run that was already finished, nor one sent to Slurm', () => {
    const before = new Map([run(1, 'done'), run(2, 'queued')].map((r) => [r.id, r]));
    expect(applyStatusChanges(before, [change(1, 'done'), change(2, 'submitted')]).finished).toEqual([]);
  });
});

describe('noneActiveAfter', () => {
  it('is true only when the pending changes end every queued or running run (the last change of a run counts)', () => {
    const runs = new Map([run(1, 'running'), run(2, 'queued'), run(3, 'done'), run(4, 'submitted')].map((r) => [r.id, r]));
    expect(noneActiveAfter(runs, [change(1, 'done')])).toBe(false);
    expect(noneActiveAfter(runs, [change(1, 'done'), change(2, 'running')])).toBe(false);
    expect(noneActiveAfter(runs, [change(1, 'done'), change(2, 'failed')])).toBe(true);
    expect(noneActiveAfter(runs, [change(1, 'done'), change(2, 'done'), change(3, 'queued')])).toBe(false);
    expect(noneActiveAfter(runs, [change(2, 'done'), change(1, 'cancelled')])).toBe(true);
    expect(noneActiveAfter(new Map(), [])).toBe(true);
  });
});

describe('joinPoints', () => {
  it('joins points of one run and metric in arrival order and keeps the others apart', () => {
    const joined = joinPoints([
      { runId: 1, metric: 'loss', x: [1, 2], y: [10, 9] },
      { runId: 2, metric: 'loss', x: [1], y: [5] },
      { runId: 1, metric: 'loss', x: [3], y: [8] },
      { runId: 1, metric: 'sigma', x: [1], y: [0.1] },
    ]);
    expect(joined).toEqual([
      { runId: 1, metric: 'loss', x: [1, 2, 3], y: [10, 9, 8] },
      { runId: 2, metric: 'loss', x: [1], y: [5] },
      { runId: 1, metric: 'sigma', x: [1], y: [0.1] },
    ]);
  });
});

describe('FrameBatch', () => {
  it('hands over everything pushed before a frame once, in order, and asks for one frame per batch', async () => {
    const { frames, requests, frame } = manualFrames();
    const applied: number[][] = [];
    const batch = new FrameBatch<number>((items) => applied.push(items), frames);
    batch.push(1);
    batch.push(2, 3);
    batch.push(4);
    expect(requests).toHaveLength(1);
    expect(applied).toEqual([]);
    await frame();
    expect(applied).toEqual([[1, 2, 3, 4]]);
    await frame();
    expect(applied).toHaveLength(1);
  });

  it('counts a batch until the frame that shows it is drawn, and then waits (costFactor − 1) times that cost', async () => {
    const { frames, requests, advance, frame } = manualFrames();
    const batch = new FrameBatch<number>(() => advance(30), frames, 4);
    batch.push(1);
    expect(requests[0].delayMs).toBe(0);
    await frame(); // applied: 30 ms of script
    batch.push(2);
    // Not asked for while the first batch is not drawn: its cost is not known yet.
    expect(requests).toHaveLength(1);
    advance(20); // the frame's style, layout and paint
    await frame(); // drawn: 50 ms in all, so the next waits 150 ms
    expect(requests).toHaveLength(2);
    expect(requests[1].delayMs).toBe(150);
    await frame(); // applied: 30 ms, drawn at once
    await frame();
    advance(200);
    batch.push(3);
    // The last batch ended 200 ms ago, well past its 90 ms wait.
    expect(requests.at(-1)?.delayMs).toBe(0);
  });

  it('hurry asks for the next frame instead of the cost wait, also while the last batch is drawn, and only with something gathered', async () => {
    const { frames, requests, advance, frame } = manualFrames();
    const applied: number[][] = [];
    const batch = new FrameBatch<number>((items) => (applied.push(items), advance(30)), frames, 4);
    batch.hurry();
    expect(requests).toHaveLength(0);
    batch.push(1);
    await frame();
    await frame();
    batch.push(2, 3);
    expect(requests.at(-1)?.delayMs).toBe(90);
    expect(batch.pending).toEqual([2, 3]);
    batch.hurry();
    expect(requests.at(-2)?.cancelled).toBe(true);
    expect(requests.at(-1)?.delayMs).toBe(0);
    await frame();
    expect(applied).toEqual([[1], [2, 3]]);
    expect(batch.pending).toEqual([]);
    batch.push(4);
    batch.hurry();
    await frame();
    expect(applied).toEqual([[1], [2, 3], [4]]);
  });

  it('flush applies at once and clear forgets, both cancelling the frame asked for', async () => {
    const { frames, requests, frame } = manualFrames();
    const applied: number[][] = [];
    const batch = new FrameBatch<number>((items) => applied.push(items), frames);
    batch.push(1);
    void batch.flush();
    expect(applied).toEqual([[1]]);
    expect(requests[0].cancelled).toBe(true);
    await frame();
    batch.push(2);
    batch.clear();
    expect(requests[1].cancelled).toBe(true);
    void batch.flush();
    await frame();
    expect(applied).toEqual([[1]]);
  });
});

describe('afterNextFrame', () => {
  it('runs its work in a task of its own after the frame, not inside it; cancelling before or after the frame stops it', async () => {
    const frameCallbacks: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frameCallbacks.push(callback));
    vi.stubGlobal('cancelAnimationFrame', (handle: number) => (frameCallbacks[handle - 1] = () => undefined));
    try {
      const ran: string[] = [];
      afterNextFrame(() => ran.push('work'));
      const cancelledEarly = afterNextFrame(() => ran.push('cancelled before the frame'));
      const cancelledLate = afterNextFrame(() => ran.push('cancelled after the frame'));
      cancelledEarly();
      frameCallbacks.forEach((callback) => callback());
      cancelledLate();
      ran.push('frame done');
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(ran).toEqual(['frame done', 'work']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('sweepEtaMs', () => {
  it('is the mean gap between recent finishes times the runs left', () => {
    expect(sweepEtaMs([1000, 1200, 1400, 1600], 10)).toBe(2000);
    // Only the last `window` finishes count: the rate after a slow start.
    expect(sweepEtaMs([0, 10_000, 10_100, 10_200], 5, 3)).toBe(500);
  });

  it('is unknown before two runs have finished, and zero when none are left', () => {
    expect(sweepEtaMs([], 5)).toBeNull();
    expect(sweepEtaMs([1000], 5)).toBeNull();
    expect(sweepEtaMs([1000], 0)).toBe(0);
  });
});

describe('spreadSubset', () => {
  it('keeps a selection that fits, and spreads a bigger one evenly with both ends', () => {
    const few = [1, 2, 3];
    expect(spreadSubset(few, defaultDrawCap)).toBe(few);
    const sweep = Array.from({ length: 250 }, (_, i) => i);
    const drawn = spreadSubset(sweep, 40);
    expect(drawn).toHaveLength(40);
    expect(drawn[0]).toBe(0);
    expect(drawn.at(-1)).toBe(249);
    expect(new Set(drawn).size).toBe(40);
    const gaps = drawn.slice(1).map((value, i) => value - drawn[i]);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThanOrEqual(1);
  });
});

describe('sameItemsOr', () => {
  const a = { depth: 2 };
  const b = { depth: 3 };
  it('keeps the previous array while the items are the same objects in the same order', () => {
    const previous = [a, b];
    expect(sameItemsOr(previous, [a, b])).toBe(previous);
  });
  it('takes the new array when an item was replaced, added, removed or moved, or there was none before', () => {
    const previous = [a, b];
    for (const next of [[a, { depth: 3 }], [a, b, a], [a], [b, a]]) expect(sameItemsOr(previous, next)).toBe(next);
    const first = [a];
    expect(sameItemsOr(undefined, first)).toBe(first);
  });
});

describe('parameters across status changes', () => {
  it('a batch of status changes keeps each run\'s params object, so the list of them stays the same array', () => {
    const runs = new Map([1, 2, 3].map((id) => [id, { ...run(id, 'queued'), params: { depth: id } } as Run]));
    const previous = [...runs.values()].map((r) => r.params);
    const applied = applyStatusChanges(runs, [change(1, 'running'), change(2, 'done'), change(3, 'failed', { error: 'boom' })]);
    expect(applied.runs.get(2)!.status).toBe('done');
    expect(sameItemsOr(previous, [...applied.runs.values()].map((r) => r.params))).toBe(previous);
  });
});
