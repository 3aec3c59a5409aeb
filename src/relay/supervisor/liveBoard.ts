import type { AgentState, AwayReason } from '../../shared/agentState';
import type { Change } from '../../shared/sync/entities';
import type { SupervisorBoard } from '../../shared/supervisor';
import { DEFAULT_SERVICE_LEVEL_SEC, type Targets } from '../data/reportQueries';
import { agentsFor, queuesFor } from './boardDraw';
import {
  agentLive,
  inScope,
  loadBoard,
  loadDirectory,
  newBoardModel,
  observe,
  readNames,
  readsSettled,
  renamed,
  rollDay,
  type BoardDeps,
  type BoardModel,
  type BoardScope,
} from './boardModel';
import { iso, localMidnight } from './convLive';

export type { BoardScope };

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

/**
 * Takes fanned-out changes: conversations, customers' names, and the directory (read again, once
 * for the lot) when people, teams or inboxes change. Says whether the board may have changed.
 */
function takeChanges(m: BoardModel, changes: readonly Change[]): boolean {
  const at = m.d.now();
  let changed = false;
  let directory = false;
  for (const c of changes) {
    if (c.entity === 'conversation') {
      observe(m, c.id, c.deleted ? null : c.data, at);
      changed = true;
    } else if (c.entity === 'agent' || c.entity === 'team' || c.entity === 'inbox') {
      directory = changed = true;
    } else if (c.entity === 'customer' && renamed(m, c)) changed = true;
  }
  if (directory) reloadDirectory(m);
  return changed;
}

/** Reads the directory again (a draw waits for it); a failed read is logged, the old one kept. */
function reloadDirectory(m: BoardModel): Promise<void> {
  return loadDirectory(m).then(
    () => undefined,
    (err: unknown) => m.d.log.error({ err }, 'supervisor board: could not read the directory'),
  );
}

/** Where the board is: `ready` once the start's load is over; `early` the changes heard before. */
type Loading = { ready: boolean; early: Change[]; loaded: Promise<void>; done: () => void };

/**
 * The start's load; changes heard meanwhile are taken after it, each conversation's only when
 * newer than what the load read. The board is ready after it even when it failed (it then
 * lacks what it could not read); the failure is rethrown for the caller to tell.
 */
async function load(m: BoardModel, l: Loading): Promise<void> {
  let read = new Map<string, number>();
  try {
    read = await loadBoard(m);
  } finally {
    l.ready = true;
    const newer = l.early
      .splice(0)
      .filter((c) => c.entity !== 'conversation' || (read.get(c.id) ?? -1) < c.seq);
    takeChanges(m, newer);
    l.done();
  }
}

/** Draws one scope's board from memory, once every customer on it has a name read. */
async function drawn(m: BoardModel, scope: BoardScope): Promise<Omit<SupervisorBoard, 'at'>> {
  for (let pass = 1; ; pass++) {
    m.unnamed.clear();
    const now = m.d.now();
    const board = {
      dayStart: iso(m.dayStart),
      all: scope.all,
      teams: teamsIn(m, scope),
      agents: agentsFor(m, scope),
      queues: queuesFor(m, scope, now),
      atRiskMs: m.atRiskMs,
    };
    // A name read meanwhile may bring new conversations (and customers) along: a few passes at most.
    if (m.unnamed.size === 0 || pass === 3) return board;
    await readNames(m, m.unnamed);
  }
}

const teamsIn = (m: BoardModel, scope: BoardScope) => m.teams.filter((t) => inScope(scope, [t.id]));

/** The board scope of a person as the board's directory has them: admins all, supervisors their teams. */
function scopeOf(m: BoardModel, agentId: string): BoardScope | null {
  const p = m.everyone.get(agentId);
  if (!p || p.disabled) return null;
  if (p.role === 'admin') return { all: true };
  if (p.role === 'supervisor') return { all: false, teamIds: new Set(p.teams.map((t) => t.id)) };
  return null;
}

/**
 * The relay's live model of what supervisors watch: agents' presence (told by the sync hub),
 * conversations as they change (every fanned-out change), the directory, and the day's marks
 * (answered, resolved, abandoned), rebuilt from the store and today's field history at start
 * (`load`, asynchronous: no board is drawn before it is over). `boardFor` draws one scope's board
 * from memory (reading only the names of customers it has not seen yet), so a change reaches a
 * wallboard in a turn of the loop.
 * [serviceLevelSec=DEFAULT_SERVICE_LEVEL_SEC] [slaAtRiskMs=900000] [dayStartOf=local midnight]
 */
export function createLiveBoard(d: BoardDeps & { options?: LiveBoardOptions }) {
  const m = newBoardModel(d, {
    targets: d.options?.serviceLevelSec ?? DEFAULT_SERVICE_LEVEL_SEC,
    atRiskMs: d.options?.slaAtRiskMs ?? 15 * 60_000,
    dayStartOf: d.options?.dayStartOf ?? localMidnight,
  });
  let done!: () => void;
  const loaded = new Promise<void>((resolve) => (done = resolve));
  const l: Loading = { ready: false, early: [], loaded, done };
  /** The load is over and the reads under way too (a directory read after a change). */
  const current = async () => {
    await l.loaded;
    await readsSettled(m);
  };

  return {
    /** Rebuilds the board from the store (once, at start); rejects when a read failed (it is ready anyway). */
    load: () => load(m, l),
    /** Resolves once the start's load is over (never rejects). */
    loaded: () => l.loaded,
    /** Whether the start's load is over. */
    ready: () => l.ready,
    /** Every fanned-out change: conversations, and the directory when people, teams or inboxes change. */
    onChanges(changes: readonly Change[]): boolean {
      if (l.ready) return takeChanges(m, changes);
      l.early.push(...changes);
      return false;
    },
    /** Reads the directory again (a person's role or teams changed); resolves once it is read. */
    reloadDirectory: () => reloadDirectory(m),
    /** Resolves once the load and the directory reads under way are over. */
    current,
    /** The scope `agentId` watches with, from the board's directory; null: they may not watch. */
    scopeOf: (agentId: string): BoardScope | null => scopeOf(m, agentId),
    /** The teams a scope's board names. */
    teamsIn: (scope: BoardScope) => teamsIn(m, scope),
    /** A new state or away reason; a new reason is a new status, so its time restarts (as in the app). */
    setPresence(agentId: string, state: AgentState, reason: AwayReason | null = null): boolean {
      const a = agentLive(m, agentId);
      const r = state === 'away' ? reason : null;
      if (a.state === state && a.reason === r) return false;
      a.state = state;
      a.reason = r;
      a.since = d.now();
      return true;
    },
    connected(agentId: string): void {
      const a = agentLive(m, agentId);
      a.connected = true;
      a.disconnectedSince = null;
    },
    disconnected(agentId: string): void {
      const a = agentLive(m, agentId);
      a.connected = false;
      a.disconnectedSince = d.now();
    },
    isConnected: (agentId: string) => m.agents.get(agentId)?.connected ?? false,
    rollDay: (now: number) => rollDay(m, now),
    /** The board of one scope now, from memory, once the load and the reads under way are over. */
    async boardFor(scope: BoardScope): Promise<Omit<SupervisorBoard, 'at'>> {
      await current();
      return drawn(m, scope);
    },
  };
}

export type LiveBoard = ReturnType<typeof createLiveBoard>;
