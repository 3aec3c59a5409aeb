import type { AgentState, AwayReason } from '../../shared/agentState';
import type { Change, Channel } from '../../shared/sync/entities';
import type { BoardAgent, BoardCall, BoardChat, BoardQueue, SupervisorBoard } from '../../shared/supervisor';
import type { Accounts, Person } from '../identity/accounts';
import type { Database } from '../data/db';
import type { Store } from '../data/store';
import { workKindOf } from '../routing/types';
import { DEFAULT_SERVICE_LEVEL_SEC, type Targets } from '../data/reportQueries';
import { dayFiguresFromHistory } from './dayHistory';
import {
  isWaiting,
  iso,
  leftUnanswered,
  LIVE_CALL,
  localMidnight,
  nextConv,
  time,
  type AgentLive,
  type CallLive,
  type ConvLive,
} from './convLive';

export type LiveBoardOptions = {
  /**
   * Service level targets by channel, in seconds: a customer answered within it counts as in
   * target; a queue of a channel without one has no service level. Default the reports' own
   * (DEFAULT_SERVICE_LEVEL_SEC: calls 20 s, web chat 60 s), so the wallboard and the reports agree.
   */
  serviceLevelSec?: Targets;
  /** A conversation due within this many ms of its SLA due time counts as at risk. Default 15 min. */
  slaAtRiskMs?: number;
  /** Start of the day that holds `ms` (the "today" figures). Default: midnight in the relay's time zone. */
  dayStartOf?: (ms: number) => number;
};

export type BoardScope = { all: true } | { all: false; teamIds: ReadonlySet<string> };

/**
 * The relay's live model of what supervisors watch: agents' presence (told by the sync hub),
 * conversations as they change (every fanned-out change), and the day's marks (answered, resolved,
 * abandoned), rebuilt from the store and today's field history at start. `boardFor` draws one
 * scope's board from memory, with no query, so a change reaches a wallboard in a turn of the loop.
 * [serviceLevelSec=DEFAULT_SERVICE_LEVEL_SEC] [slaAtRiskMs=900000] [dayStartOf=local midnight]
 */
export function createLiveBoard(d: {
  db: Database;
  store: Store;
  accounts: Accounts;
  now: () => number;
  options?: LiveBoardOptions;
}) {
  const targets = d.options?.serviceLevelSec ?? DEFAULT_SERVICE_LEVEL_SEC;
  const atRiskMs = d.options?.slaAtRiskMs ?? 15 * 60_000;
  const dayStartOf = d.options?.dayStartOf ?? localMidnight;
  const startedAt = d.now();
  let dayStart = dayStartOf(startedAt);
  const convs = new Map<string, ConvLive>();
  const agents = new Map<string, AgentLive>();
  const customerNames = new Map<string, string>();
  let people: Person[] = [];
  let inboxes: { id: string; name: string; channel: Channel; team_id: string }[] = [];
  const inboxRows = d.db.prepare<[], { id: string; name: string; channel: Channel; team_id: string }>(
    'SELECT id, name, channel, team_id FROM inboxes ORDER BY name',
  );
  const lastSeen = d.db.prepare<[], { agent_id: string; seen: number }>(
    'SELECT agent_id, max(last_seen_at) AS seen FROM devices GROUP BY agent_id',
  );

  function loadDirectory(): void {
    people = d.accounts.directoryPeople().filter((p) => !p.disabled);
    inboxes = inboxRows.all();
  }

  function customerName(id: string): string {
    let n = customerNames.get(id);
    if (n === undefined) {
      const name = d.store.get('customer', id)?.data['name'];
      n = typeof name === 'string' ? name : '';
      customerNames.set(id, n);
    }
    return n;
  }

  /** Takes a conversation's new state; marks the day's events the relay sees happen now. */
  function observe(id: string, data: Record<string, unknown> | null, at: number): void {
    if (!data) return void convs.delete(id);
    convs.set(id, nextConv(convs.get(id), id, data, at));
  }

  /** Rebuilds the model: open conversations, today's, and today's marks from field history. */
  function load(): void {
    loadDirectory();
    convs.clear();
    const rows = d.db
      .prepare<[string], { id: string; data: string }>(
        `SELECT id, data FROM records WHERE entity = 'conversation' AND deleted = 0
           AND (json_extract(data, '$.status') <> 'resolved' OR json_extract(data, '$.createdAt') >= ?)`,
      )
      .all(iso(dayStart));
    const marks = dayFiguresFromHistory(d.db, dayStart);
    const seen = new Set(rows.map((r) => r.id));
    const more = [...marks.keys()].filter((id) => !seen.has(id));
    for (const id of more) {
      const rec = d.store.get('conversation', id);
      if (rec && !rec.deleted) rows.push({ id, data: JSON.stringify(rec.data) });
    }
    for (const r of rows) {
      const data = JSON.parse(r.data) as Record<string, unknown>;
      observe(r.id, data, time(data['createdAt']) ?? d.now());
      const c = convs.get(r.id)!;
      const m = marks.get(r.id);
      // What history says wins over what a first sight guessed (it was seen when it happened).
      if (m) Object.assign(c, m);
      else if (c.createdAt < dayStart) c.queued = false;
      if (leftUnanswered(c)) c.abandoned = true;
    }
    for (const r of lastSeen.all())
      if (!agents.has(r.agent_id))
        agents.set(r.agent_id, {
          state: 'offline',
          reason: null,
          since: r.seen,
          connected: false,
          disconnectedSince: r.seen,
        });
  }

  function agentLive(id: string): AgentLive {
    let a = agents.get(id);
    if (!a) {
      a = { state: 'offline', reason: null, since: startedAt, connected: false, disconnectedSince: null };
      agents.set(id, a);
    }
    return a;
  }

  /** A new day: yesterday's resolved conversations leave the model, the day's figures restart. */
  function rollDay(now: number): boolean {
    const start = dayStartOf(now);
    if (start === dayStart) return false;
    dayStart = start;
    for (const [id, c] of convs) {
      if (c.status === 'resolved') convs.delete(id);
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

  const inScope = (scope: BoardScope, teamIds: readonly (string | null)[]) =>
    scope.all || teamIds.some((t) => t !== null && scope.teamIds.has(t));

  function agentsFor(scope: BoardScope): BoardAgent[] {
    const shown = people.filter(
      (p) =>
        p.role !== 'admin' &&
        inScope(
          scope,
          p.teams.map((t) => t.id),
        ),
    );
    const byId = new Map<string, BoardAgent>();
    for (const p of shown) {
      const a = agentLive(p.id);
      byId.set(p.id, {
        id: p.id,
        name: p.name,
        role: p.role,
        teamIds: p.teams.map((t) => t.id),
        state: a.state,
        reason: a.reason,
        stateSince: iso(a.since),
        connected: a.connected,
        disconnectedSince: a.connected || a.disconnectedSince === null ? null : iso(a.disconnectedSince),
        calls: [],
        chats: [],
        openEmails: 0,
        handledToday: 0,
      });
    }
    const handled = new Map<string, Set<string>>();
    const mark = (agentId: string | null, convId: string) => {
      if (!agentId || !byId.has(agentId)) return;
      const s = handled.get(agentId) ?? new Set<string>();
      s.add(convId);
      handled.set(agentId, s);
    };
    for (const c of convs.values()) {
      if (c.resolvedAt !== null && c.resolvedAt >= dayStart) mark(c.resolvedBy, c.id);
      if (c.callEndedBy) mark(c.callEndedBy, c.id);
      if (c.status === 'resolved') continue;
      const call = c.channel === 'voice' ? c.call : null;
      if (call && LIVE_CALL.has(call.state)) {
        const who =
          call.state === 'offered' || call.state === 'ringing'
            ? call.offeredTo
            : (call.agentId ?? c.assigneeId);
        const a = who ? byId.get(who) : undefined;
        if (a) a.calls.push(boardCall(c, call));
        continue;
      }
      const a = c.assigneeId ? byId.get(c.assigneeId) : undefined;
      if (!a || c.channel === 'voice') continue;
      if (workKindOf(c.channel) === 'chat') a.chats.push(boardChat(c));
      else a.openEmails += 1;
    }
    for (const [id, s] of handled) byId.get(id)!.handledToday = s.size;
    return [...byId.values()];
  }

  function boardCall(c: ConvLive, call: CallLive): BoardCall {
    const ringing = call.state === 'offered' || call.state === 'ringing';
    return {
      conversationId: c.id,
      customerName: customerName(c.customerId),
      state: ringing ? 'ringing' : call.state === 'held' ? 'held' : 'talking',
      since: iso(ringing ? call.at : (c.answeredAt ?? call.at)),
      heldSince: call.state === 'held' ? iso(call.at) : null,
    };
  }

  function boardChat(c: ConvLive): BoardChat {
    return {
      conversationId: c.id,
      customerName: customerName(c.customerId),
      channel: c.channel,
      subject: c.subject,
      since: iso(c.assignedAt ?? c.createdAt),
    };
  }

  function queuesFor(scope: BoardScope, now: number): BoardQueue[] {
    const byInbox = new Map<string, BoardQueue>();
    for (const i of inboxes) {
      if (!inScope(scope, [i.team_id])) continue;
      const sec = targets[i.channel];
      byInbox.set(i.id, {
        inboxId: i.id,
        name: i.name,
        channel: i.channel,
        teamId: i.team_id,
        waiting: 0,
        longestWaitSince: null,
        offeredToday: 0,
        answeredToday: 0,
        answeredInTarget: 0,
        abandonedToday: 0,
        serviceLevel: null,
        targetMs: sec === undefined ? null : sec * 1000,
        slaAtRisk: 0,
        slaBreached: 0,
      });
    }
    for (const c of convs.values()) {
      const q = c.inboxId ? byInbox.get(c.inboxId) : undefined;
      if (!q) continue;
      const waitFrom = c.channel === 'voice' && c.call ? c.call.queuedAt : c.createdAt;
      if (c.queued && c.createdAt >= dayStart) {
        q.offeredToday += 1;
        if (c.answeredAt !== null) {
          q.answeredToday += 1;
          if (q.targetMs !== null && c.answeredAt - waitFrom <= q.targetMs) q.answeredInTarget += 1;
        } else if (c.abandoned) q.abandonedToday += 1;
      }
      if (c.status === 'resolved') continue;
      if (isWaiting(c)) {
        q.waiting += 1;
        const since = Math.min(waitFrom, c.assignedAt ?? Infinity);
        if (q.longestWaitSince === null || since < Date.parse(q.longestWaitSince))
          q.longestWaitSince = iso(since);
      }
      if (c.slaDueAt !== null && c.status !== 'snoozed') {
        if (c.slaDueAt <= now) q.slaBreached += 1;
        else if (c.slaDueAt - now <= atRiskMs) q.slaAtRisk += 1;
      }
    }
    for (const q of byInbox.values()) {
      const n = q.answeredToday + q.abandonedToday;
      q.serviceLevel = n === 0 || q.targetMs === null ? null : q.answeredInTarget / n;
    }
    return [...byInbox.values()];
  }

  return {
    load,
    /** Every fanned-out change: conversations, and the directory when people, teams or inboxes change. */
    onChanges(changes: readonly Change[]): boolean {
      const at = d.now();
      let changed = false;
      for (const c of changes) {
        if (c.entity === 'conversation') {
          observe(c.id, c.deleted ? null : c.data, at);
          changed = true;
        } else if (c.entity === 'agent' || c.entity === 'team' || c.entity === 'inbox') {
          loadDirectory();
          changed = true;
        } else if (c.entity === 'customer' && c.data && customerNames.has(c.id)) {
          customerNames.set(c.id, typeof c.data['name'] === 'string' ? c.data['name'] : '');
          changed = true;
        }
      }
      return changed;
    },
    /** A new state or away reason; a new reason is a new status, so its time restarts (as in the app). */
    setPresence(agentId: string, state: AgentState, reason: AwayReason | null = null): boolean {
      const a = agentLive(agentId);
      const r = state === 'away' ? reason : null;
      if (a.state === state && a.reason === r) return false;
      a.state = state;
      a.reason = r;
      a.since = d.now();
      return true;
    },
    connected(agentId: string): void {
      const a = agentLive(agentId);
      a.connected = true;
      a.disconnectedSince = null;
    },
    disconnected(agentId: string): void {
      const a = agentLive(agentId);
      a.connected = false;
      a.disconnectedSince = d.now();
    },
    isConnected: (agentId: string) => agents.get(agentId)?.connected ?? false,
    rollDay,
    /** The board of one scope now, from memory. */
    boardFor(scope: BoardScope): Omit<SupervisorBoard, 'at'> {
      const now = d.now();
      const teams = d.accounts.teams().filter((t) => inScope(scope, [t.id]));
      return {
        dayStart: iso(dayStart),
        all: scope.all,
        teams,
        agents: agentsFor(scope),
        queues: queuesFor(scope, now),
        atRiskMs,
      };
    },
  };
}

export type LiveBoard = ReturnType<typeof createLiveBoard>;
