import type { IncomingMessage, ServerResponse } from 'node:http';
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
import type { Store } from '../data/store';
import { agentPhoneSchema, queuePhoneSchema } from './settings';
import { decodeParam, targetOf } from '../http/requestTarget';

export type PhoneSettingsDeps = {
  db: Database;
  store: Store;
  auth: Auth;
  accounts: Accounts;
  audit: Audit;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
};

const INBOX = /^\/v1\/admin\/inboxes\/([^/]+)\/phone$/;
const AGENT = /^\/v1\/admin\/agents\/([^/]+)\/phone$/;

/**
 * `PUT /v1/admin/inboxes/:id/phone` `{addresses, waitLimitMs, overflowToInboxId?, overflowAfterMs?,
 * hours?}`: the queue's phone addresses, wait limit, overflow and opening hours (settings.ts).
 * `PUT /v1/admin/agents/:id/phone` `{sipUser}`: where the agent's softphone is registered.
 * Admins only (they decide what rings where); both land on synced records and in the audit log.
 */
export function createPhoneSettingsHttp(d: PhoneSettingsDeps) {
  function write(entity: 'inbox' | 'agent', id: string, fields: Record<string, unknown>, actor: string) {
    d.store.transaction(() =>
      writeFields(
        d.store,
        { entity, id, fields, clock: d.relayClock.now(), convId: null, at: new Date(d.now()).toISOString() },
        { mutationId: null, agentId: actor },
      ),
    );
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = targetOf(req).path;
    const mi = INBOX.exec(path);
    const ma = mi ? null : AGENT.exec(path);
    if (!mi && !ma) return false;
    try {
      if (req.method !== 'PUT')
        throw new RelayError(RELAY_ERR.NOT_FOUND, `${req.method ?? 'This method'} is not allowed here.`, 405);
      const p = d.auth.authenticateRequest(req);
      if (p.role !== 'admin')
        throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may set phone addresses; ask an admin.');
      const id = decodeParam((mi ?? ma)![1]!);
      if (mi) {
        if (!d.store.get('inbox', id)) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${id}.`);
        const phone = await readJson(req, 16 * 1024, queuePhoneSchema);
        if (phone.overflowToInboxId === id)
          throw new RelayError(RELAY_ERR.VALIDATION, 'overflowToInboxId: a queue cannot overflow to itself.');
        if (phone.overflowToInboxId && !d.store.get('inbox', phone.overflowToInboxId))
          throw new RelayError(
            RELAY_ERR.VALIDATION,
            `overflowToInboxId: there is no inbox ${phone.overflowToInboxId}; create it first.`,
          );
        write('inbox', id, { phone }, p.agentId);
        d.audit.record({
          actorId: p.agentId,
          action: AUDIT.QUEUE_ROUTING_CHANGED,
          target: id,
          detail: { phone },
          ip: clientIp(req),
        });
        sendJson(res, 200, phone);
      } else {
        if (!d.accounts.agentById(id)) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${id}.`);
        const body = await readJson(req, 4 * 1024, agentPhoneSchema);
        write('agent', id, { sipUser: body.sipUser }, p.agentId);
        d.audit.record({
          actorId: p.agentId,
          action: AUDIT.AGENT_ROUTING_CHANGED,
          target: id,
          detail: body,
          ip: clientIp(req),
        });
        sendJson(res, 200, body);
      }
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}
