import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { Channel } from '../../shared/sync/entities';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { AUDIT } from '../identity/audit';
import type { Principal } from '../identity/auth';
import { RelayError } from '../core/errors';
import { writeFields } from '../data/records';
import { agentRoutingSchema, queueRoutingSchema } from '../../shared/routing';
import { RELAY_ROUTES as R, routeRegex } from '../../shared/relayRoutes';
import { recordInScope, writeSetting } from './teamScopedRoute';
import type { ApiContext, CoreRoute } from './apiContext';
import { uuid } from './sessionAndAdminRoutes';

const assignSchema = z.object({ teamId: uuid.optional(), assigneeId: uuid.nullable().optional() }).strict();

/** Who works on what: a queue's routing, an agent's skills and capacity, and assigning a conversation. */
export function routingRoutes(c: ApiContext): CoreRoute[] {
  return [
    [R.queueRouting.method, routeRegex(R.queueRouting), (req, [id]) => queueRouting(c, req, id!)],
    [R.agentRouting.method, routeRegex(R.agentRouting), (req, [id]) => agentRouting(c, req, id!)],
    [
      'POST',
      /^\/v1\/admin\/conversations\/([^/]+)\/assign$/,
      async (req, [id]) => assign(c, req, id!, await c.body(req, assignSchema)),
    ],
  ];
}

/** An inbox's queue routing, set by an admin or a supervisor of its team (and of any overflow target's). */
async function queueRouting(c: ApiContext, req: IncomingMessage, id: string) {
  const { store, accounts } = c.d;
  await c.caller(req); // signed in before anything is looked up
  const inbox = store.get('inbox', id);
  if (!inbox) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no inbox ${id}.`);
  const p = await c.overseer(req, (inbox.data['teamId'] as string | null) ?? null);
  const routing = await c.body(req, queueRoutingSchema);
  if (routing.overflow) {
    const to = store.get('inbox', routing.overflow.toInboxId);
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
  c.audit(req, p, { action: AUDIT.QUEUE_ROUTING_CHANGED, target: id, detail: { routing } });
  return setFields(c, p, 'inbox', id, { routing });
}

/** An agent's skills and capacity, set by an admin or a supervisor of the agent's teams. */
async function agentRouting(c: ApiContext, req: IncomingMessage, id: string) {
  const { accounts } = c.d;
  const p = await c.caller(req);
  if (!accounts.agentById(id)) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${id}.`);
  if (!accounts.managesAgent(p, id))
    throw new RelayError(
      RELAY_ERR.FORBIDDEN,
      'Supervisors set the skills and capacity of the agents of their teams only; ask an admin for supervisors and admins.',
    );
  const routing = await c.body(req, agentRoutingSchema);
  c.audit(req, p, { action: AUDIT.AGENT_ROUTING_CHANGED, target: id, detail: routing });
  return setFields(c, p, 'agent', id, routing);
}

/** Writes admin settings onto a shared record (with history, like any edit) and fans it out. */
function setFields(
  c: ApiContext,
  p: Principal,
  entity: 'inbox' | 'agent',
  id: string,
  fields: Record<string, unknown>,
) {
  writeSetting(c.d, p, entity, id, fields);
  return c.d.store.get(entity, id)!.data;
}

/**
 * Admins assign anything. A supervisor assigns only conversations of a team they oversee, into a
 * team they oversee, to an agent of that (target) team. Who is asking is checked before the
 * conversation is looked up, and a conversation outside the caller's teams is answered as one
 * that does not exist, so the route tells nobody which ids exist.
 */
async function assign(c: ApiContext, req: IncomingMessage, convId: string, a: z.infer<typeof assignSchema>) {
  const { d } = c;
  const { accounts } = d;
  const p = await c.caller(req);
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
  c.audit(req, p, { action: AUDIT.CONVERSATION_ASSIGNED, target: convId, detail: fields });
  return d.store.get('conversation', convId)!.data;
}
