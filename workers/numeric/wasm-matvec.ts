// y = A x for one fixed n × n matrix A and many x (the Gram form of a full-batch gradient, taken once per
// training step), in WebAssembly SIMD (f64x2). A is packed once into blocks of rows, column-major inside
// a block, so one lane of an accumulator is one row: each row's sum runs in column order exactly as
// `s += a[c] * x[c]` does in JavaScript. With a multiply then an add the result is bit-identical to that
// loop; with relaxed SIMD's fused multiply-add (the default where the engine has it, as for the gemm
// kernel) each step rounds once. Blocks of 16 rows keep 8 accumulators in flight, enough to hide the
// multiply-add latency behind one broadcast load of x[c]; the last rows go in blocks of 4 (zero-padded).
import { add, exportEntry, f64x2Add, f64x2Mul, f64x2RelaxedMadd, functionBody, get, i32, section, set, splatLoad, tee, v128Load, v128Store, v128Zero, WASM_HEADER } from './wasm-encoding';
import { gemmUsesFusedMultiplyAdd } from './wasm-gemm';

const WIDE = 16;
const NARROW = 4;

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

function moduleBytes(fused: boolean): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [1, 0x60, 5, ...Array<number>(5).fill(0x7f), 0]),
    ...section(3, [2, 0, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [3, ...exportEntry('wide', 0, 0), ...exportEntry('narrow', 0, 1), ...exportEntry('memory', 2, 0)]),
    ...section(10, [2, ...blockKernel(WIDE, fused), ...blockKernel(NARROW, fused)]),
  ]);
}

type BlockFn = (ap: number, x: number, y: number, n: number, blocks: number) => void;
interface Exports {
  memory: WebAssembly.Memory;
  wide: BlockFn;
  narrow: BlockFn;
}

const modules = new Map<boolean, WebAssembly.Module>();

/** A x for one square matrix A, packed at construction; `fused` as for gemm (it must be available when true). */
export class MatrixVectorProduct {
  private readonly kernel: Exports;
  private readonly heap: Float64Array;
  private readonly wideBlocks: number;
  private readonly narrowBlocks: number;
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
    this.wideBlocks = Math.floor(n / WIDE);
    this.narrowBlocks = Math.ceil((n - WIDE * this.wideBlocks) / NARROW);
    const paddedRows = WIDE * this.wideBlocks + NARROW * this.narrowBlocks;
    // Layout in doubles: packed A (paddedRows × n), x (n), y (paddedRows).
    const xAt = paddedRows * n, yAt = xAt + n;
    const bytes = (yAt + paddedRows) * 8;
    const { memory } = this.kernel;
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    this.heap = new Float64Array(memory.buffer);
    this.xAt = xAt * 8;
    this.yAt = yAt * 8;
    // Block b of `rows` rows starting at r0: entry (r0 + i, c) at r0·n + c·rows + i; padded rows stay 0.
    let r0 = 0;
    const pack = (rows: number) => {
      for (let c = 0; c < n; c++) for (let i = 0; i < rows && r0 + i < n; i++) this.heap[r0 * n + c * rows + i] = a[(r0 + i) * n + c];
      r0 += rows;
    };
    for (let b = 0; b < this.wideBlocks; b++) pack(WIDE);
    for (let b = 0; b < this.narrowBlocks; b++) pack(NARROW);
  }

  /** y = A x (y may be x). */
  apply(x: Float64Array, y: Float64Array): void {
    const { heap, n, xAt, yAt } = this;
    heap.set(x.length === n ? x : x.subarray(0, n), xAt / 8);
    const narrowAt = WIDE * this.wideBlocks;
    if (this.wideBlocks > 0) this.kernel.wide(0, xAt, yAt, n, this.wideBlocks);
    if (this.narrowBlocks > 0) this.kernel.narrow(narrowAt * n * 8, xAt, yAt + narrowAt * 8, n, this.narrowBlocks);
    y.set(heap.subarray(yAt / 8, yAt / 8 + n));
  }
}
