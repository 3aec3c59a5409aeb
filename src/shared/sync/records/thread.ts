import type { MutationArgs } from '../mutations';
import { RELAY_ERR } from '../protocol';
import { SyncRefusal } from '../refusal';
import { duesOnAgentReply } from '../../sla/dues';
import { live, recordKey, wallIso, type BuildContext } from './context';
import type { RecordWrite } from './writes';

// Messages, notes and calls are append-only and share their conversation's visibility.

const customerOf = (ctx: BuildContext, conversationId: string): unknown =>
  live(ctx, recordKey('conversation', conversationId))?.data['customerId'];

/**
 * An agent's reply, the conversation's lastMessageAt raised to its time, and the first response
 * it gives cleared from the SLA (shared/sla/dues.ts; a reply made before the customer's newer
 * message has the older clock, so that message's due time stays).
 */
export function buildMessageSend(a: MutationArgs<'message.send'>, ctx: BuildContext): RecordWrite[] {
  const createdAt = wallIso(ctx.clock);
  const conv = live(ctx, recordKey('conversation', a.conversationId));
  const customerId = conv?.data['customerId'];
  const met = conv ? duesOnAgentReply(conv.data) : null;
  return [
    {
      kind: 'append',
      key: recordKey('message', a.id),
      convId: a.conversationId,
      data: {
        conversationId: a.conversationId,
        customerId: typeof customerId === 'string' ? customerId : '',
        direction: 'out',
        authorId: ctx.agentId,
        body: a.body,
        createdAt,
      },
    },
    {
      kind: 'raise',
      key: recordKey('conversation', a.conversationId),
      convId: a.conversationId,
      field: 'lastMessageAt',
      value: createdAt,
      clock: ctx.clock,
    },
    ...(met
      ? [
          {
            kind: 'fields' as const,
            key: recordKey('conversation', a.conversationId),
            convId: a.conversationId,
            fields: met,
            clock: ctx.clock,
          },
        ]
      : []),
  ];
}

/** An internal note; mentions deduplicated. */
export function buildNoteAdd(a: MutationArgs<'note.add'>, ctx: BuildContext): RecordWrite[] {
  const data = {
    conversationId: a.conversationId,
    authorId: ctx.agentId ?? '',
    body: a.body,
    mentions: [...new Set(a.mentions ?? [])],
    createdAt: wallIso(ctx.clock),
  };
  return [{ kind: 'append', key: recordKey('note', a.id), convId: a.conversationId, data }];
}

/**
 * A finished call with its wrap-up, made when it started (so it sorts with the thread). Refuses
 * a call that ends or is answered before it starts (VALIDATION).
 */
export function buildCallLog(a: MutationArgs<'call.log'>, ctx: BuildContext): RecordWrite[] {
  if (a.endedAt < a.startedAt || (a.answeredAt !== null && a.answeredAt < a.startedAt))
    throw new SyncRefusal(
      RELAY_ERR.VALIDATION,
      'endedAt/answeredAt: a call cannot end or answer before it starts.',
    );
  const customerId = customerOf(ctx, a.conversationId);
  const { id: _id, ...call } = a;
  const data = {
    ...call,
    customerId: typeof customerId === 'string' ? customerId : null,
    agentId: ctx.agentId,
    createdAt: a.startedAt,
    // The wrap-up is saved when the call is logged: hang-up to here is after-call work (reports).
    wrappedUpAt: wallIso(ctx.clock),
  };
  return [{ kind: 'append', key: recordKey('call', a.id), convId: a.conversationId, data }];
}

/** What a call's `call` field keeps of the value before it, whoever wrote that (the relay or an app). */
const CALL_IDENTITY = ['tindex', 'tlabel', 'from', 'queuedAt'] as const;

/**
 * One event of a live call on the conversation's `call` field: the state, when (the mutation's
 * clock), who, and the event's id. The call's identity kept by the relay (its place at the SIP
 * server, the caller, when it queued) is carried over when it is the same call.
 */
export function buildCallEvent(a: MutationArgs<'call.event'>, ctx: BuildContext): RecordWrite[] {
  const key = recordKey('conversation', a.conversationId);
  const conv = live(ctx, key);
  if (!conv) return [];
  const held = conv.data['call'];
  const same =
    typeof held === 'object' && held !== null && (held as Record<string, unknown>)['callId'] === a.callId
      ? (held as Record<string, unknown>)
      : {};
  const kept = Object.fromEntries(CALL_IDENTITY.filter((k) => k in same).map((k) => [k, same[k]]));
  const call = {
    ...kept,
    state: a.state,
    at: wallIso(ctx.clock),
    callId: a.callId,
    agentId: ctx.agentId,
    direction: a.direction,
    eventId: a.id,
    source: 'app',
    ...(a.endedBy ? { endedBy: a.endedBy } : {}),
    ...(a.dialled ? { dialled: a.dialled } : {}),
  };
  return [{ kind: 'fields', key, convId: a.conversationId, fields: { call }, clock: ctx.clock }];
}
