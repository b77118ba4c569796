// Node 20's V8 (11.3) has WebAssembly relaxed SIMD, which the gemm kernel uses for its fused
// multiply-add, behind a flag; Electron's V8 ships it. V8 flags are per process, so turning it on in the
// main thread before the pool starts reaches every worker thread. Nothing is changed where the engine
// already has it (and Electron may not know the flag).
import { setFlagsFromString } from 'node:v8';
import { fusedMultiplyAddAvailable } from './wasm-gemm';

export function enableRelaxedSimd(): void {
  if (!fusedMultiplyAddAvailable()) setFlagsFromString('--experimental-wasm-relaxed-simd');
}
