// Full-batch gradient descent on ½‖W_L ⋯ W₁ − T‖²_F with every matrix kept in one WebAssembly memory
// across steps: one call per step forms the gradients ∇W_l = W_{L:l+1}ᵀ G W_{l−1:1}ᵀ (paper 001 §3.2),
// moves every layer and forms the next W_eff and G; the host copies matrices out only when it reads them.
// Matrices are zero-padded to multiples of 4 (padding stays zero: its rows and columns of every gradient
// are zero). Up to UNPACKED_MAX_WIDTH the step is one function assembled for the architecture (addresses and
// sizes are constants in its code) calling the unpacked 4 × 4 kernels of wasm-small-gemm.ts; wider, the
// products run on wasm-gemm.ts's packed kernel, packing straight from the step's memory (no copies in or
// out, transposes read through strides), driven from here. Either way it performs the operations of
// the general path (descent.ts on the CPU backend) in the same order with the same roundings: each
// product entry summed in k order (fused multiply-add as matrix.ts's kernels, or a multiply then an add),
// G = W_eff − T, W ← W + (−η)∇W as a multiply then an add. Where every width is a multiple of 4 the two
// paths agree bit for bit; elsewhere the general path's tiled loop groups its sums differently (~1 ulp)
// (the packed step: bit for bit wherever the general path's products are packed too).
// At d = 16 (L = 3) a step took 17.7 µs on the general path and 3.0 µs here (`npm run bench -- dln-train`,
// medians of 3 at load ~20): the rest was copying operands into and out of the kernels' memory, shape
// checks and a call per operation. At d = 256 the packed step took 9.0 ms against 10.0 on the general path
// (its copies into and out of the kernel's memory, its JavaScript axpy and loss every step).
import { add, call, exportEntry, f64Add, f64Load, f64Mul, f64Store, f64Sub, f64x2Add, f64x2Mul, f64x2Splat, f64x2Sub, functionBody, get, i32, leb, loopWhileNonzero, section, set, shl, tee, v128Load, v128Store, moduleExportingFunctions, WASM_HEADER } from './wasm-encoding';
import type { Matrix } from './matrix';
import { blockedProduct, gemmUsesFusedMultiplyAdd, type MemoryOperand, PACKED_KERNEL_TYPES, packedKernelFunctions, type PackedKernel, packingSpace } from './wasm-gemm';
import { smallGemmKernelBody } from './wasm-small-gemm';
import { growToHold } from './wasm-memory';

const padded = (n: number): number => Math.ceil(n / 4) * 4;

// Function indices of the unpacked module.
const [NN, TN, TRANSPOSE, RESIDUAL, AXPY, SQUARED_DISTANCE, FORWARD, STEP] = [0, 1, 2, 3, 4, 5, 6, 7];

/** transpose(src, dst, rows, cols): dst (cols × rows) = srcᵀ, byte addresses. */
function transposeBody(): number[] {
  const [SRC, DST, ROWS, COLS, J, D, ROW_BYTES] = [0, 1, 2, 3, 4, 5, 6];
  const inner = [...get(D), ...get(SRC), ...f64Load(0), ...f64Store(0), ...get(SRC), ...i32(8), ...add, ...set(SRC), ...get(D), ...get(ROW_BYTES), ...add, ...set(D)];
  const outer = [...get(DST), ...set(D), ...get(COLS), ...set(J), ...loopWhileNonzero(J, inner), ...get(DST), ...i32(8), ...add, ...set(DST)];
  return functionBody([1, 3, 0x7f], [...get(ROWS), ...i32(3), ...shl, ...set(ROW_BYTES), ...loopWhileNonzero(ROWS, outer)]);
}

/** residual(p, t, g, pairs): g = p − t over 2·pairs doubles. */
function residualBody(): number[] {
  const [P, T, G, N] = [0, 1, 2, 3];
  const advance = (x: number) => [...get(x), ...i32(16), ...add, ...set(x)];
  const body = [...get(G), ...get(P), ...v128Load(0), ...get(T), ...v128Load(0), ...f64x2Sub, ...v128Store(0), ...advance(P), ...advance(T), ...advance(G)];
  return functionBody([0], loopWhileNonzero(N, body));
}

/** axpy(x, y, pairs, alpha): y += alpha·x over 2·pairs doubles, a multiply then an add. */
function axpyBody(): number[] {
  const [X, Y, N, ALPHA, AV] = [0, 1, 2, 3, 4];
  const advance = (x: number) => [...get(x), ...i32(16), ...add, ...set(x)];
  const body = [...get(Y), ...get(Y), ...v128Load(0), ...get(AV), ...get(X), ...v128Load(0), ...f64x2Mul, ...f64x2Add, ...v128Store(0), ...advance(X), ...advance(Y)];
  return functionBody([1, 1, 0x7b], [...get(ALPHA), ...f64x2Splat, ...set(AV), ...loopWhileNonzero(N, body)]);
}

/** squaredDistance(a, b, count) = Σ (a − b)² in entry order, as the CPU backend's squaredResidual sums. */
function squaredDistanceBody(): number[] {
  const [A, B, N, S, E] = [0, 1, 2, 3, 4];
  const body = [...get(S), ...get(A), ...f64Load(0), ...get(B), ...f64Load(0), ...f64Sub, ...tee(E), ...get(E), ...f64Mul, ...f64Add, ...set(S)];
  const advance = [...get(A), ...i32(8), ...add, ...set(A), ...get(B), ...i32(8), ...add, ...set(B)];
  return functionBody([1, 2, 0x7c], [...loopWhileNonzero(N, [...body, ...advance]), ...get(S)]);
}

/** A matrix in the module's memory: byte address, padded rows and columns. */
interface Slot {
  at: number;
  rows: number;
  cols: number;
}

/** The memory layout of one architecture (widths n₀ … n_L), in bytes. */
class Layout {
  readonly layers: Slot[];
  /** prefix[l] = W_{l+1:1}; prefix[0] is layer 0 itself, the last is W_eff. */
  readonly prefix: Slot[];
  readonly target: Slot;
  /** G = W_eff − T. */
  readonly gradient: Slot;
  /** back[l] = W_{L:l+2}ᵀ G. */
  readonly back: Slot[];
  /** grads[l] = ∇W_{l+1}: back[0] for the first layer (G at depth 1), a slot of its own for the others. */
  readonly grads: Slot[];
  readonly anchor: Slot;
  /** Scratch for the unpacked step's transposes (the packed products read transposes through strides). */
  readonly transposed: Slot | null;
  readonly bytes: number;

  constructor(
    readonly widths: readonly number[],
    withTransposeScratch: boolean,
  ) {
    let next = 0;
    const slot = (rows: number, cols: number): Slot => {
      const s = { at: next, rows: padded(rows), cols: padded(cols) };
      next += s.rows * s.cols * 8;
      return s;
    };
    const depth = widths.length - 1, n0 = widths[0], nL = widths[depth];
    this.layers = Array.from({ length: depth }, (_, l) => slot(widths[l + 1], widths[l]));
    this.prefix = this.layers.map((w, l) => (l === 0 ? w : slot(widths[l + 1], n0)));
    this.target = slot(nL, n0);
    this.gradient = slot(nL, n0);
    this.back = Array.from({ length: depth - 1 }, (_, l) => slot(widths[l + 1], n0));
    this.grads = this.layers.map((_, l) => (l > 0 ? slot(widths[l + 1], widths[l]) : (this.back[0] ?? this.gradient)));
    this.anchor = slot(nL, n0);
    this.transposed = withTransposeScratch ? slot(n0, Math.max(...widths.slice(1, depth), 1)) : null;
    this.bytes = next;
  }

  get product(): Slot {
    return this.prefix[this.prefix.length - 1];
  }
}

/** C = A B for padded row-major slots (C = Aᵀ B with `transposedA`). */
function product(kind: typeof NN | typeof TN, a: Slot, b: Slot, c: Slot): number[] {
  const k = kind === NN ? a.cols : a.rows;
  return [...i32(a.at), ...i32(b.at), ...i32(c.at), ...i32(c.rows / 4), ...i32(c.cols / 4), ...i32(k), ...i32(a.cols * 8), ...i32(b.cols * 8), ...i32(c.cols * 8), ...call(kind)];
}

const pairs = (s: Slot): number => (s.rows * s.cols) / 2;

/** forward(): W_eff = W_L ⋯ W₁ and G = W_eff − T. */
function forwardBody(m: Layout): number[] {
  const code: number[] = [];
  for (let l = 1; l < m.layers.length; l++) code.push(...product(NN, m.layers[l], m.prefix[l - 1], m.prefix[l]));
  code.push(...i32(m.product.at), ...i32(m.target.at), ...i32(m.gradient.at), ...i32(pairs(m.gradient)), ...call(RESIDUAL));
  return functionBody([0], code);
}

/** step(alpha): every ∇W_l from G, W_l += alpha ∇W_l (alpha = −η), then forward(). */
function stepBody(m: Layout, transposed: Slot): number[] {
  const code: number[] = [];
  let back = m.gradient;
  for (let l = m.layers.length - 1; l >= 1; l--) {
    const before = m.prefix[l - 1];
    const bt = { at: transposed.at, rows: before.cols, cols: before.rows };
    code.push(...i32(before.at), ...i32(bt.at), ...i32(before.rows), ...i32(before.cols), ...call(TRANSPOSE));
    code.push(...product(NN, back, bt, m.grads[l]));
    code.push(...product(TN, m.layers[l], back, m.back[l - 1]));
    back = m.back[l - 1];
  }
  // Every gradient is formed before any layer moves.
  m.layers.forEach((w, l) => code.push(...i32(m.grads[l].at), ...i32(w.at), ...i32(pairs(w)), ...get(0), ...call(AXPY)));
  code.push(...call(FORWARD));
  return functionBody([0], code);
}

const [I32, F64] = [0x7f, 0x7c];
const funcType = (params: number[], results: number[]): number[] => [0x60, params.length, ...params, results.length, ...results];
const [RESIDUAL_TYPE, AXPY_TYPE, DISTANCE_TYPE] = [funcType([I32, I32, I32, I32], []), funcType([I32, I32, I32, F64], []), funcType([I32, I32, I32], [F64])];

function moduleBytes(m: Layout, transposed: Slot, fused: boolean): Uint8Array<ArrayBuffer> {
  const types = [funcType(Array<number>(9).fill(I32), []), RESIDUAL_TYPE, AXPY_TYPE, DISTANCE_TYPE, funcType([], []), funcType([F64], [])];
  const functionTypes = [0, 0, 1, 1, 2, 3, 4, 5];
  const pages = Math.max(1, Math.ceil(m.bytes / 65536));
  const exports = [exportEntry('step', 0, STEP), exportEntry('forward', 0, FORWARD), exportEntry('squaredDistance', 0, SQUARED_DISTANCE), exportEntry('memory', 2, 0)];
  const bodies = [
    smallGemmKernelBody(false, fused),
    smallGemmKernelBody(true, fused),
    transposeBody(),
    residualBody(),
    axpyBody(),
    squaredDistanceBody(),
    forwardBody(m),
    stepBody(m, transposed),
  ];
  return Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [types.length, ...types.flat()]),
    ...section(3, [functionTypes.length, ...functionTypes]),
    ...section(5, [1, 0x00, ...leb(pages)]),
    ...section(7, [exports.length, ...exports.flat()]),
    ...section(10, [bodies.length, ...bodies.flat()]),
  ]);
}

/** The packed step's module: wasm-gemm.ts's kernel and packing with the element-wise parts, for any architecture (the JavaScript side drives the products; the memory is grown to the layout). */
function packedModuleBytes(fused: boolean): Uint8Array<ArrayBuffer> {
  const t = PACKED_KERNEL_TYPES.length;
  const elementWise = [{ name: 'residual', type: t, body: residualBody() }, { name: 'axpy', type: t + 1, body: axpyBody() }, { name: 'squaredDistance', type: t + 2, body: squaredDistanceBody() }];
  return moduleExportingFunctions([...PACKED_KERNEL_TYPES, RESIDUAL_TYPE, AXPY_TYPE, DISTANCE_TYPE], [...packedKernelFunctions(fused), ...elementWise]);
}

/**
 * Compiled modules by architecture and kernel (one per kernel for the packed step, which is the same for every
 * architecture), so a sweep of runs of one architecture assembles and compiles once per worker thread
 * (assembling took 0.3–10 ms, compiling 0.06 ms, instantiating 0.1 ms at d = 8). The oldest goes first past
 * MODULE_CACHE_SIZE architectures.
 */
const MODULE_CACHE_SIZE = 32;
const modules = new Map<string, WebAssembly.Module>();
function compiled(key: string, bytes: () => Uint8Array<ArrayBuffer>): WebAssembly.Module {
  let module = modules.get(key);
  if (!module) {
    module = new WebAssembly.Module(bytes());
    if (modules.size >= MODULE_CACHE_SIZE) modules.delete(modules.keys().next().value as string);
    modules.set(key, module);
  }
  return module;
}

/**
 * Widest layer up to which the step runs on the unpacked kernel; wider ones on the packed kernel. CPU time per
 * step, unpacked / packed, depth 3, medians of 9 alternations at load ~15: d = 64 1.05, 96 0.90, 112 0.91,
 * 128 1.01, 144 0.99, 160 1.27, 192 1.25, 256 1.36 (at 128 an earlier run at load ~10 gave 1.18, and the
 * dln-train bench 0.89: from 128 to 144 the two are within the noise).
 */
export const UNPACKED_MAX_WIDTH = 144;

/** How the layers move in one step, and W_eff and G at the new layers, on matrices in `memory`. */
interface StepKernel {
  memory: WebAssembly.Memory;
  step(alpha: number): void;
  forward(): void;
  squaredDistance(a: number, b: number, count: number): number;
}

interface PackedExports extends PackedKernel {
  memory: WebAssembly.Memory;
  residual: (p: number, t: number, g: number, pairs: number) => void;
  axpy: (x: number, y: number, pairs: number, alpha: number) => void;
  squaredDistance: (a: number, b: number, count: number) => number;
}

/**
 * The step on wasm-gemm.ts's packed kernel, its products driven from here: the operations and order of the
 * unpacked step, with every dimension padded to a multiple of 4 and transposes read through strides.
 */
class PackedStep implements StepKernel {
  readonly memory: WebAssembly.Memory;
  readonly squaredDistance: PackedExports['squaredDistance'];
  private readonly heap: Float64Array;
  private readonly packAt: number;

  constructor(
    private readonly layout: Layout,
    private readonly kernel: PackedExports,
  ) {
    this.memory = kernel.memory;
    this.squaredDistance = kernel.squaredDistance;
    const widest = Math.max(...layout.widths.map(padded));
    this.packAt = layout.bytes / 8;
    growToHold(this.memory, layout.bytes + packingSpace(widest, widest) * 8);
    this.heap = new Float64Array(this.memory.buffer);
  }

  /** C = op(A) op(B) into a slot, with op(X) a slot as stored or transposed. */
  private product(a: Slot, transposeA: boolean, b: Slot, transposeB: boolean, c: Slot): void {
    const operand = (x: Slot, transposed: boolean): MemoryOperand => ({ at: x.at / 8, rowStride: transposed ? 1 : x.cols, colStride: transposed ? x.cols : 1 });
    const k = transposeA ? a.rows : a.cols;
    blockedProduct(this.kernel, this.heap, c.rows, c.cols, k, operand(a, transposeA), operand(b, transposeB), { at: c.at / 8, rowStride: c.cols, colStride: 1 }, this.packAt);
  }

  forward(): void {
    const m = this.layout;
    for (let l = 1; l < m.layers.length; l++) this.product(m.layers[l], false, m.prefix[l - 1], false, m.prefix[l]);
    this.kernel.residual(m.product.at, m.target.at, m.gradient.at, pairs(m.gradient));
  }

  step(alpha: number): void {
    const m = this.layout;
    let back = m.gradient;
    for (let l = m.layers.length - 1; l >= 1; l--) {
      this.product(back, false, m.prefix[l - 1], true, m.grads[l]);
      this.product(m.layers[l], true, back, false, m.back[l - 1]);
      back = m.back[l - 1];
    }
    // Every gradient is formed before any layer moves.
    m.layers.forEach((w, l) => this.kernel.axpy(m.grads[l].at, w.at, pairs(w), alpha));
    this.forward();
  }
}

/**
 * Gradient descent with step size η on ½‖W_L ⋯ W₁ − T‖²_F (layer l: widths[l + 1] × widths[l], row-major),
 * every matrix in WebAssembly memory. After construction and after each `step()` the product and the
 * gradient G = W_eff − T are those of the current layers. `fused` as for gemm; `packed`: the products on the
 * packed kernel (the default past UNPACKED_MAX_WIDTH) or the unpacked one, the same sums either way.
 */
export class DeepLinearDescent {
  private readonly layout: Layout;
  private readonly kernel: StepKernel;
  private readonly heap: Float64Array;
  private readonly alpha: number;

  constructor(initial: readonly Matrix[], target: Matrix, learningRate: number, fused = gemmUsesFusedMultiplyAdd(), packed?: boolean) {
    const widths = [initial[0].cols, ...initial.map((w) => w.rows)];
    initial.forEach((w, l) => {
      if (w.cols !== widths[l]) throw new Error(`DeepLinearDescent: layer ${l + 1} is ${w.rows}×${w.cols}, its input has width ${widths[l]}`);
    });
    if (target.rows !== widths[widths.length - 1] || target.cols !== widths[0]) {
      throw new Error(`DeepLinearDescent: target is ${target.rows}×${target.cols}, W_eff is ${widths[widths.length - 1]}×${widths[0]}`);
    }
    const usePacked = packed ?? Math.max(...widths) > UNPACKED_MAX_WIDTH;
    this.layout = new Layout(widths, !usePacked);
    const kernelName = fused ? 'fma' : 'mul-add';
    if (usePacked) {
      const exports = new WebAssembly.Instance(compiled(`packed ${kernelName}`, () => packedModuleBytes(fused))).exports as unknown as PackedExports;
      this.kernel = new PackedStep(this.layout, exports);
    } else {
      const { layout } = this, transposed = layout.transposed as Slot;
      this.kernel = new WebAssembly.Instance(compiled(`${kernelName} ${widths.join(',')}`, () => moduleBytes(layout, transposed, fused))).exports as unknown as StepKernel;
    }
    this.heap = new Float64Array(this.kernel.memory.buffer);
    this.alpha = -learningRate;
    initial.forEach((w, l) => this.write(this.layout.layers[l], w));
    this.write(this.layout.target, target);
    this.kernel.forward();
  }

  /** One step: every layer moves by −η∇W_l, then W_eff and G are formed at the new layers. */
  step(): void {
    this.kernel.step(this.alpha);
  }

  /** Σ (W_eff − T)², summed in entry order (twice the loss). */
  squaredResidual(): number {
    return this.distance(this.layout.target);
  }

  /** ‖W_eff − anchor‖²_F, summed in entry order; the anchor is zero until `anchorHere`. */
  squaredDistanceFromAnchor(): number {
    return this.distance(this.layout.anchor);
  }

  private distance(from: Slot): number {
    const { product } = this.layout;
    return this.kernel.squaredDistance(product.at, from.at, product.rows * product.cols);
  }
  /** anchor ← W_eff. */
  anchorHere(): void {
    const { product, anchor } = this.layout;
    this.heap.copyWithin(anchor.at / 8, product.at / 8, (product.at + product.rows * product.cols * 8) / 8);
  }

  /** A copy of W_eff (n_L × n₀). */
  product(): Float64Array {
    const w = this.layout.widths;
    return this.read(this.layout.product, w[w.length - 1], w[0]);
  }

  /** Copies of the layers. */
  layers(): Float64Array[] {
    const w = this.layout.widths;
    return this.layout.layers.map((s, l) => this.read(s, w[l + 1], w[l]));
  }

  private write(s: Slot, m: Matrix): void {
    const base = s.at / 8;
    for (let i = 0; i < m.rows; i++) this.heap.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), base + i * s.cols);
  }

  private read(s: Slot, rows: number, cols: number): Float64Array {
    const base = s.at / 8, out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) out.set(this.heap.subarray(base + i * s.cols, base + i * s.cols + cols), i * cols);
    return out;
  }
}
