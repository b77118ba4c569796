// y = A x for one fixed n × n matrix A and many x (the Gram form of a full-batch gradient, taken once per
// training step), in WebAssembly SIMD (f64x2). A is packed once into blocks of rows, column-major inside
// a block, so one lane of an accumulator is one row: each row's sum runs in column order exactly as
// `s += a[c] * x[c]` does in JavaScript. With a multiply then an add the result is bit-identical to that
// loop; with relaxed SIMD's fused multiply-add (the default where the engine has it, as for the gemm
// kernel) each step rounds once. Blocks of 12 rows keep 6 accumulators in flight behind one broadcast
// load of x[c]; the last block is zero-padded. Blocks of 16 rows (8 accumulators) ran 2.3× slower in V8
// (n = 100: 2.4 against 1.05 µs per product, medians of 5; 8 rows 1.4, 10 rows 1.1, 14 rows 1.1).
import { add, f64x2Add, f64x2Mul, f64x2RelaxedMadd, functionBody, get, i32, set, splatLoad, tee, v128Load, v128Store, v128Zero, moduleExportingFunctions } from './wasm-encoding';
import { gemmUsesFusedMultiplyAdd } from './wasm-gemm';
import { growToHold } from './wasm-memory';

const BLOCK_ROWS = 12;

// Params: packed A, x, y (byte addresses), n (columns), blocks; locals: xp, k (i32), acc[rows/2], xs (v128).
const [AP, X, Y, N, BLOCKS, XP, K] = [0, 1, 2, 3, 4, 5, 6];

/** `blocks` consecutive blocks of `rows` rows: y[0 … rows·blocks) = A_blocks x. */
function blockKernel(rows: number, fused: boolean): number[] {
  const lanes = rows / 2;
  const acc = (j: number) => 7 + j;
  const xs = 7 + lanes;
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  emit([0x03, 0x40]); // loop over blocks
  for (let j = 0; j < lanes; j++) emit(v128Zero, set(acc(j)));
  emit(get(X), set(XP), get(N), set(K));
  emit([0x02, 0x40], [0x03, 0x40], get(K), [0x45], [0x0d, 1]); // block; loop; break out when k = 0
  emit(get(XP), splatLoad(0), set(xs));
  for (let j = 0; j < lanes; j++) {
    if (fused) emit(get(AP), v128Load(16 * j), get(xs), get(acc(j)), f64x2RelaxedMadd, set(acc(j)));
    else emit(get(acc(j)), get(AP), v128Load(16 * j), get(xs), f64x2Mul, f64x2Add, set(acc(j)));
  }
  emit(get(AP), i32(8 * rows), add, set(AP), get(XP), i32(8), add, set(XP));
  emit(get(K), i32(-1), add, set(K), [0x0c, 0], [0x0b], [0x0b]); // k -= 1; next column
  for (let j = 0; j < lanes; j++) emit(get(Y), get(acc(j)), v128Store(16 * j));
  emit(get(Y), i32(8 * rows), add, set(Y));
  emit(get(BLOCKS), i32(-1), add, tee(BLOCKS), [0x0d, 0], [0x0b]); // next block while blocks ≠ 0
  return functionBody([2, 2, 0x7f, lanes + 1, 0x7b], code);
}

/**
 * The block function's body, of type (packed A, x, y, n, blocks) → () in i32 byte addresses, for
 * blocks ≥ 1. Other kernels (wasm-diagonal-descent.ts) call it on A laid out by packRows.
 */
export function matvecBlockBody(fused: boolean): number[] {
  return blockKernel(BLOCK_ROWS, fused);
}

/** The function type of the block function (section 1 encoding of (i32 × 5) → ()). */
export const MATVEC_BLOCK_TYPE = [0x60, 5, ...Array<number>(5).fill(0x7f), 0];

/** How packRows splits n rows: blocks of 12 rows, the last zero-padded to paddedRows in all. */
export function rowBlocks(n: number): { blocks: number; paddedRows: number } {
  const blocks = Math.ceil(n / BLOCK_ROWS);
  return { blocks, paddedRows: blocks * BLOCK_ROWS };
}

/**
 * Writes A (n × n, row-major) into heap from double `at` in the blocks' layout: the block starting at row
 * r0 holds entry (r0 + i, c) at r0·n + c·12 + i. Padded rows are not written (zero in fresh memory).
 */
export function packRows(a: Float64Array, n: number, heap: Float64Array, at: number): void {
  for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
    for (let c = 0; c < n; c++) for (let i = 0; i < BLOCK_ROWS && r0 + i < n; i++) heap[at + r0 * n + c * BLOCK_ROWS + i] = a[(r0 + i) * n + c];
  }
}

function moduleBytes(fused: boolean): Uint8Array<ArrayBuffer> {
  return moduleExportingFunctions([MATVEC_BLOCK_TYPE], [{ name: 'product', type: 0, body: matvecBlockBody(fused) }]);
}

interface Exports {
  memory: WebAssembly.Memory;
  product: (ap: number, x: number, y: number, n: number, blocks: number) => void;
}

const modules = new Map<boolean, WebAssembly.Module>();

/** A x for one square matrix A, packed at construction; `fused` as for gemm (it must be available when true). */
export class MatrixVectorProduct {
  private readonly kernel: Exports;
  private readonly heap: Float64Array;
  private readonly blocks: number;
  /** Byte addresses of x and y in the module's memory. */
  private readonly xAt: number;
  private readonly yAt: number;

  constructor(
    a: Float64Array,
    readonly n: number,
    fused = gemmUsesFusedMultiplyAdd(),
  ) {
    if (a.length !== n * n) throw new Error(`MatrixVectorProduct: A has ${a.length} entries, expected n² = ${n * n}`);
    let module = modules.get(fused);
    if (!module) {
      module = new WebAssembly.Module(moduleBytes(fused));
      modules.set(fused, module);
    }
    this.kernel = new WebAssembly.Instance(module).exports as unknown as Exports;
    const { blocks, paddedRows } = rowBlocks(n);
    this.blocks = blocks;
    // Layout in doubles: packed A (paddedRows × n), x (n), y (paddedRows).
    const xAt = paddedRows * n, yAt = xAt + n;
    const { memory } = this.kernel;
    growToHold(memory, (yAt + paddedRows) * 8);
    this.heap = new Float64Array(memory.buffer);
    this.xAt = xAt * 8;
    this.yAt = yAt * 8;
    packRows(a, n, this.heap, 0);
  }

  /** y = A x (y may be x). */
  apply(x: Float64Array, y: Float64Array): void {
    const { heap, n, xAt, yAt } = this;
    heap.set(x.length === n ? x : x.subarray(0, n), xAt / 8);
    this.kernel.product(0, xAt, yAt, n, this.blocks);
    y.set(heap.subarray(yAt / 8, yAt / 8 + n));
  }
}
