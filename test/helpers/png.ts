// PNG files written and read here with Node's zlib, independently of python/saddle_lab.py's encoder.
import { deflateSync, inflateSync } from 'node:zlib';
import { expect } from 'vitest';

/** A PNG of 8-bit RGB pixels, written here (not by the helper), to log from a path and as bytes. */
export function pngOf(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => (bytes.reduce((c, b) => crcTable[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;
  const chunk = (kind: string, body: Buffer) => {
    const typed = Buffer.concat([Buffer.from(kind, 'latin1'), body]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(typed));
    return Buffer.concat([length, typed, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Array.from({ length: height }, (_, y) => Buffer.from([0, ...Array.from({ length: width }, (_, x) => pixel(x, y)).flat()]));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** Width, height and RGB pixels of an 8-bit RGB PNG with unfiltered rows (what the helper writes). */
export function decodeRgbPng(png: Buffer): { width: number; height: number; pixels: number[][][] } {
  let at = 8;
  let header: Buffer = Buffer.alloc(0);
  const data: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const kind = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (kind === 'IHDR') header = body;
    if (kind === 'IDAT') data.push(body);
    at += 12 + length;
  }
  const [width, height] = [header.readUInt32BE(0), header.readUInt32BE(4)];
  expect([...header.subarray(8, 13)]).toEqual([8, 2, 0, 0, 0]);
  const raw = inflateSync(Buffer.concat(data));
  const pixels = Array.from({ length: height }, (_, y) => {
    const row = raw.subarray(y * (1 + 3 * width), (y + 1) * (1 + 3 * width));
    expect(row[0]).toBe(0);
    return Array.from({ length: width }, (_, x) => [...row.subarray(1 + 3 * x, 4 + 3 * x)]);
  });
  return { width, height, pixels };
}
