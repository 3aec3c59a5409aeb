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

/** One transport's state: the socket of the moment and what outlives it. */
type Link = {
  opts: WsTransportOptions;
  ws: WebSocket | null;
  nextId: number;
  /** Reconnect attempts since the socket last opened. */
  attempts: number;
  status: TransportStatus;
  pending: Map<number, Pending>;
  /** Call frames made while no socket was open, sent once one opens. */
  queue: string[];
  listeners: Map<string, Set<(p: unknown) => void>>;
  statusListeners: Set<(s: TransportStatus) => void>;
};

/**
 * The browser host's transport: one WebSocket carrying `{type:'call'}` frames and events,
 * reconnecting with capped exponential backoff. A socket that never opens is taken as refused
 * (the host answers a wrong secret with 401 before the upgrade).
 */
export function wsTransport(opts: WsTransportOptions): Transport {
  const link: Link = {
    opts,
    ws: null,
    nextId: 1,
    attempts: 0,
    status: 'connecting',
    pending: new Map(),
    queue: [],
    listeners: new Map(),
    statusListeners: new Set(),
  };
  connect(link);

  return {
    kind: 'browser',
    invoke(channel, args) {
      const id = link.nextId++;
      const call: CallFrame = { type: 'call', id, channel, args: args ?? {} };
      const frame = JSON.stringify(call);
      return new Promise((resolve) => {
        link.pending.set(id, { resolve });
        if (link.ws && link.ws.readyState === WebSocket.OPEN) link.ws.send(frame);
        else link.queue.push(frame);
      });
    },
    on(event, listener) {
      const set = link.listeners.get(event) ?? new Set();
      set.add(listener);
      link.listeners.set(event, set);
      return () => set.delete(listener);
    },
    onStatus(listener) {
      link.statusListeners.add(listener);
      listener(link.status);
      return () => link.statusListeners.delete(listener);
    },
  };
}

function setStatus(link: Link, s: TransportStatus) {
  link.status = s;
  for (const l of link.statusListeners) l(s);
}

/** Opens a socket to the host; on open it sends what was queued, on close it reconnects (or gives up). */
function connect(link: Link) {
  let opened = false;
  const sock = new WebSocket(link.opts.url, [HOST_PROTOCOL, `${SECRET_PROTOCOL_PREFIX}${link.opts.secret}`]);
  link.ws = sock;
  sock.onopen = () => {
    opened = true;
    link.attempts = 0;
    setStatus(link, 'open');
    for (const f of link.queue.splice(0)) sock.send(f);
  };
  sock.onmessage = (ev) => dispatchFrame(link, String(ev.data));
  sock.onclose = () => {
    link.ws = null;
    failPending(link.pending);
    if (!opened && link.attempts >= 2 && link.status !== 'open') {
      // Refused before upgrade more than once: the secret is wrong or stale.
      setStatus(link, 'unauthorized');
      return;
    }
    link.attempts += 1;
    setStatus(link, 'reconnecting');
    setTimeout(() => connect(link), reconnectDelay(link.attempts, link.opts.maxBackoffMs ?? 5000));
  };
}

/** Answers the call a result or error frame is for, or tells an event's listeners. */
function dispatchFrame(link: Link, data: string) {
  // The host is ours, but a frame is still checked before use: a bad one is dropped.
  let frame: Partial<ServerFrame>;
  try {
    frame = JSON.parse(data) as Partial<ServerFrame>;
  } catch {
    return;
  }
  if ((frame.type === 'result' || frame.type === 'error') && typeof frame.id === 'number') {
    const p = link.pending.get(frame.id);
    link.pending.delete(frame.id);
    if (p && frame.result) p.resolve(frame.result);
  } else if (frame.type === 'event' && typeof frame.event === 'string') {
    for (const l of link.listeners.get(frame.event) ?? []) l(frame.payload);
  }
}

/** Answers every call still waiting as cut off by the closed socket. */
function failPending(pending: Map<number, Pending>) {
  for (const [id, p] of pending) {
    pending.delete(id);
    p.resolve({
      ok: false,
      error: { code: API_ERR.DISCONNECTED, message: 'The connection to Switchboard closed. Try again.' },
    });
  }
}

/** The wait before reconnect attempt `attempts`: doubling from 500 ms up to `maxMs`, with jitter (half to all of it). */
function reconnectDelay(attempts: number, maxMs: number): number {
  return Math.min(maxMs, 250 * 2 ** attempts) * (0.5 + Math.random() / 2);
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
