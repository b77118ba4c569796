// A float64 matrix product in WebAssembly SIMD (f64x2), GotoBLAS-style: op(A) and op(B) are packed
// into 4-wide panels inside the module's memory, a KC × NC block of packed B stays in L2, and a
// hand-assembled 4 × 4 micro-kernel keeps the C block in eight vector registers while it sweeps k.
// Scalar JavaScript tops out near 2 GFLOP/s on one core; two-lane vectors roughly triple that.
// Transposed operands cost nothing extra: the packing reads them through strides.

/** Depth of a k block and width of an n block: a KC × NC block of packed B is 512 KiB. */
const KC = 256;
const NC = 256;
const PANEL = 4;

// ---- A 4 × 4 f64x2 micro-kernel, assembled by hand (no toolchain at build or run time). ----
const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const i32 = (n: number) => [0x41, ...sleb(n)];
const add = [0x6a];
const v128Load = (offset: number) => [0xfd, 0x00, 4, ...leb(offset)];
const v128Store = (offset: number) => [0xfd, 0x0b, 4, ...leb(offset)];
/** v128.load64_splat: one double broadcast to both lanes. */
const splatLoad = (offset: number) => [0xfd, 0x0a, 3, ...leb(offset)];
const f64x2Add = [0xfd, 0xf0, 0x01];
const f64x2Mul = [0xfd, 0xf2, 0x01];

// Locals: params ap, bp, c, kc, panels, ldc (bytes); i32 row pointers c1..c3, pa, pb, k; v128 acc[8], b0, b1, a.
const [AP, BP, C, KCL, PANELS, LDC, C1, C2, C3, PA, PB, K] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const ACC = (r: number, h: number) => 12 + 2 * r + h;
const [B0, B1, AV] = [20, 21, 22];
const rowPtr = (r: number) => (r === 0 ? C : [C1, C2, C3][r - 1]);

function kernelBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  emit(get(BP), set(PB));
  emit(get(C), get(LDC), add, set(C1), get(C1), get(LDC), add, set(C2), get(C2), get(LDC), add, set(C3));
  emit([0x03, 0x40]); // loop over the 4-column panels
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(get(rowPtr(r)), v128Load(16 * h), set(ACC(r, h)));
  emit(get(AP), set(PA), get(KCL), set(K));
  emit([0x03, 0x40]); // loop over k, two steps per pass (the packing pads k to even)
  for (let u = 0; u < 2; u++) {
    emit(get(PB), v128Load(32 * u), set(B0), get(PB), v128Load(32 * u + 16), set(B1));
    for (let r = 0; r < 4; r++) {
      emit(get(PA), splatLoad(32 * u + 8 * r), set(AV));
      for (let h = 0; h < 2; h++) emit(get(ACC(r, h)), get(AV), get(h === 0 ? B0 : B1), f64x2Mul, f64x2Add, set(ACC(r, h)));
    }
  }
  emit(get(PA), i32(64), add, set(PA), get(PB), i32(64), add, set(PB));
  emit(get(K), i32(-2), add, [0x22, K], [0x0d, 0], [0x0b]); // k -= 2; continue while k ≠ 0
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(get(rowPtr(r)), get(ACC(r, h)), v128Store(16 * h));
  for (const p of [C, C1, C2, C3]) emit(get(p), i32(32), add, set(p));
  emit(get(PANELS), i32(-1), add, [0x22, PANELS], [0x0d, 0], [0x0b]); // next panel while panels ≠ 0
  const locals = [2, ...leb(6), 0x7f, ...leb(11), 0x7b];
  const body = [...locals, ...code, 0x0b];
  return [...leb(body.length), ...body];
}

function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const name = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name('kernel'), 0x00, 0, ...name('memory'), 0x02, 0]),
    ...section(10, [1, ...kernelBody()]),
  ]);
}

interface Kernel {
  memory: WebAssembly.Memory;
  kernel: (ap: number, bp: number, c: number, kc: number, panels: number, ldc: number) => void;
}

let instance: Kernel | null = null;
function kernel(): Kernel {
  instance ??= new WebAssembly.Instance(new WebAssembly.Module(moduleBytes())).exports as unknown as Kernel;
  return instance;
}

/** Entry (i, j) of a stored matrix read as data[i * rowStride + j * colStride]. */
export interface Operand {
  data: Float64Array;
  rowStride: number;
  colStride: number;
}

const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/** out (m × n, row-major) = op(A) op(B) with op(A) m × k and op(B) k × n given through strides. */
export function gemm(m: number, n: number, k: number, a: Operand, b: Operand, out: Float64Array): void {
  const { memory, kernel: run } = kernel();
  const mp = roundUp(m, PANEL), np = roundUp(n, PANEL), ncp = Math.min(NC, np);
  // Layout in doubles: packed A (mp × KC), packed B block (KC × ncp), then C (mp × np).
  const apAt = 0, bpAt = mp * KC, cAt = bpAt + KC * ncp;
  const bytes = (cAt + mp * np) * 8;
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
  const heap = new Float64Array(memory.buffer);
  heap.fill(0, cAt, cAt + mp * np);
  const A = a.data, B = b.data;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    // The kernel takes k two steps at a time: an odd block gets a zero step.
    const kcp = roundUp(kc, 2);
    // Packed A: panel p holds rows p..p+3, k-major, zero rows past m.
    for (let p = 0; p < mp; p += PANEL) {
      const base = apAt + p * kcp;
      heap.fill(0, base, base + PANEL * kcp);
      for (let r = 0; r < PANEL && p + r < m; r++) {
        const row = (p + r) * a.rowStride + k0 * a.colStride;
        for (let kk = 0; kk < kc; kk++) heap[base + kk * PANEL + r] = A[row + kk * a.colStride];
      }
    }
    for (let j0 = 0; j0 < np; j0 += ncp) {
      const nc = Math.min(ncp, np - j0);
      // Packed B block: panel q holds columns j0+q..j0+q+3, k-major, zero columns past n.
      for (let q = 0; q < nc; q += PANEL) {
        const base = bpAt + q * kcp;
        heap.fill(0, base, base + PANEL * kcp);
        for (let s = 0; s < PANEL && j0 + q + s < n; s++) {
          const col = k0 * b.rowStride + (j0 + q + s) * b.colStride;
          for (let kk = 0; kk < kc; kk++) heap[base + kk * PANEL + s] = B[col + kk * b.rowStride];
        }
      }
      for (let p = 0; p < mp; p += PANEL) {
        run((apAt + p * kcp) * 8, bpAt * 8, (cAt + p * np + j0) * 8, kcp, nc / PANEL, np * 8);
      }
    }
  }
  for (let i = 0; i < m; i++) out.set(heap.subarray(cAt + i * np, cAt + i * np + n), i * n);
}
