/**
 * The visitor's socket (`/v1/widget/socket`): connects with the session token, reconnects with
 * backoff, and resumes: a reconnect asks only for what came after the last message seen (`since`),
 * and messages the relay has not confirmed yet are sent again (the relay drops repeats by
 * `clientId`, so none is lost and none is doubled).
 */
import type { ClientFrame, MessageFrame, ServerFrame } from './frames';

/** The relay closes with this when the token is no longer valid: the chat has ended. */
export const CLOSE_UNAUTHORIZED = 4401;

export type SocketOptions = {
  base: string;
  token: () => string;
  /** The last message id the page shows, or '' for the whole conversation. */
  lastId: () => string;
  onOpen: () => void;
  onFrame: (frame: ServerFrame) => void;
  /** The relay ended the session; no reconnect follows. */
  onEnded: () => void;
  /** First reconnect delay, doubled each failed try [retryBaseMs=500]. */
  retryBaseMs?: number;
  /** Doublings before the delay stops growing [maxBackoffSteps=6, i.e. 16 s]. */
  maxBackoffSteps?: number;
};

export type VisitorSocket = {
  connect(): void;
  /** Sends a frame if the socket is open; says whether it was sent. */
  send(frame: ClientFrame): boolean;
  /** Sends a message now if it can, and again after each reconnect until the relay confirms it. */
  sendMessage(frame: MessageFrame): void;
};

/** The socket URL for a token, resuming after `lastId` when there is one. */
export function socketUrl(base: string, token: string, lastId: string): string {
  const since = lastId ? `&since=${encodeURIComponent(lastId)}` : '';
  return `${base.replace(/^http/, 'ws')}/v1/widget/socket?token=${encodeURIComponent(token)}${since}`;
}

/** Parses a frame from the relay; anything that is not a JSON object is ignored (null). */
export function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  try {
    const f: unknown = JSON.parse(data);
    return typeof f === 'object' && f !== null && 't' in f ? (f as ServerFrame) : null;
  } catch {
    return null;
  }
}

/** Creates the visitor's socket; nothing connects before `connect()`. */
export function createSocket(opts: SocketOptions): VisitorSocket {
  const { retryBaseMs = 500, maxBackoffSteps = 6 } = opts;
  let ws: WebSocket | null = null;
  let retry = 0;
  let outbox: MessageFrame[] = [];

  function send(frame: ClientFrame): boolean {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect(): void {
    const socket = new WebSocket(socketUrl(opts.base, opts.token(), opts.lastId()));
    ws = socket;
    socket.onopen = () => {
      retry = 0;
      for (const f of outbox) send(f);
      opts.onOpen();
    };
    socket.onmessage = (ev: MessageEvent) => {
      const f = parseFrame(ev.data);
      if (!f) return;
      opts.onFrame(f);
      if (f.t === 'message' && f.clientId) outbox = outbox.filter((o) => o.clientId !== f.clientId);
    };
    socket.onclose = (ev: CloseEvent) => {
      ws = null;
      if (ev.code === CLOSE_UNAUTHORIZED) return opts.onEnded();
      retry = Math.min(retry + 1, maxBackoffSteps);
      setTimeout(connect, retryBaseMs * Math.pow(2, retry - 1));
    };
  }

  return {
    connect,
    send,
    sendMessage(frame) {
      outbox.push(frame);
      send(frame);
    },
  };
}
