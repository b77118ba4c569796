// Growing the memory of a hand-assembled kernel (wasm-*.ts) to what a call or a layout needs.

const PAGE_BYTES = 65536;

/** Grows `memory` to hold at least `bytes`; returns whether it grew, which detaches its old buffer (views of it must be made again). */
export function growToHold(memory: WebAssembly.Memory, bytes: number): boolean {
  const short = bytes - memory.buffer.byteLength;
  if (short <= 0) return false;
  memory.grow(Math.ceil(short / PAGE_BYTES));
  return true;
}
