import type { MutationArgs } from '../mutations';
import { heldLabels } from '../derived';
import { LABEL_LIMITS } from '../mutations';
import { RELAY_ERR } from '../protocol';
import { SyncRefusal } from '../refusal';
import { duesOnResolve } from '../../sla/dues';
import { live, recordKey, wallIso, type BuildContext } from './context';
import type { RecordWrite } from './writes';

const conversationWrite = (id: string, fields: Record<string, unknown>, ctx: BuildContext): RecordWrite => ({
  kind: 'fields',
  key: recordKey('conversation', id),
  convId: id,
  fields,
  clock: ctx.clock,
});

/**
 * A conversation an agent starts. Inputs the relay decides and an app looks up in what it holds:
 * `teamId` (named, or the agent's first team), `inboxId` (that team's inbox for the channel, or
 * null) and `assigneeId` (the agent who starts it: it is theirs; routing assigns incoming ones).
 */
export function buildConversationCreate(
  a: MutationArgs<'conversation.create'>,
  ctx: BuildContext,
  input: { teamId: string; inboxId: string | null; assigneeId: string | null },
): RecordWrite[] {
  const createdAt = wallIso(ctx.clock);
  const fields = {
    customerId: a.customerId,
    channel: a.channel,
    subject: a.subject,
    ...(a.to ? { to: a.to } : {}),
    status: 'open',
    snoozedUntil: null,
    assigneeId: input.assigneeId,
    teamId: input.teamId,
    inboxId: input.inboxId,
    labels: [],
    slaDueAt: null,
    lastMessageAt: createdAt,
    createdAt,
  };
  return [conversationWrite(a.id, fields, ctx)];
}

/**
 * To an agent: they become the assignee. To a team: the conversation moves to that team's inbox
 * for its channel (input `inboxId`, which the relay knows and an app looks up), unassigned.
 */
export function buildConversationTransfer(
  a: MutationArgs<'conversation.transfer'>,
  ctx: BuildContext,
  input: { inboxId: string | null },
): RecordWrite[] {
  if (!live(ctx, recordKey('conversation', a.id))) return [];
  const fields = a.toAgentId
    ? { assigneeId: a.toAgentId }
    : { teamId: a.toTeamId, assigneeId: null, inboxId: input.inboxId };
  return [conversationWrite(a.id, fields, ctx)];
}

/**
 * A status; snoozedUntil only for snoozed (refused without one: VALIDATION), null otherwise. A
 * resolve clears the SLA due times (met, or no longer owed).
 */
export function buildConversationSetStatus(
  a: MutationArgs<'conversation.setStatus'>,
  ctx: BuildContext,
): RecordWrite[] {
  if (a.status === 'snoozed' && !a.snoozedUntil)
    throw new SyncRefusal(RELAY_ERR.VALIDATION, 'snoozedUntil: a snoozed conversation needs a time to wake.');
  const conv = live(ctx, recordKey('conversation', a.id));
  if (!conv) return [];
  const fields = {
    status: a.status,
    snoozedUntil: a.status === 'snoozed' ? a.snoozedUntil! : null,
    ...(a.status === 'resolved' ? duesOnResolve(conv.data) : null),
  };
  return [conversationWrite(a.id, fields, ctx)];
}

/**
 * One add or remove on the labels set (derived.ts labelsAfter). Refuses an add past
 * LABEL_LIMITS.perConversation (VALIDATION). Labels named in `label` records are suggestions; any
 * valid label may be used (the argument schema checks it).
 */
export function buildLabelChange(
  op: 'add' | 'remove',
  a: MutationArgs<'conversation.addLabel'>,
  ctx: BuildContext,
): RecordWrite[] {
  const conv = live(ctx, recordKey('conversation', a.id));
  if (!conv) return [];
  const labels = heldLabels(conv.data['labels']);
  if ((op === 'add') === labels.includes(a.label)) return []; // already so: nothing to change
  if (op === 'add' && labels.length >= LABEL_LIMITS.perConversation)
    throw new SyncRefusal(
      RELAY_ERR.VALIDATION,
      `label: a conversation has at most ${LABEL_LIMITS.perConversation} labels; remove one first.`,
    );
  return [
    {
      kind: 'label',
      key: recordKey('conversation', a.id),
      convId: a.id,
      op,
      label: a.label,
      clock: ctx.clock,
    },
  ];
}
