import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, toApiError } from '../../src-renderer/src/api/api-error';
import { proxyApi } from '../../src-main/contract/client';
import { SocketTransport, type SocketHandlers } from '../../src-renderer/src/api/socket-transport';
import { encodeMessage } from '../../src-main/serve/binary-frame';

class FakeServer {
  sockets: { url: string; handlers: SocketHandlers; sent: string[] }[] = [];
  open = (url: string, handlers: SocketHandlers) => {
    const socket = { url, handlers, sent: [] as string[] };
    this.sockets.push(socket);
    return { send: (frame: string) => socket.sent.push(frame) };
  };
  get last() {
    return this.sockets[this.sockets.length - 1];
  }
  requests() {
    return this.last.sent.map((frame) => JSON.parse(frame) as { id: number; ns: string; method: string; input: unknown });
  }
  reply(message: unknown) {
    this.last.handlers.message(JSON.stringify(message));
  }
}

describe('errors from any transport become ApiError', () => {
  it('keeps kind, message and field issues of an error shape', () => {
    const error = toApiError({ kind: 'expected', message: 'bad params', issues: [{ path: 'params.depth', message: 'must be ≥ 1' }, { nope: 1 }] });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.kind).toBe('expected');
    expect(error.issues).toEqual([{ path: 'params.depth', message: 'must be ≥ 1' }]);
  });

  it('reads a shape embedded in an IPC error message', () => {
    const error = toApiError(new Error(`Error invoking remote method 'saddle:call': Error: {"kind":"expected","message":"file is not a project"}`));
    expect(error.kind).toBe('expected');
    expect(error.message).toBe('file is not a project');
  });

  it('treats anything else as a bug and aborts as cancellation', () => {
    expect(toApiError(new TypeError('x is undefined')).kind).toBe('bug');
    expect(toApiError('weird').kind).toBe('bug');
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(toApiError(abort).kind).toBe('cancelled');
  });
});

describe('typed proxy', () => {
  it('turns api.ns.method(input) into one generic call, with {} for no input', async () => {
    const calls: unknown[][] = [];
    const api = proxyApi(async (...args) => {
      calls.push(args);
      return { runIds: [1] };
    }, () => () => undefined);
    await expect(api.runs.start({ experimentId: 3 })).resolves.toEqual({ runIds: [1] });
    await api.projects.current();
    expect(calls).toEqual([['runs', 'start', { experimentId: 3 }], ['projects', 'current', {}]]);
  });

  it('is not mistaken for a promise and routes `on` to the subscriber', () => {
    const events: string[] = [];
    const api = proxyApi(async () => null, (event) => {
      events.push(event);
      return () => undefined;
    });
    expect((api as unknown as { then?: unknown }).then).toBeUndefined();
    api.on('run.statuses', () => undefined);
    expect(events).toEqual(['run.statuses']);
  });
});

describe('WebSocket transport', () => {
  let server: FakeServer;
  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeServer();
  });
  afterEach(() => vi.useRealTimers());

  it('queues calls until the socket opens, then matches replies by id', async () => {
    const transport = new SocketTransport('ws://127.0.0.1:1/api?token=t', server.open);
    const first = transport.call('projects', 'open', { path: '/a.saddle' });
    const second = transport.call('runs', 'list', {});
    expect(server.last.sent).toEqual([]);
    server.last.handlers.open();
    const [a, b] = server.requests();
    expect(a).toEqual({ id: a.id, ns: 'projects', method: 'open', input: { path: '/a.saddle' } });
    server.reply({ id: b.id, ok: true, result: [] });
    server.reply({ id: a.id, ok: false, error: { kind: 'expected', message: 'not a project', issues: [] } });
    await expect(second).resolves.toEqual([]);
    await expect(first).rejects.toMatchObject({ kind: 'expected', message: 'not a project' });
  });

  it('reads a reply sent as a binary frame (a runs.series reply) with its Float64Arrays', async () => {
    const transport = new SocketTransport('ws://x/api', server.open);
    server.last.handlers.open();
    const call = transport.call('runs', 'series', { runIds: [1] });
    const [request] = server.requests();
    const y = Float64Array.of(1, -0, 0.25);
    const frame = encodeMessage({ id: request.id, ok: true, result: [{ runId: 1, series: [{ metric: 'loss', x: Float64Array.of(0, 1, 2), y, totalPoints: 3 }] }] });
    server.last.handlers.message((frame as Uint8Array).slice().buffer);
    const [reply] = (await call) as { series: { x: Float64Array; y: Float64Array }[] }[];
    expect(reply.series[0].x).toEqual(Float64Array.of(0, 1, 2));
    expect(Object.is(reply.series[0].y[1], -0)).toBe(true);
  });

  it('dispatches events to their listeners', () => {
    const transport = new SocketTransport('ws://x/api', server.open);
    server.last.handlers.open();
    const seen: unknown[] = [];
    const unsubscribe = transport.subscribe('run.statuses', (payload) => seen.push(payload));
    server.reply({ event: 'run.statuses', payload: { runId: 1 } });
    server.reply({ event: 'run.points', payload: { runId: 1 } });
    unsubscribe();
    server.reply({ event: 'run.statuses', payload: { runId: 2 } });
    expect(seen).toEqual([{ runId: 1 }]);
  });

  it('fails calls in flight when the socket drops, reconnects with backoff and sends waiting calls', async () => {
    const transport = new SocketTransport('ws://x/api', server.open);
    const states: string[] = [];
    transport.onStatus((status) => states.push(status.state));
    server.last.handlers.open();
    const inFlight = transport.call('runs', 'start', { experimentId: 1 });
    server.last.handlers.close(1006);
    await expect(inFlight).rejects.toMatchObject({ kind: 'expected' });
    expect(transport.status().state).toBe('disconnected');
    const waiting = transport.call('runs', 'list', {});
    vi.advanceTimersByTime(1000);
    expect(server.sockets).toHaveLength(2);
    server.last.handlers.open();
    expect(transport.status()).toMatchObject({ state: 'open', openCount: 2 });
    const [request] = server.requests();
    server.reply({ id: request.id, ok: true, result: ['ok'] });
    await expect(waiting).resolves.toEqual(['ok']);
    expect(states).toEqual(['open', 'disconnected', 'connecting', 'open']);
  });

  it('stops retrying when the server refuses the token', async () => {
    const transport = new SocketTransport('ws://x/api?token=bad', server.open);
    const call = transport.call('app', 'info', {});
    server.last.handlers.close(1008);
    await expect(call).rejects.toMatchObject({ kind: 'expected' });
    expect(transport.status().state).toBe('denied');
    vi.advanceTimersByTime(60_000);
    expect(server.sockets).toHaveLength(1);
  });
});
