import type { IncomingMessage } from 'node:http';
import { RELAY_ROUTES } from '../../shared/relayRoutes';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { AUDIT, clientIp, type AuditAction } from '../identity/audit';
import type { Principal } from '../identity/auth';
import { RelayError } from '../core/errors';
import { readJson } from '../http/reply';
import { scopedRoutes, writeSettingAsync, type TeamScopedDeps } from '../http/teamScopedRoute';
import { agentPhoneSchema, queuePhoneSchema } from './settings';

/**
 * `PUT /v1/admin/inboxes/:id/phone` `{addresses, waitLimitMs, overflowToInboxId?, overflowAfterMs?,
 * hours?}`: the queue's phone addresses, wait limit, overflow and opening hours (settings.ts).
 * `PUT /v1/admin/agents/:id/phone` `{sipUser}`: where the agent's softphone is registered.
 * Admins only (they decide what rings where); both land on synced records and in the audit log.
 */
export function createPhoneSettingsHttp(d: TeamScopedDeps) {
  async function putInbox(req: IncomingMessage, p: Principal, id: string) {
    if (!(await d.asyncStore.get('inbox', id)))
      throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${id}.`);
    const phone = await readJson(req, 16 * 1024, queuePhoneSchema);
    if (phone.overflowToInboxId === id)
      throw new RelayError(RELAY_ERR.VALIDATION, 'overflowToInboxId: a queue cannot overflow to itself.');
    if (phone.overflowToInboxId && !(await d.asyncStore.get('inbox', phone.overflowToInboxId)))
      throw new RelayError(
        RELAY_ERR.VALIDATION,
        `overflowToInboxId: there is no inbox ${phone.overflowToInboxId}; create it first.`,
      );
    await writeSettingAsync(d, p, 'inbox', id, { phone });
    await audited(d, req, p, AUDIT.QUEUE_ROUTING_CHANGED, id, { phone });
    return phone;
  }

  async function putAgent(req: IncomingMessage, p: Principal, id: string) {
    await d.directory.requireAgent(id);
    const body = await readJson(req, 4 * 1024, agentPhoneSchema);
    await writeSettingAsync(d, p, 'agent', id, { sipUser: body.sipUser });
    await audited(d, req, p, AUDIT.AGENT_ROUTING_CHANGED, id, body);
    return body;
  }

  return scopedRoutes(
    d,
    [
      { route: RELAY_ROUTES.inboxPhone, run: (req, p, [id]) => putInbox(req, p, id!) },
      { route: RELAY_ROUTES.agentPhone, run: (req, p, [id]) => putAgent(req, p, id!) },
    ],
    { admit: requireAdmin },
  );
}

/** Only admins decide what rings where. */
function requireAdmin(p: Principal): void {
  if (p.role !== 'admin')
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may set phone addresses; ask an admin.');
}

/** One audit line for what `p` did through `req`, awaited (on PostgreSQL it is a write of its own). */
function audited(
  d: TeamScopedDeps,
  req: IncomingMessage,
  p: Principal,
  action: AuditAction,
  target: string,
  detail: Record<string, unknown>,
): Promise<void> {
  return d.audit.record({ actorId: p.agentId, action, target, detail, ip: clientIp(req) });
}
