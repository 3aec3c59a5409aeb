import { CustomerMergeError, planMerge, planUnmerge } from '../../shared/sync/customerMerge';
import { emptyCustomerFields, type CustomerData, type Entity } from '../../shared/sync/entities';
import { decodeHlc, type Hlc } from '../../shared/sync/hlc';
import type { MutationArgs, MutationName } from '../../shared/sync/mutations';
import type { RecordKey, RecordState } from './records';

/** What a mutator may know: who acts, when (from the mutation's clock, so a rebase replays alike), and records. */
export type MutatorContext = {
  agentId: string | null;
  /** The agent's teams; a new conversation goes to the first unless named, as on the relay. */
  teamIds: readonly string[];
  clock: Hlc;
  read: (k: RecordKey) => RecordState | null;
  /**
   * During a rebase, only some records are being recomputed: a mutator may skip work (and reads)
   * for records not wanted. Absent: every write is wanted.
   */
  wants?: (k: RecordKey) => boolean;
};
export type RecordWrite = { key: RecordKey; state: RecordState };

/**
 * A local mirror of a relay mutation: `touches` names every record `apply` may write (so a server
 * change to one of them replays this mutation on top), `apply` computes the new states from the
 * records' current ones. Both are pure; the store does the writing.
 */
export type Mutator<N extends MutationName> = {
  touches: (args: MutationArgs<N>) => RecordKey[];
  apply: (args: MutationArgs<N>, ctx: MutatorContext) => RecordWrite[];
};

const key = (entity: Entity, id: string): RecordKey => ({ entity, id });
const isoOf = (clock: Hlc) => new Date(decodeHlc(clock).wall).toISOString();

/** Last writer wins per field by clock, as the relay merges; an older clock leaves the field as is. */
export function mergeFields(
  state: RecordState | null,
  fields: Record<string, unknown>,
  clock: Hlc,
): RecordState {
  const next: RecordState = state
    ? { data: { ...state.data }, clocks: { ...state.clocks }, deleted: state.deleted }
    : { data: {}, clocks: {}, deleted: false };
  for (const [f, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const held = next.clocks[f];
    if (held !== undefined && held > clock) continue;
    next.data[f] = v;
    next.clocks[f] = clock;
  }
  return next;
}

/**
 * Adds or removes one label on a conversation as the relay does: applied to the labels held now,
 * whatever their clock (a set merges by operation, not by last writer), so a pending add replayed
 * on a newer relay state still shows. Idempotent: replaying it on its own confirmed effect changes
 * nothing. The field's clock only moves forward.
 */
export function applyLabelOp(
  state: RecordState,
  op: 'add' | 'remove',
  label: string,
  clock: Hlc,
): RecordState {
  const held = Array.isArray(state.data['labels']) ? (state.data['labels'] as unknown[]) : [];
  const labels = held.filter((l): l is string => typeof l === 'string');
  const has = labels.includes(label);
  if ((op === 'add') === has) return state;
  const prevClock = state.clocks['labels'];
  return {
    data: { ...state.data, labels: op === 'add' ? [...labels, label] : labels.filter((l) => l !== label) },
    clocks: { ...state.clocks, labels: prevClock !== undefined && prevClock > clock ? prevClock : clock },
    deleted: state.deleted,
  };
}

/** Append-only records merge by id: a record that already exists stays as it is. */
function appendOnce(ctx: MutatorContext, k: RecordKey, data: Record<string, unknown>): RecordWrite[] {
  if (ctx.wants && !ctx.wants(k)) return [];
  if (ctx.read(k)) return [];
  return [{ key: k, state: { data, clocks: {}, deleted: false } }];
}

export const MUTATORS: { [N in MutationName]: Mutator<N> } = {
  'customer.create': {
    touches: (a) => [key('customer', a.id)],
    apply: (a, ctx) => {
      const k = key('customer', a.id);
      const prev = ctx.read(k);
      const fields = prev ? a.fields : { ...emptyCustomerFields(), ...a.fields, createdAt: isoOf(ctx.clock) };
      return [{ key: k, state: mergeFields(prev, fields, ctx.clock) }];
    },
  },
  'customer.update': {
    touches: (a) => [key('customer', a.id)],
    apply: (a, ctx) => {
      const k = key('customer', a.id);
      const prev = ctx.read(k);
      // Unknown here (not synced yet, or hidden from us): the relay decides; nothing to show.
      if (!prev) return [];
      return [{ key: k, state: mergeFields(prev, a.fields, ctx.clock) }];
    },
  },
  'customer.merge': {
    touches: (a) => [key('customer', a.sourceId), key('customer', a.targetId)],
    apply: (a, ctx) => {
      const source = ctx.read(key('customer', a.sourceId));
      const target = ctx.read(key('customer', a.targetId));
      if (!source || !target) return [];
      let plan: ReturnType<typeof planMerge>;
      try {
        plan = planMerge({
          sourceId: a.sourceId,
          source: source.data as CustomerData,
          targetId: a.targetId,
          target: target.data as CustomerData,
          at: isoOf(ctx.clock),
          by: ctx.agentId,
          // The relay moves the conversations; until then the app shows them by the merge link.
          conversations: [],
        });
      } catch (err) {
        if (err instanceof CustomerMergeError) return []; // the relay refuses it too, and says why
        throw err;
      }
      return [
        { key: key('customer', a.targetId), state: mergeFields(target, plan.target, ctx.clock) },
        { key: key('customer', a.sourceId), state: mergeFields(source, plan.source, ctx.clock) },
      ];
    },
  },
  'customer.unmerge': {
    touches: (a) => [key('customer', a.sourceId), key('customer', a.targetId)],
    apply: (a, ctx) => {
      const source = ctx.read(key('customer', a.sourceId));
      const target = ctx.read(key('customer', a.targetId));
      if (!source || (source.data as CustomerData).mergedInto !== a.targetId) return [];
      let plan: ReturnType<typeof planUnmerge>;
      try {
        plan = planUnmerge({
          source: source.data as CustomerData,
          target: (target?.data as CustomerData) ?? null,
        });
      } catch (err) {
        if (err instanceof CustomerMergeError) return [];
        throw err;
      }
      const writes = [
        { key: key('customer', a.sourceId), state: mergeFields(source, plan.source, ctx.clock) },
      ];
      if (target)
        writes.push({ key: key('customer', a.targetId), state: mergeFields(target, plan.target, ctx.clock) });
      return writes;
    },
  },
  'conversation.create': {
    touches: (a) => [key('conversation', a.id)],
    apply: (a, ctx) => {
      const k = key('conversation', a.id);
      const now = isoOf(ctx.clock);
      const fields = {
        customerId: a.customerId,
        channel: a.channel,
        subject: a.subject,
        status: 'open',
        snoozedUntil: null,
        // Routing is the relay's: until it answers, the conversation is unassigned.
        assigneeId: null,
        teamId: a.teamId ?? ctx.teamIds[0] ?? '',
        inboxId: null,
        labels: [],
        slaDueAt: null,
        lastMessageAt: now,
        createdAt: now,
      };
      return [{ key: k, state: mergeFields(ctx.read(k), fields, ctx.clock) }];
    },
  },
  'conversation.transfer': {
    touches: (a) => [key('conversation', a.id)],
    apply: (a, ctx) => {
      const k = key('conversation', a.id);
      const prev = ctx.read(k);
      if (!prev) return [];
      // Optimistic: the relay decides the inbox of a team transfer; until then only who has it changes.
      const fields = a.toAgentId ? { assigneeId: a.toAgentId } : { teamId: a.toTeamId, assigneeId: null };
      return [{ key: k, state: mergeFields(prev, fields, ctx.clock) }];
    },
  },
  'conversation.setStatus': {
    touches: (a) => [key('conversation', a.id)],
    apply: (a, ctx) => {
      const k = key('conversation', a.id);
      const prev = ctx.read(k);
      if (!prev) return [];
      const snoozedUntil = a.status === 'snoozed' ? (a.snoozedUntil ?? null) : null;
      return [{ key: k, state: mergeFields(prev, { status: a.status, snoozedUntil }, ctx.clock) }];
    },
  },
  'conversation.addLabel': {
    touches: (a) => [key('conversation', a.id)],
    apply: (a, ctx) => labelWrite(ctx, a.id, 'add', a.label),
  },
  'conversation.removeLabel': {
    touches: (a) => [key('conversation', a.id)],
    apply: (a, ctx) => labelWrite(ctx, a.id, 'remove', a.label),
  },
  'message.send': {
    touches: (a) => [key('message', a.id), key('conversation', a.conversationId)],
    apply: (a, ctx) => {
      const now = isoOf(ctx.clock);
      const conv = ctx.read(key('conversation', a.conversationId));
      const customerId = typeof conv?.data['customerId'] === 'string' ? conv.data['customerId'] : '';
      const writes = appendOnce(ctx, key('message', a.id), {
        conversationId: a.conversationId,
        customerId,
        direction: 'out',
        authorId: ctx.agentId,
        body: a.body,
        createdAt: now,
      });
      if (conv)
        writes.push({
          key: key('conversation', a.conversationId),
          state: mergeFields(conv, { lastMessageAt: now }, ctx.clock),
        });
      return writes;
    },
  },
  'note.add': {
    touches: (a) => [key('note', a.id)],
    apply: (a, ctx) =>
      appendOnce(ctx, key('note', a.id), {
        conversationId: a.conversationId,
        authorId: ctx.agentId ?? '',
        body: a.body,
        mentions: a.mentions ?? [],
        createdAt: isoOf(ctx.clock),
      }),
  },
  'call.log': {
    touches: (a) => [key('call', a.id)],
    apply: (a, ctx) => {
      const conv = ctx.read(key('conversation', a.conversationId));
      const customerId = typeof conv?.data['customerId'] === 'string' ? conv.data['customerId'] : null;
      return appendOnce(ctx, key('call', a.id), {
        customerId,
        conversationId: a.conversationId,
        direction: a.direction,
        from: a.from,
        to: a.to,
        agentId: ctx.agentId,
        startedAt: a.startedAt,
        answeredAt: a.answeredAt,
        endedAt: a.endedAt,
        disposition: a.disposition,
        note: a.note,
        ...(a.quality ? { quality: a.quality } : {}),
        ...(a.recording ? { recording: a.recording } : {}),
        createdAt: a.startedAt,
      });
    },
  },
};

function labelWrite(ctx: MutatorContext, id: string, op: 'add' | 'remove', label: string): RecordWrite[] {
  const k = key('conversation', id);
  const prev = ctx.read(k);
  if (!prev) return [];
  return [{ key: k, state: applyLabelOp(prev, op, label, ctx.clock) }];
}

/** Runs the mutator of `name` (arguments already validated). */
export function runMutator(name: MutationName, args: unknown, ctx: MutatorContext): RecordWrite[] {
  return (MUTATORS[name] as Mutator<MutationName>).apply(args as never, ctx);
}

/** The records a mutation touches (arguments already validated). */
export function touchesOf(name: MutationName, args: unknown): RecordKey[] {
  return (MUTATORS[name] as Mutator<MutationName>).touches(args as never);
}
