import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { AUDIT, clientIp, type Audit } from '../identity/audit';
import { createAuditHttp } from '../identity/auditHttp';
import { createAccountsHttp } from '../identity/accountsHttp';
import type { Auth } from '../identity/auth';
import { RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import { createHttpHandler } from '../http/routes';
import { createHealth, sqliteCheck } from '../http/health';
import { createHttpRateLimit } from '../http/httpRateLimit';
import { createUpdatesHandler } from '../updates/feed';
import { createDemoPage } from '../demo/page';
import { createTeamRoutingRoute } from '../routing/teamRoute';
import { createWebchatSettingsHttp } from '../channels/webchat/settingsHttp';
import { createPhoneSettingsHttp } from '../voice/settingsHttp';
import { createMonitoringGrants } from '../voice/monitoringGrants';
import { createMonitoringHttp } from '../voice/monitoringHttp';
import { createReportsHttp } from '../http/reportsHttp';
import { createSlaPolicyRoute } from '../sla/policyRoute';
import type { Core } from './core';
import type { Rooms } from './rooms';

/** Step 4: the HTTP routes, in the order they are tried, and the core API that answers the rest. */
export function httpRoutes(c: Core, r: Rooms) {
  const { opts, o, log, db, store, identity, accounts, metrics, relayClock, audit, auth, hub } = c;
  const { webchat, email, apiWebhook, supervision, recordings, apiKeys, apiChannel } = r;
  const { teamRouting, slaPolicy, phoneSettings, monitoring, webchatAdmin } = settingsRoutes(c, r);
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
  const updates = createUpdatesRoute(o.dataDir, auth, audit, log);
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

/** The settings admins and supervisors change per team or inbox: routing, SLA, phone, monitoring, web chat. */
function settingsRoutes(c: Core, r: Rooms) {
  const { opts, o, log, asyncStore, identity, directory, audit, auth, scoped } = c;
  const { webchatSettings, webchat, voiceData } = r;
  const teamRouting = createTeamRoutingRoute(scoped);
  const slaPolicy = createSlaPolicyRoute(scoped);
  const phoneSettings = createPhoneSettingsHttp(scoped);
  const monitoring = createMonitoringHttp({
    ...scoped,
    identity,
    maxJsonDepth: o.maxJsonDepth,
    grants: createMonitoringGrants({
      data: voiceData,
      store: asyncStore,
      directory,
      identity,
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
    identity: c.identity,
    directory: c.directory,
    log,
    onChanged: (inboxId) => webchat.settingsChanged(inboxId),
  });
  return { teamRouting, slaPolicy, phoneSettings, monitoring, webchatAdmin };
}

/** The update feed of `<dataDir>/updates`: anyone reads; admins publish and withdraw, each audited. */
function createUpdatesRoute(dataDir: string, auth: Auth, audit: Audit, log: Logger) {
  return createUpdatesHandler({
    dir: join(dataDir, 'updates'),
    log,
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

/** The caller, when they may publish or withdraw update files: admins only, as the updates feed asks. */
async function updatesAdmin(auth: Auth, req: IncomingMessage) {
  const p = await auth.authenticate(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
  if (p.role !== 'admin') throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may publish updates.');
  return { agentId: p.agentId };
}
