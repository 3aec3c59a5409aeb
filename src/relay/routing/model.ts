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

export type RoutingModel = ReturnType<typeof createRoutingModel>;

/** Where the model loads from: single records, the directory, and routing's own reads. */
export type ModelSources = {
  store: Pick<AsyncStoreReads, 'get'>;
  identity: Pick<IdentityReads, 'inboxes'>;
  data: Pick<RoutingData, 'openConversations' | 'ringingCalls'>;
};

/** Routing's in-memory view of the store (see the note above); empty until `load`. */
export function createRoutingModel() {
  let loads = 0;
  const keepGone = () => loads > 0;
  const conversations = new Versioned<Partial<ConversationData>>(keepGone);
  /** call id → its conversation, for calls nobody answered that have not ended */
  const ringingCalls = new Versioned<string>(keepGone);
  const inboxes = new Versioned<Record<string, unknown>>(keepGone);
  const teams = new Versioned<Record<string, unknown>>(keepGone);
  /** inbox id → its team, from the directory (the inbox record says so too) */
  const inboxTeams = new Map<string, string>();

  function takeInbox(id: string, seq: number, data: Record<string, unknown> | null): void {
    inboxes.take(id, seq, data);
    if (typeof data?.['teamId'] === 'string') inboxTeams.set(id, data['teamId']);
  }

  /** Takes one change of the log; says which kind of routing fact it touched. */
  function take(c: Change): 'conversation' | 'call' | 'queue' | 'agent' | null {
    const data = c.deleted ? null : c.data;
    switch (c.entity) {
      case 'conversation': {
        const open = data && data['status'] !== 'resolved' ? (data as Partial<ConversationData>) : null;
        conversations.take(c.id, c.seq, open);
        return 'conversation';
      }
      case 'call': {
        const convId = data?.['conversationId'];
        const ringing = data && data['answeredAt'] == null && data['endedAt'] == null;
        ringingCalls.take(c.id, c.seq, ringing && typeof convId === 'string' ? convId : null);
        return 'call';
      }
      case 'inbox':
        takeInbox(c.id, c.seq, data);
        return 'queue';
      case 'team':
        teams.take(c.id, c.seq, data);
        return 'queue';
      case 'agent':
        return 'agent';
      default:
        return null;
    }
  }

  /**
   * Reads what routing needs from the store: every inbox (with its record and its team's), the
   * open conversations and the ringing calls. Commits heard meanwhile are taken as they come;
   * where one is newer than what the load read, it wins.
   */
  async function load(src: ModelSources): Promise<void> {
    loads += 1;
    try {
      const rows = await src.identity.inboxes();
      for (const row of rows) inboxTeams.set(row.id, inboxTeams.get(row.id) ?? row.team_id);
      for (const row of rows) {
        const rec = await src.store.get('inbox', row.id);
        if (rec) takeInbox(row.id, rec.seq, rec.deleted ? null : rec.data);
      }
      for (const teamId of new Set(inboxTeams.values())) {
        const rec = await src.store.get('team', teamId);
        if (rec) teams.take(teamId, rec.seq, rec.deleted ? null : rec.data);
      }
      await loadWork(src);
    } finally {
      loads -= 1;
      if (loads === 0) for (const v of [conversations, ringingCalls, inboxes, teams]) v.sweep();
    }
  }

  /** Reads the open conversations and ringing calls again (a queue was gained). */
  async function loadWork(src: Pick<ModelSources, 'data'>): Promise<void> {
    loads += 1;
    try {
      const [open, ringing] = await Promise.all([src.data.openConversations(), src.data.ringingCalls()]);
      for (const r of open) conversations.take(r.id, r.seq, r.data as Partial<ConversationData>);
      for (const r of ringing) ringingCalls.take(r.id, r.seq, r.conversationId);
    } finally {
      loads -= 1;
      if (loads === 0) for (const v of [conversations, ringingCalls, inboxes, teams]) v.sweep();
    }
  }

  return {
    take,
    load,
    loadWork,
    /** An open conversation's data, or undefined (resolved, deleted or never seen). */
    conversation: (id: string) => conversations.get(id),
    /** Every open conversation known, with its data. */
    openConversations: () => [...conversations.entries()].map(([id, data]) => ({ id, data })),
    /** Whether a call of this conversation rings (nobody answered it and it has not ended). */
    ringing: (convId: string) => {
      for (const [, c] of ringingCalls.entries()) if (c === convId) return true;
      return false;
    },
    /** The inboxes routing knows, each as a queue. */
    queues: (): QueueFacts[] =>
      [...inboxTeams].map(([inboxId, teamId]) => ({
        inboxId,
        teamId,
        inbox: inboxes.get(inboxId),
        team: teams.get(teamId),
      })),
    hasQueue: (inboxId: string) => inboxTeams.has(inboxId),
    /** An inbox's record (its team, channel and routing settings). */
    inbox: (inboxId: string) => inboxes.get(inboxId),
  };
}
