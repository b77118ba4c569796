// Full-batch steepest descent of a deep diagonal network x = w₁ ⊙ ⋯ ⊙ w_L on a least-squares loss in
// its Gram form, many steps per call, in WebAssembly SIMD: each step forms h = A x − b (A = ZᵀZ/k on
// wasm-matvec.ts's block functions, called inside the module), the loss ½xᵀh − ½bᵀx + c₀, the running
// sums the run reports (η‖h‖², max |hᵢ|, the last step that moved a weight), and the update of every
// layer, two features per f64x2 lane pair, with no JavaScript between steps. Every value is computed
// with the operations of the JavaScript path (steepest's Objective.gradient and DiagonalNetwork.step)
// in the same order with the same roundings, so both paths agree bit for bit: the scalar sums run in
// feature order, the update is a multiply then an add, and products with an exact 1 are left out.
// The weights live in the module's memory interleaved by feature pair (pair p, layer i at p·L + i in
// v128 units), so a layer's operand is one constant-offset load.
import { MATVEC_BLOCK_TYPE, matvecBlockBody, packRows, rowBlocks } from './wasm-matvec';
import { add, call, f64Add, f64Load, f64Mul, f64Store, f64Sub, f64x2Add, f64x2Mul, f64x2Splat, f64x2Sub, functionBody, get, i32, loopWhileNonzero, set, tee, v128Load, v128Store, v128Zero, moduleExportingFunctions } from './wasm-encoding';
import { gemmUsesFusedMultiplyAdd } from './wasm-gemm';
import { growToHold } from './wasm-memory';

/** How the update maps a layer's gradient d to its step: sign(d) (q = 1), d (q = 2), sign(d)√|d| (q = 1.5). */
export type UpdatePower = 'sign' | 'identity' | 'sqrt';

export interface DiagonalUpdate {
  power: UpdatePower;
  learningRate: number;
  /** α₁: added to each layer's gradient as α₁·w. */
  coupledDecay: number;
  /** α₂: w ← (1 − ηα₂)w − η·update. */
  decoupledDecay: number;
}

const f64Const = (v: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
const [f64Max, f64Abs] = [[0xa5], [0x99]];
const [f64Lt, f64Gt, f64Le] = [[0x63], [0x64], [0x65]];
const [i32Eq, i32Eqz, i32Or, select, f64FromI32] = [[0x46], [0x45], [0x72], [0x1b], [0xb7]];
const [f64x2Ne, f64x2Lt, f64x2Gt, f64x2Ge] = [[0xfd, 0x48], [0xfd, 0x49], [0xfd, 0x4a], [0xfd, 0x4c]];
const [v128And, v128Or, v128Bitselect, v128AnyTrue] = [[0xfd, 0x4e], [0xfd, 0x50], [0xfd, 0x52], [0xfd, 0x53]];
const [f64x2Neg, f64x2Sqrt] = [[0xfd, 0xed, 0x01], [0xfd, 0xef, 0x01]];
const v128Const = (v: number): number[] => [0xfd, 0x0c, ...new Uint8Array(Float64Array.of(v, v).buffer)];

/** Doubles of the statistics block: constants in, running sums in and out. */
const [C0, ETA, SHRINK, COUPLED, ENERGY, MAX_ENTRY, LAST_MOVE, LOSS] = [0, 1, 2, 3, 4, 5, 6, 7];
const STATS_DOUBLES = 8;

// run(a, x, h, b, w, n, blocks, pairs, stats, count, t0, stopAt) → steps taken (byte addresses, counts).
const [A, X, H, B, W, N, BLOCKS, PAIRS, STATS, COUNT, T0, STOP_AT] = Array.from({ length: 12 }, (_, i) => i);
const RUN_I32_PARAMS = 11;

/**
 * The step loop for depth L: up to `count` steps; before a step's update it stops (returning the steps
 * taken, the loss stored) where the loss is ≤ stopAt or not finite, so the host can look at that step.
 */
function runBody(depth: number, power: UpdatePower): number[] {
  // Locals after the 12 params: i32 k, c, p, q; f64 xh, bx, sq, mx, mxKept, hv, xv, bv, loss, energy;
  // v128 eta, shrink, coupled, one, minusOne, zero, hc, moved, suffix, product, d, u, next, old[L], prefix[L].
  let next = RUN_I32_PARAMS + 1;
  const [K, C, P, Q] = [next++, next++, next++, next++];
  const [XH, BX, SQ, MX, MX_KEPT, HV, XV, BV, LOSS_L, ENERGY_L] = Array.from({ length: 10 }, () => next++);
  const [ETA_V, SHRINK_V, COUPLED_V, ONE, MINUS_ONE, ZERO, HC, MOVED, SUFFIX, PRODUCT, D, U, NEXT] = Array.from({ length: 13 }, () => next++);
  const OLD = Array.from({ length: depth }, () => next++);
  const PREFIX = Array.from({ length: depth }, () => next++);
  const v128Locals = 13 + 2 * depth;

  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((part) => code.push(...part));
  const stat = (slot: number) => [...get(STATS), ...f64Load(8 * slot)];
  const splatStat = (slot: number, local: number) => emit(stat(slot), f64x2Splat, set(local));
  splatStat(ETA, ETA_V);
  splatStat(SHRINK, SHRINK_V);
  splatStat(COUPLED, COUPLED_V);
  emit(v128Const(1), set(ONE), v128Const(-1), set(MINUS_ONE), v128Zero, set(ZERO));
  emit(stat(ENERGY), set(ENERGY_L), stat(MAX_ENTRY), set(MX_KEPT));
  const saveSums = [...get(STATS), ...get(ENERGY_L), ...f64Store(8 * ENERGY), ...get(STATS), ...get(MX_KEPT), ...f64Store(8 * MAX_ENTRY)];

  emit([0x02, 0x40], [0x03, 0x40]); // block $done; loop $step
  emit(get(K), get(COUNT), i32Eq, [0x0d, 1]);
  // h = A x on the block function (function 0).
  emit(get(A), get(X), get(H), get(N), get(BLOCKS), call(0));
  // h −= b; xᵀh, bᵀx, ‖h‖² and max |hᵢ| in feature order.
  emit(f64Const(0), tee(XH), tee(BX), set(SQ), get(MX_KEPT), set(MX), i32(0), set(P), get(N), set(C));
  emit(
    loopWhileNonzero(C, [
      ...[...get(H), ...get(P), ...add, ...get(H), ...get(P), ...add, ...f64Load(0), ...get(B), ...get(P), ...add, ...f64Load(0), ...tee(BV), ...f64Sub, ...tee(HV), ...f64Store(0)],
      ...[...get(X), ...get(P), ...add, ...f64Load(0), ...set(XV)],
      ...[...get(XH), ...get(XV), ...get(HV), ...f64Mul, ...f64Add, ...set(XH)],
      ...[...get(BX), ...get(BV), ...get(XV), ...f64Mul, ...f64Add, ...set(BX)],
      ...[...get(SQ), ...get(HV), ...get(HV), ...f64Mul, ...f64Add, ...set(SQ)],
      ...[...get(HV), ...f64Abs, ...get(MX), ...get(HV), ...f64Abs, ...get(MX), ...f64Gt, ...select, ...set(MX)],
      ...[...get(P), ...i32(8), ...add, ...set(P)],
    ]),
  );
  // f = max(0, ½xᵀh − ½bᵀx + c₀); stop before the update where f ≤ stopAt or f is not finite.
  emit(f64Const(0), f64Const(0.5), get(XH), f64Mul, f64Const(0.5), get(BX), f64Mul, f64Sub, stat(C0), f64Add, f64Max, set(LOSS_L));
  emit(get(STATS), get(LOSS_L), f64Store(8 * LOSS));
  emit(get(LOSS_L), get(STOP_AT), f64Le, get(LOSS_L), f64Const(Infinity), f64Lt, i32Eqz, i32Or);
  emit([0x04, 0x40], saveSums, get(K), [0x0f], [0x0b]);
  emit(get(ENERGY_L), stat(ETA), get(SQ), f64Mul, f64Add, set(ENERGY_L), get(MX), set(MX_KEPT));

  // The update, one pair of features at a time: prefix products forward, suffix products backward.
  const pair: number[][] = [];
  const put = (...parts: number[][]) => pair.push(...parts);
  put(get(H), get(P), add, v128Load(0), set(HC));
  for (let i = 0; i < depth; i++) put(get(Q), v128Load(16 * i), set(OLD[i]));
  // prefix[i] = w₀ ⋯ w_{i−1}: prefix[0] = 1 is left out, prefix[1] = 1·w₀ = w₀ exactly.
  for (let i = 2; i < depth; i++) put(get(i === 2 ? OLD[0] : PREFIX[i - 1]), get(OLD[i - 1]), f64x2Mul, set(PREFIX[i]));
  const prefixOf = (i: number) => (i === 1 ? OLD[0] : PREFIX[i]);
  for (let i = depth - 1; i >= 0; i--) {
    // d = h·prefix[i]·suffix + α₁·w_i (a factor 1 left out: exact).
    put(get(HC));
    if (i > 0) put(get(prefixOf(i)), f64x2Mul);
    if (i < depth - 1) put(get(SUFFIX), f64x2Mul);
    put(get(COUPLED_V), get(OLD[i]), f64x2Mul, f64x2Add, set(D));
    if (i > 0) put(i === depth - 1 ? get(OLD[i]) : [...get(SUFFIX), ...get(OLD[i]), ...f64x2Mul], set(SUFFIX));
    if (power === 'sign') put(get(D), get(ZERO), f64x2Gt, get(ONE), v128And, get(D), get(ZERO), f64x2Lt, get(MINUS_ONE), v128And, v128Or, set(U));
    else if (power === 'identity') put(get(D), set(U));
    else put(get(D), f64x2Sqrt, get(D), f64x2Neg, f64x2Sqrt, f64x2Neg, get(D), get(ZERO), f64x2Ge, v128Bitselect, set(U));
    put(get(SHRINK_V), get(OLD[i]), f64x2Mul, get(ETA_V), get(U), f64x2Mul, f64x2Sub, set(NEXT));
    put(get(Q), get(NEXT), v128Store(16 * i));
    put(get(NEXT), get(OLD[i]), f64x2Ne, get(MOVED), v128Or, set(MOVED));
    put(i === depth - 1 ? get(NEXT) : [...get(PRODUCT), ...get(NEXT), ...f64x2Mul], set(PRODUCT));
  }
  put(get(X), get(P), add, get(PRODUCT), v128Store(0));
  put(get(P), i32(16), add, set(P), get(Q), i32(16 * depth), add, set(Q));
  emit(v128Zero, set(MOVED), i32(0), set(P), get(W), set(Q), get(PAIRS), set(C));
  emit(loopWhileNonzero(C, pair.flat()));
  emit(get(MOVED), v128AnyTrue, [0x04, 0x40], get(STATS), get(T0), get(K), add, i32(1), add, f64FromI32, f64Store(8 * LAST_MOVE), [0x0b]);
  emit(get(K), i32(1), add, set(K), [0x0c, 0], [0x0b], [0x0b]); // next step; end loop, end block
  emit(saveSums, get(K));
  return functionBody([3, 4, 0x7f, 10, 0x7c, v128Locals, 0x7b], code);
}

function moduleBytes(depth: number, power: UpdatePower, fused: boolean): Uint8Array<ArrayBuffer> {
  const runType = [0x60, RUN_I32_PARAMS + 1, ...Array<number>(RUN_I32_PARAMS).fill(0x7f), 0x7c, 1, 0x7f];
  // The block function must be function 0: runBody calls it by that index.
  return moduleExportingFunctions(
    [MATVEC_BLOCK_TYPE, runType],
    [
      { name: 'matvecBlock', type: 0, body: matvecBlockBody(fused) },
      { name: 'run', type: 1, body: runBody(depth, power) },
    ],
  );
}

interface Exports {
  memory: WebAssembly.Memory;
  run: (...args: number[]) => number;
}

const modules = new Map<string, WebAssembly.Module>();

/**
 * One run's state (weights, x, the last gradient) and constants in a module's memory. The host sets
 * the weights once, calls run() for stretches of steps, and reads the state where it looks at a step.
 */
export class DiagonalGramDescent {
  private readonly kernel: Exports;
  private readonly heap: Float64Array;
  private readonly pairs: number;
  private readonly args: number[];
  /** Double indices of the blocks in heap. */
  private readonly at: { x: number; h: number; w: number; stats: number };

  /**
   * gram: A (n × n, row-major), rhs: b, halfMeanSquare: c₀ of f = ½xᵀAx − bᵀx + c₀. `fused`: the
   * product's multiply-adds fused, as wasm-matvec's (it must be available when true).
   */
  constructor(
    gram: Float64Array,
    rhs: Float64Array,
    halfMeanSquare: number,
    readonly n: number,
    readonly depth: number,
    update: DiagonalUpdate,
    fused = gemmUsesFusedMultiplyAdd(),
  ) {
    // The loops run their body once before testing: no empty problem; the local count is one byte.
    if (!(n >= 1) || !(depth >= 1 && depth <= 57)) throw new Error(`DiagonalGramDescent: n = ${n} and depth = ${depth} must be ≥ 1 and 1…57`);
    if (gram.length !== n * n || rhs.length !== n) throw new Error(`DiagonalGramDescent: A has ${gram.length} entries and b ${rhs.length}, expected n² = ${n * n} and n = ${n}`);
    const key = `${depth}/${update.power}/${fused}`;
    let module = modules.get(key);
    if (!module) {
      module = new WebAssembly.Module(moduleBytes(depth, update.power, fused));
      modules.set(key, module);
    }
    this.kernel = new WebAssembly.Instance(module).exports as unknown as Exports;
    const { blocks, paddedRows } = rowBlocks(n);
    this.pairs = Math.ceil(n / 2);
    // Layout in doubles: packed A, then x and b (2·pairs), h (padded rows: a multiple of 12, so ≥ 2·pairs), weights, statistics.
    const x = paddedRows * n, b = x + 2 * this.pairs, h = b + 2 * this.pairs, w = h + paddedRows, stats = w + 2 * this.pairs * depth;
    const { memory } = this.kernel;
    growToHold(memory, (stats + STATS_DOUBLES) * 8);
    this.heap = new Float64Array(memory.buffer);
    packRows(gram, n, this.heap, 0);
    this.heap.set(rhs, b);
    this.at = { x, h, w, stats };
    this.args = [0, x * 8, h * 8, b * 8, w * 8, n, blocks, this.pairs, stats * 8];
    const { learningRate: eta, coupledDecay, decoupledDecay } = update;
    this.heap.set([halfMeanSquare, eta, 1 - eta * decoupledDecay, coupledDecay, 0, 0, 0, NaN], stats);
  }

  /** Sets the weights (layer-major: w[i·n + c]) and x = their product as the host holds it. */
  setState(w: Float64Array, x: Float64Array): void {
    const { n, depth, heap, at } = this;
    for (let c = 0; c < n; c++) {
      const base = at.w + (c >> 1) * 2 * depth + (c & 1);
      for (let i = 0; i < depth; i++) heap[base + 2 * i] = w[i * n + c];
    }
    heap.set(x.subarray(0, n), at.x);
  }

  /** Copies the weights (layer-major) and x out. */
  readState(w: Float64Array, x: Float64Array): void {
    const { n, depth, heap, at } = this;
    for (let c = 0; c < n; c++) {
      const base = at.w + (c >> 1) * 2 * depth + (c & 1);
      for (let i = 0; i < depth; i++) w[i * n + c] = heap[base + 2 * i];
    }
    x.set(heap.subarray(at.x, at.x + n));
  }

  /** Copies out ∇f of the last step taken or stopped at. */
  readGradient(h: Float64Array): void {
    h.set(this.heap.subarray(this.at.h, this.at.h + this.n));
  }

  /**
   * Takes up to `count` steps numbered from t0, stopping before the update of a step whose loss is
   * ≤ stopAt or not finite; returns the steps taken.
   */
  run(t0: number, count: number, stopAt: number): number {
    return this.kernel.run(...this.args, count, t0, stopAt);
  }

  /** f at the last step taken or stopped at (before its update). */
  get loss(): number {
    return this.heap[this.at.stats + LOSS];
  }

  /** η Σₜ ‖∇f(xₜ)‖² over the steps taken. */
  get gradientEnergy(): number {
    return this.heap[this.at.stats + ENERGY];
  }

  /** maxₜ maxᵢ |∂ᵢf(xₜ)| over the steps taken (0 before any). */
  get maxGradientEntry(): number {
    return this.heap[this.at.stats + MAX_ENTRY];
  }

  /** The last step t + 1 whose update changed a weight (0: none). */
  get lastMoveStep(): number {
    return this.heap[this.at.stats + LAST_MOVE];
  }
}
