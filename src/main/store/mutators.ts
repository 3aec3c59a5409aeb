import type { Channel } from '../../shared/sync/entities';
import type { Hlc } from '../../shared/sync/hlc';
import type { MutationArgs, MutationName } from '../../shared/sync/mutations';
import {
  applyWrite,
  buildRecords,
  recordKey,
  type BuildInput,
  type RecordWrite,
} from '../../shared/sync/records';
import { keyOf, type RecordKey, type RecordState } from './records';

// The app's optimistic apply: the shared record builders (shared/sync/records) applied to the
// local records, with the inputs the relay decides looked up in what this cache holds.

/** What a mutation may know here: who acts, when (from the mutation's clock, so a rebase replays alike), and records. */
export type MutatorContext = {
  agentId: string | null;
  /** The agent's teams in the relay's order; a new conversation goes to the first unless named, as on the relay. */
  teamIds: readonly string[];
  clock: Hlc;
  read: (k: RecordKey) => RecordState | null;
  /** A team's inbox for a channel, as the relay picks it (the lowest id), from the synced inbox records. */
  inboxFor: (teamId: string, channel: Channel) => string | null;
  /** The conversations of a customer held here, by id (a merge moves them, as the relay does). */
  conversationsOf: (customerId: string) => string[];
  /**
   * During a rebase, only some records are being recomputed: writes to others are skipped (and
   * their records not read). Absent: every write is wanted.
   */
  wants?: (k: RecordKey) => boolean;
};
export type RecordChange = { key: RecordKey; state: RecordState };

/** The records a mutation may write, or depends on, whatever the state (arguments already validated). */
export function touchesOf(name: MutationName, args: unknown): RecordKey[] {
  const a = args as Record<string, string | undefined>;
  switch (name) {
    case 'customer.create':
    case 'customer.update':
      return [recordKey('customer', a['id']!)];
    case 'customer.merge':
    case 'customer.unmerge':
      return [recordKey('customer', a['sourceId']!), recordKey('customer', a['targetId']!)];
    case 'conversation.create':
      // Its customer too: a rebase replaying a merge of that customer must see the conversation
      // made after it as not yet there.
      return [recordKey('conversation', a['id']!), recordKey('customer', a['customerId']!)];
    case 'conversation.transfer':
    case 'conversation.setStatus':
    case 'conversation.addLabel':
    case 'conversation.removeLabel':
      return [recordKey('conversation', a['id']!)];
    case 'message.send':
      return [recordKey('message', a['id']!), recordKey('conversation', a['conversationId']!)];
    case 'note.add':
      return [recordKey('note', a['id']!)];
    case 'call.log':
      return [recordKey('call', a['id']!)];
    case 'call.event':
      return [recordKey('conversation', a['conversationId']!)];
    default: {
      const never: never = name;
      throw new Error(`no touches for ${String(never)}`);
    }
  }
}

/** The inputs the relay would decide, as this app knows them (see shared/sync/records BuildInputs). */
function inputOf(name: MutationName, args: unknown, ctx: MutatorContext): BuildInput<MutationName> {
  switch (name) {
    case 'conversation.create': {
      const a = args as MutationArgs<'conversation.create'>;
      const teamId = a.teamId ?? ctx.teamIds[0] ?? '';
      return { teamId, inboxId: ctx.inboxFor(teamId, a.channel), assigneeId: ctx.agentId } as never;
    }
    case 'conversation.transfer': {
      const a = args as MutationArgs<'conversation.transfer'>;
      const channel = ctx.read(recordKey('conversation', a.id))?.data['channel'] as Channel | undefined;
      const inboxId = a.toTeamId && channel ? ctx.inboxFor(a.toTeamId, channel) : null;
      return { inboxId } as never;
    }
    case 'customer.merge':
      // The relay moves those the agent may see: the ones held here.
      return {
        conversations: ctx.conversationsOf((args as MutationArgs<'customer.merge'>).sourceId),
      } as never;
    default:
      return undefined as never;
  }
}

/**
 * Runs the builder of `name` (arguments already validated) on the records as `ctx` reads them and
 * returns the records it changes, in their new state. Throws SyncRefusal as the builder does.
 */
export function runMutator(name: MutationName, args: unknown, ctx: MutatorContext): RecordChange[] {
  const written = new Map<string, RecordChange>();
  const read = (k: RecordKey) => {
    const w = written.get(keyOf(k));
    return w ? w.state : ctx.read(k);
  };
  const writes: RecordWrite[] = buildRecords(
    name,
    args as never,
    { agentId: ctx.agentId, clock: ctx.clock, read },
    inputOf(name, args, ctx) as never,
  );
  for (const w of writes) {
    if (ctx.wants && !ctx.wants(w.key)) continue;
    const applied = applyWrite(read(w.key), w);
    if (applied?.changed) written.set(keyOf(w.key), { key: w.key, state: applied.state });
  }
  return [...written.values()];
}
