// On-disk layout of series.x and series.y: little-endian IEEE-754 float64, no header, so
// `numpy.frombuffer(blob, '<f8')` reads a chunk as it is. Bit patterns (-0, NaN payloads,
// subnormals) survive the round trip because only bytes are copied.
import { endianness } from 'node:os';

const hostIsLittleEndian = endianness() === 'LE';

/** The blob for one chunk. On little-endian hosts it shares memory with `values` (SQLite copies it on bind). */
export function encodeFloat64(values: Float64Array): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setFloat64(index * 8, value, true));
  return bytes;
}

/** Joins the blobs of consecutive chunks into one array. */
export function decodeFloat64(blobs: readonly Uint8Array[]): Float64Array {
  return decodeFloat64Into(blobs, new Float64Array(valueCountOf(blobs)));
}

/** Values in the blobs of consecutive chunks. */
export function valueCountOf(blobs: readonly Uint8Array[]): number {
  let byteCount = 0;
  for (const blob of blobs) {
    if (blob.byteLength % 8 !== 0) throw new Error(`A series blob of ${blob.byteLength} bytes is not a whole number of float64 values`);
    byteCount += blob.byteLength;
  }
  return byteCount / 8;
}

/** Joins the blobs into the start of `target` (at least valueCountOf(blobs) long); returns that part of it. */
export function decodeFloat64Into(blobs: readonly Uint8Array[], target: Float64Array): Float64Array {
  const values = target.subarray(0, valueCountOf(blobs));
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let offset = 0;
  for (const blob of blobs) {
    bytes.set(blob, offset);
    offset += blob.byteLength;
  }
  if (!hostIsLittleEndian) {
    const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
    for (let index = 0; index < values.length; index++) values[index] = view.getFloat64(index * 8, true);
  }
  return values;
}
