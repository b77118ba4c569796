// The multipath full-matrix and Tanh MLP models on the compute backends. On the float64 CPU
// backend the GD program reproduces the plain MatrixNet loop exactly (every recorded loss equal);
// on WebGPU (float32, lavapipe on CI) short runs agree (square and hidden-width layers; GD, heavy
// ball and Adam) with the CPU within float32 tolerance:
// every recorded loss and sharpness to 1e-4 relative while the loss stays far above float32's
// floor (rounding 6e-8 per op grown over 100 steps; measured 1e-6 to 6e-6). Runs report their
// device; 'auto' keeps these small problems (d ≤ 16) on the CPU without loading WebGPU. The GPU
// cases skip, naming the reason, only when no adapter exists (SADDLE_REQUIRE_GPU=1: a failure).
/// <reference types="@webgpu/types" />
import { describe, expect, it } from 'vitest';
import type { GpuProvider } from '../../workers/compute/index';
import type { RunSummary } from '../../workers/family';
import { MatrixNet, parameterCount, type NetShape } from '../../workers/families/multipath/matrix-net';
import { multipathParams, pathwayDepths, pathwayInitScales, type MultipathParams } from '../../workers/families/multipath/params';
import { runMultipath } from '../../workers/families/multipath/run';
import { runMatrixModel, initialTheta, targetMatrix } from '../../workers/families/multipath/run-matrix';
import { gpuForTests } from './compute-fixtures';
import { fakeRunContext, type RecordingContext } from './fake-run-context';

const probe = await gpuForTests();
const skipReason = probe.available ? '' : ` (skipped: ${probe.reason})`;
const TOLERANCE = 1e-4;

const noAdapter: GpuProvider = async () => ({ requestAdapter: async () => null }) as unknown as GPU;

function countingProvider(): { provider: GpuProvider; calls: () => number } {
  let calls = 0;
  return { provider: async () => (calls++, noAdapter()), calls: () => calls };
}

async function run(input: Record<string, unknown>, options = {}): Promise<{ summary: RunSummary; ctx: RecordingContext }> {
  const ctx = fakeRunContext();
  return { summary: await runMultipath(multipathParams.parse(input), ctx, options), ctx };
}

/** 100 GD steps, loss 0.83 → 6e-3 (full) and 0.81 → 2e-4 (MLP): far from float32's loss floor (~1e-13). */
const SHORT = { pathways: 3, depth: 4, targets: [1, 0.7, 0.4, 0.2], learningRate: 0.2, maxSteps: 100, tolerance: 1e-5 };
const CASES: [string, Record<string, unknown>][] = [
  ['full-matrix model', { ...SHORT, model: 'full', init: 'random', initScale: 0.4 }],
  ['Tanh MLP', { ...SHORT, model: 'mlp', initScale: 0.5 }],
  ['full-matrix model, hidden width 6 (rectangular first and last layers)', { ...SHORT, model: 'full', init: 'random', initScale: 0.4, hiddenWidth: 6 }],
];
/** The heavy-ball and Adam state tensors on the device too (the CPU loop above is plain GD). */
const GPU_ONLY_CASES: [string, Record<string, unknown>][] = [
  ['full-matrix model, hidden width 6, heavy ball', { ...SHORT, model: 'full', init: 'random', initScale: 0.4, hiddenWidth: 6, optimizer: 'momentum', momentum: 0.5, learningRate: 0.1 }],
  ['Tanh MLP, hidden width 5, Adam', { ...SHORT, model: 'mlp', initScale: 0.5, hiddenWidth: 5, optimizer: 'adam', learningRate: 0.01 }],
];

/** The loss ½‖Σ_p Y_p − T‖² before every step of plain float64 GD on MatrixNet (the loop the program replaced). */
function referenceLosses(p: MultipathParams, seed: number): number[] {
  const depths = pathwayDepths(p);
  const shape: NetShape = { d: p.targets.length, width: p.hiddenWidth, depths, activation: p.model === 'mlp' ? 'tanh' : 'linear' };
  const basis = targetMatrix(p.targets, p.targetBasis, seed);
  const net = new MatrixNet(shape, basis.T);
  const theta = initialTheta(shape, basis, pathwayInitScales(p), p.model === 'mlp' ? 'random' : p.init, seed);
  const grad = new Float64Array(parameterCount(shape));
  const losses: number[] = [];
  for (let step = 0; step <= p.maxSteps; step++) {
    losses.push(net.gradient(theta, grad));
    for (let i = 0; i < theta.length; i++) theta[i] -= p.learningRate * grad[i];
  }
  return losses;
}

/** A signal that turns aborted at its n-th read: the loop reads it once per step, so it must stop there. */
function abortOnRead(n: number): { signal: AbortSignal; reads: () => number } {
  let count = 0;
  const signal = {
    get aborted() {
      return ++count >= n;
    },
  } as AbortSignal;
  return { signal, reads: () => count };
}

function maxRelative(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  expect(a.length).toBeGreaterThan(0);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));
}

describe('the device parameter', () => {
  const paths = (input: Record<string, unknown>): string[] => {
    const parsed = multipathParams.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
  };

  it("defaults to 'auto'; the reduced model refuses 'gpu' on the device field", () => {
    expect(multipathParams.parse({}).device).toBe('auto');
    expect(paths({ device: 'gpu', tolerance: 1e-5 })).toEqual(['device']);
    expect(paths({ model: 'full', device: 'gpu', tolerance: 1e-5 })).toEqual([]);
    expect(paths({ model: 'mlp', device: 'cpu' })).toEqual([]);
  });

  it('a GPU run needs a stopping tolerance float32 can resolve, named on the tolerance field', () => {
    expect(paths({ model: 'full', device: 'gpu' })).toEqual(['tolerance']);
    expect(paths({ model: 'full', device: 'gpu', tolerance: 1e-6 })).toEqual(['tolerance']);
  });
});

describe('the CPU backend', () => {
  for (const [name, input] of CASES) {
    it(`${name}: every recorded loss equals the plain float64 MatrixNet GD loop's`, async () => {
      const { ctx } = await run({ ...input, device: 'cpu' });
      const reference = referenceLosses(multipathParams.parse(input), ctx.seed);
      const { x, y } = ctx.series('loss');
      expect(x.length).toBe(101);
      x.forEach((step, i) => expect(y[i]).toBe(reference[step]));
    });
  }

  it("'auto' on a small problem reports the CPU without loading WebGPU, and says nothing", async () => {
    for (const [, input] of CASES) {
      const spy = countingProvider();
      const { ctx, summary } = await run({ ...input, device: 'auto' }, { gpu: spy.provider });
      expect(ctx.devices).toEqual([{ device: 'cpu', adapterName: null, notice: null }]);
      expect(spy.calls()).toBe(0);
      expect(summary.steps).toBe(100);
    }
  });

  it("'gpu' without an adapter fails with the reason and a way out", async () => {
    await expect(run({ ...CASES[0][1], device: 'gpu' }, { gpu: noAdapter })).rejects.toThrow(
      /^GPU requested but unavailable: no WebGPU adapter was found .*Choose 'auto' or 'cpu' to run on the CPU\.$/,
    );
  });

  it('a cancelled run stops at the step the cancel arrives, and returns nothing', () => {
    const { signal, reads } = abortOnRead(5);
    expect(runMatrixModel(multipathParams.parse({ ...CASES[1][1], device: 'cpu', maxSteps: 10_000 }), fakeRunContext(signal))).toEqual({});
    expect(reads()).toBe(5);
  });
});

describe.skipIf(!probe.available)(`CPU (float64) and GPU (float32) runs agree${skipReason}`, () => {
  for (const [name, input] of [...CASES, ...GPU_ONLY_CASES]) {
    it(`${name}: every recorded loss and sharpness within ${TOLERANCE} relative, and the run reports its device`, async () => {
      const cpu = await run({ ...input, device: 'cpu' });
      const gpu = await run({ ...input, device: 'gpu' });
      expect(cpu.ctx.devices).toEqual([{ device: 'cpu', adapterName: null, notice: null }]);
      expect(gpu.ctx.devices).toHaveLength(1);
      expect(gpu.ctx.devices[0]).toMatchObject({ device: 'gpu', adapterName: probe.available ? probe.adapterName : '' });
      if (probe.available && probe.software) expect(gpu.ctx.devices[0].notice).toMatch(/software WebGPU adapter/);
      const [lossCpu, lossGpu] = [cpu.ctx.series('loss').y, gpu.ctx.series('loss').y];
      // The run trains: otherwise agreement would say nothing.
      expect(lossCpu[lossCpu.length - 1]).toBeLessThan(0.01 * lossCpu[0]);
      expect(maxRelative(lossGpu, lossCpu)).toBeLessThan(TOLERANCE);
      expect(maxRelative(gpu.ctx.series('sharpness').y, cpu.ctx.series('sharpness').y)).toBeLessThan(TOLERANCE);
      expect(maxRelative(gpu.ctx.series('a/0.0').y, cpu.ctx.series('a/0.0').y)).toBeLessThan(TOLERANCE);
      expect(gpu.summary.steps).toBe(cpu.summary.steps);
    });
  }

  it('at tolerance 1e-5 a GPU run converges within a step of the CPU run, with the same outcome', async () => {
    const input = { ...CASES[0][1], pathways: 2, depth: 3, targets: [1, 0.5], initScale: 0.3, learningRate: 0.3, maxSteps: 500 };
    const cpu = await run({ ...input, device: 'cpu' });
    const gpu = await run({ ...input, device: 'gpu' });
    expect(cpu.summary.converged).toBe(1);
    expect(gpu.summary.converged).toBe(1);
    expect(Math.abs((gpu.summary.steps as number) - (cpu.summary.steps as number))).toBeLessThanOrEqual(1);
    expect(gpu.summary.outcome).toBe(cpu.summary.outcome);
  });

  it('a GPU run stops at the step the cancel arrives, and returns nothing', async () => {
    const { signal, reads } = abortOnRead(5);
    const ctx = fakeRunContext(signal);
    expect(await runMatrixModel(multipathParams.parse({ ...CASES[0][1], device: 'gpu', maxSteps: 10_000 }), ctx)).toEqual({});
    expect(ctx.devices[0].device).toBe('gpu');
    expect(reads()).toBe(5);
  });
});
