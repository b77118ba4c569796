// 1200 malformed API messages through a real serve host's WebSocket into dispatch, one at a time,
// generated from a fixed seed: broken envelopes, ns and method of the wrong type or reaching into
// the prototype chain, inputs with a field of the wrong kind, and "__proto__" keys. Each must be
// answered as the user's error naming the field (`ns`, `method`, `id`, the input's field path),
// never as an internal error, and no message may go unanswered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { z } from 'zod';
import { api } from '../../src-main/contract';
import { startServer, type ServeHandle } from '../../src-main/serve/server';
import type { SaddleService } from '../../src-main/core/service';
import { testService } from '../helpers/service';
import { tempDir } from '../helpers/paths';
import { FuzzTally, pick, seededRandom } from '../helpers/fuzz';

let server: ServeHandle;
let service: SaddleService;

beforeAll(async () => {
  const rendererDir = join(tempDir(), 'renderer');
  mkdirSync(rendererDir);
  service = testService({ host: 'serve' });
  server = await startServer({ service, rendererDir });
});
afterAll(async () => {
  await server.close();
  await service.close();
});

interface Probe {
  /** The message as sent, JSON text or not. */
  text: string;
  /** Whether the named field is right: the reply's issue paths are checked against it. */
  names: (path: string) => boolean;
}

const methods = Object.entries(api).flatMap(([ns, group]) => Object.entries(group).map(([method, definition]) => ({ ns, method, input: (definition as { input: z.ZodType }).input })));
const prototypeNames = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'prototype'];
const wrongValues: unknown[] = [null, true, 'x', '', -1, 0, 1.5, -1e308, 1e308, 2 ** 53, [], [1, 'a'], {}, { a: 1 }, 'a'.repeat(5000)];

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  const inner = schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : null;
}

const named = (field: string) => (path: string) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);

/** One malformed message of a kind drawn at random. */
function probe(random: () => number, id: number): Probe {
  const target = pick(random, methods);
  const send = (message: Record<string, unknown>) => JSON.stringify({ id, ...message });
  switch (Math.floor(random() * 7)) {
    case 0: {
      const broken = pick(random, ['{"id":', 'not json', '[1,2]', '"text"', '42', 'null', `{"ns":"app","method":"info"}`, `{"id":"${id}","ns":"app","method":"info"}`, `{"id":1.5,"ns":"app","method":"info"}`, `{"id":${2 ** 60},"ns":"app","method":"info"}`]);
      return { text: broken, names: (path) => path === '(message)' || path === 'id' };
    }
    case 1:
      return { text: send({ ns: pick(random, [7, null, true, ['app'], { app: 1 }]), method: target.method }), names: named('ns') };
    case 2:
      return { text: send({ ns: pick(random, [...prototypeNames, '', 'App', `ns${Math.floor(random() * 1e6)}`]), method: target.method }), names: named('ns') };
    case 3: {
      const method = random() < 0.3 ? pick(random, [7, null, false, ['info']]) : pick(random, [...prototypeNames, '', `m${Math.floor(random() * 1e6)}`]);
      return { text: send({ ns: target.ns, method }), names: named('method') };
    }
    case 4: {
      const shape = objectShape(target.input);
      const keys = shape ? Object.keys(shape) : [];
      if (keys.length === 0) return { text: send({ ns: target.ns, method: target.method, input: pick(random, ['x', 7, [1], true]) }), names: named('input') };
      const key = pick(random, keys);
      const rejected = wrongValues.filter((value) => !shape![key].safeParse(value).success);
      return { text: send({ ns: target.ns, method: target.method, input: { [key]: pick(random, rejected) } }), names: named(key) };
    }
    case 5: {
      const key = `stray${Math.floor(random() * 1e6)}`;
      const input = objectShape(target.input) ? { [key]: 1 } : 'x';
      return { text: send({ ns: target.ns, method: target.method, input }), names: named(typeof input === 'string' ? 'input' : key) };
    }
    default: {
      // JSON text: an object literal's "__proto__" would set the prototype instead of a key.
      const depth = Math.floor(random() * 3);
      const path = ['spec', 'params', 'sweep'].slice(0, depth);
      const inner = '{"__proto__":{"depth":9}}';
      const input = path.reduceRight((json, key) => `{"${key}":${json}}`, inner);
      return { text: `{"id":${id},"ns":"${target.ns}","method":"${target.method}","input":${input}}`, names: (p) => p === [...path, '__proto__'].join('.') };
    }
  }
}

function nextReply(ws: WebSocket): Promise<{ id: number | null; ok: boolean; error?: { kind: string; message: string; issues: { path: string; message: string }[] } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString());
      if (!('id' in message)) return; // an event
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
  });
}

describe('API dispatch under malformed messages', () => {
  it('answers 1200 seeded malformed messages, each naming its field, with no internal error', async () => {
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const client = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
      client.once('open', () => resolve(client));
      client.once('error', reject);
    });
    const random = seededRandom(2222);
    const tally = new FuzzTally();
    const misnamed: string[] = [];
    for (let id = 1; id <= 1200; id++) {
      const { text, names } = probe(random, id);
      const reply = nextReply(ws);
      ws.send(text);
      const { ok, error } = await reply;
      if (ok) tally.count('accepted');
      else if (error?.kind === 'bug') tally.count('internal errors');
      else if (error && error.issues.length > 0 && error.issues.some((issue) => names(issue.path))) tally.count('refused with the field named');
      else {
        tally.count('refused without naming the field');
        misnamed.push(`${text.slice(0, 120)} → ${JSON.stringify(error)}`);
      }
    }
    tally.print('API dispatch, malformed messages (0 unanswered)');
    expect(misnamed.slice(0, 5)).toEqual([]);
    expect(tally.get('refused with the field named')).toBe(1200);
    // Still in service: a good request after all that.
    const info = nextReply(ws);
    ws.send(JSON.stringify({ id: 5000, ns: 'app', method: 'info' }));
    expect(await info).toMatchObject({ id: 5000, ok: true });
    ws.close();
  });
});
