import type { Channel, ConversationStatus, CustomerData } from '../../shared/sync/entities';
import type { Hlc, HlcClock } from '../../shared/sync/hlc';
import type { MutationArgs, MutationName } from '../../shared/sync/mutations';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { buildRecords, type BuildInput, type RecordKey, type RecordWrite } from '../../shared/sync/records';
import { SyncRefusal } from '../../shared/sync/refusal';
import { customerAddress, REPLY_REFUSAL_TEXT, replyRoute } from '../../shared/replyRoute';
import { RelayError } from '../core/errors';
import type { AsyncTx } from '../data/asyncStore';
import type { IdentityReads } from '../data/identityData';
import { applyRecordWriteAsync } from '../data/records';
import type { StoredRecord, WriteMeta } from '../data/store';
import { canSee, type Viewer } from '../data/visibility';

// The relay's authoritative apply: permission and conflict checks, the inputs only the relay
// knows, then the shared record builders (shared/sync/records) written with history and log
// positions (records.ts). What record a mutation makes is not decided here.

/** The directory reads a mutation's checks ask (identity's, in the push's transaction). */
export type MutationDirectory = Pick<IdentityReads, 'team' | 'inboxFor' | 'agentById' | 'teamIdsOf'>;

export type MutationContext = {
  /** The push's transaction: every read and write of the mutation goes through it. */
  tx: AsyncTx;
  directory: MutationDirectory;
  relayClock: HlcClock;
  viewer: Viewer;
  mutationId: string;
  clock: Hlc;
  /** Relay wall time of the push, ISO. */
  at: string;
};

/** A mutation's checks: the context, and its reads, each record read once (cached until written). */
type Checking = MutationContext & {
  get(entity: StoredRecord['entity'], id: string): Promise<StoredRecord | null>;
  /** A record already read (null: it is not there), or undefined when it was not read yet. */
  peek(k: RecordKey): StoredRecord | null | undefined;
};

const keyOf = (entity: string, id: string) => `${entity}\u0000${id}`;

/**
 * Applies one validated mutation inside the caller's transaction; throws RelayError to reject it.
 * Resolves to the newest log position it wrote (0: it wrote nothing).
 */
export async function applyMutation<N extends MutationName>(
  ctx: MutationContext,
  name: N,
  args: MutationArgs<N>,
): Promise<number> {
  // Checks and builder read before anything is written: each record is read (and parsed) once,
  // and a write starts from that reading instead of reading the record again.
  const reads = new Map<string, StoredRecord | null>();
  const c: Checking = {
    ...ctx,
    async get(entity, id) {
      const k = keyOf(entity, id);
      let r = reads.get(k);
      if (r === undefined) reads.set(k, (r = await ctx.tx.get(entity, id)));
      return r;
    },
    peek: (k) => reads.get(keyOf(k.entity, k.id)),
  };
  const input = await checkAndResolve(c, name, args as MutationArgs<MutationName>);
  const writes = await build(c, name, args, input);
  await checkWrites(c, name, args as MutationArgs<MutationName>, writes);
  const meta: WriteMeta = { mutationId: ctx.mutationId, agentId: ctx.viewer.agentId };
  let last = 0;
  for (const w of writes) {
    const k = keyOf(w.key.entity, w.key.id);
    const held = reads.get(k);
    reads.delete(k); // a second write to one record reads what the first wrote
    const wrote = await applyRecordWriteAsync(ctx.tx, w, ctx.at, meta, held);
    last = Math.max(last, wrote.last);
  }
  if (name === 'conversation.transfer') ctx.tx.requestRouting((args as { id: string }).id);
  return last;
}

/**
 * The builder reads synchronously (it is shared with the app): it runs on the records read so
 * far, and when it asked for one not read yet, that one is read (all such at once) and it runs
 * again. It is pure, so only the last run, on records all read, counts.
 */
async function build<N extends MutationName>(
  c: Checking,
  name: N,
  args: MutationArgs<N>,
  input: BuildInput<MutationName>,
): Promise<RecordWrite[]> {
  for (;;) {
    const missing: RecordKey[] = [];
    const read = (k: RecordKey) => {
      const r = c.peek(k);
      if (r === undefined) missing.push(k);
      return r ?? null;
    };
    let writes: RecordWrite[] | null = null;
    try {
      writes = buildRecords(name, args, { agentId: c.viewer.agentId, clock: c.clock, read }, input as never);
    } catch (err) {
      if (missing.length > 0) {
        // Decided on a record not read yet: read it and build again.
      } else if (err instanceof SyncRefusal) throw new RelayError(err.code, err.message);
      else throw err;
    }
    if (missing.length === 0) return writes!;
    await Promise.all(missing.map((k) => c.get(k.entity, k.id)));
  }
}

/**
 * The checks before building, in the order that keeps answers from telling whether an id exists,
 * and the inputs the builder gets from the relay (team, inbox, assignee, visible conversations).
 */
async function checkAndResolve(
  c: Checking,
  name: MutationName,
  a: MutationArgs<MutationName>,
): Promise<BuildInput<MutationName>> {
  switch (name) {
    case 'customer.create': {
      const { id } = a as MutationArgs<'customer.create'>;
      if (await c.get('customer', id))
        throw new RelayError(RELAY_ERR.CONFLICT, `Customer ${id} already exists.`);
      return undefined;
    }
    case 'customer.update':
      await liveCustomer(c, (a as MutationArgs<'customer.update'>).id);
      return undefined;
    case 'customer.merge':
      return (await checkMerge(c, a as MutationArgs<'customer.merge'>)) as never;
    case 'customer.unmerge':
      await liveCustomer(c, (a as MutationArgs<'customer.unmerge'>).sourceId);
      return undefined;
    case 'conversation.create':
      return (await checkCreateConversation(c, a as MutationArgs<'conversation.create'>)) as never;
    case 'conversation.transfer':
      return (await checkTransfer(c, a as MutationArgs<'conversation.transfer'>)) as never;
    case 'conversation.setStatus':
    case 'conversation.addLabel':
    case 'conversation.removeLabel':
      await requireConversation(c, (a as { id: string }).id);
      return undefined;
    case 'message.send': {
      const conv = await requireConversation(c, (a as MutationArgs<'message.send'>).conversationId);
      await refuseUndeliverable(c, conv);
      return undefined;
    }
    case 'note.add':
    case 'call.log':
      await requireConversation(c, (a as { conversationId: string }).conversationId);
      return undefined;
    case 'call.event':
      await checkCallEvent(c, (a as { conversationId: string }).conversationId);
      return undefined;
    default: {
      const never: never = name;
      throw new RelayError(RELAY_ERR.UNKNOWN_MUTATION, `Unknown mutation ${String(never)}.`);
    }
  }
}

async function checkCallEvent(c: Checking, conversationId: string): Promise<void> {
  const conv = await requireConversation(c, conversationId);
  if (conv.data['channel'] !== 'voice')
    throw new RelayError(RELAY_ERR.VALIDATION, 'conversationId: call events belong to a voice conversation.');
  if (!(await onTheCall(c, conv)))
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only the agent on this call reports its events.');
}

/** The checks that need the builder's answer: an undo's moves, and ids already taken (always last). */
async function checkWrites(
  c: Checking,
  name: MutationName,
  a: MutationArgs<MutationName>,
  writes: readonly RecordWrite[],
): Promise<void> {
  // An undo is all or nothing: half of it would leave another team's conversations on a profile
  // that is no longer their customer's. One answer whatever their number or teams.
  if (name === 'customer.unmerge') {
    const moved = writes.filter((w) => w.key.entity === 'conversation').map((w) => w.key.id);
    const may = await Promise.all(moved.map((id) => mayAct(c, id)));
    if (may.includes(false))
      throw new RelayError(
        RELAY_ERR.FORBIDDEN,
        'This merge moved conversations of teams you are not in; ask an admin to undo it.',
      );
  }
  if (name === 'conversation.create') await refuseTakenId(c, 'conversation', (a as { id: string }).id);
  if (name === 'message.send') await refuseTakenId(c, 'message', (a as { id: string }).id);
  if (name === 'note.add') await refuseTakenId(c, 'note', (a as { id: string }).id);
  if (name === 'call.log') await refuseTakenId(c, 'call', (a as { id: string }).id);
}

/**
 * Whether the caller is (or was) the agent on the conversation's call: its assignee now or before,
 * or the agent the relay last rang (an answer may reach the relay before routing assigns it).
 */
async function onTheCall(c: Checking, conv: StoredRecord): Promise<boolean> {
  const me = c.viewer.agentId;
  if (conv.data['assigneeId'] === me) return true;
  const call = conv.data['call'] as { agentId?: unknown; offeredTo?: unknown } | undefined;
  if (call?.agentId === me || call?.offeredTo === me) return true;
  return (await c.tx.pastScopes(conv.id)).assigneeIds.has(me);
}

/**
 * A reply its channel cannot deliver is refused, so none is stored that goes nowhere: a call, an
 * email without an address, an API inbox without a webhook, a closed web chat or one whose visitor
 * left (shared/replyRoute).
 */
async function refuseUndeliverable(c: Checking, conv: StoredRecord): Promise<void> {
  const [customer, inbox] = await Promise.all([
    c.get('customer', String(conv.data['customerId'])),
    c.get('inbox', String(conv.data['inboxId'])),
  ]);
  const emails = customer && !customer.deleted ? (customer.data as CustomerData).emails : [];
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

async function liveCustomer(c: Checking, id: string): Promise<CustomerData> {
  const rec = await c.get('customer', id);
  if (!rec || rec.deleted) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no customer ${id}.`);
  return rec.data as CustomerData;
}

/** Whether the caller may see conversation `id` now (the one visibility rule). */
const mayAct = async (c: Checking, id: string) => canSee(c.viewer, id, await c.tx.scopeOf(id));

/** The team, or NOT_FOUND (the words accounts.requireTeam uses). */
async function requireTeam(c: Checking, teamId: string): Promise<void> {
  if (!(await c.directory.team(teamId)))
    throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no team ${teamId}.`);
}

// Customers are shared by every branch (one customer view), so any signed-in role may merge, as
// it may edit a profile. Conversations belong to teams: the merge moves only those the caller may
// see, since re-homing another team's conversation is a write the caller could not make directly.
// The others stay on the merged profile (which points at the survivor); an admin who undoes and
// redoes the merge moves them all. The merge keeps exactly what it moved, for the undo.
async function checkMerge(
  c: Checking,
  a: MutationArgs<'customer.merge'>,
): Promise<BuildInput<'customer.merge'>> {
  const source = await liveCustomer(c, a.sourceId);
  const target = await liveCustomer(c, a.targetId);
  if ((await c.tx.customersMergedInto(a.sourceId)).length > 0)
    throw new RelayError(
      RELAY_ERR.CONFLICT,
      `Other profiles were merged into ${source.name}; merge ${target.name} into it instead, or undo those merges first.`,
    );
  const ids = await c.tx.conversationIdsOfCustomer(a.sourceId);
  const may = await Promise.all(ids.map((id) => mayAct(c, id)));
  return { conversations: ids.filter((_, i) => may[i]) };
}

/**
 * Ids are global, so an id another team's record holds must not be told apart from one the caller's
 * own record holds: one answer, naming neither the record nor its kind. It is checked last, after
 * every refusal that does not depend on the id, so no refusal-without-a-write tells whether an id
 * exists (a fresh id is simply used). Apps make UUIDv7 ids, so only a probe ever meets this.
 */
async function refuseTakenId(
  c: Checking,
  entity: 'conversation' | 'message' | 'note' | 'call',
  id: string,
): Promise<void> {
  if (await c.get(entity, id))
    throw new RelayError(RELAY_ERR.CONFLICT, 'That id is already used; make a new one and send again.');
}

async function checkCreateConversation(
  c: Checking,
  a: MutationArgs<'conversation.create'>,
): Promise<BuildInput<'conversation.create'>> {
  const { viewer } = c;
  const customer = await c.get('customer', a.customerId);
  if (!customer || customer.deleted)
    throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no customer ${a.customerId}.`);
  refuseForeignAddress(a, customer.data as CustomerData);
  const teamId = a.teamId ?? [...viewer.teamIds][0];
  if (!teamId) throw new RelayError(RELAY_ERR.VALIDATION, 'teamId: you belong to no team, so name one.');
  await requireTeam(c, teamId);
  if (viewer.role !== 'admin' && !viewer.teamIds.has(teamId)) {
    throw new RelayError(RELAY_ERR.FORBIDDEN, `You are not a member of team ${teamId}.`);
  }
  // Conversations an agent starts are theirs; routing assigns incoming ones.
  return { teamId, inboxId: await c.directory.inboxFor(teamId, a.channel), assigneeId: viewer.agentId };
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
      undefined,
      { securityRelevant: true },
    );
}

/**
 * The conversation, if the caller may act on it. Unknown or never visible: FORBIDDEN (one answer
 * for both); visible once but reassigned away since: CONFLICT, so the app can explain it.
 */
async function requireConversation(c: Checking, id: string): Promise<StoredRecord> {
  const rec = await c.get('conversation', id);
  if (rec && !rec.deleted && canSee(c.viewer, id, await c.tx.scopeOf(id))) return rec;
  if (rec) {
    const past = await c.tx.pastScopes(id);
    if (past.assigneeIds.has(c.viewer.agentId) || [...c.viewer.teamIds].some((t) => past.teamIds.has(t))) {
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
async function checkTransfer(
  c: Checking,
  a: MutationArgs<'conversation.transfer'>,
): Promise<BuildInput<'conversation.transfer'>> {
  const conv = await requireConversation(c, a.id);
  if (a.toAgentId) {
    const agent = await c.directory.agentById(a.toAgentId);
    if (!agent) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${a.toAgentId}.`);
    const teamId = (conv.data['teamId'] as string | null) ?? null;
    if (!teamId || !(await c.directory.teamIdsOf(a.toAgentId)).includes(teamId))
      throw new RelayError(
        RELAY_ERR.VALIDATION,
        'toAgentId: that agent is not in this conversation’s team; transfer to their team.',
      );
    return { inboxId: null };
  }
  await requireTeam(c, a.toTeamId!);
  return { inboxId: await c.directory.inboxFor(a.toTeamId!, conv.data['channel'] as Channel) };
}
