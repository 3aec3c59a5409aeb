import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_ERR } from '../../shared/errors';
import type { Dispatch } from '../api/dispatcher';
import type { Services } from '../services';
import { contentSecurityPolicy, LOOPBACK_WS } from '../security/policy';
import { mimeType, resolveStaticPath } from '../security/staticFiles';
import {
  callFrameSchema,
  HOST_CLOSE,
  HOST_PROTOCOL,
  SECRET_PROTOCOL_PREFIX,
  type ServerFrame,
} from '../../shared/hostProtocol';

export type BrowserHostOptions = {
  services: Services;
  dispatch: Dispatch;
  /** Directory of the built renderer (index.html and assets). */
  rendererDir: string;
  /** Interface to bind; only loopback is accepted. Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Per-launch secret; a random 256-bit one by default. */
  secret?: string;
  /**
   * Extra CSP connect-src sources (beyond 'self' and wss:). Default: plain ws on loopback, for a
   * SIP server on this machine (tests, a developer's Kamailio); remote SIP servers need wss.
   */
  connectExtra?: readonly string[];
  /** Largest WebSocket frame accepted, in bytes. Default 1 MiB; larger frames close with 1009. */
  maxPayload?: number;
  /** Ping interval; a socket that misses a pong is terminated. Default 30 s. */
  heartbeatMs?: number;
};

export type BrowserHost = {
  /** The URL to open, with the secret in the fragment (never sent to a server). */
  url: string;
  origin: string;
  port: number;
  secret: string;
  close(): Promise<void>;
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Serves the built renderer and the app API over a WebSocket on loopback, guarded by a
 * per-launch secret and an Origin/Host check, so other local pages and processes cannot call it.
 */
export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const bindHost = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(bindHost)) throw new Error(`The browser host binds to loopback only, not ${bindHost}.`);
  const secret = opts.secret ?? randomBytes(32).toString('base64url');
  const maxPayload = opts.maxPayload ?? 1024 * 1024;
  const log = opts.services.log;
  const csp = contentSecurityPolicy(opts.connectExtra ?? LOOPBACK_WS);
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const allowedOrigins = () => new Set([...allowedHosts()].map((h) => `http://${h}`));

  const http = createServer((req, res) =>
    serveStatic(req, res, { allowedHosts, rendererDir: opts.rendererDir, csp }),
  );
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    handleProtocols: (protocols) => (protocols.has(HOST_PROTOCOL) ? HOST_PROTOCOL : false),
  });

  http.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/api') return refuse(socket, 404, 'Not Found', log);
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(socket, 421, 'Misdirected Request', log);
    const origin = req.headers.origin;
    // Browsers always send Origin; a page served elsewhere is refused even if it guessed the secret.
    if (origin !== undefined && !allowedOrigins().has(origin)) return refuse(socket, 403, 'Forbidden', log);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const token = offered
      .find((p) => p.startsWith(SECRET_PROTOCOL_PREFIX))
      ?.slice(SECRET_PROTOCOL_PREFIX.length);
    if (!token || !safeEqual(token, secret)) return refuse(socket, 401, 'Unauthorized', log);
    wss.handleUpgrade(req, socket, head, (ws) =>
      onConnection(ws, {
        services: opts.services,
        dispatch: opts.dispatch,
        heartbeatMs: opts.heartbeatMs ?? 30_000,
      }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, bindHost, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const origin = `http://${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${port}`;
  log.info({ origin }, 'browser host listening');

  return {
    url: `${origin}/#k=${secret}`,
    origin,
    port,
    secret,
    close: async () => {
      for (const c of wss.clients) c.close(1001, 'host shutting down');
      await new Promise<void>((r) => wss.close(() => r()));
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

/** The built renderer's files, to this host's own address only, with the app's CSP. */
function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  o: { allowedHosts: () => Set<string>; rendererDir: string; csp: string },
): void {
  if (!o.allowedHosts().has(req.headers.host ?? '')) {
    res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request: use the printed URL.\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const file = resolveStaticPath(o.rendererDir, req.url ?? '/');
  let size = -1;
  try {
    if (file) {
      const st = statSync(file);
      if (st.isFile()) size = st.size;
    }
  } catch {
    size = -1;
  }
  if (!file || size < 0) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found.\n');
    return;
  }
  res.writeHead(200, {
    'content-type': mimeType(file),
    'content-length': size,
    'content-security-policy': o.csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': file.endsWith('.html') ? 'no-cache' : 'max-age=3600',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

/** Answers an upgrade that is refused with its status, and logs why. */
function refuse(socket: Duplex, status: number, reason: string, log: Services['log']): void {
  log.warn({ status, reason }, 'browser host refused a WebSocket');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** One renderer's socket: events out, calls in, a heartbeat. */
function onConnection(
  ws: WebSocket,
  o: { services: Services; dispatch: Dispatch; heartbeatMs: number },
): void {
  const log = o.services.log;
  let alive = true;
  ws.on('pong', () => (alive = true));
  const send = (frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const unsubscribe = o.services.events.subscribe((event, payload) =>
    send({ type: 'event', event, payload }),
  );
  const heartbeat = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, o.heartbeatMs);
  ws.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
  ws.on('error', (err) => log.warn({ err }, 'browser host socket error'));
  ws.on('message', (data, isBinary) => {
    void handleFrame(data.toString(), isBinary, o.dispatch).then((f) => f && send(f));
  });
}

/** Answers one frame: a call's result, or BAD_FRAME for anything that is not a call frame. */
async function handleFrame(text: string, isBinary: boolean, dispatch: Dispatch): Promise<ServerFrame | null> {
  let json: unknown;
  try {
    if (isBinary) throw new Error('binary');
    json = JSON.parse(text);
  } catch {
    return badFrame(null, 'The message was not valid JSON text.');
  }
  const frame = callFrameSchema.safeParse(json);
  if (!frame.success) {
    const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : null;
    return badFrame(id, 'The message is not a call frame {type:"call", id, channel, args}.');
  }
  const result = await dispatch(frame.data.channel, frame.data.args);
  return { type: 'result', id: frame.data.id, result };
}

function badFrame(id: number | null, message: string): ServerFrame {
  return { type: 'error', id, result: { ok: false, error: { code: API_ERR.BAD_FRAME, message } } };
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export { HOST_CLOSE };
