import { API_ERR, type ApiResult } from '../../shared/errors';
import {
  HOST_PROTOCOL,
  SECRET_PROTOCOL_PREFIX,
  type CallFrame,
  type ServerFrame,
} from '../../shared/hostProtocol';
import type { Transport, TransportStatus } from './transport';

type Pending = { resolve: (r: ApiResult<unknown>) => void };

export type WsTransportOptions = {
  url: string;
  secret: string;
  /** Longest wait between reconnect attempts. Default 5 s. */
  maxBackoffMs?: number;
};

/**
 * The browser host's transport: one WebSocket carrying `{type:'call'}` frames and events,
 * reconnecting with capped exponential backoff. A socket that never opens is taken as refused
 * (the host answers a wrong secret with 401 before the upgrade).
 */
export function wsTransport(opts: WsTransportOptions): Transport {
  let ws: WebSocket | null = null;
  let nextId = 1;
  let attempts = 0;
  let status: TransportStatus = 'connecting';
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const statusListeners = new Set<(s: TransportStatus) => void>();

  const setStatus = (s: TransportStatus) => {
    status = s;
    for (const l of statusListeners) l(s);
  };

  const connect = () => {
    let opened = false;
    const sock = new WebSocket(opts.url, [HOST_PROTOCOL, `${SECRET_PROTOCOL_PREFIX}${opts.secret}`]);
    ws = sock;
    sock.onopen = () => {
      opened = true;
      attempts = 0;
      setStatus('open');
      for (const f of queue.splice(0)) sock.send(f);
    };
    sock.onmessage = (ev) => {
      // The host is ours, but a frame is still checked before use: a bad one is dropped.
      let frame: Partial<ServerFrame>;
      try {
        frame = JSON.parse(String(ev.data)) as Partial<ServerFrame>;
      } catch {
        return;
      }
      if ((frame.type === 'result' || frame.type === 'error') && typeof frame.id === 'number') {
        const p = pending.get(frame.id);
        pending.delete(frame.id);
        if (p && frame.result) p.resolve(frame.result);
      } else if (frame.type === 'event' && typeof frame.event === 'string') {
        for (const l of listeners.get(frame.event) ?? []) l(frame.payload);
      }
    };
    sock.onclose = () => {
      ws = null;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.resolve({
          ok: false,
          error: { code: API_ERR.DISCONNECTED, message: 'The connection to Switchboard closed. Try again.' },
        });
      }
      if (!opened && attempts >= 2 && status !== 'open') {
        // Refused before upgrade more than once: the secret is wrong or stale.
        setStatus('unauthorized');
        return;
      }
      attempts += 1;
      setStatus('reconnecting');
      const delay = Math.min(opts.maxBackoffMs ?? 5000, 250 * 2 ** attempts) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    kind: 'browser',
    invoke(channel, args) {
      const id = nextId++;
      const call: CallFrame = { type: 'call', id, channel, args: args ?? {} };
      const frame = JSON.stringify(call);
      return new Promise((resolve) => {
        pending.set(id, { resolve });
        if (ws && ws.readyState === WebSocket.OPEN) ws.send(frame);
        else queue.push(frame);
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
  };
}

/**
 * Reads the browser host's secret from the URL fragment (`#k=…`), keeps it for this tab's
 * session so a reload still works, and removes it from the address bar.
 */
export function takeHostSecret(loc: Location, storage: Storage, history: History): string | null {
  const m = /(?:^|[#&])k=([A-Za-z0-9_-]{16,128})/.exec(loc.hash);
  if (m) {
    storage.setItem('switchboard.hostSecret', m[1]!);
    history.replaceState(null, '', loc.pathname + loc.search);
    return m[1]!;
  }
  return storage.getItem('switchboard.hostSecret');
}
