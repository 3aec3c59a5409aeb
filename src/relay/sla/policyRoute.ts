import type { IncomingMessage, ServerResponse } from 'node:http';
import { slaPolicySchema, type SlaPolicy } from '../../shared/sla/policy';
import type { HlcClock } from '../../shared/sync/hlc';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Database } from '../data/db';
import { writeFields } from '../data/records';
import type { Store } from '../data/store';
import { readJson, sendError, sendJson } from '../http/reply';
import { decodeParam, targetOf } from '../http/requestTarget';
import type { Accounts } from '../identity/accounts';
import { AUDIT, clientIp, type Audit } from '../identity/audit';
import type { Auth } from '../identity/auth';
import { RELAY_ROUTES, routeRegex } from '../../shared/relayRoutes';

export type SlaPolicyRouteDeps = {
  db: Database;
  store: Store;
  auth: Auth;
  accounts: Accounts;
  audit: Audit;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
};

const PATH = routeRegex(RELAY_ROUTES.queueSla);

/**
 * `PUT /v1/admin/inboxes/:id/sla` with an SLA policy (shared/sla/policy.ts), or `null` to remove
 * it: kept on the synced inbox record; conversations that customers start or write in from then on
 * get due times by it (those already set stay). Admins and the inbox team's supervisors; audited.
 * Returns false for other paths.
 */
export function createSlaPolicyRoute(d: SlaPolicyRouteDeps) {
  async function put(req: IncomingMessage, inboxId: string): Promise<SlaPolicy | null> {
    const p = d.auth.authenticateRequest(req); // signed in before anything is looked up
    const inbox = d.store.get('inbox', inboxId);
    const teamId = (inbox?.data['teamId'] as string | undefined) ?? null;
    if (!inbox || inbox.deleted || !d.accounts.oversees(p, teamId)) {
      // A stranger to the team learns nothing about which inboxes exist.
      if (p.role === 'admin') throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${inboxId}.`);
      throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins and the supervisors of this team may do this.');
    }
    const sla = await readJson(req, 16 * 1024, slaPolicySchema.nullable());
    const at = new Date(d.now()).toISOString();
    d.store.transaction(() =>
      writeFields(
        d.store,
        { entity: 'inbox', id: inboxId, fields: { sla }, clock: d.relayClock.now(), convId: null, at },
        { mutationId: null, agentId: p.agentId },
      ),
    );
    d.audit.record({
      actorId: p.agentId,
      action: AUDIT.SLA_POLICY_CHANGED,
      target: inboxId,
      detail: { sla },
      ip: clientIp(req),
    });
    return sla;
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const m = PATH.exec(targetOf(req).path);
    if (!m) return false;
    try {
      if (req.method !== 'PUT')
        throw new RelayError(RELAY_ERR.NOT_FOUND, `${req.method ?? 'This method'} is not allowed here.`, 405);
      sendJson(res, 200, { sla: await put(req, decodeParam(m[1]!)) });
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}
