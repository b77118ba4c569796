// Products of small matrices (each side a multiple of 4, up to ~128) in WebAssembly SIMD without packing:
// the operands are copied into the module's memory as they are and a 4 × 4 block of C is kept in eight
// f64x2 registers while k runs, reading a row of B (two vectors) and broadcasting four entries of op(A)
// per step. op(A) is A (rows read through four pointers) or Aᵀ (four consecutive entries of a row of A);
// ABᵀ copies Bᵀ first (d² next to d³). Each entry of C is summed in k order, so without fusing the result
// is bit-identical to `s += a * b` in JavaScript, with relaxed SIMD's fused multiply-add (the default where
// the engine has it, as for wasm-gemm.ts) each step rounds once. At these sizes packing (wasm-gemm.ts) and
// the per-block bookkeeping of the tiled JavaScript loops cost more than the arithmetic.
import { add, f64x2Add, f64x2Mul, f64x2RelaxedMadd, functionBody, get, i32, set, shl, splatLoad, tee, v128Load, v128Store, v128Zero, moduleExportingFunctions } from './wasm-encoding';
import { gemmUsesFusedMultiplyAdd } from './wasm-gemm';
import { growToHold } from './wasm-memory';

// Params: a, b, c (bytes), row blocks, column blocks, k, lda, ldb, ldc (bytes).
const [A, B, C, MB, NB, K, LDA, LDB, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
// i32 locals.
const [AI, CI, JB, PBJ, PCJ, PA, PB, KK, ROW, LDA2, LDA3] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
// v128 locals.
const ACC = (r: number, h: number) => 20 + 2 * r + h;
const [B0, B1, AV] = [28, 29, 30];

/**
 * C = op(A) B over whole 4 × 4 blocks; `transposedA`: op(A) = Aᵀ with A stored k × m. Params (i32, addresses
 * and leading dimensions in bytes): a, b, c, row blocks, column blocks, k, lda, ldb, ldc. Also assembled into
 * the fused deep-linear step (wasm-deep-linear.ts).
 */
export function smallGemmKernelBody(transposedA: boolean, fused: boolean): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  emit(get(LDA), get(LDA), add, set(LDA2), get(LDA2), get(LDA), add, set(LDA3));
  emit(get(A), set(AI), get(C), set(CI));
  emit([0x03, 0x40]); // loop over row blocks
  emit(get(NB), set(JB), get(B), set(PBJ), get(CI), set(PCJ));
  emit([0x03, 0x40]); // loop over column blocks
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(v128Zero, set(ACC(r, h)));
  emit(get(AI), set(PA), get(PBJ), set(PB), get(K), set(KK));
  emit([0x02, 0x40], [0x03, 0x40], get(KK), [0x45], [0x0d, 1]); // block; loop; break out when k = 0
  emit(get(PB), v128Load(0), set(B0), get(PB), v128Load(16), set(B1));
  for (let r = 0; r < 4; r++) {
    if (transposedA) emit(get(PA), splatLoad(8 * r));
    else if (r === 0) emit(get(PA), splatLoad(0));
    else emit(get(PA), get([LDA, LDA2, LDA3][r - 1]), add, splatLoad(0));
    emit(set(AV));
    for (let h = 0; h < 2; h++) {
      const bv = get(h === 0 ? B0 : B1);
      if (fused) emit(get(AV), bv, get(ACC(r, h)), f64x2RelaxedMadd, set(ACC(r, h)));
      else emit(get(ACC(r, h)), get(AV), bv, f64x2Mul, f64x2Add, set(ACC(r, h)));
    }
  }
  emit(get(PA), transposedA ? get(LDA) : i32(8), add, set(PA), get(PB), get(LDB), add, set(PB));
  emit(get(KK), i32(-1), add, set(KK), [0x0c, 0], [0x0b], [0x0b]); // k -= 1; next k
  emit(get(PCJ), set(ROW));
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) emit(get(ROW), get(ACC(r, h)), v128Store(16 * h));
    if (r < 3) emit(get(ROW), get(LDC), add, set(ROW));
  }
  emit(get(PBJ), i32(32), add, set(PBJ), get(PCJ), i32(32), add, set(PCJ));
  emit(get(JB), i32(-1), add, tee(JB), [0x0d, 0], [0x0b]); // next column block while any are left
  emit(get(AI), transposedA ? i32(32) : [...get(LDA2), ...get(LDA2), ...add], add, set(AI));
  emit(get(CI), get(LDC), i32(2), shl, add, set(CI));
  emit(get(MB), i32(-1), add, tee(MB), [0x0d, 0], [0x0b]); // next row block while any are left
  return functionBody([2, 11, 0x7f, 11, 0x7b], code);
}

function moduleBytes(fused: boolean): Uint8Array<ArrayBuffer> {
  return moduleExportingFunctions(
    [[0x60, 9, ...Array<number>(9).fill(0x7f), 0]],
    [
      { name: 'nn', type: 0, body: smallGemmKernelBody(false, fused) },
      { name: 'tn', type: 0, body: smallGemmKernelBody(true, fused) },
    ],
  );
}

type KernelFn = (a: number, b: number, c: number, rowBlocks: number, colBlocks: number, k: number, lda: number, ldb: number, ldc: number) => void;
interface Exports {
  memory: WebAssembly.Memory;
  nn: KernelFn;
  tn: KernelFn;
}

/** An instance and a view of its memory, made again only when the memory grows (a view per call cost ~10 % at d = 8). */
interface Kernel {
  exports: Exports;
  heap: Float64Array;
}

const instances = new Map<boolean, Kernel>();
function kernel(fused: boolean): Kernel {
  let instance = instances.get(fused);
  if (!instance) {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(fused))).exports as unknown as Exports;
    instance = { exports, heap: new Float64Array(exports.memory.buffer) };
    instances.set(fused, instance);
  }
  return instance;
}

/** Whether smallGemm takes an m × n result (both multiples of 4). */
export const smallGemmFits = (m: number, n: number): boolean => m % 4 === 0 && n % 4 === 0 && m > 0 && n > 0;

/**
 * out (m × n, row-major) = op(A) op(B), all row-major: NN A m × k, B k × n; TN A k × m; NT B n × k.
 * m and n must be multiples of 4 (smallGemmFits); `fused` as for gemm.
 */
export function smallGemm(kind: 'NN' | 'TN' | 'NT', m: number, n: number, k: number, a: Float64Array, b: Float64Array, out: Float64Array, fused = gemmUsesFusedMultiplyAdd()): void {
  if (!smallGemmFits(m, n)) throw new Error(`smallGemm: ${m}×${n} is not made of whole 4 × 4 blocks`);
  const instance = kernel(fused);
  const { memory, nn, tn } = instance.exports;
  const aAt = 0, bAt = m * k, cAt = bAt + k * n;
  if (growToHold(memory, (cAt + m * n) * 8)) instance.heap = new Float64Array(memory.buffer);
  const { heap } = instance;
  // Plain loops, not set(subarray): at these sizes the views' allocation and collection cost more than the copies.
  for (let i = 0; i < m * k; i++) heap[aAt + i] = a[i];
  if (kind === 'NT') {
    // Bᵀ (k × n) from B (n × k).
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) heap[bAt + p * n + j] = b[j * k + p];
  } else for (let i = 0; i < k * n; i++) heap[bAt + i] = b[i];
  const lda = (kind === 'TN' ? m : k) * 8;
  (kind === 'TN' ? tn : nn)(aAt * 8, bAt * 8, cAt * 8, m / 4, n / 4, k, lda, n * 8, n * 8);
  for (let i = 0; i < m * n; i++) out[i] = heap[cAt + i];
}
