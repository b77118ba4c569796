// The serve host: the built renderer and the same API over WebSocket, on 127.0.0.1 only, behind a
// random token printed in the URL. Used for remote viewing and the end-to-end tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ApiErrorShape } from '../contract';
import type { SaddleService } from '../core/service';
import { toApiError } from '../core/errors';
import { encodeMessage } from './binary-frame';

/**
 * The largest API message taken (a spec with large custom data matrices fits); a bigger one closes
 * its connection with code 1009 (Message Too Big) as soon as its frame header says so, unread.
 */
export const maxMessageBytes = 64 * 1024 * 1024;

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
  /** Where a connection closed for a malformed frame or an oversized message is reported (default: stderr). */
  log?: (line: string) => void;
}

export interface ServeHandle {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<ServeHandle> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? ((line: string) => console.error(line));
  // Known once listening; requests only come after that.
  let port = 0;
  const http = createServer((req, res) => {
    if (!hostAllowed(req.headers.host)) {
      refuse(res, 403, `refused: the Host header ${JSON.stringify(req.headers.host ?? '')} is not this server (open http://127.0.0.1:${port}/)`);
      return;
    }
    const url = parseUrl(req.url);
    const serving = url?.pathname === artifactRoute ? serveArtifact(options.service, token, url, req, res) : serveStatic(options.rendererDir, req, res);
    serving.catch((error: unknown) => {
      log(`[serve] ${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`);
      if (res.headersSent) res.destroy();
      else refuse(res, 500, 'internal error');
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });

  http.on('upgrade', (req, socket, head) => {
    // A peer that goes away mid-handshake (EPIPE, ECONNRESET) ends its own socket, nothing else.
    socket.on('error', () => socket.destroy());
    const url = parseUrl(req.url);
    const origin = req.headers.origin;
    const sameOrigin = origin === undefined || origin === `http://${req.headers.host}`;
    if (!url || url.pathname !== '/api' || !hostAllowed(req.headers.host) || !sameOrigin || !tokenMatches(url.searchParams.get('token'), token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n', () => socket.destroy());
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.service, log));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  // Accepting can fail later (e.g. out of file descriptors): that refuses a connection, not the host.
  http.on('error', (error) => log(`[serve] ${error.message}`));
  port = (http.address() as AddressInfo).port;
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

/**
 * Only this machine's loopback names: a page whose DNS name was rebound to 127.0.0.1 sends its own
 * name as Host and is refused. Any port, so an SSH tunnel to another local port (`ssh -L 9000:…`) works.
 */
function hostAllowed(host: string | undefined): boolean {
  return host !== undefined && /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i.test(host);
}

function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(message);
}

function attach(ws: WebSocket, service: SaddleService, log: (line: string) => void): void {
  const unsubscribe = service.on((event, payload) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
  });
  ws.on('close', unsubscribe);
  // A malformed frame (1002, 1007) or an oversized message (1009): ws has closed this connection with
  // that code already; without a listener the error would end the host.
  ws.on('error', (error) => log(`[serve] closed a connection: ${error.message}`));
  ws.on('message', (data) => void answer(ws, service, data));
}

/** The reply to one message; a message that cannot be read is answered too, with what is wrong. */
async function answer(ws: WebSocket, service: SaddleService, data: RawData): Promise<void> {
  const request = readRequest(data);
  if ('error' in request) {
    reply(ws, { id: request.id, ok: false, error: request.error });
    return;
  }
  try {
    const result = await service.dispatch(request.ns, request.method, request.input);
    reply(ws, { id: request.id, ok: true, result });
  } catch (error) {
    const shaped = toApiError(error);
    if (shaped.kind === 'bug') console.error(error);
    reply(ws, { id: request.id, ok: false, error: shaped });
  }
}

type Request = { id: number; ns: unknown; method: unknown; input: unknown } | { id: number | null; error: ApiErrorShape };

/** The envelope {id, ns, method, input}; ns and method are checked by dispatch, which names them. */
function readRequest(data: RawData): Request {
  let message: unknown;
  try {
    message = JSON.parse(data.toString());
  } catch {
    return { id: null, error: malformed('the message is not JSON', '(message)', 'not JSON') };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { id: null, error: malformed('expected an object {id, ns, method, input}', '(message)', 'expected an object') };
  }
  const { id, ns, method, input } = message as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { id: null, error: malformed('id must be an integer', 'id', 'must be an integer') };
  return { id, ns, method, input };
}

function malformed(message: string, path: string, issue: string): ApiErrorShape {
  return { kind: 'expected', message: `malformed request: ${message}`, issues: [{ path, message: issue }] };
}

function reply(ws: WebSocket, message: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(encodeMessage(message));
}

/** Where a run's kept file is fetched: `/artifact?run=<id>&path=<as listed>&token=…`. */
export const artifactRoute = '/artifact';

/**
 * One listed file of a run's folder, to a token holder, as a download: never rendered in the host's
 * origin (an HTML file a script saved could otherwise read the token). The path is resolved by
 * runs.artifactFile, which refuses anything out of the run's folder, symlinks followed.
 */
async function serveArtifact(service: SaddleService, token: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    refuse(res, 405, `method ${req.method} is not served: GET or HEAD`);
    return;
  }
  if (!tokenMatches(url.searchParams.get('token'), token)) {
    refuse(res, 403, 'refused: a run\'s files need the token of this host');
    return;
  }
  const runId = Number(url.searchParams.get('run'));
  let file: string;
  try {
    ({ file } = (await service.dispatch('runs', 'artifactFile', { runId, path: url.searchParams.get('path') ?? '' })) as { file: string });
  } catch (error) {
    const shaped = toApiError(error);
    refuse(res, shaped.kind === 'expected' ? 404 : 500, shaped.kind === 'expected' ? shaped.message : 'internal error');
    return;
  }
  const { size } = await stat(file);
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': size,
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(basename(file))}`,
    'content-security-policy': 'sandbox',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).on('end', resolve).pipe(res);
  });
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    refuse(res, 405, `method ${req.method} is not served: GET or HEAD`);
    return;
  }
  const pathname = parseUrl(req.url)?.pathname;
  const decoded = pathname === undefined ? null : decodePath(pathname);
  if (decoded === null) {
    refuse(res, 400, 'malformed request path (invalid percent-encoding or URL)');
    return;
  }
  const relative = normalize(decoded).replace(/^([/\\])+/, '') || 'index.html';
  const file = join(root, relative);
  if (!file.startsWith(root + sep) && file !== root) {
    refuse(res, 403, 'refused: the path leads out of the app\'s folder');
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
    refuse(res, 404, 'not found');
  }
}

function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
