import type { Change, Channel } from '../../shared/sync/entities';
import type { Logger } from '../core/logger';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { IdentityReads, TeamRow } from '../data/identityData';
import type { SupervisorData } from '../data/supervisorData';
import type { Targets } from '../data/reportQueries';
import { people, type Person } from '../identity/accountWrites';
import { dayFiguresFromHistory } from './dayHistory';
import { iso, leftUnanswered, nextConv, time, type AgentLive, type ConvLive } from './convLive';

// What the live board holds in memory and how the store and a new day move it; drawn by boardDraw.ts.

export type BoardScope = { all: true } | { all: false; teamIds: ReadonlySet<string> };

export type BoardInbox = { id: string; name: string; channel: Channel; team_id: string };

export type BoardDeps = {
  /** Single records: a customer's name, a conversation the day's history names. */
  records: Pick<AsyncStoreReads, 'get'>;
  /** The directory: people and their teams, teams, inboxes, devices (when each agent was last seen). */
  identity: Pick<IdentityReads, 'agents' | 'memberships' | 'teams' | 'inboxes' | 'devices'>;
  /** The board's own reads: the conversations it keeps and the day's field history. */
  data: SupervisorData;
  log: Logger;
  now: () => number;
};

/** The live board's memory: the directory, the conversations, the agents and the day. */
export type BoardModel = {
  d: BoardDeps;
  targets: Targets;
  atRiskMs: number;
  dayStartOf: (ms: number) => number;
  startedAt: number;
  dayStart: number;
  convs: Map<string, ConvLive>;
  agents: Map<string, AgentLive>;
  customerNames: Map<string, string>;
  /** Customers a draw named without knowing their name yet (liveBoard.ts reads them and draws again). */
  unnamed: Set<string>;
  /** Customers whose name is being read (a change to one meanwhile wins over the read). */
  naming: Set<string>;
  /** Everyone in the directory, disabled too (whose scope is what: boardWatch.ts). */
  everyone: Map<string, Person>;
  /** The people the board shows: everyone not disabled, by name. */
  people: Person[];
  teams: TeamRow[];
  inboxes: BoardInbox[];
  /** Directory reads asked and the newest one taken, so an older read never overwrites a newer. */
  directoryAsked: number;
  directoryTaken: number;
  /** Reads under way that a draw waits for (the directory's). */
  pending: Set<Promise<unknown>>;
};

/** An empty model of a board started now (nothing loaded yet). */
export function newBoardModel(
  d: BoardDeps,
  o: { targets: Targets; atRiskMs: number; dayStartOf: (ms: number) => number },
): BoardModel {
  const startedAt = d.now();
  return {
    d,
    ...o,
    startedAt,
    dayStart: o.dayStartOf(startedAt),
    convs: new Map(),
    agents: new Map(),
    customerNames: new Map(),
    unnamed: new Set(),
    naming: new Set(),
    everyone: new Map(),
    people: [],
    teams: [],
    inboxes: [],
    directoryAsked: 0,
    directoryTaken: 0,
    pending: new Set(),
  };
}

export const inScope = (scope: BoardScope, teamIds: readonly (string | null)[]) =>
  scope.all || teamIds.some((t) => t !== null && scope.teamIds.has(t));

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Reads the directory (people, teams, inboxes) again; a draw waits for it. Of reads that overlap,
 * the last one asked is the one kept. Resolves to whether this read was kept.
 */
export function loadDirectory(m: BoardModel): Promise<boolean> {
  const asked = ++m.directoryAsked;
  const read = (async () => {
    const [everyone, teams, inboxes] = await Promise.all([
      people(m.d.identity),
      m.d.identity.teams(),
      m.d.identity.inboxes(),
    ]);
    if (asked < m.directoryTaken) return false;
    m.directoryTaken = asked;
    m.everyone = new Map(everyone.map((p) => [p.id, p]));
    m.people = everyone.filter((p) => !p.disabled);
    m.teams = teams;
    m.inboxes = [...inboxes].sort(byName);
    return true;
  })();
  m.pending.add(read);
  void read.then(
    () => m.pending.delete(read),
    () => m.pending.delete(read),
  );
  return read;
}

/** Resolves once the reads under way (and those they asked) are over, whatever their outcome. */
export async function readsSettled(m: BoardModel): Promise<void> {
  while (m.pending.size > 0) await Promise.allSettled([...m.pending]);
}

/** A customer's name as kept; one never read is '' and noted in `unnamed` (read it: readNames). */
export function customerName(m: BoardModel, id: string): string {
  const n = m.customerNames.get(id);
  if (n === undefined) m.unnamed.add(id);
  return n ?? '';
}

/** Reads the names of these customers once and keeps them (a change to the customer updates it). */
export async function readNames(m: BoardModel, ids: Iterable<string>): Promise<void> {
  const wanted = [...new Set(ids)].filter((id) => !m.customerNames.has(id) && !m.naming.has(id));
  for (const id of wanted) m.naming.add(id);
  try {
    const recs = await Promise.all(wanted.map((id) => m.d.records.get('customer', id)));
    wanted.forEach((id, i) => {
      const name = recs[i]?.data['name'];
      if (!m.customerNames.has(id)) m.customerNames.set(id, typeof name === 'string' ? name : '');
    });
  } finally {
    for (const id of wanted) m.naming.delete(id);
  }
}

/** A customer's change: its new name, when the board keeps it (or is reading it). */
export function renamed(m: BoardModel, c: Change): boolean {
  if (!c.data || !(m.customerNames.has(c.id) || m.naming.has(c.id))) return false;
  m.customerNames.set(c.id, typeof c.data['name'] === 'string' ? c.data['name'] : '');
  return true;
}

/** Takes a conversation's new state; marks the day's events the relay sees happen now. */
export function observe(m: BoardModel, id: string, data: Record<string, unknown> | null, at: number): void {
  if (!data) return void m.convs.delete(id);
  m.convs.set(id, nextConv(m.convs.get(id), id, data, at));
}

/** An agent's live state, offline since the board started when it has none yet. */
export function agentLive(m: BoardModel, id: string): AgentLive {
  let a = m.agents.get(id);
  if (!a) {
    a = { state: 'offline', reason: null, since: m.startedAt, connected: false, disconnectedSince: null };
    m.agents.set(id, a);
  }
  return a;
}

/**
 * Rebuilds the model: the directory, open conversations, today's, and today's marks from field
 * history. Resolves to the log position of each conversation it read, so a change heard while it
 * read is taken only when it is newer.
 */
export async function loadBoard(m: BoardModel): Promise<Map<string, number>> {
  const [, rows, marks, devices] = await Promise.all([
    loadDirectory(m),
    m.d.data.boardConversations(iso(m.dayStart)),
    dayFiguresFromHistory(m.d.data, m.dayStart),
    m.d.identity.devices(null),
  ]);
  const seen = new Set(rows.map((r) => r.id));
  const more = [...marks.keys()].filter((id) => !seen.has(id));
  const recs = await Promise.all(more.map((id) => m.d.records.get('conversation', id)));
  for (const rec of recs) if (rec && !rec.deleted) rows.push({ id: rec.id, seq: rec.seq, data: rec.data });
  m.convs.clear();
  for (const r of rows) {
    observe(m, r.id, r.data, time(r.data['createdAt']) ?? m.d.now());
    const c = m.convs.get(r.id)!;
    const mark = marks.get(r.id);
    // What history says wins over what a first sight guessed (it was seen when it happened).
    if (mark) Object.assign(c, mark);
    else if (c.createdAt < m.dayStart) c.queued = false;
    if (leftUnanswered(c)) c.abandoned = true;
  }
  for (const [agentId, seen] of lastSeen(devices))
    if (!m.agents.has(agentId))
      m.agents.set(agentId, {
        state: 'offline',
        reason: null,
        since: seen,
        connected: false,
        disconnectedSince: seen,
      });
  return new Map(rows.map((r) => [r.id, r.seq]));
}

/** When each agent was last seen on any of their devices. */
function lastSeen(devices: readonly { agent_id: string; last_seen_at: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of devices) out.set(d.agent_id, Math.max(out.get(d.agent_id) ?? -Infinity, d.last_seen_at));
  return out;
}

/** A new day: yesterday's resolved conversations leave the model, the day's figures restart. */
export function rollDay(m: BoardModel, now: number): boolean {
  const start = m.dayStartOf(now);
  if (start === m.dayStart) return false;
  m.dayStart = start;
  for (const [id, c] of m.convs) {
    if (c.status === 'resolved') m.convs.delete(id);
    else
      Object.assign(c, {
        queued: false,
        answeredAt: null,
        resolvedAt: null,
        resolvedBy: null,
        abandoned: false,
        callEndedBy: null,
      });
  }
  return true;
}
