import type { IncomingMessage, ServerResponse } from 'node:http';
import { grantRequestSchema, redeemRequestSchema, teamMonitoringSchema } from '../../shared/monitoring';
import type { HlcClock } from '../../shared/sync/hlc';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Accounts } from '../identity/accounts';
import { AUDIT, clientIp, type Audit } from '../identity/audit';
import type { Auth } from '../identity/auth';
import type { Database } from '../data/db';
import { RelayError } from '../core/errors';
import { readJson, sendError, sendJson } from '../http/reply';
import type { Logger } from '../core/logger';
import { writeFields } from '../data/records';
import { decodeParam, targetOf } from '../http/requestTarget';
import type { Store } from '../data/store';
import type { MonitoringGrants } from './monitoringGrants';
import { RELAY_ROUTES, routeRegex } from '../../shared/relayRoutes';

export type MonitoringHttpDeps = {
  db: Database;
  store: Store;
  auth: Auth;
  accounts: Accounts;
  audit: Audit;
  grants: MonitoringGrants;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
  maxJsonDepth: number;
};

const TEAM = routeRegex(RELAY_ROUTES.teamMonitoring);
const BODY_LIMIT = 8 * 1024;

/**
 * Listen / whisper / barge on the relay:
 * - `POST /v1/monitoring/grants {callConversationId | callId, mode}`: a grant for a supervisor of
 *   the call's team or an admin (403 for anyone else);
 * - `POST /v1/monitoring/redeem {grant, observed}`: the agent's app, before it answers the
 *   supervisor's call (403 with the reason when it must refuse);
 * - `GET /v1/monitoring/key`: the public key apps verify grants with when the relay is out of reach;
 * - `PUT /v1/admin/teams/:id/monitoring {agentSees}`: whether the team's agents see that they are
 *   monitored (admins and the team's supervisors).
 * Every attempt is an audit line. Returns false for other paths.
 */
export function createMonitoringHttp(d: MonitoringHttpDeps) {
  const routes: Record<string, (req: IncomingMessage) => Promise<unknown> | unknown> = {
    'POST /v1/monitoring/grants': async (req) => {
      const p = d.auth.authenticateRequest(req);
      const body = await readJson(req, BODY_LIMIT, grantRequestSchema, d.maxJsonDepth);
      return d.grants.issue({ principal: p, ip: clientIp(req) }, body);
    },
    'POST /v1/monitoring/redeem': async (req) => {
      const p = d.auth.authenticateRequest(req);
      const body = await readJson(req, BODY_LIMIT, redeemRequestSchema, d.maxJsonDepth);
      return { claims: d.grants.redeem({ principal: p, ip: clientIp(req) }, body) };
    },
    'GET /v1/monitoring/key': (req) => {
      d.auth.authenticateRequest(req);
      return { algorithm: 'Ed25519', publicKeyPem: d.grants.publicKeyPem };
    },
  };

  async function putTeam(req: IncomingMessage, teamId: string) {
    const p = d.auth.authenticateRequest(req);
    d.accounts.requireTeam(teamId);
    if (!d.accounts.oversees(p, teamId))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins and the supervisors of this team may do this.');
    const monitoring = await readJson(req, BODY_LIMIT, teamMonitoringSchema, d.maxJsonDepth);
    const at = new Date(d.now()).toISOString();
    d.store.transaction(() => {
      writeFields(
        d.store,
        { entity: 'team', id: teamId, fields: { monitoring }, clock: d.relayClock.now(), convId: null, at },
        { mutationId: null, agentId: p.agentId },
      );
      d.audit.record({
        actorId: p.agentId,
        action: AUDIT.MONITORING_POLICY_CHANGED,
        target: teamId,
        detail: { monitoring },
        ip: clientIp(req),
      });
    });
    return monitoring;
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = targetOf(req).path;
    const team = TEAM.exec(path);
    const known = team || Object.keys(routes).some((k) => k.endsWith(` ${path}`));
    if (!known) return false;
    try {
      if (team) {
        if (req.method !== 'PUT')
          throw new RelayError(
            RELAY_ERR.NOT_FOUND,
            `${req.method ?? 'This method'} is not allowed here.`,
            405,
          );
        sendJson(res, 200, await putTeam(req, decodeParam(team[1]!)));
        return true;
      }
      const route = routes[`${req.method ?? ''} ${path}`];
      if (!route) {
        // Who asks comes first, even for a wrong method.
        d.auth.authenticateRequest(req);
        throw new RelayError(RELAY_ERR.NOT_FOUND, `${req.method ?? 'This method'} is not allowed here.`, 405);
      }
      sendJson(res, 200, await route(req));
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}
