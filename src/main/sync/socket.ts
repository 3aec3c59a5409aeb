import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../shared/sync/protocol';
import type { Logger } from '../base/logger';
import { SYNC_PATH } from '../../shared/relayRoutes';

/** One WebSocket to the relay and what the sync client knows of it. */
export type Conn = {
  ws: WebSocket;
  /** Heard from since the last ping (see beat). */
  alive: boolean;
  /** The relay answered the hello: frames other than hello may go. */
  welcomed: boolean;
  /** The catch-up after the hello is done: the outbox may be pushed. */
  caughtUp: boolean;
  heartbeat: NodeJS.Timeout;
};

export type SocketOptions = {
  /** Base URL of the relay; the socket is `<ws>/v1/sync`. */
  relayUrl: string;
  /** Time allowed for the handshake and then for the relay's welcome. */
  connectTimeoutMs: number;
  /** Ping interval; a socket silent for two intervals is dropped. */
  heartbeatMs: number;
  log: Logger;
  /** The hello to send once the socket is open (token and cursor as they are then). */
  hello: () => ClientFrame;
  /** False once the client moved on to another socket: frames of this one are then ignored. */
  isCurrent: (conn: Conn) => boolean;
  onFrame: (conn: Conn, frame: ServerFrame) => void;
  /** A frame that could not be applied; the socket is terminated after this (catch up again). */
  onFrameFailed: (err: unknown) => void;
  onClose: (conn: Conn, code: number, reason: string) => void;
};

/** Opens the sync socket: hello on open, a deadline for the welcome, heartbeat, frames in order. */
export function openSyncSocket(o: SocketOptions): Conn {
  const url = new URL(SYNC_PATH, o.relayUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url, { handshakeTimeout: o.connectTimeoutMs });
  const conn: Conn = {
    ws,
    alive: true,
    welcomed: false,
    caughtUp: false,
    heartbeat: setInterval(() => beat(conn, o.log), o.heartbeatMs),
  };
  ws.on('open', () => {
    ws.send(JSON.stringify(o.hello()));
    // A relay that accepts the socket but never welcomes it (overloaded, half-open) must not
    // leave the app "connecting": give up on this socket and retry with backoff.
    setTimeout(() => {
      if (!conn.welcomed && o.isCurrent(conn)) ws.terminate();
    }, o.connectTimeoutMs).unref();
  });
  ws.on('pong', () => (conn.alive = true));
  ws.on('message', (raw: WebSocket.RawData) => {
    conn.alive = true;
    if (!o.isCurrent(conn)) return;
    try {
      o.onFrame(conn, JSON.parse(raw.toString()) as ServerFrame);
    } catch (err) {
      // A frame we cannot apply must not be skipped: drop the connection and catch up again.
      o.onFrameFailed(err);
      ws.terminate();
    }
  });
  ws.on('error', (err) => o.log.debug({ err: err.message }, 'sync socket error'));
  ws.on('close', (code, reason) => o.onClose(conn, code, reason.toString()));
  return conn;
}

/** Heartbeat: a socket that answered nothing since the last ping is dead, even if TCP says otherwise. */
function beat(conn: Conn, log: Logger): void {
  if (!conn.alive) {
    log.info('sync socket silent; dropping it');
    conn.ws.terminate();
    return;
  }
  conn.alive = false;
  if (conn.ws.readyState === WebSocket.OPEN) conn.ws.ping();
}

/** True when `c` is welcomed and open, so a frame sent now reaches the relay. */
export function isLive(c: Conn | null): c is Conn {
  return !!c?.welcomed && c.ws.readyState === WebSocket.OPEN;
}

/** Sends `frame` when the socket is live; false when not (nothing is queued). */
export function sendIfLive(c: Conn | null, frame: ClientFrame): boolean {
  if (!isLive(c)) return false;
  c.ws.send(JSON.stringify(frame));
  return true;
}

/** Closes the socket (cleanly when open) and stops its heartbeat. */
export function closeSyncSocket(c: Conn, code: number, reason: string): void {
  clearInterval(c.heartbeat);
  if (c.ws.readyState === WebSocket.OPEN) c.ws.close(code, reason);
  else c.ws.terminate();
}
