// The few WebAssembly binary encodings the hand-assembled SIMD kernels (wasm-*.ts) are written in: LEB128
// integers, local access, i32 arithmetic, v128 loads and stores, f64x2 arithmetic, and the module's sections.
// No toolchain at build or run time.

export const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};

export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};

export const get = (i: number): number[] => [0x20, i];
export const set = (i: number): number[] => [0x21, i];
export const i32 = (n: number): number[] => [0x41, ...sleb(n)];
export const add = [0x6a];
/** i32.shl. */
export const shl = [0x74];
/** local.tee: sets local i and leaves the value on the stack. */
export const tee = (i: number): number[] => [0x22, i];
export const v128Load = (offset: number): number[] => [0xfd, 0x00, 4, ...leb(offset)];
export const v128Store = (offset: number): number[] => [0xfd, 0x0b, 4, ...leb(offset)];
/** v128.load64_splat: one double broadcast to both lanes. */
export const splatLoad = (offset: number): number[] => [0xfd, 0x0a, 3, ...leb(offset)];
export const v128Zero = [0xfd, 0x0c, ...Array<number>(16).fill(0)];
export const f64x2Add = [0xfd, 0xf0, 0x01];
export const f64x2Mul = [0xfd, 0xf2, 0x01];
export const f64x2Sub = [0xfd, 0xf1, 0x01];
/** f64x2.splat: the f64 on the stack broadcast to both lanes. */
export const f64x2Splat = [0xfd, 0x14];
/** f64x2.relaxed_madd(a, b, c) = a·b + c, fused where the hardware has FMA. */
export const f64x2RelaxedMadd = [0xfd, 0x87, 0x02];
/** f64.load and f64.store at a constant byte offset (8-byte aligned). */
export const f64Load = (offset: number): number[] => [0x2b, 3, ...leb(offset)];
export const f64Store = (offset: number): number[] => [0x39, 3, ...leb(offset)];
export const [f64Add, f64Sub, f64Mul] = [[0xa0], [0xa1], [0xa2]];
/** call: function f of the module. */
export const call = (f: number): number[] => [0x10, f];
/** loop { body; counter −= 1 } while counter ≠ 0 (the body runs at least once). */
export const loopWhileNonzero = (counter: number, body: number[]): number[] => [0x03, 0x40, ...body, ...get(counter), ...i32(-1), ...add, ...tee(counter), 0x0d, 0, 0x0b];

/** A function body: its local declarations (count, type pairs, already encoded) and code, size-prefixed. */
export function functionBody(locals: number[], code: number[]): number[] {
  const body = [...locals, ...code, 0x0b];
  return [...leb(body.length), ...body];
}

export function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

/** An export entry: name, kind (0 function, 2 memory) and index. */
export function exportEntry(name: string, kind: number, index: number): number[] {
  return [name.length, ...Array.from(name, (ch) => ch.charCodeAt(0)), kind, index];
}

export const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A module of named functions (`type` indexes `types`), each exported by its name, with one memory (one page to start, grown by its user) exported as "memory". */
export function moduleExportingFunctions(types: number[][], functions: { name: string; type: number; body: number[] }[]): Uint8Array<ArrayBuffer> {
  const exports = [...functions.map((f, i) => exportEntry(f.name, 0, i)), exportEntry('memory', 2, 0)];
  return Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [types.length, ...types.flat()]),
    ...section(3, [functions.length, ...functions.map((f) => f.type)]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [exports.length, ...exports.flat()]),
    ...section(10, [functions.length, ...functions.flatMap((f) => f.body)]),
  ]);
}
