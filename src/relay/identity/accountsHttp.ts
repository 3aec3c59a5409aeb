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

type Deps = {
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

/**
 * People management for IT (admins only, every change audited): `GET /v1/admin/agents`,
 * `GET /v1/admin/agents/:id`, `POST …/:id/disable {reason}` (ends the person's live sockets at once
 * with 4411 and their refresh tokens), `POST …/:id/enable`, `POST …/:id/password` (a temporary
 * password the person must change), `PUT …/:id/role`, `PUT …/:id/teams`; and for everyone,
 * `POST /v1/auth/password {currentPassword, newPassword}`. Returns false for other routes.
 */
export function createAccountsHttp(d: Deps) {
  const { auth, accounts, hub } = d;
  const body = <T>(req: IncomingMessage, schema: z.ZodType<T>) => readJson(req, d.maxBodyBytes, schema);
  const audit = (
    req: IncomingMessage,
    p: Principal,
    e: Omit<AuditInput, 'actorId' | 'ip'>,
    tx?: IdentityTx,
  ) => d.audit.record({ ...e, actorId: p.agentId, ip: clientIp(req) }, tx);

  async function admin(req: IncomingMessage): Promise<Principal> {
    const p = await auth.authenticateRequest(req);
    if (p.role !== 'admin') throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may manage people.');
    return p;
  }

  /**
   * An admin acting on someone else: nobody disables, demotes or resets themselves here, which
   * also means an enabled admin always remains (the actor).
   */
  async function adminOnOther(req: IncomingMessage, id: string, what: string): Promise<Principal> {
    const p = await admin(req);
    await requireAgent(d.identity, id);
    if (id === p.agentId)
      throw new RelayError(RELAY_ERR.CONFLICT, `You cannot ${what} your own account; ask another admin.`);
    return p;
  }

  const routes: Route[] = [
    [
      'GET',
      routeRegex(R.people),
      async (req) => {
        await admin(req);
        return { people: await accounts.people() };
      },
    ],
    [
      'GET',
      routeRegex(R.person, ID),
      async (req, id) => {
        await admin(req);
        return await accounts.person(id);
      },
    ],
    [
      'POST',
      routeRegex(R.disableAgent, ID),
      async (req, id) => {
        const p = await adminOnOther(req, id, 'disable');
        const { reason } = await body(req, schemas.disable);
        const ended = await d.identity.transaction(async (tx) => {
          await accounts.setDisabled(id, true, reason, tx);
          await audit(req, p, { action: AUDIT.ACCOUNT_DISABLED, target: id, detail: { reason } }, tx);
          return tx.dropAgentTokens(id, '');
        });
        // At once, not at the next token refresh: the person's open apps are told why and closed.
        const message = disabledError({ disabled_reason: reason }).message;
        const closed = hub.disconnectAgent(id, {
          code: RELAY_ERR.ACCOUNT_DISABLED,
          message,
          close: RELAY_CLOSE.ACCOUNT_DISABLED,
        });
        d.log.info({ agent: id, by: p.agentId, closed, ended }, 'account disabled');
        return { ...(await accounts.person(id)), closedSockets: closed };
      },
    ],
    [
      'POST',
      routeRegex(R.enableAgent, ID),
      async (req, id) => {
        const p = await adminOnOther(req, id, 'enable');
        await d.identity.transaction(async (tx) => {
          await accounts.setDisabled(id, false, null, tx);
          await audit(req, p, { action: AUDIT.ACCOUNT_ENABLED, target: id }, tx);
        });
        return await accounts.person(id);
      },
    ],
    [
      'POST',
      routeRegex(R.resetPassword, ID),
      async (req, id) => {
        const p = await adminOnOther(req, id, 'reset the password of');
        const { temporaryPassword } = await body(req, schemas.reset);
        // 72 random bits, easy to read out over the phone: the person replaces it at once.
        const temp = temporaryPassword ?? randomBytes(9).toString('base64url');
        checkNewPassword(temp);
        const hash = await hashPassword(temp);
        await d.identity.transaction(async (tx) => {
          await accounts.setPasswordHash(id, hash, true, tx);
          await tx.dropAgentTokens(id, '');
          await audit(req, p, { action: AUDIT.PASSWORD_RESET, target: id }, tx);
        });
        hub.disconnectAgent(id, {
          code: RELAY_ERR.SESSION_ENDED,
          message: 'An admin reset your password; sign in with the temporary password they give you.',
          close: RELAY_CLOSE.UNAUTHORIZED,
        });
        return { ...(await accounts.person(id)), temporaryPassword: temp };
      },
    ],
    [
      'PUT',
      routeRegex(R.setRole, ID),
      async (req, id) => {
        const p = await adminOnOther(req, id, 'change the role of');
        const { role } = await body(req, schemas.role);
        const before = (await requireAgent(d.identity, id)).role;
        if (before === role) return await accounts.person(id);
        await d.identity.transaction(async (tx) => {
          await accounts.setRole(id, role, p.agentId, tx);
          await audit(
            req,
            p,
            { action: AUDIT.ROLE_CHANGED, target: id, detail: { from: before, to: role } },
            tx,
          );
        });
        hub.refreshAgent(id);
        return await accounts.person(id);
      },
    ],
    [
      'PUT',
      routeRegex(R.setTeams, ID),
      async (req, id) => {
        const p = await admin(req);
        await requireAgent(d.identity, id);
        const teamIds = [...new Set((await body(req, schemas.teams)).teamIds)];
        const before = await d.identity.teamIdsOf(id);
        await d.identity.transaction(async (tx) => {
          await accounts.setTeams(id, teamIds, p.agentId, tx);
          const after = await tx.teamIdsOf(id);
          await audit(
            req,
            p,
            { action: AUDIT.TEAMS_CHANGED, target: id, detail: { from: before, to: after } },
            tx,
          );
        });
        hub.refreshAgent(id);
        return await accounts.person(id);
      },
    ],
    [
      'POST',
      routeRegex(R.changePassword),
      async (req) => {
        // The one call a person with a reset password may make.
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!token)
          throw new RelayError(
            RELAY_ERR.UNAUTHORIZED,
            'Send an access token as "Authorization: Bearer <token>".',
          );
        const p = await auth.authenticate(token, { passwordChange: true });
        const { currentPassword, newPassword } = await body(req, schemas.password);
        const { endedSessions } = await auth.changePassword(p, currentPassword, newPassword, clientIp(req));
        hub.disconnectAgent(
          p.agentId,
          {
            code: RELAY_ERR.SESSION_ENDED,
            message: 'Your password was changed on another device; sign in again with the new one.',
            close: RELAY_CLOSE.UNAUTHORIZED,
          },
          p.deviceId,
        );
        return { changed: true, endedSessions };
      },
    ],
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
