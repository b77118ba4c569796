import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { SaddleService } from '../../src-main/core/service';
import { RecentProjects } from '../../src-main/core/recent';
import { startServer, type ServeHandle } from '../../src-main/serve/server';
import { examplesDir, tempDir, workerFile } from '../helpers/paths';

let server: ServeHandle;
let service: SaddleService;
const rendererDir = join(tempDir(), 'renderer');

beforeAll(async () => {
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  service = new SaddleService({ appVersion: 't', host: 'serve', workerFile, examplesDir, recent: new RecentProjects(tempDir()) });
  server = await startServer({ service, rendererDir });
});
afterAll(async () => {
  await server.close();
  await service.close();
});

function connect(token: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${token}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function call(ws: WebSocket, id: number, ns: string, method: string, input?: unknown): Promise<{ id: number; ok: boolean; result?: unknown; error?: { kind: string; message: string; issues: { path: string }[] } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString());
      if (message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, ns, method, input }));
  });
}

describe('serve host', () => {
  it('listens on 127.0.0.1 only and prints a tokened URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('refuses a wrong token and a foreign origin', async () => {
    await expect(connect('nope')).rejects.toThrow(/403/);
    await expect(connect(server.token, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('serves the renderer but never files outside it', async () => {
    const index = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(index.status).toBe(200);
    const escape = await fetch(`http://127.0.0.1:${server.port}/..%2f..%2fetc%2fpasswd`);
    expect([403, 404]).toContain(escape.status);
  });

  it('answers API calls, with field issues for bad input, and pushes events', async () => {
    const ws = await connect(server.token);
    const families = await call(ws, 1, 'families', 'list', {});
    expect(families.ok).toBe(true);
    const bad = await call(ws, 2, 'projects', 'new', { path: 42 });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'expected' } });
    expect(bad.error?.issues[0].path).toBe('path');
    const unknown = await call(ws, 3, 'projects', 'explode', {});
    expect(unknown.error?.message).toMatch(/unknown API method/);
    const events: string[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.event) events.push(m.event);
    });
    const created = await call(ws, 4, 'projects', 'new', { path: join(tempDir(), 'served.saddle') });
    expect(created.ok).toBe(true);
    await expect.poll(() => events).toContain('project.changed');
    ws.close();
  });
});
