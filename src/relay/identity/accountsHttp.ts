import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ROLES } from '../../shared/sync/entities';
import { UUID_RE } from '../../shared/sync/ids';
import { RELAY_CLOSE, RELAY_ERR } from '../../shared/sync/protocol';
import type { Accounts } from './accounts';
import { requireAgent } from './accountWrites';
import { AUDIT, clientIp, type Audit, type AuditInput } from './audit';
import { checkNewPassword, disabledError, type Auth, type Principal } from './auth';
import type { Database } from '../data/db';
import type { IdentityData, IdentityTx } from '../data/identityData';
import { methodNotAllowed, RelayError } from '../core/errors';
import { readJson, sendError, sendJson } from '../http/reply';
import type { Logger } from '../core/logger';
import { hashPassword } from './passwords';
import type { SyncHub } from '../sync/hub';
import { targetOf } from '../http/requestTarget';
import { RELAY_ROUTES as R, routeRegex } from '../../shared/relayRoutes';

export type AccountsHttpDeps = {
  db: Database;
  /** Identity changes that end sessions run in its transactions. */
  identity: IdentityData;
  auth: Auth;
  accounts: Accounts;
  audit: Audit;
  hub: SyncHub;
  log: Logger;
  maxBodyBytes: number;
};

const uuid = z.string().regex(UUID_RE, 'must be a UUID');
const schemas = {
  disable: z.object({ reason: z.string().trim().min(1).max(500) }).strict(),
  reset: z.object({ temporaryPassword: z.string().min(8).max(1024).optional() }).strict(),
  role: z.object({ role: z.enum(ROLES) }).strict(),
  teams: z.object({ teamIds: z.array(uuid).max(50) }).strict(),
  password: z
    .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) })
    .strict(),
};

const ID = '[0-9a-fA-F-]{36}';
type Route = [method: string, path: RegExp, run: (req: IncomingMessage, id: string) => Promise<unknown>];

type Deps = AccountsHttpDeps;

const body = <T>(d: Deps, req: IncomingMessage, schema: z.ZodType<T>) =>
  readJson(req, d.maxBodyBytes, schema);

const audit = (
  d: Deps,
  req: IncomingMessage,
  p: Principal,
  e: Omit<AuditInput, 'actorId' | 'ip'>,
  tx?: IdentityTx,
) => d.audit.record({ ...e, actorId: p.agentId, ip: clientIp(req) }, tx);

async function admin(d: Deps, req: IncomingMessage): Promise<Principal> {
  const p = await d.auth.authenticateRequest(req);
  if (p.role !== 'admin') throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may manage people.');
  return p;
}

/**
 * An admin acting on someone else: nobody disables, demotes or resets themselves here, which
 * also means an enabled admin always remains (the actor).
 */
async function adminOnOther(d: Deps, req: IncomingMessage, id: string, what: string): Promise<Principal> {
  const p = await admin(d, req);
  await requireAgent(d.identity, id);
  if (id === p.agentId)
    throw new RelayError(RELAY_ERR.CONFLICT, `You cannot ${what} your own account; ask another admin.`);
  return p;
}

/** Disables a person: their refresh tokens go and their open apps are told why and closed, at once. */
async function disable(d: Deps, req: IncomingMessage, id: string) {
  const p = await adminOnOther(d, req, id, 'disable');
  const { reason } = await body(d, req, schemas.disable);
  const ended = await d.identity.transaction(async (tx) => {
    await d.accounts.setDisabled(id, true, reason, tx);
    await audit(d, req, p, { action: AUDIT.ACCOUNT_DISABLED, target: id, detail: { reason } }, tx);
    return tx.dropAgentTokens(id, '');
  });
  // At once, not at the next token refresh: the person's open apps are told why and closed.
  const message = disabledError({ disabled_reason: reason }).message;
  const closed = d.hub.disconnectAgent(id, {
    code: RELAY_ERR.ACCOUNT_DISABLED,
    message,
    close: RELAY_CLOSE.ACCOUNT_DISABLED,
  });
  d.log.info({ agent: id, by: p.agentId, closed, ended }, 'account disabled');
  return { ...(await d.accounts.person(id)), closedSockets: closed };
}

async function enable(d: Deps, req: IncomingMessage, id: string) {
  const p = await adminOnOther(d, req, id, 'enable');
  await d.identity.transaction(async (tx) => {
    await d.accounts.setDisabled(id, false, null, tx);
    await audit(d, req, p, { action: AUDIT.ACCOUNT_ENABLED, target: id }, tx);
  });
  return await d.accounts.person(id);
}

/** A temporary password the person must change; their sessions end. */
async function resetPassword(d: Deps, req: IncomingMessage, id: string) {
  const p = await adminOnOther(d, req, id, 'reset the password of');
  const { temporaryPassword } = await body(d, req, schemas.reset);
  // 72 random bits, easy to read out over the phone: the person replaces it at once.
  const temp = temporaryPassword ?? randomBytes(9).toString('base64url');
  checkNewPassword(temp);
  const hash = await hashPassword(temp);
  await d.identity.transaction(async (tx) => {
    await d.accounts.setPasswordHash(id, hash, true, tx);
    await tx.dropAgentTokens(id, '');
    await audit(d, req, p, { action: AUDIT.PASSWORD_RESET, target: id }, tx);
  });
  d.hub.disconnectAgent(id, {
    code: RELAY_ERR.SESSION_ENDED,
    message: 'An admin reset your password; sign in with the temporary password they give you.',
    close: RELAY_CLOSE.UNAUTHORIZED,
  });
  return { ...(await d.accounts.person(id)), temporaryPassword: temp };
}

async function setRole(d: Deps, req: IncomingMessage, id: string) {
  const p = await adminOnOther(d, req, id, 'change the role of');
  const { role } = await body(d, req, schemas.role);
  const before = (await requireAgent(d.identity, id)).role;
  if (before === role) return await d.accounts.person(id);
  await d.identity.transaction(async (tx) => {
    await d.accounts.setRole(id, role, p.agentId, tx);
    await audit(
      d,
      req,
      p,
      { action: AUDIT.ROLE_CHANGED, target: id, detail: { from: before, to: role } },
      tx,
    );
  });
  d.hub.refreshAgent(id);
  return await d.accounts.person(id);
}

async function setTeams(d: Deps, req: IncomingMessage, id: string) {
  const p = await admin(d, req);
  await requireAgent(d.identity, id);
  const teamIds = [...new Set((await body(d, req, schemas.teams)).teamIds)];
  const before = await d.identity.teamIdsOf(id);
  await d.identity.transaction(async (tx) => {
    await d.accounts.setTeams(id, teamIds, p.agentId, tx);
    const after = await tx.teamIdsOf(id);
    await audit(
      d,
      req,
      p,
      { action: AUDIT.TEAMS_CHANGED, target: id, detail: { from: before, to: after } },
      tx,
    );
  });
  d.hub.refreshAgent(id);
  return await d.accounts.person(id);
}

/** Anyone's own password change: their other devices are signed out and told why. */
async function changeOwnPassword(d: Deps, req: IncomingMessage) {
  // The one call a person with a reset password may make.
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!token)
    throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'Send an access token as "Authorization: Bearer <token>".');
  const p = await d.auth.authenticate(token, { passwordChange: true });
  const { currentPassword, newPassword } = await body(d, req, schemas.password);
  const { endedSessions } = await d.auth.changePassword(p, currentPassword, newPassword, clientIp(req));
  d.hub.disconnectAgent(
    p.agentId,
    {
      code: RELAY_ERR.SESSION_ENDED,
      message: 'Your password was changed on another device; sign in again with the new one.',
      close: RELAY_CLOSE.UNAUTHORIZED,
    },
    p.deviceId,
  );
  return { changed: true, endedSessions };
}

/**
 * People management for IT (admins only, every change audited): `GET /v1/admin/agents`,
 * `GET /v1/admin/agents/:id`, `POST …/:id/disable {reason}` (ends the person's live sockets at once
 * with 4411 and their refresh tokens), `POST …/:id/enable`, `POST …/:id/password` (a temporary
 * password the person must change), `PUT …/:id/role`, `PUT …/:id/teams`; and for everyone,
 * `POST /v1/auth/password {currentPassword, newPassword}`. Returns false for other routes.
 */
export function createAccountsHttp(d: Deps) {
  const routes: Route[] = [
    [
      'GET',
      routeRegex(R.people),
      async (req) => {
        await admin(d, req);
        return { people: await d.accounts.people() };
      },
    ],
    [
      'GET',
      routeRegex(R.person, ID),
      async (req, id) => {
        await admin(d, req);
        return await d.accounts.person(id);
      },
    ],
    ['POST', routeRegex(R.disableAgent, ID), (req, id) => disable(d, req, id)],
    ['POST', routeRegex(R.enableAgent, ID), (req, id) => enable(d, req, id)],
    ['POST', routeRegex(R.resetPassword, ID), (req, id) => resetPassword(d, req, id)],
    ['PUT', routeRegex(R.setRole, ID), (req, id) => setRole(d, req, id)],
    ['PUT', routeRegex(R.setTeams, ID), (req, id) => setTeams(d, req, id)],
    ['POST', routeRegex(R.changePassword), (req) => changeOwnPassword(d, req)],
  ];

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = targetOf(req).path;
    const matches = routes.filter(([, re]) => re.test(path));
    if (matches.length === 0) return false;
    const route = matches.find(([method]) => method === req.method);
    try {
      if (!route) {
        // POST /v1/admin/agents (create) lives in http.ts.
        if (path === R.createAgent.pattern) return false;
        throw methodNotAllowed(
          `${req.method} is not allowed on ${path}.`,
          matches.map(([method]) => method),
        );
      }
      sendJson(res, 200, await route[2](req, route[1].exec(path)![1]?.toLowerCase() ?? ''));
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}
