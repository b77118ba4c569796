import { describe, expect, it, vi } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { z } from 'zod';
import { defineFamily, type MetricChunk } from '../../workers/family';
import runBatch, { packChunks, runFamily, wallClockMetric, type WorkerMessage } from '../../workers/pool-worker';

const family = defineFamily({
  id: 'test',
  title: 'test',
  summary: '',
  references: [],
  formulas: [],
  params: z.object({ blowUpAt: z.number().int().default(-1), steps: z.number().int().default(3) }),
  metrics: [],
  charts: [],
  async run(params, ctx) {
    for (let i = 0; i < params.steps; i++) {
      if (ctx.signal.aborted) return { finalLoss: null };
      const value = i === params.blowUpAt ? NaN : i;
      ctx.emit({ metric: 'loss', x: Float64Array.of(i), y: Float64Array.of(value) });
      ctx.progress((i + 1) / params.steps);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { finalLoss: params.steps - 1 };
  },
});

/** A metric's points over chunks, in order. */
function pointsOf(chunks: readonly MetricChunk[], metric: string): { x: number[]; y: number[] } {
  const mine = chunks.filter((c) => c.metric === metric);
  return { x: mine.flatMap((c) => Array.from(c.x)), y: mine.flatMap((c) => Array.from(c.y)) };
}

function collect() {
  const channel = new MessageChannel();
  const messages: WorkerMessage[] = [];
  channel.port1.on('message', (m: WorkerMessage) => messages.push(m));
  return { channel, messages };
}

describe('the pool worker', () => {
  it('streams chunks and progress, then ends the port', async () => {
    const { channel, messages } = collect();
    // The batching rule is about time, so the clock is a fake one: 15 ms of steps, whatever the machine's load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let outcome;
    try {
      const running = runFamily(family, { runId: 1, family: 'test', params: {}, seed: 0 }, channel.port2);
      await vi.runAllTimersAsync();
      outcome = await running;
    } finally {
      vi.useRealTimers();
    }
    expect(outcome).toMatchObject({ status: 'done', summary: { finalLoss: 2 } });
    await expect.poll(() => messages.at(-1)?.type).toBe('end');
    expect(messages[0].type).toBe('started');
    // Chunks cross in batches (at most 50 ms old): here the three 5 ms steps share one message,
    // and what is left at the end travels with 'end'.
    const batches = messages.flatMap((m) => (m.type === 'chunks' ? [m.chunks] : m.type === 'end' && m.chunks ? [m.chunks] : []));
    expect(batches.length).toBeLessThan(3);
    // A message holds one chunk per metric: the steps it gathered, joined.
    for (const batch of batches) expect(new Set(batch.map((c) => c.metric)).size).toBe(batch.length);
    const chunks = batches.flat();
    expect(pointsOf(chunks, 'loss')).toEqual({ x: [0, 1, 2], y: [0, 1, 2] });
    // The wall clock comes last, in one batch: one point per new x, seconds increasing.
    const wall = chunks.filter((m) => m.metric === wallClockMetric);
    expect(wall).toHaveLength(1);
    expect(chunks.at(-1)?.metric).toBe(wallClockMetric);
    expect([...wall[0].x]).toEqual([0, 1, 2]);
    expect([...wall[0].y].every((s, i, all) => s >= 0 && (i === 0 || s >= all[i - 1]))).toBe(true);
    expect(wall[0].y[2]).toBeGreaterThan(0.008); // two 5 ms waits separate the first and last chunk
    // Progress travels with the batches: the latest value of each, ending at 1.
    const progress = messages.flatMap((m) => (m.type === 'progress' ? [m.fraction] : m.type === 'end' && m.progress !== undefined ? [m.progress] : []));
    expect(progress.length).toBe(batches.length);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((f, i) => i === 0 || f > progress[i - 1])).toBe(true);
    channel.port1.close();
  });

  it('a run that ends before the first batch is due posts only started and end', async () => {
    const { channel, messages } = collect();
    const outcome = await runFamily(family, { runId: 1, family: 'test', params: { steps: 1 }, seed: 0 }, channel.port2);
    expect(outcome.status).toBe('done');
    await expect.poll(() => messages.at(-1)?.type).toBe('end');
    expect(messages.map((m) => m.type)).toEqual(['started', 'end']);
    const end = messages[1] as Extract<WorkerMessage, { type: 'end' }>;
    expect(end.chunks?.map((c) => c.metric)).toEqual(['loss', wallClockMetric]);
    expect(end.progress).toBe(1);
    channel.port1.close();
  });

  it('a run longer than the batch age posts its chunks as it goes, not all at the end', async () => {
    const { channel, messages } = collect();
    const outcome = await runFamily(family, { runId: 1, family: 'test', params: { steps: 30 }, seed: 0 }, channel.port2);
    expect(outcome.status).toBe('done');
    await expect.poll(() => messages.at(-1)?.type).toBe('end');
    // 30 steps of at least 5 ms: at least 150 ms, so at least three batches of at most 50 ms.
    const batches = messages.filter((m) => m.type === 'chunks');
    expect(batches.length).toBeGreaterThanOrEqual(3);
    const last = messages.at(-1) as Extract<WorkerMessage, { type: 'end' }>;
    const chunks = [...batches.flatMap((m) => m.chunks), ...(last.chunks ?? [])];
    expect(pointsOf(chunks, 'loss').x).toEqual(Array.from({ length: 30 }, (_, i) => i));
    channel.port1.close();
  });

  it('packs chunks per metric into one buffer, joined in order, every bit kept', () => {
    // Bit patterns a copy through numbers could change: -0, a NaN payload, a subnormal.
    const nanPayload = new Float64Array(new BigUint64Array([0x7ff8_0000_dead_beefn]).buffer)[0];
    const chunks: MetricChunk[] = [
      { metric: 'loss', x: Float64Array.of(0, 1), y: Float64Array.of(-0, 5e-324) },
      { metric: 'sigma/0', x: Float64Array.of(0), y: Float64Array.of(0.25) },
      { metric: 'loss', x: Float64Array.of(2), y: Float64Array.of(nanPayload) },
      { metric: 'empty', x: new Float64Array(0), y: new Float64Array(0) },
      { metric: 'sigma/0', x: Float64Array.of(1, 2), y: Float64Array.of(0.5, 0.75) },
    ];
    const points = chunks.reduce((sum, c) => sum + c.x.length, 0);
    const { chunks: packed, buffer } = packChunks(chunks, points);
    expect(buffer.byteLength).toBe(2 * points * 8);
    // Metrics in the order they first came, each once.
    expect(packed.map((c) => c.metric)).toEqual(['loss', 'sigma/0', 'empty']);
    for (const c of packed) expect(c.x.buffer === buffer && c.y.buffer === buffer).toBe(true);
    // Compared as bit patterns read in place (through numbers a NaN's payload may not survive).
    const bits = (values: Float64Array) => Array.from(new BigUint64Array(values.buffer, values.byteOffset, values.length));
    for (const metric of ['loss', 'sigma/0', 'empty']) {
      const mine = chunks.filter((c) => c.metric === metric);
      const [one] = packed.filter((c) => c.metric === metric);
      expect(bits(one.x)).toEqual(mine.flatMap((c) => bits(c.x)));
      expect(bits(one.y)).toEqual(mine.flatMap((c) => bits(c.y)));
    }
  });

  it('a NaN in a metric ends the run as diverged with where it happened', async () => {
    const { channel } = collect();
    const outcome = await runFamily(family, { runId: 1, family: 'test', params: { blowUpAt: 1 }, seed: 0 }, channel.port2);
    expect(outcome.status).toBe('diverged');
    expect(outcome.status !== 'done' && outcome.error).toMatch(/loss became NaN at x = 1/);
    channel.port1.close();
  });

  it('an aborted signal ends the run as cancelled', async () => {
    const { channel } = collect();
    const abort = new AbortController();
    const running = runFamily(family, { runId: 1, family: 'test', params: { steps: 1000 }, seed: 0 }, channel.port2, abort.signal);
    abort.abort();
    expect((await running).status).toBe('cancelled');
    channel.port1.close();
  });

  it('invalid params throw (the scheduler stores the run as failed)', async () => {
    const { channel } = collect();
    await expect(runFamily(family, { runId: 1, family: 'test', params: { steps: 'many' }, seed: 0 }, channel.port2)).rejects.toThrow();
    channel.port1.close();
  });

  it('a batch runs its runs in order: a run that throws ends as an error and the next one still runs', async () => {
    const { channel, messages } = collect();
    const runs = [
      { runId: 1, family: 'dln-train', params: { depth: 'deep' }, seed: 0 },
      { runId: 2, family: 'no-such-family', params: {}, seed: 0 },
      { runId: 3, family: 'mode-flow', params: { depth: 2, targets: [1], horizonMode: 'time', horizonTime: 0.01 }, seed: 0 },
    ];
    await runBatch({ runs, port: channel.port2, budgetMs: 60_000 });
    await expect.poll(() => messages.at(-1)?.type).toBe('batchEnd');
    const ends = messages.filter((m) => m.type === 'end');
    expect(ends.map((m) => m.runId)).toEqual([1, 2, 3]);
    expect(ends[0].error).toMatch(/depth/);
    expect(ends[1].error).toMatch(/no-such-family/);
    expect(ends[2].outcome?.status).toBe('done');
    // A family that does not resolve never started.
    expect(messages.filter((m) => m.type === 'started').map((m) => m.runId)).toEqual([1, 3]);
    expect(messages.at(-1)).toMatchObject({ type: 'batchEnd', returned: [] });
    channel.port1.close();
  });

  it('a batch past its time budget hands the runs it did not start back; a run cancelled before its turn never starts', async () => {
    const { channel, messages } = collect();
    const run = (runId: number) => ({ runId, family: 'mode-flow', params: { depth: 2, targets: [1], horizonMode: 'time', horizonTime: 0.01 }, seed: 0 });
    channel.port1.postMessage({ type: 'cancel', runId: 2 });
    // The cancel is delivered before the batch starts (the worker listens from its first line).
    await runBatch({ runs: [run(1), run(2), run(3)], port: channel.port2, budgetMs: 60_000 });
    await expect.poll(() => messages.at(-1)?.type).toBe('batchEnd');
    expect(messages.filter((m) => m.type === 'started').map((m) => m.runId)).toEqual([1, 3]);
    expect(messages.find((m) => m.type === 'end' && m.runId === 2)).toMatchObject({ outcome: { status: 'cancelled' } });
    channel.port1.close();

    const second = collect();
    await runBatch({ runs: [run(4), run(5), run(6)], port: second.channel.port2, budgetMs: 0 });
    await expect.poll(() => second.messages.at(-1)?.type).toBe('batchEnd');
    // The first run always runs (a batch makes progress); with no budget left the rest go back.
    expect(second.messages.filter((m) => m.type === 'started').map((m) => m.runId)).toEqual([4]);
    expect(second.messages.at(-1)).toMatchObject({ type: 'batchEnd', returned: [5, 6] });
    second.channel.port1.close();
  });
});
