// Backend selection: 'cpu' never touches WebGPU; without an adapter (a provider that has none, or a
// runtime that fails to load) 'auto' falls back to the CPU with a notice saying why and 'gpu' fails
// with the reason; with this machine's adapter, 'gpu' opens it and 'auto' prefers the CPU only over
// a software rasterizer.
/// <reference types="@webgpu/types" />
import { describe, expect, it } from 'vitest';
import { probeGpu, selectBackend, type GpuProvider } from '../../workers/compute/index';
import { gpuForTests } from './compute-fixtures';

const noAdapter: GpuProvider = async () => ({ requestAdapter: async () => null }) as unknown as GPU;
const brokenRuntime: GpuProvider = async () => {
  throw new Error('dawn.node: cannot open shared object file');
};
const untouched: GpuProvider = async () => {
  throw new Error('the cpu request must not load WebGPU');
};
const probe = await gpuForTests();

describe('selectBackend', () => {
  it("gives the float64 CPU backend for 'cpu' without loading WebGPU", async () => {
    const s = await selectBackend('cpu', { gpu: untouched });
    expect(s).toMatchObject({ device: 'cpu', adapterName: null, software: false, notice: null });
    expect(s.backend.precision).toBe('float64');
  });

  it("falls back to the CPU on 'auto' with a notice when there is no adapter", async () => {
    const s = await selectBackend('auto', { gpu: noAdapter });
    expect(s.device).toBe('cpu');
    expect(s.backend.label).toBe('cpu-float64');
    expect(s.notice).toMatch(/^No GPU: no WebGPU adapter was found .*Running on the CPU \(float64\)\.$/);
  });

  it("fails an explicit 'gpu' request with the reason", async () => {
    await expect(selectBackend('gpu', { gpu: noAdapter })).rejects.toThrow(/^GPU requested but unavailable: no WebGPU adapter was found/);
    await expect(selectBackend('gpu', { gpu: brokenRuntime })).rejects.toThrow("could not be loaded: dawn.node: cannot open shared object file");
    expect(await probeGpu({ gpu: brokenRuntime })).toMatchObject({ available: false, reason: expect.stringContaining('could not be loaded') });
  });

  it.skipIf(!probe.available)(`opens this machine's adapter on 'gpu' and picks by adapter kind on 'auto'${probe.available ? '' : ` (skipped: ${probe.reason})`}`, async () => {
    if (!probe.available) return;
    const gpu = await selectBackend('gpu');
    expect(gpu).toMatchObject({ device: 'gpu', adapterName: probe.adapterName, software: probe.software });
    expect(gpu.backend.precision).toBe('float32');
    gpu.backend.dispose();
    const auto = await selectBackend('auto');
    auto.backend.dispose();
    if (probe.software) {
      expect(auto.device).toBe('cpu');
      expect(auto.notice).toContain(`Only a software WebGPU adapter is present (${probe.adapterName})`);
      expect(gpu.notice).toContain('software WebGPU adapter');
    } else {
      expect(auto).toMatchObject({ device: 'gpu', notice: null });
    }
  });
});
