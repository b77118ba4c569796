// Stamps a PNG with its resolution (pHYs: pixels per metre, which image and layout programs read as
// DPI, so the figure opens at its physical size) and text chunks such as the caption draft.

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set([...type].map((char) => char.charCodeAt(0)), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function physChunk(dpi: number): Uint8Array {
  const data = new Uint8Array(9);
  const view = new DataView(data.buffer);
  const perMetre = Math.round(dpi / 0.0254);
  view.setUint32(0, perMetre);
  view.setUint32(4, perMetre);
  data[8] = 1; // unit: metre
  return chunk('pHYs', data);
}

/** iTXt (UTF-8 text), uncompressed, no language tag. */
function textChunk(keyword: string, text: string): Uint8Array {
  const encoder = new TextEncoder();
  const key = encoder.encode(keyword);
  const value = encoder.encode(text);
  const data = new Uint8Array(key.length + 5 + value.length);
  data.set(key, 0);
  // After the keyword's NUL: compression flag 0, method 0, empty language tag, empty translated keyword.
  data.set(value, key.length + 5);
  return chunk('iTXt', data);
}

/** The PNG's chunks after its signature, as [type, whole chunk bytes]. */
function chunks(png: Uint8Array): [string, Uint8Array][] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: [string, Uint8Array][] = [];
  for (let offset = 8; offset < png.length; ) {
    const end = offset + 12 + view.getUint32(offset);
    out.push([String.fromCharCode(...png.subarray(offset + 4, offset + 8)), png.subarray(offset, end)]);
    offset = end;
  }
  return out;
}

/** Sets the PNG's resolution (replacing any pHYs it had) and adds iTXt chunks, right after IHDR. */
export function stampPng(png: Uint8Array, dpi: number, text: Readonly<Record<string, string>>): Uint8Array {
  const [header, ...rest] = chunks(png).filter(([type]) => type !== 'pHYs');
  const parts = [png.subarray(0, 8), header[1], physChunk(dpi), ...Object.entries(text).map(([key, value]) => textChunk(key, value)), ...rest.map(([, bytes]) => bytes)];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
