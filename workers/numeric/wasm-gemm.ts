// A float64 matrix product in WebAssembly SIMD (f64x2), GotoBLAS-style: op(A) and op(B) are copied
// into the module's memory and packed there into 4-wide panels, a KC × NC block of packed B stays in L2,
// and a hand-assembled 4 × 4 micro-kernel keeps the C block in eight vector registers while it sweeps k.
// Each entry is accumulated in k order. Where the engine has relaxed SIMD (Electron; Node 20 once
// relaxed-simd.ts has turned it on) a step is one fused multiply-add (f64x2.relaxed_madd, a single FMA
// instruction on x86-64 with FMA3 and on arm64): ~25 GFLOP/s on the bench machine against ~20 with a
// multiply then an add, and one rounding instead of two. Without it, the unfused kernel is bit-identical
// to the sequential `s += a * b` loop. Either way a result does not depend on the blocking or the operand
// layout (relaxed_madd may round twice on an x86-64 CPU without FMA3, the one way the machine shows).
// Transposed operands cost nothing extra: the packing reads them through strides.
import { add, f64x2Add, f64x2Mul, f64x2RelaxedMadd, functionBody, get, i32, leb, set, splatLoad, tee, v128Load, v128Store, v128Zero, moduleExportingFunctions } from './wasm-encoding';
import { growToHold } from './wasm-memory';

/** Depth of a k block and width of an n block: a KC × NC block of packed B is 512 KiB. NC is a multiple of
 * 2 · PANEL, so gather8's pairs of panels fill a full n block exactly, none past its end (packPanels). */
const KC = 256;
const NC = 256;
const PANEL = 4;

// ---- A 4 × 4 f64x2 micro-kernel, assembled by hand (wasm-encoding.ts). ----
// Locals: params ap, bp, c, kc, panels, ldc (bytes); i32 row, pa, pb, k; v128 acc[8], b0, b1, a.
const [AP, BP, C, KCL, PANELS, LDC, ROW, PA, PB, K] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const ACC = (r: number, h: number) => 10 + 2 * r + h;
const [B0, B1, AV] = [18, 19, 20];

/** The kernel: `init` starts C from zero (first k block, so C needs no zero-fill), else from C; `fused`
 * accumulates with relaxed_madd instead of a multiply then an add. */
function kernelBody(init: boolean, fused: boolean): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  // Rows of C are walked with one pointer (row += ldc): fewer live registers than a pointer per row.
  const eachRow = (perRow: (r: number) => void) => {
    emit(get(C), set(ROW));
    for (let r = 0; r < PANEL; r++) {
      perRow(r);
      if (r < PANEL - 1) emit(get(ROW), get(LDC), add, set(ROW));
    }
  };
  emit(get(BP), set(PB));
  emit([0x03, 0x40]); // loop over the 4-column panels
  if (init) for (let r = 0; r < PANEL; r++) for (let h = 0; h < 2; h++) emit(v128Zero, set(ACC(r, h)));
  else eachRow((r) => { for (let h = 0; h < 2; h++) emit(get(ROW), v128Load(16 * h), set(ACC(r, h))); });
  emit(get(AP), set(PA), get(KCL), set(K));
  // One k step per pass with the exit test at the top. V8's scheduler puts all loads of a pass before its
  // arithmetic, so a pass must fit its 15 usable xmm registers whole: 8 accumulators, 2 B, 4 A splats and
  // a product do (the former two-step pass, 8 + 4 + 8, spilled half the accumulators every step).
  emit([0x02, 0x40], [0x03, 0x40], get(K), [0x45], [0x0d, 1]); // block; loop; break out when k = 0
  emit(get(PB), v128Load(0), set(B0), get(PB), v128Load(16), set(B1));
  for (let r = 0; r < PANEL; r++) {
    emit(get(PA), splatLoad(8 * r), set(AV));
    for (let h = 0; h < 2; h++) {
      const b = get(h === 0 ? B0 : B1);
      if (fused) emit(get(AV), b, get(ACC(r, h)), f64x2RelaxedMadd, set(ACC(r, h)));
      else emit(get(ACC(r, h)), get(AV), b, f64x2Mul, f64x2Add, set(ACC(r, h)));
    }
  }
  emit(get(PA), i32(32), add, set(PA), get(PB), i32(32), add, set(PB));
  emit(get(K), i32(-1), add, set(K), [0x0c, 0], [0x0b], [0x0b]); // k -= 1; next pass
  eachRow((r) => { for (let h = 0; h < 2; h++) emit(get(ROW), get(ACC(r, h)), v128Store(16 * h)); });
  emit(get(C), i32(32), add, set(C));
  emit(get(PANELS), i32(-1), add, tee(PANELS), [0x0d, 0], [0x0b]); // next panel while panels ≠ 0
  return functionBody([2, 4, 0x7f, 11, 0x7b], code);
}

// gather4(dst, src, count, step, s1, s2, s3): count times, dst[0..3] = src[0], src[s1], src[s2], src[s3]
// (8-byte doubles, byte offsets), then dst += 32 and src += step. It packs full panels of A and B from the
// operands in the module's memory: JavaScript loops doing the same took 1.8 ns per element, this plus
// the copy into the module's memory under half of that (d = 256: 0.24 → 0.11 ms of a 1.7 ms product).
const [DST, SRC, COUNT, STEP] = [0, 1, 2, 3];
function gatherBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  emit([0x02, 0x40], [0x03, 0x40], get(COUNT), [0x45], [0x0d, 1]); // block; loop; break out when count = 0
  for (let j = 0; j < PANEL; j++) {
    emit(get(DST), get(SRC));
    if (j > 0) emit(get(STEP + j), add);
    emit([0x2b, 3, 0], [0x39, 3, ...leb(8 * j)]); // f64.load, f64.store offset 8j
  }
  emit(get(DST), i32(32), add, set(DST), get(SRC), get(STEP), add, set(SRC));
  emit(get(COUNT), i32(-1), add, set(COUNT), [0x0c, 0], [0x0b], [0x0b]);
  return functionBody([0], code);
}

// gather8(dst, src, count, step, second): count times, the 8 consecutive doubles at src go to dst[0..3] and
// the 4 doubles at dst + second (the next panel, `second` bytes on), then dst += 32 and src += step. Where the 4-wide lines of a
// panel are consecutive doubles (A transposed, B as stored) and step is a large power of two, gather4 read
// each cache line twice, for two panels; this reads it once (packing in a GD step at d = 512, CPU profile:
// 7.1 % of the step with gather4 alone, 5.2 % with both).
function gather8Body(): number[] {
  const [SECOND, D2] = [4, 5];
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  emit(get(DST), get(SECOND), add, set(D2));
  emit([0x03, 0x40]); // loop (count ≥ 1)
  for (let h = 0; h < 4; h++) emit(get(h < 2 ? DST : D2), get(SRC), v128Load(16 * h), v128Store(16 * (h % 2)));
  emit(get(DST), i32(32), add, set(DST), get(D2), i32(32), add, set(D2), get(SRC), get(STEP), add, set(SRC));
  emit(get(COUNT), i32(-1), add, tee(COUNT), [0x0d, 0], [0x0b]); // next while count ≠ 0
  return functionBody([1, 1, 0x7f], code);
}

/** The function types the packed product's functions use (type section entries, in this order). */
export const PACKED_KERNEL_TYPES = [
  [0x60, 6, ...Array<number>(6).fill(0x7f), 0],
  [0x60, 7, ...Array<number>(7).fill(0x7f), 0],
  [0x60, 5, ...Array<number>(5).fill(0x7f), 0],
];

/** The functions of PackedKernel, for a module that assembles them: export name, index into PACKED_KERNEL_TYPES, body. */
export const packedKernelFunctions = (fused: boolean): { name: keyof PackedKernel; type: number; body: number[] }[] => [
  { name: 'update', type: 0, body: kernelBody(false, fused) },
  { name: 'init', type: 0, body: kernelBody(true, fused) },
  { name: 'gather4', type: 1, body: gatherBody() },
  { name: 'gather8', type: 2, body: gather8Body() },
];

function moduleBytes(fused: boolean): Uint8Array<ArrayBuffer> {
  return moduleExportingFunctions(PACKED_KERNEL_TYPES, packedKernelFunctions(fused));
}

/** C[4 rows × 4·panels] (+)= packed A panel × packed B panels; addresses and ldc in bytes. */
type KernelFn = (ap: number, bp: number, c: number, kc: number, panels: number, ldc: number) => void;
/** The exports the blocked product drives: this module's, or those of a module that assembles the same bodies (wasm-deep-linear.ts). */
export interface PackedKernel {
  update: KernelFn;
  init: KernelFn;
  gather4: (dst: number, src: number, count: number, step: number, s1: number, s2: number, s3: number) => void;
  gather8: (dst: number, src: number, count: number, step: number, second: number) => void;
}
interface Kernel extends PackedKernel {
  memory: WebAssembly.Memory;
}

/** Whether this engine compiles the fused kernel (asked afresh: relaxed-simd.ts may have just enabled it). */
export function fusedMultiplyAddAvailable(): boolean {
  return WebAssembly.validate(moduleBytes(true));
}

const instances = new Map<boolean, Kernel>();
function kernelInstance(fused: boolean): Kernel {
  let instance = instances.get(fused);
  if (!instance) {
    instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(fused))).exports as unknown as Kernel;
    instances.set(fused, instance);
  }
  return instance;
}

let defaultFused: boolean | null = null;
/** The kernel gemm uses unless told: fused when available, decided at the first product. */
export function gemmUsesFusedMultiplyAdd(): boolean {
  defaultFused ??= fusedMultiplyAddAvailable();
  return defaultFused;
}

/** Entry (i, j) of a stored matrix read as data[i * rowStride + j * colStride]. */
export interface Operand {
  data: Float64Array;
  rowStride: number;
  colStride: number;
}

/** A matrix inside a kernel's memory: entry (i, j) is the double at at + i * rowStride + j * colStride (all in doubles). */
export interface MemoryOperand {
  at: number;
  rowStride: number;
  colStride: number;
}

const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/**
 * Packs `lines` rows of op(A) or columns of op(B) for a k block of kc into 4-wide panels, k-major, lines past
 * `valid` zero: line i starts at base + i·across, k steps by `along` (doubles). gather8 is held to `valid`, so
 * it reads no line past it. Only B's n blocks before the last have valid > lines, and those are NC wide, which
 * gather8's pairs of panels fill exactly: it writes no panel past the block (into C).
 */
function packPanels(kernel: PackedKernel, heap: Float64Array, at: number, lines: number, valid: number, base: number, across: number, along: number, kc: number): void {
  for (let p = 0; p < lines; ) {
    if (across === 1 && p + 2 * PANEL <= valid) {
      kernel.gather8(at * 8, (base + p) * 8, kc, along * 8, PANEL * kc * 8);
      p += 2 * PANEL;
      at += 2 * PANEL * kc;
      continue;
    }
    const full = Math.min(PANEL, valid - p);
    if (full === PANEL) kernel.gather4(at * 8, (base + p * across) * 8, kc, along * 8, across * 8, 2 * across * 8, 3 * across * 8);
    else {
      heap.fill(0, at, at + PANEL * kc);
      for (let r = 0; r < full; r++) {
        let src = base + (p + r) * across;
        for (let i = at + r, end = i + PANEL * kc; i < end; i += PANEL, src += along) heap[i] = heap[src];
      }
    }
    p += PANEL;
    at += PANEL * kc;
  }
}

/** Doubles of packing space blockedProduct needs past `packAt` for an m × n product. */
export const packingSpace = (m: number, n: number): number => roundUp(m, PANEL) * KC + KC * Math.min(NC, roundUp(n, PANEL));

/**
 * C = op(A) op(B) with every operand already in the kernel's memory (`heap` is a view of it): op(A) m × k,
 * op(B) k × n, C at c.at with row stride c.rowStride, whose rows and columns up to the next multiple of 4
 * are written (the padding with the products of zero rows and columns). Packing uses packingSpace(m, n)
 * doubles at `packAt`. Each entry is summed in k order.
 */
export function blockedProduct(kernel: PackedKernel, heap: Float64Array, m: number, n: number, k: number, a: MemoryOperand, b: MemoryOperand, c: MemoryOperand, packAt: number): void {
  const { update, init } = kernel;
  const mp = roundUp(m, PANEL), np = roundUp(n, PANEL), ncp = Math.min(NC, np);
  const apAt = packAt, bpAt = packAt + mp * KC;
  // An empty sum: C is zero (the k blocks below write C only when there is one).
  if (k === 0) for (let i = 0; i < mp; i++) heap.fill(0, c.at + i * c.rowStride, c.at + i * c.rowStride + np);
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    // The first k block writes every entry of the padded C from zero: no zero-fill beforehand.
    const run = k0 === 0 ? init : update;
    packPanels(kernel, heap, apAt, mp, m, a.at + k0 * a.colStride, a.rowStride, a.colStride, kc);
    for (let j0 = 0; j0 < np; j0 += ncp) {
      const nc = Math.min(ncp, np - j0);
      packPanels(kernel, heap, bpAt, nc, n - j0, b.at + k0 * b.rowStride + j0 * b.colStride, b.colStride, b.rowStride, kc);
      for (let p = 0; p < mp; p += PANEL) run((apAt + p * kc) * 8, bpAt * 8, (c.at + p * c.rowStride + j0) * 8, kc, nc / PANEL, c.rowStride * 8);
    }
  }
}

/** out (m × n, row-major) = op(A) op(B) with op(A) m × k and op(B) k × n given through strides; `fused`
 * picks the kernel (tests ask for each; it must be available when true). */
export function gemm(m: number, n: number, k: number, a: Operand, b: Operand, out: Float64Array, fused = gemmUsesFusedMultiplyAdd()): void {
  const kernel = kernelInstance(fused);
  const { memory } = kernel;
  const np = roundUp(n, PANEL);
  // Layout in doubles: packing space, C (padded: mp × np), raw A, raw B.
  const cAt = packingSpace(m, n), aAt = cAt + roundUp(m, PANEL) * np, bAt = aAt + a.data.length;
  growToHold(memory, (bAt + b.data.length) * 8);
  const heap = new Float64Array(memory.buffer);
  heap.set(a.data, aAt);
  heap.set(b.data, bAt);
  blockedProduct(kernel, heap, m, n, k, { ...a, at: aAt }, { ...b, at: bAt }, { at: cAt, rowStride: np, colStride: 1 }, 0);
  // Unpadded rows are one block: a single copy (+8 % at d = 64) instead of one per row.
  if (n === np) out.set(heap.subarray(cAt, cAt + m * n));
  else for (let i = 0; i < m; i++) out.set(heap.subarray(cAt + i * np, cAt + i * np + n), i * n);
}

/**
 * out (n × n, row-major) = op(A) op(B) where the product is symmetric (a Gram matrix, op(B) = op(A)ᵀ): in
 * block rows of `blockRows` rows rounded up to a multiple of 4, each multiplying only its columns from its
 * diagonal on, the rest mirrored. The operands are copied into the kernel's memory once (once for both where
 * they share their data) and every block reads them there: one gemm per block copied all of both per block.
 * Each entry is summed in k order as gemm sums it, so out equals the full product bit for bit.
 */
export function symmetricGemm(n: number, k: number, a: Operand, b: Operand, out: Float64Array, blockRows: number, fused = gemmUsesFusedMultiplyAdd()): void {
  if (!(blockRows > 0 && Number.isFinite(blockRows))) throw new Error(`symmetricGemm: block rows ${blockRows} must be positive and finite`);
  // Blocks start at multiples of 4, so each block's padding stays inside C's padded rows and columns.
  const rowsPerBlock = roundUp(blockRows, PANEL);
  const kernel = kernelInstance(fused);
  const { memory } = kernel;
  const np = roundUp(n, PANEL);
  const shared = a.data === b.data;
  // Layout in doubles: packing space, C (np × np), A's data, B's data unless it is A's.
  const cAt = packingSpace(rowsPerBlock, n), aAt = cAt + np * np, bAt = shared ? aAt : aAt + a.data.length;
  growToHold(memory, (aAt + a.data.length + (shared ? 0 : b.data.length)) * 8);
  const heap = new Float64Array(memory.buffer);
  heap.set(a.data, aAt);
  if (!shared) heap.set(b.data, bAt);
  for (let i0 = 0; i0 < n; i0 += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, n - i0);
    const aBlock = { at: aAt + i0 * a.rowStride, rowStride: a.rowStride, colStride: a.colStride };
    const bBlock = { at: bAt + i0 * b.colStride, rowStride: b.rowStride, colStride: b.colStride };
    blockedProduct(kernel, heap, rows, n - i0, k, aBlock, bBlock, { at: cAt + i0 * np + i0, rowStride: np, colStride: 1 }, 0);
  }
  for (let i = 0; i < n; i++) {
    const row = cAt + i * np;
    for (let j = i; j < n; j++) {
      const x = heap[row + j];
      out[i * n + j] = x;
      out[j * n + i] = x;
    }
  }
}
