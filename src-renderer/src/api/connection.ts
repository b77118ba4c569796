// The state of the link to the main process, for the "disconnected" banner and for refreshing
// the stores after a reconnect (events sent while away are lost).

export type ConnectionState = 'connecting' | 'open' | 'disconnected' | 'denied';

export interface ConnectionStatus {
  state: ConnectionState;
  /** When the next reconnect attempt starts (ms since epoch), while disconnected. */
  retryAtMs: number | null;
  /** Times the link has opened; above 1 means it came back after a drop. */
  openCount: number;
}

export interface Connection {
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  retryNow(): void;
}

/** The Electron bridge cannot drop. */
export const bridgeConnection: Connection = {
  status: () => ({ state: 'open', retryAtMs: null, openCount: 1 }),
  onStatus: () => () => undefined,
  retryNow: () => undefined,
};
