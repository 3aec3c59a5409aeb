import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { RELAY_ERR } from '../shared/sync/protocol';
import { isLoopbackHost } from '../shared/relayUrl';
import { SYNC_PATH } from '../shared/relayRoutes';
import { protectDataDir } from './data/dataFiles';
import { RelayError } from './core/errors';
import type { Database } from './data/db';
import { guarded } from './core/guard';
import { refuseUpgrade, sendError } from './http/reply';
import type { Logger } from './core/logger';
import type { RelayOptions } from './options';
import { targetOf } from './http/requestTarget';
import { openCore, type Core } from './wiring/core';
import { wireRooms, type Rooms } from './wiring/rooms';
import { subscribeToCommits } from './wiring/commits';
import { httpRoutes } from './wiring/httpRoutes';

export type Relay = {
  port: number;
  /** `http://host:port` (or https with TLS). */
  url: string;
  /** `ws://host:port/v1/sync` (or wss with TLS). */
  wsUrl: string;
  /** The relay's database, for tests and tools that inspect state; do not write to it. */
  db: Database;
  log: Logger;
  close(): Promise<void>;
};

/** Opens the store in `opts.dataDir` and serves HTTP and `/v1/sync`; defaults in RelayOptions. */
export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const core = openCore(opts);
  const rooms = wireRooms(core);
  const commits = subscribeToCommits(core, rooms);
  const http = httpRoutes(core, rooms);
  const { server, wss } = createServers(core, rooms, http);
  const { o, log, db, store } = core;
  protectDataDir(o.dataDir);
  await rooms.email.start();
  await rooms.apiWebhook.start();
  // Served once the live board is loaded, as when it loaded synchronously: nobody sees a board without the day.
  await rooms.supervision.loaded();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `${o.tls ? 'https' : 'http'}://${host}:${port}`;
  log.info({ url, dataDir: o.dataDir, head: store.head() }, 'relay listening');
  if (!o.tls && !isLoopbackHost(o.host))
    log.warn({ host: o.host }, 'serving plain HTTP off loopback (--insecure-http): traffic is not encrypted');

  return {
    port,
    url,
    wsUrl: `${o.tls ? 'wss' : 'ws'}://${host}:${port}/v1/sync`,
    db,
    log,
    close: () => {
      http.health.drain();
      return closeRelay(core, rooms, commits, server, wss);
    },
  };
}

/**
 * Step 5: the HTTP(S) server (each request through the rate limit, then the routes in order, then
 * the core API) and the WebSocket upgrades (web chat's, then `/v1/sync`).
 */
function createServers(c: Core, r: Rooms, h: ReturnType<typeof httpRoutes>) {
  const { o, log, store, metrics, hub } = c;
  const { webchat } = r;
  const { routes, handle, rateLimit } = h;
  const onRequest = (req: IncomingMessage, res: ServerResponse) =>
    void (async () => {
      targetOf(req); // a target that cannot be read gets its 400 here, before any route looks at it
      rateLimit.check(req);
      for (const route of routes) if (await route(req, res)) return;
      await handle(req, res, () => metrics.render(store.head()));
    })().catch((err: unknown) => sendError(res, err, log));
  const server = o.tls
    ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, onRequest)
    : createHttpServer(onRequest);
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload });
  const acceptSync = guarded(log, 'sync socket accept', (ws: WebSocket) => hub.accept(ws));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node takes its own error listener off an upgraded socket: without one, a reset stops the relay.
    socket.on('error', (err) => log.debug({ err }, 'upgrade socket error'));
    try {
      const { path } = targetOf(req);
      rateLimit.check(req);
      if (webchat.upgrade(req, socket, head)) return;
      if (path !== SYNC_PATH) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no socket at ${path}.`);
      wss.handleUpgrade(req, socket, head, acceptSync);
    } catch (err) {
      refuseUpgrade(socket, err, log);
    }
  });

  return { server, wss };
}

/** Stops the timers and rooms, closes every socket and the server, then the database. */
async function closeRelay(
  c: Core,
  r: Rooms,
  commits: { close(): void },
  server: ReturnType<typeof createServers>['server'],
  wss: WebSocketServer,
): Promise<void> {
  const { log, db, hub } = c;
  const { voice, routing, routingLeases, supervision, recordings, webchat, email, apiWebhook } = r;
  commits.close();
  await voice?.close();
  routing.close();
  // Writes routing has begun land before the database closes; then its queues are given up.
  await routing.settled();
  await routingLeases.stop();
  supervision.close();
  await recordings.close();
  webchat.close();
  await email.close();
  apiWebhook.close();
  hub.close();
  await new Promise<void>((done) => wss.close(() => done()));
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  db.close();
  log.info('relay closed');
}
