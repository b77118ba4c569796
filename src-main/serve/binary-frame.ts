// A message that holds Float64Arrays (a runs.series reply) crosses the WebSocket as one binary
// frame instead of JSON text: no decimal printing and parsing of every number, and NaN, ±Infinity
// and -0 arrive as they were (JSON has no NaN). Layout, all little-endian:
//   u32 byte length H of the header | H bytes of UTF-8 JSON | zeros up to a multiple of 8 | values
// The header is the message with each array replaced by {"$float64": [start, length]}, counted in
// values from the start of the value block. The page reads the arrays as views of the frame
// (src-renderer/src/api/binary-frame.ts).
import { endianness } from 'node:os';

const hostIsLittleEndian = endianness() === 'LE';

/** JSON text for a message without Float64Arrays; the binary frame above for one with them. */
export function encodeMessage(message: unknown): string | Uint8Array {
  const arrays: Float64Array[] = [];
  let valueCount = 0;
  const header = JSON.stringify(message, (_key, value: unknown) => {
    if (!(value instanceof Float64Array)) return value;
    arrays.push(value);
    valueCount += value.length;
    return { $float64: [valueCount - value.length, value.length] };
  });
  if (arrays.length === 0) return header;
  const headerBytes = Buffer.from(header, 'utf8');
  const valuesAt = Math.ceil((4 + headerBytes.length) / 8) * 8;
  const frame = new Uint8Array(valuesAt + 8 * valueCount);
  const view = new DataView(frame.buffer);
  view.setUint32(0, headerBytes.length, true);
  frame.set(headerBytes, 4);
  let offset = valuesAt;
  for (const values of arrays) {
    if (hostIsLittleEndian) frame.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    else values.forEach((value, i) => view.setFloat64(offset + 8 * i, value, true));
    offset += values.byteLength;
  }
  return frame;
}
