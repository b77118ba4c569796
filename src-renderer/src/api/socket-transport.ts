// The API over a WebSocket (serve host). Requests: {id, ns, method, input}; replies: {id, ok,
// result | error}, a binary frame when the result holds Float64Arrays; events: {event, payload}.
// Calls made while the socket is down wait for it; calls in flight when it drops fail as
// `expected`, since the server may or may not have acted.
import { ApiError, toApiError } from './api-error';
import { decodeBinaryFrame } from './binary-frame';
import type { Connection, ConnectionStatus } from './connection';
import type { CallFn, ListenerFn, SubscribeFn } from '../../../src-main/contract/client';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: ApiError) => void;
}

interface Outgoing extends Pending {
  frame: string;
  id: number;
}

export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(code: number): void;
}

/** Opens a socket to `url` that reports to `handlers`; a WebSocket in the page, a fake in tests. */
export type SocketFactory = (url: string, handlers: SocketHandlers) => { send(frame: string): void };

/** Close codes with which the server refuses the page's token: retrying cannot help. */
const refusedCodes = new Set([1008, 4401, 4403]);
const maxRetryDelayMs = 10_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export class SocketTransport implements Connection {
  private socket: { send(frame: string): void } | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, Pending>();
  private readonly waiting: Outgoing[] = [];
  private readonly listeners = new Map<string, Set<ListenerFn>>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private current: ConnectionStatus = { state: 'connecting', retryAtMs: null, openCount: 0 };
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly openSocket: SocketFactory,
  ) {
    this.connect();
  }

  readonly call: CallFn = (namespace, method, input) =>
    new Promise((resolve, reject) => {
      const id = this.nextId++;
      const frame = JSON.stringify({ id, ns: namespace, method, input });
      const outgoing: Outgoing = { id, frame, resolve, reject };
      if (this.current.state === 'denied') reject(this.refusal());
      else if (this.current.state === 'open') this.send(outgoing);
      else this.waiting.push(outgoing);
    });

  readonly subscribe: SubscribeFn = (event, listener) => {
    const set = this.listeners.get(event) ?? new Set<ListenerFn>();
    set.add(listener);
    this.listeners.set(event, set);
    return () => set.delete(listener);
  };

  status(): ConnectionStatus {
    return this.current;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  retryNow(): void {
    if (this.current.state !== 'disconnected') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private setStatus(patch: Partial<ConnectionStatus>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.statusListeners) listener(this.current);
  }

  private connect(): void {
    this.setStatus({ state: 'connecting', retryAtMs: null });
    this.socket = this.openSocket(this.url, {
      open: () => {
        this.failures = 0;
        this.setStatus({ state: 'open', openCount: this.current.openCount + 1 });
        for (const outgoing of this.waiting.splice(0)) this.send(outgoing);
      },
      message: (data) => this.receive(data),
      close: (code) => this.closed(code),
    });
  }

  private send(outgoing: Outgoing): void {
    this.inFlight.set(outgoing.id, outgoing);
    this.socket?.send(outgoing.frame);
  }

  private receive(data: unknown): void {
    let message: unknown;
    try {
      // Text is JSON; a binary frame is a reply that holds arrays of numbers (runs.series).
      message = typeof data === 'string' ? JSON.parse(data) : data instanceof ArrayBuffer ? decodeBinaryFrame(data) : null;
    } catch {
      return;
    }
    if (!isRecord(message)) return;
    if (typeof message.id === 'number') {
      const pending = this.inFlight.get(message.id);
      if (!pending) return;
      this.inFlight.delete(message.id);
      if (message.ok === true) pending.resolve(message.result);
      else pending.reject(toApiError(message.error));
    } else if (typeof message.event === 'string') {
      for (const listener of this.listeners.get(message.event) ?? []) listener(message.payload);
    }
  }

  private refusal(): ApiError {
    return new ApiError({ kind: 'expected', message: 'The server refused this page. Open the address (with its token) that `saddle-lab serve` printed.' });
  }

  private closed(code: number): void {
    this.socket = null;
    const lost = new ApiError({ kind: 'expected', message: 'The connection to Saddle Lab dropped before the reply; the request may or may not have completed.' });
    for (const pending of this.inFlight.values()) pending.reject(lost);
    this.inFlight.clear();
    if (refusedCodes.has(code)) {
      for (const outgoing of this.waiting.splice(0)) outgoing.reject(this.refusal());
      this.setStatus({ state: 'denied', retryAtMs: null });
      return;
    }
    // Exponential backoff with jitter, so a restarted server is not hit by every tab at once.
    const delay = Math.min(maxRetryDelayMs, 500 * 2 ** this.failures) * (0.8 + 0.4 * Math.random());
    this.failures++;
    this.setStatus({ state: 'disconnected', retryAtMs: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
