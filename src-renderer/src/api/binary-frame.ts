// Reads a binary frame of the serve host (layout in src-main/serve/binary-frame.ts): the JSON
// header with each {"$float64": [start, length]} replaced by a Float64Array view of the frame's
// values (no copy). Pages run on little-endian machines, as the frame's values are.

/** The message in a binary frame; throws on a frame that is not one. */
export function decodeBinaryFrame(frame: ArrayBuffer): unknown {
  if (frame.byteLength < 4) throw new Error(`a binary frame of ${frame.byteLength} bytes has no header length`);
  const headerLength = new DataView(frame).getUint32(0, true);
  if (4 + headerLength > frame.byteLength) throw new Error(`a binary frame of ${frame.byteLength} bytes cannot hold a header of ${headerLength}`);
  const header = new TextDecoder().decode(new Uint8Array(frame, 4, headerLength));
  const valuesAt = Math.ceil((4 + headerLength) / 8) * 8;
  const valueCount = (frame.byteLength - valuesAt) / 8;
  return JSON.parse(header, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || !('$float64' in value)) return value;
    const [start, length] = (value as { $float64: [number, number] }).$float64;
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(length) && start >= 0 && length >= 0 && start + length <= valueCount)) {
      throw new Error(`a binary frame's array [${start}, ${length}] is outside its ${valueCount} values`);
    }
    return new Float64Array(frame, valuesAt + 8 * start, length);
  });
}
