import type { ApiResult } from '../../shared/errors';

/** The renderer's view of the app API, whichever way it is carried (Electron IPC or WebSocket). */
export type Transport = {
  kind: 'electron' | 'browser';
  invoke(channel: string, args?: unknown): Promise<ApiResult<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Connection state changes (always 'open' for IPC). */
  onStatus(listener: (status: TransportStatus) => void): () => void;
};

export type TransportStatus = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

/** What the preload exposes on `window.switchboard` under Electron. */
export type PreloadApi = {
  invoke(channel: string, args?: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
};

/** Wraps the preload bridge as a Transport. */
export function ipcTransport(bridge: PreloadApi): Transport {
  return {
    kind: 'electron',
    invoke: (channel, args) => bridge.invoke(channel, args) as Promise<ApiResult<unknown>>,
    on: (event, listener) => bridge.on(event, listener),
    onStatus: (listener) => {
      listener('open');
      return () => {};
    },
  };
}
