// The families on the compute backends: dln-train GD / SGD and the relu-escape MNIST training run
// the same program on the float64 CPU backend and on WebGPU (float32, lavapipe on CI), and agree
// within float32 tolerance: every recorded loss to 1e-4 relative (float32 rounding, 6e-8 per op,
// grown over up to 200 steps; measured 2e-7 to 5e-6). Runs report the device they used; an explicit
// 'gpu' without an adapter fails naming the reason; 'auto' keeps small problems on the CPU without
// loading WebGPU. The GPU cases skip, naming the reason, only when no adapter exists
// (SADDLE_REQUIRE_GPU=1 turns that into a failure).
/// <reference types="@webgpu/types" />
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { AUTO_GPU_MIN_WIDTH, CpuBackend, selectBackend, type ComputeBackend, type GpuProvider } from '../../workers/compute/index';
import type { RunSummary } from '../../workers/family';
import { family as dln } from '../../workers/families/dln-train';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { runDlnTrain } from '../../workers/families/dln-train/run';
import { family as relu } from '../../workers/families/relu-escape';
import { reluEscapeParams } from '../../workers/families/relu-escape/params';
import { runMnist } from '../../workers/families/relu-escape/run-mnist';
import runBatch, { type WorkerMessage } from '../../workers/pool-worker';
import { gpuForTests } from './compute-fixtures';
import { fakeRunContext, type RecordingContext } from './fake-run-context';

const probe = await gpuForTests();
const skipReason = probe.available ? '' : ` (skipped: ${probe.reason})`;
const LOSS_TOLERANCE = 1e-4;

const noAdapter: GpuProvider = async () => ({ requestAdapter: async () => null }) as unknown as GPU;

/** A provider that counts how often WebGPU was asked for (and has no adapter). */
function countingProvider(): { provider: GpuProvider; calls: () => number } {
  let calls = 0;
  return { provider: async () => (calls++, noAdapter()), calls: () => calls };
}

async function runDln(p: Record<string, unknown>, options = {}): Promise<{ summary: RunSummary; ctx: RecordingContext }> {
  const ctx = fakeRunContext();
  return { summary: await runDlnTrain(dlnTrainParams.parse(p), ctx, options), ctx };
}

async function runRelu(p: Record<string, unknown>, options = {}): Promise<{ summary: RunSummary; ctx: RecordingContext }> {
  const ctx = fakeRunContext();
  return { summary: await runMnist(reluEscapeParams.parse({ experiment: 'mnist', ...p }), ctx, options), ctx };
}

/** max_i |a_i − b_i| / |b_i| over two series of the same length. */
function maxRelative(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  expect(a.length).toBeGreaterThan(0);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));
}

const DLN_CASES: [string, Record<string, unknown>][] = [
  ['GD on a target, depth 3', { depth: 3, dim: 6, targetSingularValues: [3, 2, 1], singularVectors: 'random', init: 'small-random', initScale: 0.3, optimizer: 'gd', learningRate: 0.02, horizon: 4 }],
  ['SGD on regression', { task: 'regression', dim: 5, targetSingularValues: [2, 1], samples: 40, noise: 0.1, init: 'small-random', initScale: 0.2, optimizer: 'sgd', batchSize: 8, learningRate: 0.02, horizon: 3 }],
  ['SGD on completion', { task: 'completion', dim: 6, targetSingularValues: [2, 1], singularVectors: 'random', observedFraction: 0.7, init: 'small-random', initScale: 0.3, optimizer: 'sgd', batchSize: 8, learningRate: 0.02, horizon: 3 }],
];

/** 30 steps of lr = 15/‖θ‖² (‖θ‖ ≈ 7 at the start) that take the loss from 2.32 to about 1.56. */
const MNIST_SHORT = { depth: 3, hiddenWidth: 24, samples: 120, batchSize: 12, epochs: 3, records: 30, initStd: 0.05, lrConstant: 15, lrPower: 2, topSingular: 3 };

/** The two ops the MNIST step adds: lr = min(c/‖θ‖^k, ρ‖θ‖/‖g‖) on the device, then w ← w − lr g. */
async function adaptiveStep(be: ComputeBackend, c: number, k: number, rho: number): Promise<Float64Array> {
  const w = be.tensor(2, 3, [1, -2, 0.5, 3, 0.25, -1]), g = be.tensor(2, 3, [0.5, 1, -1, 2, 0, 4]);
  const [w2, g2, rate] = [be.tensor(1, 1), be.tensor(1, 1), be.tensor(1, 1)];
  be.sumSquares(w, w2);
  be.sumSquares(g, g2);
  be.normAdaptiveRate(w2, g2, rate, c, k, rho);
  be.sgdStepBy(w, g, rate);
  return Float64Array.from([...(await be.read(rate)), ...(await be.read(w))]);
}

describe('the ops added for the MNIST step', () => {
  // ‖θ‖² = 15.3125, ‖g‖² = 22.25.
  const [norm, gradNorm] = [Math.sqrt(15.3125), Math.sqrt(22.25)];
  const cases: [string, number, number, number, number][] = [
    ['the power law binds', 2, 2, 10, 2 / norm ** 2],
    ['the cap binds', 100, 1, 0.05, (0.05 * norm) / gradNorm],
  ];

  for (const [name, c, k, rho, rate] of cases) {
    it(`CPU: ${name}`, async () => {
      const out = await adaptiveStep(new CpuBackend(), c, k, rho);
      expect(out[0]).toBeCloseTo(rate, 15);
      expect(Array.from(out.slice(1))).toEqual([1, -2, 0.5, 3, 0.25, -1].map((v, i) => v - rate * [0.5, 1, -1, 2, 0, 4][i]));
    });

    it.skipIf(!probe.available)(`GPU matches the CPU to float32 rounding: ${name}${skipReason}`, async () => {
      const { backend } = await selectBackend('gpu');
      try {
        const [gpu, cpu] = [await adaptiveStep(backend, c, k, rho), await adaptiveStep(new CpuBackend(), c, k, rho)];
        gpu.forEach((v, i) => expect(Math.abs(v - cpu[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(cpu[i]))));
      } finally {
        backend.dispose();
      }
    });
  }
});

describe.skipIf(!probe.available)(`CPU (float64) and GPU (float32) runs agree${skipReason}`, () => {
  for (const [name, p] of DLN_CASES) {
    it(`dln-train ${name}: every recorded loss within ${LOSS_TOLERANCE} relative, and the run reports its device`, async () => {
      const cpu = await runDln({ ...p, device: 'cpu' });
      const gpu = await runDln({ ...p, device: 'gpu' });
      expect(cpu.ctx.devices).toEqual([{ device: 'cpu', adapterName: null, notice: null }]);
      expect(gpu.ctx.devices).toHaveLength(1);
      expect(gpu.ctx.devices[0]).toMatchObject({ device: 'gpu', adapterName: probe.available ? probe.adapterName : '' });
      if (probe.available && probe.software) expect(gpu.ctx.devices[0].notice).toMatch(/software WebGPU adapter/);
      const [lossCpu, lossGpu] = [cpu.ctx.series('loss').y, gpu.ctx.series('loss').y];
      // The run trains: otherwise agreement would say nothing.
      expect(lossCpu[lossCpu.length - 1]).toBeLessThan(0.5 * lossCpu[0]);
      expect(maxRelative(lossGpu, lossCpu)).toBeLessThan(LOSS_TOLERANCE);
      expect(maxRelative(gpu.ctx.series('sigma/0').y, cpu.ctx.series('sigma/0').y)).toBeLessThan(LOSS_TOLERANCE);
      expect(gpu.summary.steps).toBe(cpu.summary.steps);
    });
  }

  it(`relu-escape MNIST: the training loss at every record within ${LOSS_TOLERANCE} relative`, async () => {
    const cpu = await runRelu({ ...MNIST_SHORT, device: 'cpu' });
    const gpu = await runRelu({ ...MNIST_SHORT, device: 'gpu' });
    expect(cpu.ctx.devices).toEqual([{ device: 'cpu', adapterName: null, notice: null }]);
    expect(gpu.ctx.devices[0]).toMatchObject({ device: 'gpu', adapterName: probe.available ? probe.adapterName : '' });
    const [lossCpu, lossGpu] = [cpu.ctx.series('trainLoss').y, gpu.ctx.series('trainLoss').y];
    expect(lossCpu).toHaveLength(30);
    expect(lossCpu[lossCpu.length - 1]).toBeLessThan(0.8 * lossCpu[0]);
    expect(maxRelative(lossGpu, lossCpu)).toBeLessThan(LOSS_TOLERANCE);
    expect(maxRelative(gpu.ctx.series('paramNorm').y, cpu.ctx.series('paramNorm').y)).toBeLessThan(LOSS_TOLERANCE);
    expect(gpu.summary.trainAccuracy).toBe(cpu.summary.trainAccuracy);
  });

  it('a GPU run stops at the next step once cancelled, and returns nothing', async () => {
    const controller = new AbortController();
    const ctx = fakeRunContext(controller.signal);
    ctx.reportDevice = (used) => {
      ctx.devices.push(used);
      controller.abort();
    };
    const p = dlnTrainParams.parse({ ...DLN_CASES[0][1], device: 'gpu', horizon: 100 });
    expect(await dln.run(p, ctx)).toEqual({});
    expect(ctx.devices[0].device).toBe('gpu');
    expect(ctx.series('loss').y.length).toBeLessThanOrEqual(1);
  });

  it("a cancel message on the run's port reaches a GPU run between steps (as in the pool worker)", async () => {
    const channel = new MessageChannel();
    const steps: number[] = [];
    channel.port1.on('message', (message: WorkerMessage) => {
      if (message.type === 'device') channel.port1.postMessage({ type: 'cancel', runId: 1 });
      if (message.type === 'progress') steps.push(message.fraction);
      if (message.type === 'end') outcomes.push(message.outcome?.status);
    });
    const outcomes: (string | undefined)[] = [];
    const params = { ...DLN_CASES[0][1], device: 'gpu', horizon: 200 }; // 10⁴ steps
    await runBatch({ runs: [{ runId: 1, family: 'dln-train', params, seed: 0 }], port: channel.port2, budgetMs: 0 });
    await vi.waitFor(() => expect(outcomes).toEqual(['cancelled']));
    channel.port1.close();
    expect(Math.max(0, ...steps)).toBeLessThan(0.5);
  });
});

describe('device selection by the families', () => {
  it("'gpu' without an adapter fails with the reason and a way out", async () => {
    const message = /^GPU requested but unavailable: no WebGPU adapter was found .*Choose 'auto' or 'cpu' to run on the CPU\.$/;
    await expect(runDln({ ...DLN_CASES[0][1], device: 'gpu' }, { gpu: noAdapter })).rejects.toThrow(message);
    await expect(runRelu({ ...MNIST_SHORT, device: 'gpu' }, { gpu: noAdapter })).rejects.toThrow(message);
  });

  it("'auto' below the width threshold runs on the CPU without loading WebGPU, and says nothing", async () => {
    const dlnSpy = countingProvider();
    const { ctx } = await runDln({ ...DLN_CASES[0][1], device: 'auto' }, { gpu: dlnSpy.provider });
    expect(ctx.devices).toEqual([{ device: 'cpu', adapterName: null, notice: null }]);
    expect(dlnSpy.calls()).toBe(0);
    // The MNIST run stays a plain synchronous call on the CPU.
    const reluCtx = fakeRunContext();
    const summary = relu.run(relu.params.parse({ experiment: 'mnist', ...MNIST_SHORT, epochs: 1, records: 20 }), reluCtx);
    expect(summary).not.toBeInstanceOf(Promise);
    expect(reluCtx.devices).toEqual([{ device: 'cpu', adapterName: null, notice: null }]);
  });

  it(`'auto' from width ${AUTO_GPU_MIN_WIDTH} looks for a GPU and says why it fell back to the CPU`, async () => {
    const spy = countingProvider();
    const wide = { dim: AUTO_GPU_MIN_WIDTH, targetSingularValues: [2, 1], init: 'small-random', initScale: 0.1, optimizer: 'gd', learningRate: 0.1, horizon: 0.3, device: 'auto' };
    const { ctx, summary } = await runDln(wide, { gpu: spy.provider });
    expect(spy.calls()).toBe(1);
    expect(ctx.devices).toHaveLength(1);
    expect(ctx.devices[0]).toMatchObject({ device: 'cpu', adapterName: null });
    expect(ctx.devices[0].notice).toMatch(/^No GPU: no WebGPU adapter was found.*Running on the CPU \(float64\)\.$/);
    expect(summary.steps).toBe(3);
  });

  it('the flow and the escape experiment refuse an explicit GPU, naming the field', () => {
    const dlnIssues = dlnTrainParams.safeParse({ optimizer: 'flow', device: 'gpu' });
    expect(dlnIssues.success ? [] : dlnIssues.error.issues.map((i) => i.path.join('.'))).toEqual(['device']);
    const reluIssues = reluEscapeParams.safeParse({ experiment: 'escape', device: 'gpu' });
    expect(reluIssues.success ? [] : reluIssues.error.issues.map((i) => i.path.join('.'))).toEqual(['device']);
    expect(dlnTrainParams.parse({}).device).toBe('auto');
    expect(reluEscapeParams.parse({}).device).toBe('auto');
  });
});
