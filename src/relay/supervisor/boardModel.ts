import type { Channel } from '../../shared/sync/entities';
import type { Accounts, Person } from '../identity/accounts';
import type { Database } from '../data/db';
import type { Store } from '../data/store';
import type { Targets } from '../data/reportQueries';
import { dayFiguresFromHistory } from './dayHistory';
import { iso, leftUnanswered, nextConv, time, type AgentLive, type ConvLive } from './convLive';

// What the live board holds in memory and how the store and a new day move it; drawn by boardDraw.ts.

export type BoardScope = { all: true } | { all: false; teamIds: ReadonlySet<string> };

export type BoardInbox = { id: string; name: string; channel: Channel; team_id: string };

export type BoardDeps = {
  db: Database;
  store: Store;
  accounts: Accounts;
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
  people: Person[];
  inboxes: BoardInbox[];
  q: ReturnType<typeof statements>;
};

function statements(db: Database) {
  return {
    inboxRows: db.prepare<[], BoardInbox>('SELECT id, name, channel, team_id FROM inboxes ORDER BY name'),
    lastSeen: db.prepare<[], { agent_id: string; seen: number }>(
      'SELECT agent_id, max(last_seen_at) AS seen FROM devices GROUP BY agent_id',
    ),
    conversations: db.prepare<[string], { id: string; data: string }>(
      `SELECT id, data FROM records WHERE entity = 'conversation' AND deleted = 0
         AND (json_extract(data, '$.status') <> 'resolved' OR json_extract(data, '$.createdAt') >= ?)`,
    ),
  };
}

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
    people: [],
    inboxes: [],
    q: statements(d.db),
  };
}

export const inScope = (scope: BoardScope, teamIds: readonly (string | null)[]) =>
  scope.all || teamIds.some((t) => t !== null && scope.teamIds.has(t));

export function loadDirectory(m: BoardModel): void {
  m.people = m.d.accounts.directoryPeople().filter((p) => !p.disabled);
  m.inboxes = m.q.inboxRows.all();
}

/** A customer's name, read once and kept (a change to the customer updates it). */
export function customerName(m: BoardModel, id: string): string {
  let n = m.customerNames.get(id);
  if (n === undefined) {
    const name = m.d.store.get('customer', id)?.data['name'];
    n = typeof name === 'string' ? name : '';
    m.customerNames.set(id, n);
  }
  return n;
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

/** Rebuilds the model: open conversations, today's, and today's marks from field history. */
export function loadBoard(m: BoardModel): void {
  loadDirectory(m);
  m.convs.clear();
  const rows = m.q.conversations.all(iso(m.dayStart));
  const marks = dayFiguresFromHistory(m.d.db, m.dayStart);
  const seen = new Set(rows.map((r) => r.id));
  const more = [...marks.keys()].filter((id) => !seen.has(id));
  for (const id of more) {
    const rec = m.d.store.get('conversation', id);
    if (rec && !rec.deleted) rows.push({ id, data: JSON.stringify(rec.data) });
  }
  for (const r of rows) {
    const data = JSON.parse(r.data) as Record<string, unknown>;
    observe(m, r.id, data, time(data['createdAt']) ?? m.d.now());
    const c = m.convs.get(r.id)!;
    const mark = marks.get(r.id);
    // What history says wins over what a first sight guessed (it was seen when it happened).
    if (mark) Object.assign(c, mark);
    else if (c.createdAt < m.dayStart) c.queued = false;
    if (leftUnanswered(c)) c.abandoned = true;
  }
  for (const r of m.q.lastSeen.all())
    if (!m.agents.has(r.agent_id))
      m.agents.set(r.agent_id, {
        state: 'offline',
        reason: null,
        since: r.seen,
        connected: false,
        disconnectedSince: r.seen,
      });
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
