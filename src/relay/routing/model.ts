import type { Change, ConversationData } from '../../shared/sync/entities';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { IdentityReads } from '../data/identityData';
import type { RoutingData } from '../data/routingData';

// What routing knows of the store, in memory, so the engine's questions (is this customer still
// waiting? which queue is this? what does this inbox's team allow?) are answered at once: the
// open conversations, the calls still ringing, and the inboxes and teams with their routing
// settings. Loaded once at start (and again for a queue this relay gains), then kept current from
// the commits routing hears. Every entry keeps the log position it was read at, so a load that
// overlaps commits never puts back an older state: the newer position wins, and what a commit
// closed (a resolved or deleted conversation, an answered call) is remembered as gone until the
// loads under way are over.

type Entry<T> = { seq: number; value: T | null };

/** A map of records by id, newer log positions winning; `null` values are what a commit closed. */
class Versioned<T> {
  private readonly m = new Map<string, Entry<T>>();
  constructor(private readonly keepGone: () => boolean) {}

  /** Takes a state (null: gone) unless a newer one is known; says whether it was taken. */
  take(id: string, seq: number, value: T | null): boolean {
    const had = this.m.get(id);
    if (had && had.seq > seq) return false;
    if (value === null && !this.keepGone()) this.m.delete(id);
    else this.m.set(id, { seq, value });
    return true;
  }
  get(id: string): T | undefined {
    return this.m.get(id)?.value ?? undefined;
  }
  *entries(): IterableIterator<[string, T]> {
    for (const [id, e] of this.m) if (e.value !== null) yield [id, e.value];
  }
  /** Forgets what was kept only to outvote a load. */
  sweep(): void {
    for (const [id, e] of this.m) if (e.value === null) this.m.delete(id);
  }
}

/** An inbox as a routing queue: its team and the synced records that hold the routing settings. */
export type QueueFacts = {
  inboxId: string;
  teamId: string;
  inbox: Record<string, unknown> | undefined;
  team: Record<string, unknown> | undefined;
};

/** Which kind of routing fact a change of the log touched (null: none). */
export type FactKind = 'conversation' | 'call' | 'queue' | 'agent' | null;

export type RoutingModel = ReturnType<typeof createRoutingModel>;

/** Where the model loads from: single records, the directory, and routing's own reads. */
export type ModelSources = {
  store: Pick<AsyncStoreReads, 'get'>;
  identity: Pick<IdentityReads, 'inboxes'>;
  data: Pick<RoutingData, 'openConversations' | 'ringingCalls'>;
};

/** Routing's in-memory view of the store (see the note above); empty until `load`. */
export function createRoutingModel() {
  const m = emptyModel();
  return {
    /** Takes one change of the log; says which kind of routing fact it touched. */
    take: (c: Change): FactKind => takeChange(m, c),
    /**
     * Reads what routing needs from the store: every inbox (with its record and its team's), the
     * open conversations and the ringing calls. Commits heard meanwhile are taken as they come;
     * where one is newer than what the load read, it wins.
     */
    load: (src: ModelSources): Promise<void> =>
      loading(m, async () => {
        await readQueues(m, src);
        await readWork(m, src);
      }),
    /** Reads the open conversations and ringing calls again (a queue was gained). */
    loadWork: (src: Pick<ModelSources, 'data'>): Promise<void> => loading(m, () => readWork(m, src)),
    /** An open conversation's data, or undefined (resolved, deleted or never seen). */
    conversation: (id: string) => m.conversations.get(id),
    /** Every open conversation known, with its data. */
    openConversations: () => [...m.conversations.entries()].map(([id, data]) => ({ id, data })),
    /** Whether a call of this conversation rings (nobody answered it and it has not ended). */
    ringing: (convId: string): boolean => isRinging(m, convId),
    /** The inboxes routing knows, each as a queue. */
    queues: (): QueueFacts[] => queuesOf(m),
    hasQueue: (inboxId: string) => m.inboxTeams.has(inboxId),
    /** An inbox's record (its team, channel and routing settings). */
    inbox: (inboxId: string) => m.inboxes.get(inboxId),
  };
}

/** What the model holds, and how many loads are under way (while any is, what a commit closed is kept). */
type ModelState = {
  loads: number;
  conversations: Versioned<Partial<ConversationData>>;
  /** call id → its conversation, for calls nobody answered that have not ended */
  ringingCalls: Versioned<string>;
  inboxes: Versioned<Record<string, unknown>>;
  teams: Versioned<Record<string, unknown>>;
  /** inbox id → its team, from the directory (the inbox record says so too) */
  inboxTeams: Map<string, string>;
};

function emptyModel(): ModelState {
  const keepGone = () => m.loads > 0;
  const m: ModelState = {
    loads: 0,
    conversations: new Versioned(keepGone),
    ringingCalls: new Versioned(keepGone),
    inboxes: new Versioned(keepGone),
    teams: new Versioned(keepGone),
    inboxTeams: new Map(),
  };
  return m;
}

/** Runs a load; once no load is under way, forgets what was kept only to outvote one. */
async function loading(m: ModelState, read: () => Promise<void>): Promise<void> {
  m.loads += 1;
  try {
    await read();
  } finally {
    m.loads -= 1;
    if (m.loads === 0) for (const v of [m.conversations, m.ringingCalls, m.inboxes, m.teams]) v.sweep();
  }
}

function takeInbox(m: ModelState, id: string, seq: number, data: Record<string, unknown> | null): void {
  m.inboxes.take(id, seq, data);
  if (typeof data?.['teamId'] === 'string') m.inboxTeams.set(id, data['teamId']);
}

/** Takes one change of the log: an open conversation, a ringing call, an inbox or a team. */
function takeChange(m: ModelState, c: Change): FactKind {
  const data = c.deleted ? null : c.data;
  switch (c.entity) {
    case 'conversation': {
      const open = data && data['status'] !== 'resolved' ? (data as Partial<ConversationData>) : null;
      m.conversations.take(c.id, c.seq, open);
      return 'conversation';
    }
    case 'call': {
      const convId = data?.['conversationId'];
      const ringing = data && data['answeredAt'] == null && data['endedAt'] == null;
      m.ringingCalls.take(c.id, c.seq, ringing && typeof convId === 'string' ? convId : null);
      return 'call';
    }
    case 'inbox':
      takeInbox(m, c.id, c.seq, data);
      return 'queue';
    case 'team':
      m.teams.take(c.id, c.seq, data);
      return 'queue';
    case 'agent':
      return 'agent';
    default:
      return null;
  }
}

/** Reads every inbox of the directory with its record, and the record of each of their teams. */
async function readQueues(m: ModelState, src: ModelSources): Promise<void> {
  const rows = await src.identity.inboxes();
  for (const row of rows) m.inboxTeams.set(row.id, m.inboxTeams.get(row.id) ?? row.team_id);
  for (const row of rows) {
    const rec = await src.store.get('inbox', row.id);
    if (rec) takeInbox(m, row.id, rec.seq, rec.deleted ? null : rec.data);
  }
  for (const teamId of new Set(m.inboxTeams.values())) {
    const rec = await src.store.get('team', teamId);
    if (rec) m.teams.take(teamId, rec.seq, rec.deleted ? null : rec.data);
  }
}

/** Reads the open conversations and the ringing calls. */
async function readWork(m: ModelState, src: Pick<ModelSources, 'data'>): Promise<void> {
  const [open, ringing] = await Promise.all([src.data.openConversations(), src.data.ringingCalls()]);
  for (const r of open) m.conversations.take(r.id, r.seq, r.data as Partial<ConversationData>);
  for (const r of ringing) m.ringingCalls.take(r.id, r.seq, r.conversationId);
}

function isRinging(m: ModelState, convId: string): boolean {
  for (const [, c] of m.ringingCalls.entries()) if (c === convId) return true;
  return false;
}

function queuesOf(m: ModelState): QueueFacts[] {
  return [...m.inboxTeams].map(([inboxId, teamId]) => ({
    inboxId,
    teamId,
    inbox: m.inboxes.get(inboxId),
    team: m.teams.get(teamId),
  }));
}
