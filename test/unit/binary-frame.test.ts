// Replies holding Float64Arrays cross the serve host's WebSocket as one binary frame: what the
// host encodes (src-main/serve/binary-frame.ts) the page decodes (src-renderer/src/api/binary-frame.ts)
// to the same message, every value to the bit.
import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../src-main/serve/binary-frame';
import { decodeBinaryFrame } from '../../src-renderer/src/api/binary-frame';

/** The frame as the page's WebSocket hands it over: an ArrayBuffer of its own. */
function received(frame: string | Uint8Array): ArrayBuffer {
  if (typeof frame === 'string') throw new Error('expected a binary frame');
  return frame.slice().buffer;
}

const bitsOf = (values: Float64Array) => Array.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));

describe('binary reply frames', () => {
  it('round-trips NaN (with its payload), ±Infinity, -0, denormals and extremes to the bit', () => {
    const odd = new Float64Array(1);
    new DataView(odd.buffer).setBigUint64(0, 0x7ff8_0000_dead_beefn, true); // a NaN with a payload
    const y = Float64Array.of(NaN, odd[0], Infinity, -Infinity, -0, 0, 5e-324, -Number.MAX_VALUE, 1 / 3);
    const message = { id: 7, ok: true, result: [{ runId: 3, series: [{ metric: 'loss', x: Float64Array.from(y.keys()), y, totalPoints: 9 }] }] };
    const back = decodeBinaryFrame(received(encodeMessage(message))) as typeof message;
    const series = back.result[0].series[0];
    expect(series.y).toBeInstanceOf(Float64Array);
    expect(bitsOf(series.y)).toEqual(bitsOf(y));
    expect(Object.is(series.y[4], -0)).toBe(true);
    expect(Array.from(series.x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([back.id, back.ok, back.result[0].runId, series.metric, series.totalPoints]).toEqual([7, true, 3, 'loss', 9]);
  });

  it('keeps empty arrays, views into larger buffers, arrays that appear twice, and a header that is not ASCII', () => {
    const backing = Float64Array.of(1, 2, 3, 4, 5);
    const shared = Float64Array.of(-1.5);
    // σ and ≥ take two and three bytes in UTF-8: the header length is in bytes, not characters.
    const message = { id: 1, ok: true, result: { 'σ/0 ≥ ε': [new Float64Array(0), backing.subarray(2, 4), shared, shared, new Float64Array(0)] } };
    const frame = encodeMessage(message);
    const back = decodeBinaryFrame(received(frame)) as { result: Record<string, Float64Array[]> };
    expect(back.result['σ/0 ≥ ε'].map((values) => Array.from(values))).toEqual([[], [3, 4], [-1.5], [-1.5], []]);
    // Values start on a multiple of 8, so that they are read as views of the frame, without a copy.
    expect(back.result['σ/0 ≥ ε'].every((values) => values.byteOffset % 8 === 0 && values.buffer.byteLength === (frame as Uint8Array).byteLength)).toBe(true);
  });

  it('sends a message without arrays as the JSON text it always was', () => {
    const message = { id: 2, ok: true, result: { runs: [{ id: 1, params: { lr: 0.1 } }], empty: [] } };
    expect(encodeMessage(message)).toBe(JSON.stringify(message));
  });

  it('names what is wrong with a frame that is not one', () => {
    expect(() => decodeBinaryFrame(new ArrayBuffer(2))).toThrow(/no header length/);
    const header = new Uint8Array(8);
    new DataView(header.buffer).setUint32(0, 1000, true);
    expect(() => decodeBinaryFrame(header.buffer)).toThrow(/cannot hold a header of 1000/);
    const outside = received(encodeMessage({ values: Float64Array.of(1, 2) })).slice(0, -8);
    expect(() => decodeBinaryFrame(outside)).toThrow(/\[0, 2\] is outside its 1 values/);
  });
});
