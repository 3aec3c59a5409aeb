import { connect, type Socket } from 'node:net';
import type { Logger } from '../core/logger';
import { encodeNetstring, NetstringDecoder } from './netstring';

export type EvapiClientOptions = {
  host: string;
  port: number;
  log: Logger;
  /** One JSON frame from Kamailio, already parsed as JSON (not yet validated). */
  onMessage: (msg: unknown) => void;
  onConnected?: () => void;
  /** Largest frame accepted. Default 64 KiB. */
  maxFrameBytes?: number;
  /** Reconnect backoff: first delay and cap. Default 100 ms doubling to 5 s. */
  backoff?: { initialMs: number; maxMs: number };
};

/**
 * The relay's end of Kamailio's evapi socket: connects, reconnects with backoff for as long as the
 * relay runs, and turns netstrings into JSON messages. Nothing Kamailio (or anyone on that port)
 * sends can throw out of here: bad frames and handler errors are logged and dropped one by one.
 */
export function createEvapiClient(o: EvapiClientOptions) {
  const backoff = o.backoff ?? { initialMs: 100, maxMs: 5_000 };
  const c: EvapiConnection = {
    o,
    maxFrame: o.maxFrameBytes ?? 64 * 1024,
    backoff,
    socket: null,
    connected: false,
    closed: false,
    delay: backoff.initialMs,
    timer: null,
    warned: false,
  };
  openSocket(c);
  return {
    /** Sends one JSON message; false when not connected (the caller decides what that means). */
    send(msg: Record<string, unknown>): boolean {
      if (!c.socket || !c.connected) return false;
      o.log.debug({ msg }, 'evapi: to Kamailio');
      c.socket.write(encodeNetstring(JSON.stringify(msg)));
      return true;
    },
    get connected() {
      return c.connected;
    },
    close(): void {
      c.closed = true;
      if (c.timer) clearTimeout(c.timer);
      c.socket?.destroy();
    },
  };
}

/** The client's connection as it stands: its socket, whether it is up, and the reconnect backoff. */
type EvapiConnection = {
  o: EvapiClientOptions;
  maxFrame: number;
  backoff: { initialMs: number; maxMs: number };
  socket: Socket | null;
  connected: boolean;
  /** close() was called: no more reconnects. */
  closed: boolean;
  /** The wait before the next reconnect. */
  delay: number;
  timer: NodeJS.Timeout | null;
  /** "Not reachable" was logged since the last connect (logged once, not on every retry). */
  warned: boolean;
};

/** Opens the connection again after the backoff delay (once; not after close), doubling the delay up to its cap. */
function scheduleReconnect(c: EvapiConnection): void {
  if (c.closed || c.timer) return;
  c.timer = setTimeout(() => {
    c.timer = null;
    openSocket(c);
  }, c.delay);
  c.timer.unref();
  c.delay = Math.min(c.delay * 2, c.backoff.maxMs);
}

/** Connects to Kamailio; a closed connection schedules the next attempt. */
function openSocket(c: EvapiConnection): void {
  const { o } = c;
  const decoder = new NetstringDecoder(c.maxFrame);
  const s = connect({ host: o.host, port: o.port });
  c.socket = s;
  s.setNoDelay(true);
  s.on('connect', () => onConnected(c));
  s.on('data', (chunk: Buffer) => {
    for (const ev of decoder.push(chunk)) {
      if ('error' in ev) o.log.warn({ error: ev.error }, 'evapi: dropped bytes that are not a netstring');
      else applyFrame(o, ev.frame);
    }
  });
  s.on('error', (err) => {
    if (!c.warned) o.log.warn({ err: err.message, port: o.port }, 'evapi: Kamailio not reachable; retrying');
    c.warned = true;
  });
  s.on('close', () => {
    if (c.connected) o.log.warn('evapi: connection to Kamailio closed; reconnecting');
    c.connected = false;
    if (c.socket === s) c.socket = null;
    scheduleReconnect(c);
  });
}

function onConnected(c: EvapiConnection): void {
  const { o } = c;
  c.connected = true;
  c.warned = false;
  c.delay = c.backoff.initialMs;
  o.log.info({ host: o.host, port: o.port }, 'connected to Kamailio (evapi)');
  try {
    o.onConnected?.();
  } catch (err) {
    o.log.error({ err }, 'evapi connect handler failed');
  }
}

/** Parses one frame and hands it to onMessage; a frame that is not JSON, or fails to apply, is logged and dropped. */
function applyFrame(o: EvapiClientOptions, frame: string): void {
  let msg: unknown;
  try {
    msg = JSON.parse(frame);
  } catch {
    o.log.warn({ bytes: frame.length }, 'evapi: dropped a frame that is not JSON');
    return;
  }
  try {
    o.onMessage(msg);
  } catch (err) {
    o.log.error({ err }, 'evapi: a frame failed to apply; dropped');
  }
}
