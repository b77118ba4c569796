// The two matrix-vector products of a Householder reduction (bidiagonal-svd.ts), in WebAssembly SIMD
// (f64x2), on a row-major matrix that lives in the module's memory so the reduction updates it in place:
// y += Σ_i u_i A[i, :] (Aᵀu walked along rows) and x_i = A[i, :]·v. Four rows per pass: each load and
// store of y, or each load of v, serves four of them; the last rows (fewer than four) and an odd last
// column are done here in JavaScript. With relaxed SIMD's fused multiply-add where the engine has it
// (as for the gemm kernel), else a multiply then an add. Also the blocked reduction's trailing update
// A −= C of a product C: a JavaScript loop over the block was a fifth of the reduction at d = 256 and 512.
import { add, f64x2Add, f64x2Mul, f64x2RelaxedMadd, f64x2Sub, functionBody, get, i32, set, splatLoad, tee, v128Load, v128Store, v128Zero, moduleExportingFunctions } from './wasm-encoding';
import { gemmUsesFusedMultiplyAdd } from './wasm-gemm';
import { growToHold } from './wasm-memory';

const ROWS = 4;
// Params (bytes): a, ld, vec (u or v), out (y or lane sums), passes, chunks; locals: a row pointer per row,
// the vector pointer, k (i32); four v128 (splats of u, or accumulators) and one more (acc or v).
const [A, LD, VEC, OUT, PASSES, CHUNKS] = [0, 1, 2, 3, 4, 5];
const PA = (r: number) => 6 + r;
const [PV, K] = [10, 11];
const W = (r: number) => 12 + r;
const EXTRA = 16;
const i32Mul = [0x6c];

function kernel(kind: 'axpy' | 'dot', fused: boolean): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  const madd = (a: number[], b: number[], acc: number) => {
    if (fused) emit(a, b, get(acc), f64x2RelaxedMadd, set(acc));
    else emit(get(acc), a, b, f64x2Mul, f64x2Add, set(acc));
  };
  emit([0x03, 0x40]); // loop over passes of four rows
  emit(get(A), set(PA(0)));
  for (let r = 1; r < ROWS; r++) emit(get(PA(r - 1)), get(LD), add, set(PA(r)));
  if (kind === 'axpy') for (let r = 0; r < ROWS; r++) emit(get(VEC), splatLoad(8 * r), set(W(r)));
  else for (let r = 0; r < ROWS; r++) emit(v128Zero, set(W(r)));
  emit(kind === 'axpy' ? get(OUT) : get(VEC), set(PV), get(CHUNKS), set(K));
  emit([0x02, 0x40], [0x03, 0x40], get(K), [0x45], [0x0d, 1]); // block; loop; break out when k = 0
  if (kind === 'axpy') {
    // y[c:c+2] += Σ_r u_r A[r, c:c+2]
    emit(get(PV), v128Load(0), set(EXTRA));
    for (let r = 0; r < ROWS; r++) madd([...get(W(r))], [...get(PA(r)), ...v128Load(0)], EXTRA);
    emit(get(PV), get(EXTRA), v128Store(0));
  } else {
    // acc_r += A[r, c:c+2] ⊙ v[c:c+2]
    emit(get(PV), v128Load(0), set(EXTRA));
    for (let r = 0; r < ROWS; r++) madd([...get(PA(r)), ...v128Load(0)], [...get(EXTRA)], W(r));
  }
  for (let r = 0; r < ROWS; r++) emit(get(PA(r)), i32(16), add, set(PA(r)));
  emit(get(PV), i32(16), add, set(PV));
  emit(get(K), i32(-1), add, set(K), [0x0c, 0], [0x0b], [0x0b]); // k -= 1; next chunk
  if (kind === 'axpy') emit(get(VEC), i32(8 * ROWS), add, set(VEC));
  else {
    for (let r = 0; r < ROWS; r++) emit(get(OUT), get(W(r)), v128Store(16 * r));
    emit(get(OUT), i32(16 * ROWS), add, set(OUT));
  }
  emit(get(A), get(LD), i32(ROWS), i32Mul, add, set(A));
  emit(get(PASSES), i32(-1), add, tee(PASSES), [0x0d, 0], [0x0b]); // next pass while passes ≠ 0
  return functionBody([2, 6, 0x7f, 5, 0x7b], code);
}

/** subtract(dst, ldDst, src, ldSrc, rows, chunks): dst[i, c] −= src[i, c] for pairs of columns (bytes; rows ≥ 1). */
function subtractBody(): number[] {
  const [DST, LD_DST, SRC, LD_SRC, ROWS_LEFT, CHUNKS_PER_ROW] = [0, 1, 2, 3, 4, 5];
  const [PD, PS, C] = [6, 7, 8];
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  emit([0x03, 0x40]); // loop over rows
  emit(get(DST), set(PD), get(SRC), set(PS), get(CHUNKS_PER_ROW), set(C));
  emit([0x02, 0x40], [0x03, 0x40], get(C), [0x45], [0x0d, 1]); // block; loop; break out when c = 0
  emit(get(PD), get(PD), v128Load(0), get(PS), v128Load(0), f64x2Sub, v128Store(0));
  emit(get(PD), i32(16), add, set(PD), get(PS), i32(16), add, set(PS));
  emit(get(C), i32(-1), add, set(C), [0x0c, 0], [0x0b], [0x0b]);
  emit(get(DST), get(LD_DST), add, set(DST), get(SRC), get(LD_SRC), add, set(SRC));
  emit(get(ROWS_LEFT), i32(-1), add, tee(ROWS_LEFT), [0x0d, 0], [0x0b]); // next row while rows ≠ 0
  return functionBody([1, 3, 0x7f], code);
}

function moduleBytes(fused: boolean): Uint8Array<ArrayBuffer> {
  return moduleExportingFunctions(
    [[0x60, 6, ...Array<number>(6).fill(0x7f), 0]],
    [
      { name: 'axpy', type: 0, body: kernel('axpy', fused) },
      { name: 'dot', type: 0, body: kernel('dot', fused) },
      { name: 'subtract', type: 0, body: subtractBody() },
    ],
  );
}

type RowFn = (a: number, ld: number, vec: number, out: number, passes: number, chunks: number) => void;
interface Exports {
  memory: WebAssembly.Memory;
  axpy: RowFn;
  dot: RowFn;
  subtract: RowFn;
}

const modules = new Map<boolean, WebAssembly.Module>();

/** A module instance with `doubles` doubles of memory; `heap` views all of it (offsets below are in doubles). */
export class RowKernels {
  readonly heap: Float64Array;
  private readonly kernel: Exports;
  /** Where dot leaves its per-row lane pairs: after the caller's `doubles`. */
  private readonly lanesAt: number;

  constructor(doubles: number, maxRows: number, fused = gemmUsesFusedMultiplyAdd()) {
    let module = modules.get(fused);
    if (!module) {
      module = new WebAssembly.Module(moduleBytes(fused));
      modules.set(fused, module);
    }
    this.kernel = new WebAssembly.Instance(module).exports as unknown as Exports;
    this.lanesAt = doubles;
    const { memory } = this.kernel;
    growToHold(memory, (doubles + 2 * maxRows) * 8);
    this.heap = new Float64Array(memory.buffer);
  }

  /** heap[y + c] += Σ_{i<rows} heap[u + i] · heap[at + i·ld + c] for c < cols. */
  axpyRows(at: number, ld: number, rows: number, cols: number, u: number, y: number): void {
    const { heap } = this;
    const passes = Math.floor(rows / ROWS), chunks = cols >> 1;
    if (passes > 0 && chunks > 0) this.kernel.axpy(at * 8, ld * 8, u * 8, y * 8, passes, chunks);
    const done = chunks > 0 ? passes * ROWS : 0;
    for (let i = done; i < rows; i++) {
      const ui = heap[u + i], row = at + i * ld;
      for (let c = 0; c < 2 * chunks; c++) heap[y + c] += ui * heap[row + c];
    }
    if (cols & 1) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += heap[u + i] * heap[at + i * ld + cols - 1];
      heap[y + cols - 1] += s;
    }
  }

  /** out[i] = Σ_{c<cols} heap[at + i·ld + c] · heap[v + c] for i < rows (out: a JavaScript array, at `outAt`, stride `outStride`). */
  dotRows(at: number, ld: number, rows: number, cols: number, v: number, out: Float64Array, outAt: number, outStride: number): void {
    const { heap, lanesAt } = this;
    const passes = Math.floor(rows / ROWS), chunks = cols >> 1;
    if (passes > 0 && chunks > 0) this.kernel.dot(at * 8, ld * 8, v * 8, lanesAt * 8, passes, chunks);
    const done = chunks > 0 ? passes * ROWS : 0;
    for (let i = 0; i < rows; i++) {
      const row = at + i * ld;
      let s = 0;
      if (i < done) s = heap[lanesAt + 2 * i] + heap[lanesAt + 2 * i + 1];
      else for (let c = 0; c < 2 * chunks; c++) s += heap[row + c] * heap[v + c];
      if (cols & 1) s += heap[row + cols - 1] * heap[v + cols - 1];
      out[outAt + i * outStride] = s;
    }
  }

  /** heap[dst + i·ldDst + c] −= heap[src + i·ldSrc + c] for i < rows, c < cols. */
  subtractBlock(dst: number, ldDst: number, src: number, ldSrc: number, rows: number, cols: number): void {
    const { heap } = this;
    const chunks = cols >> 1;
    if (rows > 0 && chunks > 0) this.kernel.subtract(dst * 8, ldDst * 8, src * 8, ldSrc * 8, rows, chunks);
    if (cols & 1) for (let i = 0; i < rows; i++) heap[dst + i * ldDst + cols - 1] -= heap[src + i * ldSrc + cols - 1];
  }
}
