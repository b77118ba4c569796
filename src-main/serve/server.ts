// The serve host: the built renderer and the same API over WebSocket, on 127.0.0.1 only, behind a
// random token printed in the URL. Used for remote viewing and the end-to-end tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { SaddleService } from '../core/service';
import { toApiError } from '../core/errors';

const request = z.object({ id: z.number().int(), ns: z.string(), method: z.string(), input: z.unknown().optional() });

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

export interface ServeOptions {
  service: SaddleService;
  rendererDir: string;
  port?: number;
  token?: string;
}

export interface ServeHandle {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<ServeHandle> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const http = createServer((req, res) => void serveStatic(options.rendererDir, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const host = req.headers.host ?? '';
    const sameOrigin = origin === undefined || origin === `http://${host}`;
    if (url.pathname !== '/api' || !sameOrigin || !tokenMatches(url.searchParams.get('token'), token)) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.service));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

function attach(ws: WebSocket, service: SaddleService): void {
  const unsubscribe = service.on((event, payload) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
  });
  ws.on('close', unsubscribe);
  ws.on('message', async (data) => {
    let parsed: z.infer<typeof request>;
    try {
      parsed = request.parse(JSON.parse(data.toString()));
    } catch {
      ws.send(JSON.stringify({ id: null, ok: false, error: { kind: 'expected', message: 'malformed request: expected {id, ns, method, input}', issues: [] } }));
      return;
    }
    try {
      const result = await service.dispatch(parsed.ns, parsed.method, parsed.input);
      ws.send(JSON.stringify({ id: parsed.id, ok: true, result }));
    } catch (error) {
      const shaped = toApiError(error);
      if (shaped.kind === 'bug') console.error(error);
      ws.send(JSON.stringify({ id: parsed.id, ok: false, error: shaped }));
    }
  });
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '') || 'index.html';
  const file = join(root, relative);
  if (!file.startsWith(root + sep) && file !== root) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
