// Argument checks shared by both backends, so a family gets the same error whichever device runs it.
import type { Tensor } from './types';

const shape = (t: Tensor): string => `${t.rows}×${t.cols}`;

export function checkSameShape(op: string, ...ts: Tensor[]): void {
  for (const t of ts.slice(1)) {
    if (t.rows !== ts[0].rows || t.cols !== ts[0].cols) throw new Error(`${op}: shapes ${ts.map(shape).join(', ')} differ`);
  }
}

export function checkSameSize(op: string, a: Tensor, b: Tensor): void {
  if (a.size !== b.size) throw new Error(`${op}: ${shape(a)} and ${shape(b)} hold different numbers of entries`);
}

export function checkShape(op: string, name: string, t: Tensor, rows: number, cols: number): void {
  if (t.rows !== rows || t.cols !== cols) throw new Error(`${op}: ${name} is ${shape(t)}, expected ${rows}×${cols}`);
}

/** Outputs written by a dispatch may not be bound as its inputs too. */
export function checkNoAlias(op: string, out: Tensor, ...inputs: Tensor[]): void {
  if (inputs.includes(out)) throw new Error(`${op}: the output may not alias an input`);
}

export type ProductKind = 'NN' | 'TN' | 'NT';

/** [m, k, n] of out = op(A) op(B), after checking that the shapes agree. */
export function productDims(kind: ProductKind, a: Tensor, b: Tensor, out: Tensor): [number, number, number] {
  const op = { NN: 'matmul', TN: 'matmulTN', NT: 'matmulNT' }[kind];
  const [m, ka] = kind === 'TN' ? [a.cols, a.rows] : [a.rows, a.cols];
  const [kb, n] = kind === 'NT' ? [b.cols, b.rows] : [b.rows, b.cols];
  if (ka !== kb) throw new Error(`${op}: inner dimensions of ${shape(a)} and ${shape(b)} differ`);
  checkShape(op, 'out', out, m, n);
  checkNoAlias(op, out, a, b);
  return [m, ka, n];
}

export function checkData(op: string, t: Tensor, data: ArrayLike<number>): void {
  if (data.length !== t.size) throw new Error(`${op}: ${data.length} values for a ${shape(t)} tensor`);
}

export function checkDims(rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new Error(`tensor: dimensions must be positive integers, got ${rows}×${cols}`);
  }
}
