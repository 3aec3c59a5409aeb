import type { IncomingMessage, ServerResponse } from 'node:http';
import { teamRoutingSchema, type TeamRouting } from '../../shared/routing';
import type { HlcClock } from '../../shared/sync/hlc';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Accounts } from '../identity/accounts';
import { AUDIT, clientIp, type Audit } from '../identity/audit';
import type { Auth, Principal } from '../identity/auth';
import type { Database } from '../data/db';
import { RelayError } from '../core/errors';
import { readJson, sendError, sendJson } from '../http/reply';
import type { Logger } from '../core/logger';
import { writeFields } from '../data/records';
import { decodeParam, targetOf } from '../http/requestTarget';
import type { Store } from '../data/store';
import { RELAY_ROUTES, routeRegex } from '../../shared/relayRoutes';

export type TeamRoutingRouteDeps = {
  db: Database;
  store: Store;
  auth: Auth;
  accounts: Accounts;
  audit: Audit;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
};

const PATH = routeRegex(RELAY_ROUTES.teamRouting);

/**
 * `PUT /v1/admin/teams/:id/routing` with `{awayGraceMs}`: how long the team's live work (a chat
 * whose visitor is connected, a call still ringing) waits for an agent whose connection dropped
 * before it goes to a colleague (30 s to 1 h). Admins and the team's supervisors; kept on the
 * synced team record, as the recording policy is. Returns false for other paths.
 */
export function createTeamRoutingRoute(d: TeamRoutingRouteDeps) {
  async function put(req: IncomingMessage, p: Principal, teamId: string): Promise<TeamRouting> {
    d.accounts.requireTeam(teamId);
    if (!d.accounts.oversees(p, teamId))
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins and the supervisors of this team may do this.');
    const routing = await readJson(req, 4 * 1024, teamRoutingSchema);
    d.store.transaction(() =>
      writeFields(
        d.store,
        {
          entity: 'team',
          id: teamId,
          fields: { routing },
          clock: d.relayClock.now(),
          convId: null,
          at: new Date(d.now()).toISOString(),
        },
        { mutationId: null, agentId: p.agentId },
      ),
    );
    d.audit.record({
      actorId: p.agentId,
      action: AUDIT.TEAM_ROUTING_CHANGED,
      target: teamId,
      detail: { routing },
      ip: clientIp(req),
    });
    return routing;
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const m = PATH.exec(targetOf(req).path);
    if (!m) return false;
    try {
      if (req.method !== 'PUT')
        throw new RelayError(RELAY_ERR.NOT_FOUND, `${req.method ?? 'This method'} is not allowed here.`, 405);
      // Who asks comes first: a stranger learns nothing about which teams exist.
      const p = d.auth.authenticateRequest(req);
      sendJson(res, 200, await put(req, p, decodeParam(m[1]!)));
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}
