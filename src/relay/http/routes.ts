import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { CHANNELS, ROLES, type Channel } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { UUID_RE } from '../../shared/sync/ids';
import { loginRequestSchema, refreshRequestSchema, RELAY_ERR } from '../../shared/sync/protocol';
import type { Accounts } from '../identity/accounts';
import { AUDIT, clientIp, type Audit, type AuditInput } from '../identity/audit';
import type { Auth, Principal } from '../identity/auth';
import type { IdentityData } from '../data/identityData';
import type { Database } from '../data/db';
import { RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { writeFields } from '../data/records';
import type { Store } from '../data/store';
import type { SyncHub } from '../sync/hub';
import { agentRoutingSchema, queueRoutingSchema } from '../../shared/routing';
import { readJson } from './reply';
import { recordInScope, requireOverseer, writeSetting } from './teamScopedRoute';
import { decodeParam, targetOf } from './requestTarget';
import { RELAY_ROUTES as R, routeRegex } from '../../shared/relayRoutes';

type Deps = {
  db: Database;
  store: Store;
  /** Membership changes run in its transactions, with their audit line. */
  identity: IdentityData;
  auth: Auth;
  audit: Audit;
  accounts: Accounts;
  hub: SyncHub;
  metrics: Metrics;
  relayClock: HlcClock;
  log: Logger;
  maxBodyBytes: number;
  maxJsonDepth: number;
  now: () => number;
  /** Bearer token a scraper may read /metrics with (RelayOptions.metricsToken); admins always may. */
  metricsToken?: string | undefined;
};

const uuid = z.string().regex(UUID_RE, 'must be a UUID');
const schemas = {
  agent: z
    .object({
      email: z.string().email().max(254),
      password: z.string().min(8).max(1024),
      name: z.string().min(1).max(200),
      role: z.enum(ROLES).default('agent'),
      teamIds: z.array(uuid).max(50).optional(),
    })
    .strict(),
  team: z.object({ name: z.string().min(1).max(200) }).strict(),
  inbox: z.object({ name: z.string().min(1).max(200), channel: z.enum(CHANNELS), teamId: uuid }).strict(),
  assign: z.object({ teamId: uuid.optional(), assigneeId: uuid.nullable().optional() }).strict(),
};

/** Constant-time comparison of two secrets of any length (hashing first equalizes the lengths). */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

/** Routes anyone may call; every other route checks the caller's token before anything else. */
const PUBLIC = new Set<string>([R.login.pattern, R.refresh.pattern]);

type Handler = (req: IncomingMessage, params: string[]) => Promise<unknown> | unknown;

/** The relay's HTTP API: health, metrics, auth, devices and admin. Errors are `{error:{code,message}}`. */
export function createHttpHandler(d: Deps) {
  const { auth, accounts, hub } = d;

  /** One audit line for an action taken through `req`. */
  const audit = (req: IncomingMessage, p: Principal, e: Omit<AuditInput, 'actorId' | 'ip'>) =>
    d.audit.record({ ...e, actorId: p.agentId, ip: clientIp(req) });

  const body = <T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> =>
    readJson(req, d.maxBodyBytes, schema, d.maxJsonDepth);

  function caller(req: IncomingMessage): Promise<Principal> {
    return auth.authenticateRequest(req);
  }

  async function admin(req: IncomingMessage): Promise<Principal> {
    const p = await caller(req);
    if (p.role !== 'admin') throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may do this.');
    return p;
  }

  /** Admins, or a supervisor who belongs to `teamId`. */
  async function overseer(req: IncomingMessage, teamId: string | null): Promise<Principal> {
    const p = await caller(req);
    requireOverseer(accounts, p, teamId);
    return p;
  }

  /**
   * Admins assign anything. A supervisor assigns only conversations of a team they oversee, into a
   * team they oversee, to an agent of that (target) team. Who is asking is checked before the
   * conversation is looked up, and a conversation outside the caller's teams is answered as one
   * that does not exist, so the route tells nobody which ids exist.
   */
  async function assign(req: IncomingMessage, convId: string, a: z.infer<typeof schemas.assign>) {
    const p = await caller(req);
    const conv = recordInScope(
      d,
      p,
      'conversation',
      convId,
      'Only admins and the supervisors of its team may assign this conversation.',
    );
    const teamId = (conv.data['teamId'] as string | null | undefined) ?? null;
    if (a.teamId) accounts.requireTeam(a.teamId);
    if (a.teamId && !accounts.oversees(p, a.teamId))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'You may move conversations only into teams you supervise.');
    if (a.assigneeId && !accounts.agentById(a.assigneeId))
      throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${a.assigneeId}.`);
    const toTeam = a.teamId ?? teamId;
    if (a.assigneeId && p.role !== 'admin' && !(toTeam && accounts.teamIdsOf(a.assigneeId).includes(toTeam)))
      throw new RelayError(
        RELAY_ERR.VALIDATION,
        'assigneeId: that agent is not a member of the team the conversation is in; pick a member.',
      );
    // A new team means that team's inbox for the channel too (as a transfer does), so the
    // conversation is queued, routed and overflowed by the team that now owns it.
    const moved = a.teamId && a.teamId !== teamId;
    const channel = conv.data['channel'] as Channel;
    const fields = {
      ...(moved ? { teamId: a.teamId, inboxId: accounts.inboxFor(a.teamId!, channel) } : {}),
      ...(a.assigneeId !== undefined ? { assigneeId: a.assigneeId } : {}),
    };
    const at = new Date(d.now()).toISOString();
    d.store.transaction(() =>
      writeFields(
        d.store,
        { entity: 'conversation', id: convId, fields, clock: d.relayClock.now(), convId, at },
        { mutationId: null, agentId: p.agentId },
      ),
    );
    audit(req, p, { action: AUDIT.CONVERSATION_ASSIGNED, target: convId, detail: fields });
    return d.store.get('conversation', convId)!.data;
  }

  const routes: [string, RegExp, Handler][] = [
    [
      R.login.method,
      routeRegex(R.login),
      async (req) => auth.login(await body(req, loginRequestSchema), clientIp(req)),
    ],
    [
      R.refresh.method,
      routeRegex(R.refresh),
      async (req) => auth.refresh((await body(req, refreshRequestSchema)).refreshToken, clientIp(req)),
    ],
    ['GET', /^\/v1\/devices$/, async (req) => ({ devices: await auth.devices(await caller(req)) })],
    [
      'POST',
      /^\/v1\/devices\/([^/]+)\/revoke$/,
      async (req, [id]) => auth.revokeDevice(await caller(req), id!, clientIp(req)),
    ],
    [
      R.createAgent.method,
      routeRegex(R.createAgent),
      async (req) => {
        const p = await admin(req);
        const a = await body(req, schemas.agent);
        const agent = await accounts.createAgent({ ...a, teamIds: a.teamIds ?? [] }, p.agentId);
        audit(req, p, {
          action: AUDIT.ACCOUNT_CREATED,
          target: agent.id,
          detail: { email: agent.email, role: agent.role, teamIds: agent.teamIds },
        });
        return agent;
      },
    ],
    [
      R.teams.method,
      routeRegex(R.teams),
      async (req) => {
        const p = await caller(req);
        if (p.role === 'agent')
          throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins and supervisors may read teams.');
        const mine = new Set(accounts.teamIdsOf(p.agentId));
        const teams = accounts.teams().filter((t) => p.role === 'admin' || mine.has(t.id));
        return { teams: teams.map((t) => ({ ...t, members: accounts.members(t.id) })) };
      },
    ],
    [
      'POST',
      /^\/v1\/admin\/teams$/,
      async (req) => {
        const p = await admin(req);
        const team = accounts.createTeam((await body(req, schemas.team)).name, p.agentId);
        audit(req, p, { action: AUDIT.TEAM_CREATED, target: team.id, detail: { name: team.name } });
        return team;
      },
    ],
    [
      'PUT',
      /^\/v1\/admin\/teams\/([^/]+)\/members\/([^/]+)$/,
      (req, [teamId, agentId]) => membership(req, teamId!, agentId!, true),
    ],
    [
      'DELETE',
      /^\/v1\/admin\/teams\/([^/]+)\/members\/([^/]+)$/,
      (req, [teamId, agentId]) => membership(req, teamId!, agentId!, false),
    ],
    [
      'POST',
      /^\/v1\/admin\/inboxes$/,
      async (req) => {
        const p = await admin(req);
        const inbox = accounts.createInbox(await body(req, schemas.inbox), p.agentId);
        audit(req, p, {
          action: AUDIT.INBOX_CREATED,
          target: inbox.id,
          detail: { name: inbox.name, channel: inbox.channel, teamId: inbox.teamId },
        });
        return inbox;
      },
    ],
    [
      R.queueRouting.method,
      routeRegex(R.queueRouting),
      async (req, [id]) => {
        await caller(req); // signed in before anything is looked up
        const inbox = d.store.get('inbox', id!);
        if (!inbox) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${id}.`);
        const p = await overseer(req, (inbox.data['teamId'] as string | null) ?? null);
        const routing = await body(req, queueRoutingSchema);
        if (routing.overflow) {
          const to = d.store.get('inbox', routing.overflow.toInboxId);
          if (!to)
            throw new RelayError(
              RELAY_ERR.NOT_FOUND,
              `There is no inbox ${routing.overflow.toInboxId} to overflow to.`,
            );
          // Overflow hands work to the target's team: only a team the caller supervises too.
          if (!accounts.oversees(p, (to.data['teamId'] as string | null) ?? null))
            throw new RelayError(
              RELAY_ERR.FORBIDDEN,
              'A queue may overflow only to inboxes of teams you supervise; ask an admin for others.',
            );
        }
        audit(req, p, { action: AUDIT.QUEUE_ROUTING_CHANGED, target: id!, detail: { routing } });
        return setFields(p, 'inbox', id!, { routing });
      },
    ],
    [
      R.agentRouting.method,
      routeRegex(R.agentRouting),
      async (req, [id]) => {
        const p = await caller(req);
        if (!accounts.agentById(id!)) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${id}.`);
        if (!accounts.managesAgent(p, id!))
          throw new RelayError(
            RELAY_ERR.FORBIDDEN,
            'Supervisors set the skills and capacity of the agents of their teams only; ask an admin for supervisors and admins.',
          );
        const routing = await body(req, agentRoutingSchema);
        audit(req, p, { action: AUDIT.AGENT_ROUTING_CHANGED, target: id!, detail: routing });
        return setFields(p, 'agent', id!, routing);
      },
    ],
    [
      'POST',
      /^\/v1\/admin\/conversations\/([^/]+)\/assign$/,
      async (req, [id]) => assign(req, id!, await body(req, schemas.assign)),
    ],
  ];

  /** Writes admin settings onto a shared record (with history, like any edit) and fans it out. */
  function setFields(p: Principal, entity: 'inbox' | 'agent', id: string, fields: Record<string, unknown>) {
    writeSetting(d, p, entity, id, fields);
    return d.store.get(entity, id)!.data;
  }

  async function membership(req: IncomingMessage, teamId: string, agentId: string, member: boolean) {
    const p = await admin(req);
    await d.identity.transaction(async (tx) => {
      await accounts.setMembership(teamId, agentId, member, p.agentId, tx);
      await d.audit.record(
        {
          action: AUDIT.TEAMS_CHANGED,
          target: agentId,
          detail: { teamId, member },
          actorId: p.agentId,
          ip: clientIp(req),
        },
        tx,
      );
    });
    hub.refreshAgent(agentId);
    return { teamId, agentId, member };
  }

  /**
   * Metrics show load and activity, so they need a token: the metrics token, or an admin's access
   * token. Loopback alone is not trusted: behind a reverse proxy every request comes from loopback.
   */
  async function authorizeMetrics(req: IncomingMessage): Promise<void> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined)
      throw new RelayError(
        RELAY_ERR.UNAUTHORIZED,
        'Reading /metrics needs "Authorization: Bearer <token>": the relay\'s metrics token (--metrics-token) or an admin\'s access token.',
      );
    if (d.metricsToken !== undefined && sameSecret(token, d.metricsToken)) return;
    await admin(req);
  }

  function reply(res: ServerResponse, status: number, value: unknown): void {
    const text = JSON.stringify(value);
    res
      .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      .end(text);
  }

  return async (req: IncomingMessage, res: ServerResponse, metricsText: () => string): Promise<void> => {
    let path = '';
    try {
      path = targetOf(req).path;
      if (req.method === 'GET' && path === '/metrics') {
        await authorizeMetrics(req);
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText());
        return;
      }
      const matches = routes.filter(([, re]) => re.test(path));
      const route = matches.find(([method]) => method === req.method);
      if (!route) {
        if (matches.length > 0)
          throw new RelayError(RELAY_ERR.NOT_FOUND, `${req.method} is not allowed on ${path}.`, 405);
        throw new RelayError(RELAY_ERR.NOT_FOUND, `There is nothing at ${path}.`);
      }
      // Who calls before what they name: a stranger learns nothing about which ids exist.
      if (!PUBLIC.has(path)) await caller(req);
      const params = route[1].exec(path)!.slice(1).map(decodeParam);
      reply(res, 200, await route[2](req, params));
    } catch (err) {
      if (err instanceof RelayError) {
        if (err.code === RELAY_ERR.TOO_LARGE) res.setHeader('connection', 'close');
        if (err.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(err.retryAfterSeconds));
        return reply(res, err.httpStatus, { error: { code: err.code, message: err.message } });
      }
      d.log.error({ err, path }, 'http request failed');
      reply(res, 500, {
        error: { code: RELAY_ERR.INTERNAL, message: 'The relay failed to handle this request.' },
      });
    }
  };
}
