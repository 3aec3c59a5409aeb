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

/** Takes every fanned-out change: conversations, and the directory when people, teams or inboxes change. */
function takeChanges(m: BoardModel, changes: readonly Change[]): boolean {
  const at = m.d.now();
  let changed = false;
  for (const c of changes) {
    if (c.entity === 'conversation') {
      observe(m, c.id, c.deleted ? null : c.data, at);
      changed = true;
    } else if (c.entity === 'agent' || c.entity === 'team' || c.entity === 'inbox') {
      loadDirectory(m);
      changed = true;
    } else if (c.entity === 'customer' && c.data && m.customerNames.has(c.id)) {
      m.customerNames.set(c.id, typeof c.data['name'] === 'string' ? c.data['name'] : '');
      changed = true;
    }
  }
  return changed;
}

/**
 * The relay's live model of what supervisors watch: agents' presence (told by the sync hub),
 * conversations as they change (every fanned-out change), and the day's marks (answered, resolved,
 * abandoned), rebuilt from the store and today's field history at start. `boardFor` draws one
 * scope's board from memory, with no query, so a change reaches a wallboard in a turn of the loop.
 * [serviceLevelSec=DEFAULT_SERVICE_LEVEL_SEC] [slaAtRiskMs=900000] [dayStartOf=local midnight]
 */
export function createLiveBoard(d: BoardDeps & { options?: LiveBoardOptions }) {
  const m = newBoardModel(d, {
    targets: d.options?.serviceLevelSec ?? DEFAULT_SERVICE_LEVEL_SEC,
    atRiskMs: d.options?.slaAtRiskMs ?? 15 * 60_000,
    dayStartOf: d.options?.dayStartOf ?? localMidnight,
  });

  return {
    load: () => loadBoard(m),
    /** Every fanned-out change: conversations, and the directory when people, teams or inboxes change. */
    onChanges: (changes: readonly Change[]): boolean => takeChanges(m, changes),
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
    /** The board of one scope now, from memory. */
    boardFor(scope: BoardScope): Omit<SupervisorBoard, 'at'> {
      const now = d.now();
      const teams = d.accounts.teams().filter((t) => inScope(scope, [t.id]));
      return {
        dayStart: iso(m.dayStart),
        all: scope.all,
        teams,
        agents: agentsFor(m, scope),
        queues: queuesFor(m, scope, now),
        atRiskMs: m.atRiskMs,
      };
    },
  };
}

export type LiveBoard = ReturnType<typeof createLiveBoard>;
