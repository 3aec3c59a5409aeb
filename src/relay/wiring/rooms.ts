import type { IncomingMessage } from 'node:http';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Auth } from '../identity/auth';
import { RelayError } from '../core/errors';
import { createRecordings } from '../voice/recordings';
import { createApiKeys, type ApiKeys } from '../identity/apiKeys';
import { createApiChannelHandler } from '../channels/apiChannel';
import { createInbound } from '../channels/inbound';
import { createRoutingService } from '../routing/service';
import { createRoutingLeases } from '../routing/routingLeases';
import { soleOwnerLeases } from '../data/leases';
import { createSqliteInboundData } from '../data/inboundData';
import { createSqliteRoutingData } from '../data/routingData';
import { createSqliteWebchatData } from '../data/webchatData';
import { createSqliteSupervisorData } from '../data/supervisorData';
import { createSqliteVoiceData } from '../data/voiceData';
import { createWebchat } from '../channels/webchat/webchat';
import { createWebchatSettings } from '../channels/webchat/settings';
import { createVoice } from '../voice';
import { createEmailChannel } from '../channels/email/email';
import { createApiWebhook } from '../channels/api/webhook';
import { createSqliteEmailData } from '../data/emailData';
import { createSqliteWebhookData } from '../data/webhookData';
import { loadViewer } from '../data/visibility';
import { createSupervision } from '../supervisor';
import type { Core } from './core';

/**
 * Step 2: the rooms, in the order they need each other. Routing asks web chat whether a visitor
 * is connected and web chat asks routing for queue positions, so that one is late-bound.
 */
export function wireRooms(c: Core) {
  let channels: ReturnType<typeof wireChannels> | null = null;
  const work = wireWork(c, (conversationId) => channels!.webchat.visitorConnected(conversationId));
  channels = wireChannels(c, work);
  return { ...work, ...channels };
}

/** Step 2a: routing, the supervisor's board, inbound (where customers' messages enter) and voice. */
function wireWork(c: Core, visitorConnected: (conversationId: string) => boolean) {
  const { opts, o, log, db, relayClock, asyncStore, identity, metrics, hub, scoped } = c;
  // One process owns the SQLite file, so it holds every queue's lease: no other relay can take
  // one, and a long lease only spares rounds (a new inbox's queue is claimed when it appears).
  const routingLeases = createRoutingLeases({
    table: soleOwnerLeases(),
    owner: `relay-${process.pid}`,
    ttlMs: SOLE_OWNER_LEASE_MS,
    onError: (err) => log.error({ err }, 'routing: a lease round failed'),
  });
  const routing = createRoutingService({
    store: asyncStore,
    identity,
    data: createSqliteRoutingData(db, asyncStore),
    leases: routingLeases.keeper,
    relayClock,
    log,
    now: o.now,
    sendToAgent: (agentId, frame) => hub.sendToAgent(agentId, frame),
    visitorConnected,
    countOverflow: () => {
      metrics.routingOverflows += 1;
    },
  });
  routingLeases.serve(routing);
  hub.attachRouting(routing);
  const supervision = createSupervision({
    ...scoped,
    identity,
    data: createSqliteSupervisorData(db),
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
    data: createSqliteInboundData(db, asyncStore),
    identity,
    relayClock,
    now: o.now,
    route: (id) => routing.enqueue(id),
    ...(opts.sla?.reopenResolvedWithinMs !== undefined
      ? { reopenResolvedWithinMs: opts.sla.reopenResolvedWithinMs }
      : {}),
  });
  const voiceData = createSqliteVoiceData(db, identity);
  const voice = createVoice(opts.voice ?? {}, {
    store: asyncStore,
    relayClock,
    log,
    now: o.now,
    inbound,
    inboxIds: async () => (await identity.inboxes()).map((i) => i.id),
    liveCallRows: () => voiceData.liveCallRows(),
    routing,
  });
  if (voice) routing.attachLiveOffers(voice.queue);
  return { routing, routingLeases: routingLeases.keeper, supervision, inbound, voice, voiceData };
}

/** Step 2b: the channels (web chat, email, the API channel) and call recordings. */
function wireChannels(c: Core, w: ReturnType<typeof wireWork>) {
  const { opts, o, log, db, secret, relayClock, asyncStore, identity, directory, audit, auth, hub } = c;
  const { routing, inbound } = w;
  const webchatData = createSqliteWebchatData(db, asyncStore);
  const webchatSettings = createWebchatSettings({
    data: webchatData,
    dataDir: o.dataDir,
    log,
    now: o.now,
    ...(opts.webchat ? { file: opts.webchat } : {}),
  });
  const webchat = createWebchat({
    data: webchatData,
    store: asyncStore,
    identity,
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
    authorizeAgent: async (req) => loadViewer(await auth.authenticateRequest(req), identity),
    log,
    now: o.now,
    ...(opts.webchat ? { options: opts.webchat } : {}),
    inboxConfig: (inboxId) => webchatSettings.config(inboxId),
  });
  const email = createEmailChannel({
    records: asyncStore,
    data: createSqliteEmailData(db, asyncStore),
    identity,
    directory,
    inbound,
    auth,
    audit,
    log,
    dataDir: o.dataDir,
    now: o.now,
    ...(opts.email ? { options: opts.email } : {}),
  });
  const apiWebhook = createApiWebhook({
    records: asyncStore,
    data: createSqliteWebhookData(db, asyncStore),
    identity,
    // One process owns the SQLite file: an attempt found under way was cut short by a stop.
    onlyRelay: true,
    auth,
    directory,
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
    store: asyncStore,
    auth,
    audit,
    directory,
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

/** How long a routing lease lasts on SQLite, where this process holds every one (1 h). */
const SOLE_OWNER_LEASE_MS = 60 * 60_000;

/** The rooms the relay serves, by name. */
export type Rooms = ReturnType<typeof wireRooms>;

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
