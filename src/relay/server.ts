import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { HlcClock } from '../shared/sync/hlc';
import { RELAY_ERR } from '../shared/sync/protocol';
import { isLoopbackHost } from '../shared/relayUrl';
import { SYNC_PATH } from '../shared/relayRoutes';
import { createAccounts } from './identity/accounts';
import { createAudit, AUDIT, clientIp, type Audit } from './identity/audit';
import { createAuditHttp } from './identity/auditHttp';
import { protectDataDir } from './data/dataFiles';
import { createAccountsHttp } from './identity/accountsHttp';
import { createAuth, type Auth } from './identity/auth';
import { RelayError } from './core/errors';
import { openDatabase, type Database } from './data/db';
import { guarded } from './core/guard';
import { createHttpHandler } from './http/routes';
import { createHealth, sqliteCheck } from './http/health';
import { createHttpRateLimit } from './http/httpRateLimit';
import { refuseUpgrade, sendError } from './http/reply';
import { createRelayLogger, type Logger } from './core/logger';
import { createMetrics } from './core/metrics';
import { RelayOptionsError, resolveOptions, type RelayOptions } from './options';
import { createPusher } from './sync/push';
import { targetOf } from './http/requestTarget';
import { createStore } from './data/store';
import { asyncSqliteStore } from './data/sqliteAsync';
import { createSqliteIdentity } from './data/sqliteIdentity';
import { createSyncHub } from './sync/hub';
import { loadSigningSecret } from './identity/tokens';
import { createUpdatesHandler } from './updates/feed';
import { createDemoPage } from './demo/page';
import { createApiChannelHandler } from './channels/apiChannel';
import { createRecordings } from './voice/recordings';
import { createApiKeys, type ApiKeys } from './identity/apiKeys';
import { createInbound } from './channels/inbound';
import { createRoutingService } from './routing/service';
import { createTeamRoutingRoute } from './routing/teamRoute';
import { createWebchat } from './channels/webchat/webchat';
import { createWebchatSettings } from './channels/webchat/settings';
import { createWebchatSettingsHttp } from './channels/webchat/settingsHttp';
import { createVoice } from './voice';
import { createPhoneSettingsHttp } from './voice/settingsHttp';
import { createMonitoringGrants } from './voice/monitoringGrants';
import { createMonitoringHttp } from './voice/monitoringHttp';
import { createEmailChannel } from './channels/email/email';
import { createApiWebhook } from './channels/api/webhook';
import { viewerOf } from './data/visibility';
import { createReportsHttp } from './http/reportsHttp';
import { createSlaTimers } from './sla/timers';
import { createSlaPolicyRoute } from './sla/policyRoute';
import { createSupervision } from './supervisor';
import type { TeamScopedDeps } from './http/teamScopedRoute';

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
  rooms.email.start();
  rooms.apiWebhook.start();
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

/** Step 1: options, log, database, store, identity (accounts, audit, auth) and the sync hub. */
function openCore(opts: RelayOptions) {
  const o = resolveOptions(opts);
  // Owner-only: the directory holds customer data and the token signing secret.
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const log = opts.log ?? createRelayLogger(o.dataDir);
  if (o.store.kind === 'postgres') throw postgresNotYetServed();
  const db = openDatabase(o.dataDir, o.store.file);
  const secret = loadSigningSecret(o.dataDir);
  const relayClock = new HlcClock('relay', o.now);
  const store = createStore(db, o.now, {
    onListenerError: (err) => log.error({ err }, 'commit listener failed'),
  });
  // Identity on the store's database, in the store's transactions (data/identityData.ts).
  const asyncStore = asyncSqliteStore(store);
  const identity = createSqliteIdentity(db, asyncStore);
  const accounts = createAccounts(db, store, relayClock, o.now, { identity, records: asyncStore });
  const metrics = createMetrics();
  const pusher = createPusher(db, store, accounts, relayClock, {
    maxClockSkewMs: o.maxClockSkewMs,
    now: o.now,
    log,
  });
  // The hub needs auth (hello) and auth needs the hub (revocation closes sockets): late-bound.
  const revoked = (deviceId: string) => hub.disconnectDevice(deviceId);
  const audit = createAudit({ identity, now: o.now, log });
  const auth = createAuth(identity, asyncStore, secret, o, revoked, audit);
  const hub = createSyncHub({ store, auth, accounts, pusher, metrics, log, o });
  // What the admin and supervisor routes that act on one team's things need.
  const scoped: TeamScopedDeps = { store, auth, accounts, audit, relayClock, log, now: o.now };
  return {
    opts,
    o,
    log,
    db,
    secret,
    relayClock,
    store,
    identity,
    accounts,
    metrics,
    audit,
    auth,
    hub,
    scoped,
  };
}

type Core = ReturnType<typeof openCore>;

/**
 * Step 2: the rooms, in the order they need each other. Routing asks web chat whether a visitor
 * is connected and web chat asks routing for queue positions, so that one is late-bound.
 */
function wireRooms(c: Core) {
  let channels: ReturnType<typeof wireChannels> | null = null;
  const work = wireWork(c, (conversationId) => channels!.webchat.visitorConnected(conversationId));
  channels = wireChannels(c, work);
  return { ...work, ...channels };
}

/** Step 2a: routing, the supervisor's board, inbound (where customers' messages enter) and voice. */
function wireWork(c: Core, visitorConnected: (conversationId: string) => boolean) {
  const { opts, o, log, db, relayClock, store, accounts, metrics, hub, scoped } = c;
  const routing = createRoutingService({
    db,
    store,
    accounts,
    relayClock,
    log,
    now: o.now,
    sendToAgent: (agentId, frame) => hub.sendToAgent(agentId, frame),
    visitorConnected,
    countOverflow: () => {
      metrics.routingOverflows += 1;
    },
  });
  hub.attachRouting(routing);
  const supervision = createSupervision({
    ...scoped,
    db,
    routingPresence: (agentId, state) => routing.setPresence(agentId, state),
    isConnected: (agentId) => hub.isConnected(agentId),
    sendToAgent: (agentId, frame) => hub.sendToAgent(agentId, frame),
    // The wallboard's service level counts against the reports' targets unless told otherwise.
    options: {
      ...(opts.reports?.serviceLevelSec ? { serviceLevelSec: opts.reports.serviceLevelSec } : {}),
      ...opts.supervisor,
    },
  });
  hub.attachSupervision(supervision.hooks);
  const inbound = createInbound({
    db,
    store,
    relayClock,
    now: o.now,
    route: (id) => routing.enqueue(id),
    ...(opts.sla?.reopenResolvedWithinMs !== undefined
      ? { reopenResolvedWithinMs: opts.sla.reopenResolvedWithinMs }
      : {}),
  });
  const inboxIds = db.prepare<[], string>('SELECT id FROM inboxes').pluck();
  const voice = createVoice(opts.voice ?? {}, {
    db,
    store,
    relayClock,
    log,
    now: o.now,
    inbound,
    inboxIds: () => inboxIds.all(),
    liveCallRows: () => liveCallRows(db),
    routing,
  });
  if (voice) routing.attachLiveOffers(voice.queue);
  return { routing, supervision, inbound, voice };
}

/** Step 2b: the channels (web chat, email, the API channel) and call recordings. */
function wireChannels(c: Core, w: ReturnType<typeof wireWork>) {
  const { opts, o, log, db, secret, relayClock, store, identity, accounts, audit, auth, hub } = c;
  const { routing, inbound } = w;
  const webchatSettings = createWebchatSettings({
    db,
    dataDir: o.dataDir,
    log,
    now: o.now,
    ...(opts.webchat ? { file: opts.webchat } : {}),
  });
  const webchat = createWebchat({
    db,
    store,
    relayClock,
    secret,
    inbound,
    queuePosition: (id) => routing.queuePosition(id),
    sendToAgent: (agentId, frame) => hub.sendToAgent(agentId, frame),
    maxBodyBytes: o.maxBodyBytes,
    maxJsonDepth: o.maxJsonDepth,
    dataDir: o.dataDir,
    isStaffed: (inboxId) => routing.isStaffed(inboxId),
    onVisitorReturned: (conversationId) => routing.customerReturned(conversationId),
    authorizeAgent: async (req) => viewerOf(await auth.authenticateRequest(req), accounts),
    log,
    now: o.now,
    ...(opts.webchat ? { options: opts.webchat } : {}),
    inboxConfig: (inboxId) => webchatSettings.config(inboxId),
  });
  const email = createEmailChannel({
    db,
    store,
    inbound,
    auth,
    accounts,
    audit,
    log,
    dataDir: o.dataDir,
    now: o.now,
    ...(opts.email ? { options: opts.email } : {}),
  });
  const apiWebhook = createApiWebhook({
    db,
    store,
    auth,
    accounts,
    audit,
    relayClock,
    log,
    dataDir: o.dataDir,
    now: o.now,
    ...(opts.webhook ? { options: opts.webhook } : {}),
  });
  hub.onAgentTyping((agentId, conversationId, on) => webchat.agentTyping(agentId, conversationId, on));
  hub.onAgentRead((agentId, conversationId) => webchat.agentRead(agentId, conversationId));
  const recordings = createRecordings({
    db,
    store,
    auth,
    audit,
    accounts,
    relayClock,
    dataDir: o.dataDir,
    log,
    now: o.now,
    ...(opts.recordings ? { options: opts.recordings } : {}),
  });
  const apiKeys = createApiKeys({ identity, auth, audit, log, now: o.now });
  const apiChannel = createApiChannelHandler({
    inbound,
    maxBodyBytes: o.maxBodyBytes,
    maxJsonDepth: o.maxJsonDepth,
    authenticate: (req) => apiChannelCaller(apiKeys, auth, req),
  });
  return { webchatSettings, webchat, email, apiWebhook, recordings, apiKeys, apiChannel };
}

type Rooms = ReturnType<typeof wireRooms>;

/**
 * Step 3: what each commit tells, compaction on a timer, and the SLA timers. Returns what stops
 * the timers.
 */
function subscribeToCommits(c: Core, r: Rooms) {
  const { opts, o, log, db, relayClock, store, metrics, hub } = c;
  const { routing, supervision, webchat, email, apiWebhook } = r;
  // What each commit tells, in this order: routing (capacity freed, transfers offered again), the
  // supervisor's board, the channels (visitors see replies, email and the API webhook queue them),
  // log compaction, then the apps (fan-out).
  store.onCommit((c) => routing.onCommit(c));
  store.onCommit((c) => supervision.onChanges(c.changes));
  store.onCommit((c) => webchat.onChanges(c.changes));
  store.onCommit((c) => email.onChanges(c.changes));
  store.onCommit((c) => apiWebhook.onChanges(c.changes));
  // Compaction rides on writes so a log never grows far past its retention between timer runs.
  store.onCommit(() => {
    if (store.head() - store.floor() > o.logRetention) store.compact(o.logRetention);
  });
  store.onCommit((c) => hub.fanOut(c));
  const compaction = setInterval(
    guarded(log, 'log compaction', () => store.compact(o.logRetention)),
    60_000,
  );
  compaction.unref();
  const timers = createSlaTimers(
    {
      db,
      store,
      relayClock,
      log,
      now: o.now,
      route: (id) => routing.enqueue(id),
      onTick: (r) => {
        metrics.timerRuns += 1;
        metrics.snoozesWoken += r.woken;
        metrics.slaBreaches += r.breaches.firstResponse + r.breaches.resolution;
      },
    },
    opts.sla ?? {},
  );

  return {
    close(): void {
      clearInterval(compaction);
      timers.close();
    },
  };
}

/** Step 4: the HTTP routes, in the order they are tried, and the core API that answers the rest. */
function httpRoutes(c: Core, r: Rooms) {
  const { opts, o, log, db, store, identity, accounts, metrics, relayClock, audit, auth, hub, scoped } = c;
  const { webchatSettings, webchat, email, apiWebhook, supervision, recordings, apiKeys, apiChannel } = r;
  const teamRouting = createTeamRoutingRoute(scoped);
  const slaPolicy = createSlaPolicyRoute(scoped);
  const phoneSettings = createPhoneSettingsHttp(scoped);
  const monitoring = createMonitoringHttp({
    ...scoped,
    maxJsonDepth: o.maxJsonDepth,
    grants: createMonitoringGrants({
      db,
      store,
      accounts,
      audit,
      dataDir: o.dataDir,
      now: o.now,
      ...(opts.monitoring ? { options: opts.monitoring } : {}),
    }),
  });
  const webchatAdmin = createWebchatSettingsHttp({
    settings: webchatSettings,
    auth,
    audit,
    accounts,
    db,
    log,
    onChanged: (inboxId) => webchat.settingsChanged(inboxId),
  });
  const handle = createHttpHandler({
    db,
    store,
    identity,
    auth,
    audit,
    accounts,
    hub,
    metrics,
    relayClock,
    log,
    maxBodyBytes: o.maxBodyBytes,
    maxJsonDepth: o.maxJsonDepth,
    now: o.now,
    metricsToken: o.metricsToken,
  });
  const updates = createUpdatesRoute(o.dataDir, auth, audit);
  const rateLimit = createHttpRateLimit({ http: o.httpRateLimit, auth: o.authRateLimit, now: o.now });
  const auditAdmin = createAuditHttp({ audit, auth, log });
  const demoPage = createDemoPage(o.dataDir);
  const reports = createReportsHttp({
    db,
    auth,
    accounts,
    audit,
    log,
    now: o.now,
    ...(opts.reports ? { options: opts.reports } : {}),
  });
  const people = createAccountsHttp({
    db,
    identity,
    auth,
    accounts,
    audit,
    hub,
    log,
    maxBodyBytes: o.maxBodyBytes,
  });
  // /healthz and /readyz: what the store (and, on PostgreSQL, NATS) answers, for balancers.
  const health = createHealth([sqliteCheck(db)], { log });
  // First match answers; the core API (auth, admin) last, since it answers 404 otherwise.
  const routes: ((req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>)[] = [
    health.handle,
    updates,
    demoPage,
    webchat.handle,
    apiChannel,
    recordings,
    teamRouting,
    slaPolicy,
    apiKeys.handle,
    webchatAdmin,
    phoneSettings,
    monitoring,
    email.handle,
    apiWebhook.handle,
    supervision.handle,
    auditAdmin,
    reports,
    people,
  ];
  return { routes, handle, rateLimit, health };
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
  const { voice, routing, supervision, recordings, webchat, email, apiWebhook } = r;
  commits.close();
  voice?.close();
  routing.close();
  supervision.close();
  recordings.close();
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

/** Conversations of live calls still waiting for an agent (queued, offered, ringing), for the voice queue's restart. */
function liveCallRows(db: Database) {
  return db
    .prepare<[], { id: string; inboxId: string; call: string }>(
      `SELECT id, json_extract(data, '$.inboxId') AS inboxId, json_extract(data, '$.call') AS call
         FROM records WHERE entity = 'conversation' AND deleted = 0
          AND json_extract(data, '$.channel') = 'voice' AND json_extract(data, '$.status') <> 'resolved'
          AND json_extract(data, '$.call.state') IN ('queued', 'offered', 'ringing')`,
    )
    .all()
    .map((r) => ({ id: r.id, inboxId: r.inboxId, call: JSON.parse(r.call) as unknown }));
}

/** Who calls the API channel: an inbox API key, or an admin's account (any inbox). */
async function apiChannelCaller(
  apiKeys: ApiKeys,
  auth: Auth,
  req: IncomingMessage,
): Promise<{ inboxId: string | null }> {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  if (apiKeys.isKey(token)) return { inboxId: (await apiKeys.verify(token)).inboxId };
  const p = await auth.authenticateRequest(req);
  if (p.role !== 'admin')
    throw new RelayError(
      RELAY_ERR.FORBIDDEN,
      'The API channel takes an inbox API key (or an admin account); ask an admin for a key.',
    );
  return { inboxId: null };
}

/** The update feed of `<dataDir>/updates`: anyone reads; admins publish and withdraw, each audited. */
function createUpdatesRoute(dataDir: string, auth: Auth, audit: Audit) {
  return createUpdatesHandler({
    dir: join(dataDir, 'updates'),
    authorizeAdmin: async (req) => updatesAdmin(auth, req),
    onAdminChange: (c, agentId, req) =>
      audit.record({
        actorId: agentId,
        action: c.kind === 'published' ? AUDIT.UPDATE_PUBLISHED : AUDIT.UPDATE_WITHDRAWN,
        target: `${c.channel}/${c.file}`,
        detail: c.size === undefined ? {} : { size: c.size },
        ip: clientIp(req),
      }),
  });
}

/** Whether the caller may publish or withdraw update files: admins only, as the updates feed asks. */
async function updatesAdmin(auth: Auth, req: IncomingMessage) {
  try {
    const p = await auth.authenticate(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (p.role === 'admin') return { ok: true as const, agentId: p.agentId };
    return {
      ok: false as const,
      status: 403,
      code: RELAY_ERR.FORBIDDEN,
      message: 'Only admins may publish updates.',
    };
  } catch (err) {
    if (!(err instanceof RelayError)) throw err;
    return { ok: false as const, status: err.httpStatus, code: err.code, message: err.message };
  }
}

/**
 * `--store postgres://` for `serve`: the PostgreSQL store, its migrations and the cross-process
 * pokes exist (data/postgres/), but the sync path, identity, routing and the channels still call
 * the synchronous SQLite Store. Refused whole rather than served half.
 */
function postgresNotYetServed(): RelayOptionsError {
  return new RelayOptionsError(
    'Serving on PostgreSQL (--store postgres://) is not available yet: sync, sign-in, routing and the channels ' +
      'still run on the SQLite store only. Run "relay migrate --store postgres://…" to prepare the database, ' +
      'and serve with --store sqlite:PATH (the default) for now.',
  );
}
