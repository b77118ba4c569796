// A bare WebSocket client of the serve host for integration tests (and e2e's hostCall): connect
// with a token, call one method and wait for the reply with that id.
import WebSocket from 'ws';
import { decodeBinaryFrame } from '../../src-renderer/src/api/binary-frame';

export type Reply<R = unknown> = { id: number; ok: boolean; result?: R; error?: { kind: string; message: string; issues: { path: string }[] } };

export function connectServe(port: number, token: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

export function callServe<R = unknown>(ws: WebSocket, id: number, ns: string, method: string, input?: unknown): Promise<Reply<R>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      // A reply holding Float64Arrays comes as a binary frame, read as the page reads it.
      const message = (isBinary ? decodeBinaryFrame(new Uint8Array(data as Buffer).buffer) : JSON.parse(data.toString())) as Reply<R>;
      if (message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, ns, method, input }));
  });
}
