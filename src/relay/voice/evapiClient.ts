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
  const maxFrame = o.maxFrameBytes ?? 64 * 1024;
  const backoff = o.backoff ?? { initialMs: 100, maxMs: 5_000 };
  let socket: Socket | null = null;
  let connected = false;
  let closed = false;
  let delay = backoff.initialMs;
  let timer: NodeJS.Timeout | null = null;
  let warned = false;

  function schedule(): void {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      open();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, backoff.maxMs);
  }

  function open(): void {
    const decoder = new NetstringDecoder(maxFrame);
    const s = connect({ host: o.host, port: o.port });
    socket = s;
    s.setNoDelay(true);
    s.on('connect', () => {
      connected = true;
      warned = false;
      delay = backoff.initialMs;
      o.log.info({ host: o.host, port: o.port }, 'connected to Kamailio (evapi)');
      try {
        o.onConnected?.();
      } catch (err) {
        o.log.error({ err }, 'evapi connect handler failed');
      }
    });
    s.on('data', (chunk: Buffer) => {
      for (const ev of decoder.push(chunk)) {
        if ('error' in ev) {
          o.log.warn({ error: ev.error }, 'evapi: dropped bytes that are not a netstring');
          continue;
        }
        let msg: unknown;
        try {
          msg = JSON.parse(ev.frame);
        } catch {
          o.log.warn({ bytes: ev.frame.length }, 'evapi: dropped a frame that is not JSON');
          continue;
        }
        try {
          o.onMessage(msg);
        } catch (err) {
          o.log.error({ err }, 'evapi: a frame failed to apply; dropped');
        }
      }
    });
    s.on('error', (err) => {
      if (!warned) o.log.warn({ err: err.message, port: o.port }, 'evapi: Kamailio not reachable; retrying');
      warned = true;
    });
    s.on('close', () => {
      if (connected) o.log.warn('evapi: connection to Kamailio closed; reconnecting');
      connected = false;
      if (socket === s) socket = null;
      schedule();
    });
  }

  open();
  return {
    /** Sends one JSON message; false when not connected (the caller decides what that means). */
    send(msg: Record<string, unknown>): boolean {
      if (!socket || !connected) return false;
      o.log.debug({ msg }, 'evapi: to Kamailio');
      socket.write(encodeNetstring(JSON.stringify(msg)));
      return true;
    },
    get connected() {
      return connected;
    },
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.destroy();
    },
  };
}
