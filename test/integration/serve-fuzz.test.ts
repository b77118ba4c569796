// A real serve host under malformed HTTP requests and WebSocket frames, sent byte for byte over TCP:
// each must end (or be answered on) its own connection only, and the host must still answer a good
// request afterwards, on a connection opened before the fuzz and on a new one. Seeded: the random
// frames are the same on every run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { startServer, maxMessageBytes, type ServeHandle } from '../../src-main/serve/server';
import type { SaddleService } from '../../src-main/core/service';
import { testService } from '../helpers/service';
import { tempDir } from '../helpers/paths';
import { callServe, connectServe } from '../helpers/serve-client';
import { FuzzTally, seededRandom } from '../helpers/fuzz';

let server: ServeHandle;
let service: SaddleService;
const logged: string[] = [];

beforeAll(async () => {
  const rendererDir = join(tempDir(), 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  service = testService({ host: 'serve' });
  server = await startServer({ service, rendererDir, log: (line) => logged.push(line) });
});
afterAll(async () => {
  await server.close();
  await service.close();
});

/**
 * Sends the bytes on a fresh TCP connection and resolves with all the host sent back once it closes.
 * WebSocket frames end the sending side (a frame cut short must not wait for more); HTTP requests
 * ask for `Connection: close` instead, as an HTTP client half-closing may not get its answer.
 */
function exchange(bytes: Buffer | string, options: { reset?: boolean; keepOpen?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = tcpConnect(server.port, '127.0.0.1', () => {
      socket.write(bytes);
      // Gone before the answer: the host's writes meet a reset socket (EPIPE / ECONNRESET).
      if (options.reset) socket.resetAndDestroy();
      else if (!options.keepOpen) socket.end();
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

function statusOf(response: Buffer): number | null {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(response.toString('latin1'));
  return match ? Number(match[1]) : null;
}

function upgradeRequest(headers: Record<string, string> = {}, path = `/api?token=${server.token}`): string {
  const all = {
    Host: `127.0.0.1:${server.port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  return `GET ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

interface FrameOptions {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  rsv?: number;
  masked?: boolean;
  /** The length the header declares, when it is not the payload's. */
  length?: bigint;
}

function frame(o: FrameOptions): Buffer {
  const payload = o.payload ?? Buffer.alloc(0);
  const length = o.length ?? BigInt(payload.length);
  const first = ((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | o.opcode;
  const mask = (o.masked ?? true) ? 0x80 : 0;
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, mask | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.from([first, mask | 126, 0, 0]);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = mask | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  return Buffer.concat([header, key, payload.map((b, i) => b ^ key[i % 4])]);
}

const text = (s: string) => frame({ opcode: 1, payload: Buffer.from(s) });
const closeFrame = (code: number, reason: Buffer = Buffer.alloc(0)) => {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return frame({ opcode: 8, payload: Buffer.concat([payload, reason]) });
};

/** The close code in the host's frames after its 101 answer; null when it closed without a close frame. */
function closeCodeOf(response: Buffer): number | null {
  const headerEnd = response.indexOf('\r\n\r\n');
  let at = headerEnd + 4;
  while (at + 2 <= response.length) {
    const opcode = response[at] & 0x0f;
    let length = response[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = response.readUInt16BE(at + 2);
      start += 2;
    } else if (length === 127) {
      length = Number(response.readBigUInt64BE(at + 2));
      start += 8;
    }
    if (opcode === 8) return length >= 2 ? response.readUInt16BE(start) : null;
    at = start + length;
  }
  return null;
}

/** Frames that break RFC 6455 in each of its ways, with the close code the host must answer. */
const malformedFrames: { name: string; bytes: Buffer; code: number }[] = [
  { name: 'unmasked client frame', bytes: frame({ opcode: 1, payload: Buffer.from('{}'), masked: false }), code: 1002 },
  ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map((opcode) => ({ name: `reserved opcode ${opcode}`, bytes: frame({ opcode }), code: 1002 })),
  ...[4, 2, 1].map((rsv) => ({ name: `RSV bits ${rsv.toString(2).padStart(3, '0')}`, bytes: frame({ opcode: 1, rsv, payload: Buffer.from('{}') }), code: 1002 })),
  ...[[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]].map((bytes) => ({
    name: `invalid UTF-8 ${Buffer.from(bytes).toString('hex')}`,
    bytes: frame({ opcode: 1, payload: Buffer.from(bytes) }),
    code: 1007,
  })),
  ...[0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535].map((code) => ({ name: `close code ${code}`, bytes: closeFrame(code), code: 1002 })),
  { name: 'close frame of one byte', bytes: frame({ opcode: 8, payload: Buffer.from([3]) }), code: 1002 },
  { name: 'close reason in invalid UTF-8', bytes: closeFrame(1000, Buffer.from([0xff, 0xfe])), code: 1007 },
  { name: 'fragmented ping', bytes: frame({ opcode: 9, fin: false, payload: Buffer.from('p') }), code: 1002 },
  { name: 'ping over 125 bytes', bytes: frame({ opcode: 9, payload: Buffer.alloc(126) }), code: 1002 },
  { name: 'continuation with nothing to continue', bytes: frame({ opcode: 0, payload: Buffer.from('x') }), code: 1002 },
  {
    name: 'new message inside a fragmented one',
    bytes: Buffer.concat([frame({ opcode: 1, fin: false, payload: Buffer.from('{"id"') }), text('{}')]),
    code: 1002,
  },
  { name: 'length 2^62', bytes: frame({ opcode: 2, length: 2n ** 62n }), code: 1009 },
  { name: 'length 2^63 (top bit set)', bytes: frame({ opcode: 2, length: 2n ** 63n }), code: 1009 },
  { name: `message of ${maxMessageBytes} + 1 bytes`, bytes: frame({ opcode: 1, length: BigInt(maxMessageBytes + 1) }), code: 1009 },
  {
    name: 'fragments adding up to more than the limit',
    bytes: Buffer.concat([frame({ opcode: 1, fin: false, payload: Buffer.from('[') }), frame({ opcode: 0, length: BigInt(maxMessageBytes) })]),
    code: 1009,
  },
];

/** Random bytes, and random headers (any bits, any length field) over a short random payload. */
function randomFrames(count: number, seed: number): Buffer[] {
  const random = seededRandom(seed);
  const byte = () => Math.floor(random() * 256);
  return Array.from({ length: count }, (_, i) => {
    const payload = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 48) }, byte));
    if (i % 2 === 0) return payload;
    const header = Buffer.from([byte(), byte(), ...Array.from({ length: 12 }, byte)]);
    return Buffer.concat([header, payload]);
  });
}



describe('serve host under malformed input', () => {
  it('closes only the connection of each malformed frame, with its RFC 6455 code, and answers afterwards', async () => {
    const bystander = await connectServe(server.port, server.token);
    const tally = new FuzzTally();
    const handshake = upgradeRequest();
    for (const { name, bytes, code } of malformedFrames) {
      const response = await exchange(Buffer.concat([Buffer.from(handshake), bytes]));
      expect(statusOf(response), name).toBe(101);
      expect({ name, code: closeCodeOf(response) }).toEqual({ name, code });
      tally.count(`closed with ${code}`);
    }
    for (const bytes of randomFrames(40, 22)) {
      const response = await exchange(Buffer.concat([Buffer.from(handshake), bytes]));
      expect(statusOf(response)).toBe(101);
      const code = closeCodeOf(response);
      tally.count(code === null ? 'closed at the end of input' : `closed with ${code}`);
    }
    // Peers that vanish mid-exchange: the host writes into reset sockets.
    for (const bytes of [Buffer.from(handshake), Buffer.concat([Buffer.from(handshake), text('{"id":1,"ns":"app","method":"info"}')])]) {
      await exchange(bytes, { reset: true });
      tally.count('reset by the peer');
    }
    tally.print('serve host, malformed WebSocket frames');
    expect(tally.total).toBeGreaterThanOrEqual(50);
    // Each malformed frame was reported as one closed connection (the random ones may be cut short first).
    expect(logged.filter((line) => line.startsWith('[serve] closed a connection')).length).toBeGreaterThanOrEqual(malformedFrames.length);

    expect(await callServe(bystander, 1, 'app', 'info')).toMatchObject({ ok: true, result: { host: 'serve' } });
    const fresh = await connectServe(server.port, server.token);
    expect(await callServe(fresh, 2, 'app', 'info')).toMatchObject({ ok: true, result: { host: 'serve' } });
    bystander.close();
    fresh.close();
  });

  it('answers malformed and foreign HTTP requests with a status, and serves the page afterwards', async () => {
    const host = `127.0.0.1:${server.port}`;
    const get = (path: string, headers = `Host: ${host}\r\n`) => `GET ${path} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`;
    const cases: { name: string; request: string; status: number | null }[] = [
      { name: 'malformed percent-encoding', request: get('/%'), status: 400 },
      { name: 'truncated UTF-8 escape', request: get('/%E0%A4%A'), status: 400 },
      { name: 'lone surrogate escape', request: get('/%ED%A0%80'), status: 400 },
      { name: 'NUL in the path', request: get('/%00'), status: 404 },
      // Climbing above "/" stays at "/": looked up inside the renderer's folder, and not found there.
      { name: 'path climbing out of the root', request: get('/..%2f..%2f..%2fetc%2fpasswd'), status: 404 },
      { name: 'rebound DNS name as Host', request: get('/', `Host: attacker.example:${server.port}\r\n`), status: 403 },
      { name: 'loopback look-alike Host', request: get('/', `Host: 127.0.0.1.attacker.example:${server.port}\r\n`), status: 403 },
      { name: 'no Host', request: get('/', ''), status: 400 },
      { name: 'POST', request: `POST / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}`, status: 405 },
      { name: 'absolute-form URL that does not parse', request: get('http://[/x'), status: 400 },
      { name: 'garbage request line', request: '\u0000\u0001 not http\r\n\r\n', status: 400 },
      { name: 'headers over the limit', request: get('/', `Host: ${host}\r\nX-Big: ${'a'.repeat(20_000)}\r\n`), status: 431 },
      { name: 'upgrade from a rebound DNS name', request: upgradeRequest({ Host: `attacker.example:${server.port}` }), status: 403 },
      { name: 'upgrade from a foreign origin', request: upgradeRequest({ Origin: 'http://attacker.example' }), status: 403 },
      { name: 'upgrade without the token', request: upgradeRequest({}, '/api'), status: 403 },
      { name: 'upgrade with a malformed URL', request: upgradeRequest({}, 'http://[/api'), status: 403 },
      { name: 'upgrade with a bad key', request: upgradeRequest({ 'Sec-WebSocket-Key': 'short' }), status: 400 },
      { name: 'upgrade with an unknown version', request: upgradeRequest({ 'Sec-WebSocket-Version': '12' }), status: 400 },
    ];
    const tally = new FuzzTally();
    for (const { name, request, status } of cases) {
      expect({ name, status: statusOf(await exchange(request, { keepOpen: true })) }).toEqual({ name, status });
      tally.count(`answered ${status}`);
    }
    await exchange(get('/'), { reset: true });
    tally.count('reset by the peer');
    tally.print('serve host, malformed HTTP requests');

    const page = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(page.status).toBe(200);
    // Through an SSH tunnel to another local port the browser names that port: still this machine.
    expect(statusOf(await exchange(get('/', 'Host: localhost:9000\r\n'), { keepOpen: true }))).toBe(200);
  });
});
