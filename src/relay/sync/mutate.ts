import type { Channel, ConversationStatus, CustomerData } from '../../shared/sync/entities';
import type { Hlc, HlcClock } from '../../shared/sync/hlc';
import type { MutationArgs, MutationName } from '../../shared/sync/mutations';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { buildRecords, type BuildInput, type RecordWrite } from '../../shared/sync/records';
import { SyncRefusal } from '../../shared/sync/refusal';
import { customerAddress, REPLY_REFUSAL_TEXT, replyRoute } from '../../shared/replyRoute';
import type { Accounts } from '../identity/accounts';
import { RelayError } from '../core/errors';
import { applyRecordWrite } from '../data/records';
import type { StoredRecord, Store, WriteMeta } from '../data/store';
import { canSee, type Viewer } from '../data/visibility';

// The relay's authoritative apply: permission and conflict checks, the inputs only the relay
// knows, then the shared record builders (shared/sync/records) written with history and log
// positions (records.ts). What record a mutation makes is not decided here.

export type MutationContext = {
  store: Store;
  accounts: Accounts;
  relayClock: HlcClock;
  viewer: Viewer;
  mutationId: string;
  clock: Hlc;
  /** Relay wall time of the push, ISO. */
  at: string;
};

/** Applies one validated mutation inside the caller's transaction; throws RelayError to reject it. */
export function applyMutation<N extends MutationName>(
  ctx: MutationContext,
  name: N,
  args: MutationArgs<N>,
): void {
  // Checks and builder read before anything is written: each record is read (and parsed) once,
  // and a write starts from that reading instead of reading the record again.
  const reads = new Map<string, StoredRecord | null>();
  const get: Store['get'] = (entity, id) => {
    const k = `${entity}\u0000${id}`;
    if (!reads.has(k)) reads.set(k, ctx.store.get(entity, id));
    return reads.get(k) ?? null;
  };
  const before = { ...ctx, store: { ...ctx.store, get } };
  const input = checkAndResolve(before, name, args as MutationArgs<MutationName>);
  const writes = build(before, name, args, input);
  checkWrites(before, name, args as MutationArgs<MutationName>, writes);
  const meta: WriteMeta = { mutationId: ctx.mutationId, agentId: ctx.viewer.agentId };
  for (const w of writes) {
    const k = `${w.key.entity}\u0000${w.key.id}`;
    const held = reads.get(k);
    reads.delete(k); // a second write to one record reads what the first wrote
    applyRecordWrite(ctx.store, w, ctx.at, meta, held);
  }
  if (name === 'conversation.transfer') ctx.store.requestRouting((args as { id: string }).id);
}

function build<N extends MutationName>(
  ctx: MutationContext,
  name: N,
  args: MutationArgs<N>,
  input: BuildInput<MutationName>,
): RecordWrite[] {
  const read = (k: { entity: StoredRecord['entity']; id: string }) => ctx.store.get(k.entity, k.id);
  try {
    return buildRecords(name, args, { agentId: ctx.viewer.agentId, clock: ctx.clock, read }, input as never);
  } catch (err) {
    if (err instanceof SyncRefusal) throw new RelayError(err.code, err.message);
    throw err;
  }
}

/**
 * The checks before building, in the order that keeps answers from telling whether an id exists,
 * and the inputs the builder gets from the relay (team, inbox, assignee, visible conversations).
 */
function checkAndResolve(
  ctx: MutationContext,
  name: MutationName,
  a: MutationArgs<MutationName>,
): BuildInput<MutationName> {
  switch (name) {
    case 'customer.create': {
      const { id } = a as MutationArgs<'customer.create'>;
      if (ctx.store.get('customer', id))
        throw new RelayError(RELAY_ERR.CONFLICT, `Customer ${id} already exists.`);
      return undefined;
    }
    case 'customer.update':
      liveCustomer(ctx, (a as MutationArgs<'customer.update'>).id);
      return undefined;
    case 'customer.merge':
      return checkMerge(ctx, a as MutationArgs<'customer.merge'>) as never;
    case 'customer.unmerge':
      liveCustomer(ctx, (a as MutationArgs<'customer.unmerge'>).sourceId);
      return undefined;
    case 'conversation.create':
      return checkCreateConversation(ctx, a as MutationArgs<'conversation.create'>) as never;
    case 'conversation.transfer':
      return checkTransfer(ctx, a as MutationArgs<'conversation.transfer'>) as never;
    case 'conversation.setStatus':
    case 'conversation.addLabel':
    case 'conversation.removeLabel':
      requireConversation(ctx, (a as { id: string }).id);
      return undefined;
    case 'message.send': {
      const conv = requireConversation(ctx, (a as MutationArgs<'message.send'>).conversationId);
      refuseUndeliverable(ctx, conv);
      return undefined;
    }
    case 'note.add':
    case 'call.log':
      requireConversation(ctx, (a as { conversationId: string }).conversationId);
      return undefined;
    case 'call.event': {
      const conv = requireConversation(ctx, (a as { conversationId: string }).conversationId);
      if (conv.data['channel'] !== 'voice')
        throw new RelayError(
          RELAY_ERR.VALIDATION,
          'conversationId: call events belong to a voice conversation.',
        );
      if (!onTheCall(ctx, conv))
        throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only the agent on this call reports its events.');
      return undefined;
    }
    default: {
      const never: never = name;
      throw new RelayError(RELAY_ERR.UNKNOWN_MUTATION, `Unknown mutation ${String(never)}.`);
    }
  }
}

/** The checks that need the builder's answer: an undo's moves, and ids already taken (always last). */
function checkWrites(
  ctx: MutationContext,
  name: MutationName,
  a: MutationArgs<MutationName>,
  writes: readonly RecordWrite[],
): void {
  // An undo is all or nothing: half of it would leave another team's conversations on a profile
  // that is no longer their customer's. One answer whatever their number or teams.
  if (
    name === 'customer.unmerge' &&
    writes.some((w) => w.key.entity === 'conversation' && !mayAct(ctx, w.key.id))
  )
    throw new RelayError(
      RELAY_ERR.FORBIDDEN,
      'This merge moved conversations of teams you are not in; ask an admin to undo it.',
    );
  if (name === 'conversation.create') refuseTakenId(ctx, 'conversation', (a as { id: string }).id);
  if (name === 'message.send') refuseTakenId(ctx, 'message', (a as { id: string }).id);
  if (name === 'note.add') refuseTakenId(ctx, 'note', (a as { id: string }).id);
  if (name === 'call.log') refuseTakenId(ctx, 'call', (a as { id: string }).id);
}

/**
 * Whether the caller is (or was) the agent on the conversation's call: its assignee now or before,
 * or the agent the relay last rang (an answer may reach the relay before routing assigns it).
 */
function onTheCall(ctx: MutationContext, conv: StoredRecord): boolean {
  const me = ctx.viewer.agentId;
  if (conv.data['assigneeId'] === me) return true;
  const call = conv.data['call'] as { agentId?: unknown; offeredTo?: unknown } | undefined;
  if (call?.agentId === me || call?.offeredTo === me) return true;
  return ctx.store.pastScopes(conv.id).assigneeIds.has(me);
}

/**
 * A reply its channel cannot deliver is refused, so none is stored that goes nowhere: a call, an
 * email without an address, an API inbox without a webhook, a closed web chat or one whose visitor
 * left (shared/replyRoute).
 */
function refuseUndeliverable(ctx: MutationContext, conv: StoredRecord): void {
  const customer = ctx.store.get('customer', String(conv.data['customerId']));
  const emails = customer && !customer.deleted ? (customer.data as CustomerData).emails : [];
  const inbox = ctx.store.get('inbox', String(conv.data['inboxId']));
  const route = replyRoute(
    conv.data['channel'] as Channel,
    { emails: emails ?? [] },
    {
      status: conv.data['status'] as ConversationStatus,
      inboxWebhook: !!inbox && !inbox.deleted && inbox.data['webhook'] === true,
      to: typeof conv.data['to'] === 'string' ? conv.data['to'] : undefined,
      visitorLeftAt: typeof conv.data['visitorLeftAt'] === 'string' ? conv.data['visitorLeftAt'] : null,
    },
  );
  if (!route.ok) throw new RelayError(RELAY_ERR.UNDELIVERABLE, REPLY_REFUSAL_TEXT[route.reason]);
}

function liveCustomer(ctx: MutationContext, id: string): CustomerData {
  const rec = ctx.store.get('customer', id);
  if (!rec || rec.deleted) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no customer ${id}.`);
  return rec.data as CustomerData;
}

/** Whether the caller may see conversation `id` now (the one visibility rule). */
const mayAct = (ctx: MutationContext, id: string) => canSee(ctx.viewer, id, ctx.store.scopeOf(id));

// Customers are shared by every branch (one customer view), so any signed-in role may merge, as
// it may edit a profile. Conversations belong to teams: the merge moves only those the caller may
// see, since re-homing another team's conversation is a write the caller could not make directly.
// The others stay on the merged profile (which points at the survivor); an admin who undoes and
// redoes the merge moves them all. The merge keeps exactly what it moved, for the undo.
function checkMerge(ctx: MutationContext, a: MutationArgs<'customer.merge'>): BuildInput<'customer.merge'> {
  const source = liveCustomer(ctx, a.sourceId);
  const target = liveCustomer(ctx, a.targetId);
  if (ctx.store.customersMergedInto(a.sourceId).length > 0)
    throw new RelayError(
      RELAY_ERR.CONFLICT,
      `Other profiles were merged into ${source.name}; merge ${target.name} into it instead, or undo those merges first.`,
    );
  return { conversations: ctx.store.conversationIdsOfCustomer(a.sourceId).filter((id) => mayAct(ctx, id)) };
}

/**
 * Ids are global, so an id another team's record holds must not be told apart from one the caller's
 * own record holds: one answer, naming neither the record nor its kind. It is checked last, after
 * every refusal that does not depend on the id, so no refusal-without-a-write tells whether an id
 * exists (a fresh id is simply used). Apps make UUIDv7 ids, so only a probe ever meets this.
 */
function refuseTakenId(
  ctx: MutationContext,
  entity: 'conversation' | 'message' | 'note' | 'call',
  id: string,
) {
  if (ctx.store.get(entity, id))
    throw new RelayError(RELAY_ERR.CONFLICT, 'That id is already used; make a new one and send again.');
}

function checkCreateConversation(
  ctx: MutationContext,
  a: MutationArgs<'conversation.create'>,
): BuildInput<'conversation.create'> {
  const { store, accounts, viewer } = ctx;
  const customer = store.get('customer', a.customerId);
  if (!customer || customer.deleted)
    throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no customer ${a.customerId}.`);
  refuseForeignAddress(a, customer.data as CustomerData);
  const teamId = a.teamId ?? [...viewer.teamIds][0];
  if (!teamId) throw new RelayError(RELAY_ERR.VALIDATION, 'teamId: you belong to no team, so name one.');
  accounts.requireTeam(teamId);
  if (viewer.role !== 'admin' && !viewer.teamIds.has(teamId)) {
    throw new RelayError(RELAY_ERR.FORBIDDEN, `You are not a member of team ${teamId}.`);
  }
  // Conversations an agent starts are theirs; routing assigns incoming ones.
  return { teamId, inboxId: accounts.inboxFor(teamId, a.channel), assigneeId: viewer.agentId };
}

/**
 * An email conversation writes only to one of its customer's addresses: an app (or a probe) naming
 * any other would have the relay mail a stranger from the team's inbox.
 */
function refuseForeignAddress(a: MutationArgs<'conversation.create'>, customer: CustomerData): void {
  if (a.to === undefined) return;
  if (a.channel !== 'email')
    throw new RelayError(RELAY_ERR.VALIDATION, 'to: only an email conversation has an address to write to.');
  if (customerAddress(customer.emails ?? [], a.to) === null)
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      `to: ${a.to} is not one of this customer's email addresses; pick one of theirs, or add it to the profile first.`,
    );
}

/**
 * The conversation, if the caller may act on it. Unknown or never visible: FORBIDDEN (one answer
 * for both); visible once but reassigned away since: CONFLICT, so the app can explain it.
 */
export function requireConversation(
  ctx: Pick<MutationContext, 'store' | 'viewer'>,
  id: string,
): StoredRecord {
  const rec = ctx.store.get('conversation', id);
  if (rec && !rec.deleted && canSee(ctx.viewer, id, ctx.store.scopeOf(id))) return rec;
  if (rec) {
    const past = ctx.store.pastScopes(id);
    if (
      past.assigneeIds.has(ctx.viewer.agentId) ||
      [...ctx.viewer.teamIds].some((t) => past.teamIds.has(t))
    ) {
      throw new RelayError(RELAY_ERR.CONFLICT, `Conversation ${id} was reassigned and is no longer yours.`);
    }
  }
  throw new RelayError(RELAY_ERR.FORBIDDEN, `Conversation ${id} is not visible to you.`);
}

/**
 * To an agent: they must belong to the conversation's team. To a team: it must exist, and the
 * conversation goes to that team's inbox for its channel. Either way routing then frees the old
 * assignee's capacity (and offers it in its new queue when nobody is named).
 */
function checkTransfer(
  ctx: MutationContext,
  a: MutationArgs<'conversation.transfer'>,
): BuildInput<'conversation.transfer'> {
  const conv = requireConversation(ctx, a.id);
  if (a.toAgentId) {
    const agent = ctx.accounts.agentById(a.toAgentId);
    if (!agent) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${a.toAgentId}.`);
    const teamId = (conv.data['teamId'] as string | null) ?? null;
    if (!teamId || !ctx.accounts.teamIdsOf(a.toAgentId).includes(teamId))
      throw new RelayError(
        RELAY_ERR.VALIDATION,
        'toAgentId: that agent is not in this conversation’s team; transfer to their team.',
      );
    return { inboxId: null };
  }
  ctx.accounts.requireTeam(a.toTeamId!);
  return { inboxId: ctx.accounts.inboxFor(a.toTeamId!, conv.data['channel'] as Channel) };
}
