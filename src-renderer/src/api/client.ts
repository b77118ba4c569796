// The one way the renderer reaches the main process: the Electron preload bridge when present,
// otherwise the serve host's WebSocket. Both are wrapped in the same typed `SaddleApi`.
import type { EventName, SaddleApi } from '../../../src-main/contract/api';
import { ApiError, toApiError } from './api-error';
import { bridgeConnection, type Connection } from './connection';
import { proxyApi, type CallFn } from '../../../src-main/contract/client';
import { SocketTransport, type SocketFactory } from './socket-transport';

export interface SaddleClient {
  api: SaddleApi;
  connection: Connection;
}

/** Plain JSON: reactive proxies cannot cross the context bridge, and the socket sends JSON anyway. */
function plain(input: unknown): unknown {
  return input === undefined ? {} : JSON.parse(JSON.stringify(input));
}

type BridgeMethods = Record<string, Record<string, ((input: unknown) => Promise<unknown>) | undefined> | undefined>;

function bridgeClient(bridge: SaddleApi): SaddleClient {
  // Indexed by name so the proxy stays generic; the bridge has the contract's shape.
  const methods = bridge as unknown as BridgeMethods;
  const call: CallFn = async (namespace, method, input) => {
    const target = methods[namespace]?.[method];
    if (!target) throw new ApiError({ kind: 'bug', message: `The app has no API method ${namespace}.${method}` });
    try {
      return await target(plain(input));
    } catch (error) {
      throw toApiError(error);
    }
  };
  const api = proxyApi(call, (event, listener) => bridge.on(event as EventName, listener));
  return { api, connection: bridgeConnection };
}

const openWebSocket: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url);
  // Binary frames (replies holding Float64Arrays) as ArrayBuffers, read without a copy.
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => handlers.open();
  socket.onmessage = (event) => handlers.message(event.data);
  socket.onclose = (event) => handlers.close(event.code);
  return { send: (frame) => socket.send(frame) };
};

/** The serve host's token, in the address it printed: the page's API and its download links carry it. */
function pageToken(): string {
  return new URLSearchParams(location.search).get('token') ?? '';
}

function socketClient(): SaddleClient {
  const token = pageToken();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const transport = new SocketTransport(`${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`, openWebSocket);
  const call: CallFn = (namespace, method, input) => transport.call(namespace, method, plain(input));
  return { api: proxyApi(call, transport.subscribe), connection: transport };
}

function createSaddleClient(): SaddleClient {
  return window.saddle ? bridgeClient(window.saddle) : socketClient();
}

let client: SaddleClient | null = null;

/** The client of this window, created on first use. */
export function saddleClient(): SaddleClient {
  client ??= createSaddleClient();
  return client;
}

/** The typed API; stores call only this. */
export function saddle(): SaddleApi {
  return saddleClient().api;
}

/**
 * The serve host's download link for a run's kept file (src-main/serve/server.ts, `artifactRoute`),
 * with this page's token; the host refuses any path out of the run's folder.
 */
export function servedArtifactUrl(runId: number, path: string): string {
  return `/artifact?${new URLSearchParams({ run: String(runId), path, token: pageToken() }).toString()}`;
}
