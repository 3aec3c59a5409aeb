import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  endRequestSchema,
  grantRequestSchema,
  redeemRequestSchema,
  teamMonitoringSchema,
} from '../../shared/monitoring';
import { AUDIT, clientIp } from '../identity/audit';
import type { Principal } from '../identity/auth';
import { methodNotAllowed } from '../core/errors';
import { readJson, sendError, sendJson } from '../http/reply';
import type { IdentityData } from '../data/identityData';
import { writeFieldsAsync } from '../data/records';
import { targetOf } from '../http/requestTarget';
import { requireOverseerAsync, scopedRoutes, type TeamScopedDeps } from '../http/teamScopedRoute';
import type { MonitoringGrants } from './monitoringGrants';
import { RELAY_ROUTES, type RelayRoute } from '../../shared/relayRoutes';

export type MonitoringHttpDeps = TeamScopedDeps & {
  /** Where a team's policy and its audit line are written, in one transaction. */
  identity: Pick<IdentityData, 'transaction'>;
  grants: MonitoringGrants;
  maxJsonDepth: number;
};

const R = RELAY_ROUTES;
const BODY_LIMIT = 8 * 1024;

/**
 * Listen / whisper / barge on the relay:
 * - `POST /v1/monitoring/grants {callConversationId | callId, mode}`: a grant for a supervisor of
 *   the call's team or an admin (403 for anyone else);
 * - `POST /v1/monitoring/redeem {grant, observed}`: the agent's app, before it answers the
 *   supervisor's call (403 with the reason when it must refuse);
 * - `POST /v1/monitoring/end {grantId, reason}`: the supervisor's or the agent's app, when the
 *   session ends (one audit line per session; 404 for a session that is not theirs);
 * - `GET /v1/monitoring/key`: the public key apps verify grants with when the relay is out of reach;
 * - `PUT /v1/admin/teams/:id/monitoring {agentSees}`: whether the team's agents see that they are
 *   monitored (admins and the team's supervisors).
 * Every attempt is an audit line. Returns false for other paths.
 */
export function createMonitoringHttp(d: MonitoringHttpDeps) {
  const routes: Record<string, (req: IncomingMessage) => Promise<unknown> | unknown> = {
    [key(R.monitoringGrants)]: async (req) => {
      const p = await d.auth.authenticateRequest(req);
      const body = await readJson(req, BODY_LIMIT, grantRequestSchema, d.maxJsonDepth);
      return d.grants.issue({ principal: p, ip: clientIp(req) }, body);
    },
    [key(R.monitoringRedeem)]: async (req) => {
      const p = await d.auth.authenticateRequest(req);
      const body = await readJson(req, BODY_LIMIT, redeemRequestSchema, d.maxJsonDepth);
      return { claims: await d.grants.redeem({ principal: p, ip: clientIp(req) }, body) };
    },
    [key(R.monitoringEnd)]: async (req) => {
      const p = await d.auth.authenticateRequest(req);
      const body = await readJson(req, BODY_LIMIT, endRequestSchema, d.maxJsonDepth);
      return d.grants.end({ principal: p, ip: clientIp(req) }, body);
    },
    [key(R.monitoringKey)]: async (req) => {
      await d.auth.authenticateRequest(req);
      return { algorithm: 'Ed25519', publicKeyPem: d.grants.publicKeyPem };
    },
  };

  async function putTeam(req: IncomingMessage, p: Principal, teamId: string) {
    await d.directory.requireTeam(teamId);
    await requireOverseerAsync(d.directory, p, teamId);
    const monitoring = await readJson(req, BODY_LIMIT, teamMonitoringSchema, d.maxJsonDepth);
    const at = new Date(d.now()).toISOString();
    await d.identity.transaction(async (tx) => {
      await writeFieldsAsync(
        tx.records,
        { entity: 'team', id: teamId, fields: { monitoring }, clock: d.relayClock.now(), convId: null, at },
        { mutationId: null, agentId: p.agentId },
      );
      await d.audit.record(
        {
          actorId: p.agentId,
          action: AUDIT.MONITORING_POLICY_CHANGED,
          target: teamId,
          detail: { monitoring },
          ip: clientIp(req),
        },
        tx,
      );
    });
    return monitoring;
  }

  const team = scopedRoutes(d, [{ route: R.teamMonitoring, run: (req, p, [id]) => putTeam(req, p, id!) }]);

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (await team(req, res)) return true;
    const path = targetOf(req).path;
    if (!Object.keys(routes).some((k) => k.endsWith(` ${path}`))) return false;
    try {
      const route = routes[`${req.method ?? ''} ${path}`];
      if (!route) {
        // Who asks comes first, even for a wrong method.
        await d.auth.authenticateRequest(req);
        throw methodNotAllowed(
          `${req.method ?? 'This method'} is not allowed here.`,
          Object.keys(routes).flatMap((k) => (k.endsWith(` ${path}`) ? [k.split(' ')[0]!] : [])),
        );
      }
      sendJson(res, 200, await route(req));
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}

/** A route's key in the table: `METHOD /path`. */
const key = (r: RelayRoute) => `${r.method} ${r.pattern}`;
