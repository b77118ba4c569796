/// <reference types="@webgpu/types" />
// Picks the backend for a run: 'cpu', 'gpu' (fails with the reason when no adapter is usable), or
// 'auto' (a hardware GPU when there is one, else the CPU with a notice saying why).
import { CpuBackend } from './cpu';
import { GpuBackend } from './gpu';
import type { ComputeBackend, DeviceRequest } from './types';

export interface BackendSelection {
  device: 'cpu' | 'gpu';
  /** The WebGPU adapter's description; null on the CPU. */
  adapterName: string | null;
  /** The adapter is a software rasterizer (lavapipe, SwiftShader): float32 on CPU cores. */
  software: boolean;
  backend: ComputeBackend;
  /** Shown to the user when the choice differs from what was asked for or deserves a warning. */
  notice: string | null;
}

/** Where the WebGPU entry point comes from; tests substitute one without adapters. */
export type GpuProvider = () => Promise<GPU>;

export interface SelectOptions {
  gpu?: GpuProvider;
}

/** The `webgpu` package (Dawn), loaded only when a GPU is asked for so CPU runs never load it. */
const dawn: GpuProvider = async () => {
  const { create } = await import('webgpu');
  return create([]);
};

type Acquired = { instance: GPU; device: GPUDevice; adapterName: string; software: boolean } | { reason: string };

async function acquire(provider: GpuProvider): Promise<Acquired> {
  let gpu: GPU;
  try {
    gpu = await provider();
  } catch (error) {
    return { reason: `the WebGPU runtime (npm package 'webgpu') could not be loaded: ${(error as Error).message}` };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      return { reason: 'no WebGPU adapter was found (no GPU driver; on Linux a Vulkan driver such as mesa-vulkan-drivers provides one)' };
    }
    const { info } = adapter;
    const adapterName = info.description || [info.vendor, info.device].filter(Boolean).join(' ') || 'unnamed adapter';
    const software = info.isFallbackAdapter || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(adapterName);
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    const device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
    return { instance: gpu, device, adapterName, software };
  } catch (error) {
    // A driver that fails here is "no usable GPU" too: 'auto' falls back, 'gpu' says why.
    return { reason: `the WebGPU adapter or device could not be opened: ${(error as Error).message}` };
  }
}

export async function selectBackend(request: DeviceRequest, options: SelectOptions = {}): Promise<BackendSelection> {
  const cpu = (notice: string | null): BackendSelection => ({ device: 'cpu', adapterName: null, software: false, backend: new CpuBackend(), notice });
  if (request === 'cpu') return cpu(null);
  const got = await acquire(options.gpu ?? dawn);
  if ('reason' in got) {
    if (request === 'gpu') throw new Error(`GPU requested but unavailable: ${got.reason}. Choose 'auto' or 'cpu' to run on the CPU.`);
    return cpu(`No GPU: ${got.reason}. Running on the CPU (float64).`);
  }
  if (got.software && request === 'auto') {
    // A software rasterizer runs float32 kernels on the same cores, slower than the float64 CPU path.
    got.device.destroy();
    return cpu(`Only a software WebGPU adapter is present (${got.adapterName}). Running on the CPU (float64); request 'gpu' to use it anyway.`);
  }
  const notice = got.software ? `Running on a software WebGPU adapter (${got.adapterName}): float32, CPU speed at best.` : null;
  const backend = new GpuBackend(got.device, got.adapterName, got.instance);
  return { device: 'gpu', adapterName: got.adapterName, software: got.software, backend, notice };
}

/**
 * 'auto' looks for a GPU only for problems at least this wide (the widest weight matrix): below it
 * a step is a few small products, which the float64 CPU path finishes in less time than the ~10–20
 * kernel launches and submits a GPU step costs (see bench/compute.ts for the measured sizes).
 */
export const AUTO_GPU_MIN_WIDTH = 128;

/**
 * The CPU selection when a run needs no WebGPU at all, without loading it: 'cpu', or 'auto' on a
 * problem narrower than AUTO_GPU_MIN_WIDTH (no notice: the GPU would not help). Null when
 * selectBackend must look for an adapter.
 */
export function cpuWithoutGpu(request: DeviceRequest, width: number): BackendSelection | null {
  if (request === 'gpu' || (request === 'auto' && width >= AUTO_GPU_MIN_WIDTH)) return null;
  return { device: 'cpu', adapterName: null, software: false, backend: new CpuBackend(), notice: null };
}

export type GpuProbe = { available: true; adapterName: string; software: boolean } | { available: false; reason: string };

/** Whether a WebGPU adapter can be opened here, without keeping it (for device selectors and test skips). */
export async function probeGpu(options: SelectOptions = {}): Promise<GpuProbe> {
  const got = await acquire(options.gpu ?? dawn);
  if ('reason' in got) return { available: false, reason: got.reason };
  got.device.destroy();
  return { available: true, adapterName: got.adapterName, software: got.software };
}
