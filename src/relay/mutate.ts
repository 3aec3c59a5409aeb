import parsePhoneNumber from 'libphonenumber-js/max';
import { CustomerMergeError, planMerge, planUnmerge } from '../shared/sync/customerMerge';
import { emptyCustomerFields, type Channel, type CustomerData } from '../shared/sync/entities';
import { decodeHlc, type Hlc, type HlcClock } from '../shared/sync/hlc';
import { LABEL_LIMITS, type MutationArgs, type MutationName } from '../shared/sync/mutations';
import { RELAY_ERR } from '../shared/sync/protocol';
import type { Accounts } from './accounts';
import { RelayError } from './errors';
import { appendRecord, raiseLastMessageAt, writeFields } from './records';
import type { StoredRecord, Store, WriteMeta } from './store';
import { canSee, type Viewer } from './visibility';

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

// lastMessageAt is a maximum the relay derives from messages, not an agent's edit: no history.
const NO_HISTORY = new Set(['lastMessageAt']);

/** Applies one validated mutation inside the caller's transaction; throws RelayError to reject it. */
export function applyMutation<N extends MutationName>(
  ctx: MutationContext,
  name: N,
  args: MutationArgs<N>,
): void {
  const a = args as MutationArgs<MutationName>;
  switch (name) {
    case 'customer.create':
      return createCustomer(ctx, a as MutationArgs<'customer.create'>);
    case 'customer.update':
      return updateCustomer(ctx, a as MutationArgs<'customer.update'>);
    case 'customer.merge':
      return mergeCustomers(ctx, a as MutationArgs<'customer.merge'>);
    case 'customer.unmerge':
      return unmergeCustomer(ctx, a as MutationArgs<'customer.unmerge'>);
    case 'conversation.create':
      return createConversation(ctx, a as MutationArgs<'conversation.create'>);
    case 'conversation.setStatus':
      return setStatus(ctx, a as MutationArgs<'conversation.setStatus'>);
    case 'conversation.transfer':
      return transfer(ctx, a as MutationArgs<'conversation.transfer'>);
    case 'conversation.addLabel':
      return changeLabel(ctx, 'add', a as MutationArgs<'conversation.addLabel'>);
    case 'conversation.removeLabel':
      return changeLabel(ctx, 'remove', a as MutationArgs<'conversation.removeLabel'>);
    case 'message.send':
      return sendMessage(ctx, a as MutationArgs<'message.send'>);
    case 'note.add':
      return addNote(ctx, a as MutationArgs<'note.add'>);
    case 'call.log':
      return logCall(ctx, a as MutationArgs<'call.log'>);
    default: {
      const never: never = name as never;
      throw new RelayError(RELAY_ERR.UNKNOWN_MUTATION, `Unknown mutation ${String(never)}.`);
    }
  }
}

const meta = (ctx: MutationContext): WriteMeta => ({
  mutationId: ctx.mutationId,
  agentId: ctx.viewer.agentId,
});

/** Normalizes phones to E.164 and emails to lower case; throws VALIDATION on a bad number. */
export function normalizeCustomerFields(f: {
  [K in keyof CustomerData]?: CustomerData[K] | undefined;
}): Partial<CustomerData> {
  const out = Object.fromEntries(
    Object.entries(f).filter(([, v]) => v !== undefined),
  ) as Partial<CustomerData>;
  if (f.phones) {
    out.phones = [
      ...new Set(
        f.phones.map((p, i) => {
          const n = parsePhoneNumber(p);
          if (!n?.isValid())
            throw new RelayError(
              RELAY_ERR.VALIDATION,
              `phones.${i}: "${p}" is not a valid international phone number.`,
            );
          return n.number;
        }),
      ),
    ];
  }
  if (f.emails) out.emails = [...new Set(f.emails.map((e) => e.trim().toLowerCase()))];
  return out;
}

function createCustomer(ctx: MutationContext, a: MutationArgs<'customer.create'>): void {
  if (ctx.store.get('customer', a.id))
    throw new RelayError(RELAY_ERR.CONFLICT, `Customer ${a.id} already exists.`);
  const fields: CustomerData = {
    name: a.fields.name,
    ...emptyCustomerFields(),
    createdAt: ctx.at,
    ...normalizeCustomerFields(a.fields),
  };
  writeFields(
    ctx.store,
    {
      entity: 'customer',
      id: a.id,
      fields,
      clock: ctx.clock,
      convId: null,
      at: ctx.at,
      noHistory: NO_HISTORY,
    },
    meta(ctx),
  );
}

function updateCustomer(ctx: MutationContext, a: MutationArgs<'customer.update'>): void {
  const cur = ctx.store.get('customer', a.id);
  if (!cur || cur.deleted) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no customer ${a.id}.`);
  const fields = normalizeCustomerFields(a.fields);
  writeFields(
    ctx.store,
    { entity: 'customer', id: a.id, fields, clock: ctx.clock, convId: null, at: ctx.at },
    meta(ctx),
  );
}

function liveCustomer(ctx: MutationContext, id: string): CustomerData {
  const rec = ctx.store.get('customer', id);
  if (!rec || rec.deleted) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no customer ${id}.`);
  return rec.data as CustomerData;
}

function refuseMerge(err: unknown): never {
  if (err instanceof CustomerMergeError) throw new RelayError(RELAY_ERR.CONFLICT, err.message);
  throw err;
}

const customerWrite = (ctx: MutationContext, id: string, fields: Partial<CustomerData>) =>
  writeFields(
    ctx.store,
    { entity: 'customer', id, fields, clock: ctx.clock, convId: null, at: ctx.at },
    meta(ctx),
  );

/** Moves conversations to another customer (same clock as the merge, as the app's mirror). */
function moveConversations(ctx: MutationContext, ids: string[], customerId: string): void {
  for (const id of ids)
    writeFields(
      ctx.store,
      { entity: 'conversation', id, fields: { customerId }, clock: ctx.clock, convId: id, at: ctx.at },
      meta(ctx),
    );
}

/** Whether the caller may see conversation `id` now (the one visibility rule). */
const mayAct = (ctx: MutationContext, id: string) => canSee(ctx.viewer, id, ctx.store.scopeOf(id));

// Customers are shared by every branch (one customer view), so any signed-in role may merge, as
// it may edit a profile. Conversations belong to teams: the merge moves only those the caller may
// see, since re-homing another team's conversation is a write the caller could not make directly.
// The others stay on the merged profile (which points at the survivor); an admin who undoes and
// redoes the merge moves them all. The merge keeps exactly what it moved, for the undo.
function mergeCustomers(ctx: MutationContext, a: MutationArgs<'customer.merge'>): void {
  const source = liveCustomer(ctx, a.sourceId);
  const target = liveCustomer(ctx, a.targetId);
  if (ctx.store.customersMergedInto(a.sourceId).length > 0)
    throw new RelayError(
      RELAY_ERR.CONFLICT,
      `Other profiles were merged into ${source.name}; merge ${target.name} into it instead, or undo those merges first.`,
    );
  const conversations = ctx.store.conversationIdsOfCustomer(a.sourceId).filter((id) => mayAct(ctx, id));
  let plan: ReturnType<typeof planMerge>;
  try {
    plan = planMerge({ ...a, source, target, at: ctx.at, by: ctx.viewer.agentId, conversations });
  } catch (err) {
    refuseMerge(err);
  }
  if (Object.keys(plan.target).length) customerWrite(ctx, a.targetId, plan.target);
  customerWrite(ctx, a.sourceId, plan.source);
  moveConversations(ctx, conversations, a.targetId);
}

function unmergeCustomer(ctx: MutationContext, a: MutationArgs<'customer.unmerge'>): void {
  const source = liveCustomer(ctx, a.sourceId);
  const targetId = source.mergedInto;
  if (targetId && targetId !== a.targetId)
    throw new RelayError(
      RELAY_ERR.CONFLICT,
      `${source.name} is merged into another profile than the one named.`,
    );
  const targetRec = targetId ? ctx.store.get('customer', targetId) : null;
  const target = targetRec && !targetRec.deleted ? (targetRec.data as CustomerData) : null;
  let plan: ReturnType<typeof planUnmerge>;
  try {
    plan = planUnmerge({ source, target });
  } catch (err) {
    refuseMerge(err);
  }
  if (target && Object.keys(plan.target).length) customerWrite(ctx, targetId!, plan.target);
  customerWrite(ctx, a.sourceId, plan.source);
  // Only the conversations still on the target go back: one moved elsewhere since stays there.
  const back = plan.merge.conversations.filter(
    (id) => ctx.store.get('conversation', id)?.data['customerId'] === targetId,
  );
  // An undo is all or nothing: half of it would leave another team's conversations on a profile
  // that is no longer their customer's. One answer whatever their number or teams.
  if (back.some((id) => !mayAct(ctx, id)))
    throw new RelayError(
      RELAY_ERR.FORBIDDEN,
      'This merge moved conversations of teams you are not in; ask an admin to undo it.',
    );
  moveConversations(ctx, back, a.sourceId);
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

function createConversation(ctx: MutationContext, a: MutationArgs<'conversation.create'>): void {
  const { store, accounts, viewer } = ctx;
  const customer = store.get('customer', a.customerId);
  if (!customer || customer.deleted)
    throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no customer ${a.customerId}.`);
  const teamId = a.teamId ?? [...viewer.teamIds][0];
  if (!teamId) throw new RelayError(RELAY_ERR.VALIDATION, 'teamId: you belong to no team, so name one.');
  accounts.requireTeam(teamId);
  if (viewer.role !== 'admin' && !viewer.teamIds.has(teamId)) {
    throw new RelayError(RELAY_ERR.FORBIDDEN, `You are not a member of team ${teamId}.`);
  }
  refuseTakenId(ctx, 'conversation', a.id);
  const createdAt = wallIso(ctx.clock);
  const fields = {
    customerId: a.customerId,
    channel: a.channel,
    subject: a.subject,
    status: 'open',
    snoozedUntil: null,
    // Conversations an agent starts are theirs; routing assigns incoming ones.
    assigneeId: viewer.agentId,
    teamId,
    inboxId: accounts.inboxFor(teamId, a.channel),
    labels: [],
    slaDueAt: null,
    lastMessageAt: createdAt,
    createdAt,
  };
  writeFields(
    store,
    {
      entity: 'conversation',
      id: a.id,
      fields,
      clock: ctx.clock,
      convId: a.id,
      at: ctx.at,
      noHistory: NO_HISTORY,
    },
    meta(ctx),
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
 * To an agent: they become the assignee (they must belong to the conversation's team or be named
 * with it). To a team: the conversation moves to that team's inbox for its channel, unassigned, and
 * routing offers it there. Either way the old assignee's capacity is freed.
 */
function transfer(ctx: MutationContext, a: MutationArgs<'conversation.transfer'>): void {
  const conv = requireConversation(ctx, a.id);
  let fields: Record<string, unknown>;
  if (a.toAgentId) {
    const agent = ctx.accounts.agentById(a.toAgentId);
    if (!agent) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no agent ${a.toAgentId}.`);
    const teamId = (conv.data['teamId'] as string | null) ?? null;
    if (!teamId || !ctx.accounts.teamIdsOf(a.toAgentId).includes(teamId))
      throw new RelayError(
        RELAY_ERR.VALIDATION,
        'toAgentId: that agent is not in this conversation’s team; transfer to their team.',
      );
    fields = { assigneeId: a.toAgentId };
  } else {
    const teamId = a.toTeamId!;
    ctx.accounts.requireTeam(teamId);
    const channel = conv.data['channel'] as Channel;
    fields = { teamId, assigneeId: null, inboxId: ctx.accounts.inboxFor(teamId, channel) };
  }
  writeFields(
    ctx.store,
    { entity: 'conversation', id: a.id, fields, clock: ctx.clock, convId: a.id, at: ctx.at },
    meta(ctx),
  );
  ctx.store.requestRouting(a.id);
}

function setStatus(ctx: MutationContext, a: MutationArgs<'conversation.setStatus'>): void {
  requireConversation(ctx, a.id);
  if (a.status === 'snoozed' && !a.snoozedUntil)
    throw new RelayError(RELAY_ERR.VALIDATION, 'snoozedUntil: a snoozed conversation needs a time to wake.');
  const fields = { status: a.status, snoozedUntil: a.status === 'snoozed' ? a.snoozedUntil! : null };
  writeFields(
    ctx.store,
    { entity: 'conversation', id: a.id, fields, clock: ctx.clock, convId: a.id, at: ctx.at },
    meta(ctx),
  );
}

/**
 * Adds or removes one label on the labels the conversation holds now (a set, merged by operation):
 * concurrent changes to different labels all stay, whatever their clocks. Stamped with a fresh relay
 * clock so the result always wins the field (its history keeps each step). Labels named in `label`
 * records are suggestions; any valid label may be used (the argument schema checks it).
 */
function changeLabel(
  ctx: MutationContext,
  op: 'add' | 'remove',
  a: MutationArgs<'conversation.addLabel'>,
): void {
  const conv = requireConversation(ctx, a.id);
  const held = Array.isArray(conv.data['labels']) ? (conv.data['labels'] as unknown[]) : [];
  const labels = held.filter((l): l is string => typeof l === 'string');
  if ((op === 'add') === labels.includes(a.label)) return; // already so: nothing to change
  if (op === 'add' && labels.length >= LABEL_LIMITS.perConversation)
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      `label: a conversation has at most ${LABEL_LIMITS.perConversation} labels; remove one first.`,
    );
  const fields = { labels: op === 'add' ? [...labels, a.label] : labels.filter((l) => l !== a.label) };
  writeFields(
    ctx.store,
    { entity: 'conversation', id: a.id, fields, clock: ctx.relayClock.now(), convId: a.id, at: ctx.at },
    meta(ctx),
  );
}

function sendMessage(ctx: MutationContext, a: MutationArgs<'message.send'>): void {
  const conv = requireConversation(ctx, a.conversationId);
  refuseTakenId(ctx, 'message', a.id);
  const createdAt = wallIso(ctx.clock);
  appendRecord(
    ctx.store,
    'message',
    a.id,
    {
      conversationId: a.conversationId,
      customerId: conv.data['customerId'],
      direction: 'out',
      authorId: ctx.viewer.agentId,
      body: a.body,
      createdAt,
    },
    a.conversationId,
    meta(ctx),
  );
  raiseLastMessageAt(ctx.store, ctx.relayClock, conv, createdAt, ctx.at, meta(ctx));
}

function addNote(ctx: MutationContext, a: MutationArgs<'note.add'>): void {
  requireConversation(ctx, a.conversationId);
  refuseTakenId(ctx, 'note', a.id);
  const data = {
    conversationId: a.conversationId,
    authorId: ctx.viewer.agentId,
    body: a.body,
    mentions: [...new Set(a.mentions ?? [])],
    createdAt: wallIso(ctx.clock),
  };
  appendRecord(ctx.store, 'note', a.id, data, a.conversationId, meta(ctx));
}

// A call record shares its conversation's visibility (the team and the assignee), like messages.
function logCall(ctx: MutationContext, a: MutationArgs<'call.log'>): void {
  const conv = requireConversation(ctx, a.conversationId);
  if (a.endedAt < a.startedAt || (a.answeredAt !== null && a.answeredAt < a.startedAt))
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      'endedAt/answeredAt: a call cannot end or answer before it starts.',
    );
  refuseTakenId(ctx, 'call', a.id);
  const data = {
    customerId: conv.data['customerId'] ?? null,
    conversationId: a.conversationId,
    direction: a.direction,
    from: a.from,
    to: a.to,
    agentId: ctx.viewer.agentId,
    startedAt: a.startedAt,
    answeredAt: a.answeredAt,
    endedAt: a.endedAt,
    disposition: a.disposition,
    note: a.note,
    ...(a.quality ? { quality: a.quality } : {}),
    ...(a.recording ? { recording: a.recording } : {}),
    createdAt: a.startedAt,
  };
  appendRecord(ctx.store, 'call', a.id, data, a.conversationId, meta(ctx));
}

/** The time an agent did something: the wall part of its clock. */
function wallIso(clock: Hlc): string {
  return new Date(decodeHlc(clock).wall).toISOString();
}
