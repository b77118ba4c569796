// The compute interface of the matrix-heavy families: see docs/compute.md.
export type { ComputeBackend, DeviceRequest, ScalarLog, Tensor } from './types';
export { CpuBackend } from './cpu';
export { selectBackend, probeGpu, cpuWithoutGpu, AUTO_GPU_MIN_WIDTH, type BackendSelection, type GpuProbe, type GpuProvider, type SelectOptions } from './select';
export { runOnBackend, runOnCpu, runProgram, type DeviceProgram } from './program';
