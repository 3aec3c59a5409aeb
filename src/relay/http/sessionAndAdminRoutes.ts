import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { CHANNELS, ROLES } from '../../shared/sync/entities';
import { UUID_RE } from '../../shared/sync/ids';
import { loginRequestSchema, refreshRequestSchema, RELAY_ERR } from '../../shared/sync/protocol';
import { AUDIT, clientIp } from '../identity/audit';
import { RelayError } from '../core/errors';
import { RELAY_ROUTES as R, routeRegex } from '../../shared/relayRoutes';
import type { ApiContext, CoreRoute } from './apiContext';

/** A UUID, as the admin routes' bodies name teams. */
export const uuid = z.string().regex(UUID_RE, 'must be a UUID');

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
};

/** Sign-in, token refresh, and the caller's own devices. */
export function sessionRoutes(c: ApiContext): CoreRoute[] {
  const { auth } = c.d;
  return [
    [
      R.login.method,
      routeRegex(R.login),
      async (req) => auth.login(await c.body(req, loginRequestSchema), clientIp(req)),
    ],
    [
      R.refresh.method,
      routeRegex(R.refresh),
      async (req) => auth.refresh((await c.body(req, refreshRequestSchema)).refreshToken, clientIp(req)),
    ],
    ['GET', /^\/v1\/devices$/, async (req) => ({ devices: await auth.devices(await c.caller(req)) })],
    [
      'POST',
      /^\/v1\/devices\/([^/]+)\/revoke$/,
      async (req, [id]) => auth.revokeDevice(await c.caller(req), id!, clientIp(req)),
    ],
  ];
}

/** The admins' accounts, teams (with their members) and inboxes; supervisors read their teams. */
export function adminRoutes(c: ApiContext): CoreRoute[] {
  const { accounts } = c.d;
  return [
    [
      R.createAgent.method,
      routeRegex(R.createAgent),
      async (req) => {
        const p = await c.admin(req);
        const a = await c.body(req, schemas.agent);
        const agent = await accounts.createAgent({ ...a, teamIds: a.teamIds ?? [] }, p.agentId);
        c.audit(req, p, {
          action: AUDIT.ACCOUNT_CREATED,
          target: agent.id,
          detail: { email: agent.email, role: agent.role, teamIds: agent.teamIds },
        });
        return agent;
      },
    ],
    [R.teams.method, routeRegex(R.teams), (req) => teamsOf(c, req)],
    [
      'POST',
      /^\/v1\/admin\/teams$/,
      async (req) => {
        const p = await c.admin(req);
        const team = accounts.createTeam((await c.body(req, schemas.team)).name, p.agentId);
        c.audit(req, p, { action: AUDIT.TEAM_CREATED, target: team.id, detail: { name: team.name } });
        return team;
      },
    ],
    [
      'PUT',
      /^\/v1\/admin\/teams\/([^/]+)\/members\/([^/]+)$/,
      (req, [teamId, agentId]) => membership(c, req, teamId!, agentId!, true),
    ],
    [
      'DELETE',
      /^\/v1\/admin\/teams\/([^/]+)\/members\/([^/]+)$/,
      (req, [teamId, agentId]) => membership(c, req, teamId!, agentId!, false),
    ],
    [
      'POST',
      /^\/v1\/admin\/inboxes$/,
      async (req) => {
        const p = await c.admin(req);
        const inbox = accounts.createInbox(await c.body(req, schemas.inbox), p.agentId);
        c.audit(req, p, {
          action: AUDIT.INBOX_CREATED,
          target: inbox.id,
          detail: { name: inbox.name, channel: inbox.channel, teamId: inbox.teamId },
        });
        return inbox;
      },
    ],
  ];
}

/** The teams a caller may read with their members: every team for admins, their own for supervisors. */
async function teamsOf(c: ApiContext, req: IncomingMessage) {
  const { accounts } = c.d;
  const p = await c.caller(req);
  if (p.role === 'agent')
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins and supervisors may read teams.');
  const mine = new Set(accounts.teamIdsOf(p.agentId));
  const teams = accounts.teams().filter((t) => p.role === 'admin' || mine.has(t.id));
  return { teams: teams.map((t) => ({ ...t, members: accounts.members(t.id) })) };
}

async function membership(
  c: ApiContext,
  req: IncomingMessage,
  teamId: string,
  agentId: string,
  member: boolean,
) {
  const p = await c.admin(req);
  await c.d.identity.transaction(async (tx) => {
    await c.d.accounts.setMembership(teamId, agentId, member, p.agentId, tx);
    await c.d.audit.record(
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
  c.d.hub.refreshAgent(agentId);
  return { teamId, agentId, member };
}
