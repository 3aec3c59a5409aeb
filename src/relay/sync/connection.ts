import type { WebSocket } from 'ws';
import type { RelayErrorCode, ServerFrame } from '../../shared/sync/protocol';
import type { Principal } from '../identity/auth';
import { TokenBucket } from '../core/rateLimit';
import type { Viewer } from '../data/visibility';

/** One app's `/v1/sync` socket and where its sync stands. */
export type Conn = {
  ws: WebSocket;
  principal: Principal | null;
  viewer: Viewer | null;
  /** Position up to which this client has been sent everything it may see. */
  cursor: number;
  /** Caught up and receiving live fan-out. */
  live: boolean;
  catchingUp: boolean;
  /** Bumped by `pull` and forced resyncs so a running catch-up restarts from the new cursor. */
  gen: number;
  forceSnapshot: boolean;
  alive: boolean;
  bucket: TokenBucket;
  strikes: number;
  /** Frames received while a push of this connection waits for the group commit, in order. */
  deferred: string[] | null;
  /** Set while this connection watches the supervisor's board. */
  watcher: { agentId: string; send(text: string): void } | null;
};

/** A connection that has not said hello yet; frames are limited to `rate` (per second, burst). */
export function newConn(ws: WebSocket, rate: { perSecond: number; burst: number }): Conn {
  return {
    ws,
    principal: null,
    viewer: null,
    cursor: 0,
    live: false,
    catchingUp: false,
    gen: 0,
    forceSnapshot: false,
    alive: true,
    bucket: new TokenBucket(rate.perSecond, rate.burst),
    strikes: 0,
    deferred: null,
    watcher: null,
  };
}

/** Sends a frame if the socket is still open. */
export function send(c: Conn, f: ServerFrame): void {
  if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(f));
}

/** Sends JSON text already encoded (one encoding shared by many connections). */
export function sendText(c: Conn, text: Buffer): void {
  if (c.ws.readyState === c.ws.OPEN) c.ws.send(text, { binary: false });
}

/** Resolves once the frame is handed to the socket, so long catch-ups respect backpressure. */
export function sendPaced(c: Conn, f: ServerFrame): Promise<void> {
  return new Promise<void>((resolve) =>
    c.ws.readyState === c.ws.OPEN ? c.ws.send(JSON.stringify(f), () => resolve()) : resolve(),
  );
}

/** Answers with an error frame; the connection stays open. */
export function fail(c: Conn, code: RelayErrorCode, message: string, extra: { batch?: number } = {}): void {
  send(c, { t: 'error', code, message, ...extra });
}

/** Tells the client why, then closes with `close` (a RELAY_CLOSE code). */
export function shut(c: Conn, code: RelayErrorCode, message: string, close: number): void {
  fail(c, code, message);
  c.ws.close(close, message.slice(0, 120));
}
