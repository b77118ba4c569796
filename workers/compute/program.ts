// How a family runs one training loop on whichever backend it got, written once: the loop is a
// generator that enqueues ops and yields the tensors it needs back (or nothing, once per step).
// On the CPU backend it runs synchronously (a run that never needed WebGPU stays a plain function
// call); on any other backend it awaits the reads and, every few steps, waits for the device and
// lets the worker's message queue run, so a cancel arrives and the GPU never queues far ahead.
import type { DeviceUsed, RunContext } from '../family';
import { CpuBackend } from './cpu';
import { cpuWithoutGpu, selectBackend, type BackendSelection, type SelectOptions } from './select';
import type { ComputeBackend, DeviceRequest, Tensor } from './types';

/** Yields the tensors to read (none: a step boundary), receives their entries in the same order. */
export type DeviceProgram<R> = Generator<readonly Tensor[], R, Float64Array[]>;

/** Step boundaries between device waits: bounds the queued work (and so the cancel latency). */
const PAUSE_STEPS = 64;
const PAUSE_MS = 50;

export function runOnCpu<R>(be: CpuBackend, program: DeviceProgram<R>): R {
  let next = program.next([]);
  while (!next.done) next = program.next(next.value.map((t) => be.readNow(t)));
  return next.value;
}

export async function runOnBackend<R>(be: ComputeBackend, program: DeviceProgram<R>): Promise<R> {
  let steps = 0, lastPause = performance.now();
  let next = program.next([]);
  while (!next.done) {
    let values: Float64Array[] = [];
    if (next.value.length > 0) {
      values = await Promise.all(next.value.map((t) => be.read(t)));
    } else if (++steps >= PAUSE_STEPS || performance.now() - lastPause >= PAUSE_MS) {
      await be.flush();
      // A macrotask turn: the run's MessagePort delivers a cancel only between tasks.
      await new Promise((resolve) => setImmediate(resolve));
      steps = 0;
      lastPause = performance.now();
    }
    next = program.next(values);
  }
  return next.value;
}

function report(ctx: Pick<RunContext, 'reportDevice'>, s: BackendSelection): void {
  const used: DeviceUsed = { device: s.device, adapterName: s.adapterName, notice: s.notice };
  ctx.reportDevice(used);
}

/**
 * Picks the backend for a run whose widest matrix dimension is `width` (see `cpuWithoutGpu` for
 * when 'auto' does not even look for a GPU), reports it, runs the program built on it and disposes
 * the backend, also when the program throws. Synchronous when no WebGPU was needed.
 */
export function runProgram<R>(
  request: DeviceRequest,
  width: number,
  ctx: Pick<RunContext, 'reportDevice'>,
  build: (be: ComputeBackend) => DeviceProgram<R>,
  options: SelectOptions = {},
): R | Promise<R> {
  const direct = cpuWithoutGpu(request, width);
  if (direct) {
    report(ctx, direct);
    return runOnCpu(direct.backend as CpuBackend, build(direct.backend));
  }
  return (async () => {
    const selection = await selectBackend(request, options);
    report(ctx, selection);
    try {
      const be = selection.backend;
      return be instanceof CpuBackend ? runOnCpu(be, build(be)) : await runOnBackend(be, build(be));
    } finally {
      selection.backend.dispose();
    }
  })();
}
