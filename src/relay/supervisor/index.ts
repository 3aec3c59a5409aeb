import type { AgentState, AwayReason } from '../../shared/agentState';
import type { Change } from '../../shared/sync/entities';
import type { ServerFrame } from '../../shared/sync/protocol';
import type { SupervisorBoard } from '../../shared/supervisor';
import type { Principal } from '../identity/auth';
import type { IdentityData } from '../data/identityData';
import type { SupervisorData } from '../data/supervisorData';
import { guarded } from '../core/guard';
import { createBoardWatch, type BoardWatchOptions } from './boardWatch';
import { createLiveBoard, type BoardScope, type LiveBoardOptions } from './liveBoard';
import { createSupervisorActionsHttp } from './actionsHttp';
import type { TeamScopedDeps } from '../http/teamScopedRoute';

/** `startRelay({ supervisor })`: the live board's limits and targets (defaults in each type). */
export type SupervisorOptions = LiveBoardOptions & BoardWatchOptions;

/** The team-scoped routes' deps, on the asynchronous store only (no synchronous Store or accounts). */
export type SupervisionDeps = Omit<TeamScopedDeps, 'store' | 'accounts'> & {
  /** The directory's tables (people, teams, inboxes, devices), and the actions' transactions. */
  identity: IdentityData;
  /** The board's reads at start (its conversations, the day's field history). */
  data: SupervisorData;
  /** Routing's view of presence: a supervisor's status change must reach it as the app's would. */
  routingPresence: (agentId: string, state: AgentState) => void;
  isConnected: (agentId: string) => boolean;
  sendToAgent: (agentId: string, frame: ServerFrame) => void;
  options?: SupervisorOptions;
};

/**
 * The supervisor room: the live board (computed here, on the relay, for each watcher's scope),
 * its pushes over the sync socket, and the supervisor's actions over HTTP. The hub feeds it
 * presence and watches (SupervisionHooks) and every fanned-out change (`onChanges`). The board
 * is loaded from the store asynchronously: `loaded()` resolves once it is (the relay listens after
 * it), and nothing draws a board before.
 */
export function createSupervision(d: SupervisionDeps) {
  const board = createLiveBoard({
    records: d.asyncStore,
    identity: d.identity,
    data: d.data,
    log: d.log,
    now: d.now,
    ...(d.options ? { options: d.options } : {}),
  });
  board.load().catch((err: unknown) => {
    // The relay serves without the day's earlier figures rather than not at all.
    d.log.error({ err }, 'supervisor board: could not rebuild the day from the store');
  });
  const watch = createBoardWatch({
    board,
    log: d.log,
    now: d.now,
    ...(d.options ? { options: d.options } : {}),
  });
  const presence = (agentId: string, state: AgentState, reason: AwayReason | null) => {
    if (board.setPresence(agentId, state, reason)) watch.changed();
  };
  const scopeOf = async (p: Principal): Promise<BoardScope> =>
    p.role === 'admin'
      ? { all: true }
      : { all: false, teamIds: new Set(await d.directory.teamIdsOf(p.agentId)) };
  const handle = createSupervisorActionsHttp({
    asyncStore: d.asyncStore,
    auth: d.auth,
    directory: d.directory,
    identity: d.identity,
    audit: d.audit,
    relayClock: d.relayClock,
    log: d.log,
    now: d.now,
    setPresence: (agentId, state) => {
      d.routingPresence(agentId, state);
      // A supervisor sets a state without a reason: the agent's own reason no longer holds.
      presence(agentId, state, null);
    },
    isConnected: d.isConnected,
    sendToAgent: d.sendToAgent,
    boardOf: async (p): Promise<SupervisorBoard> => {
      const drawn = await board.boardFor(await scopeOf(p));
      return { at: new Date(d.now()).toISOString(), ...drawn };
    },
  });

  // The board is a view: a failure in it is logged and never reaches the sync frame, the write
  // or the routing that told it.
  const safe = <A extends unknown[]>(what: string, fn: (...args: A) => unknown) =>
    guarded(d.log, `supervisor board: ${what}`, fn);
  return {
    /** The hub's hooks (SupervisionHooks). */
    hooks: {
      connected: safe('connect', (agentId: string) => {
        board.connected(agentId);
        watch.changed();
      }),
      disconnected: safe('disconnect', (agentId: string) => {
        board.disconnected(agentId);
        watch.changed();
      }),
      presence: safe('presence', presence),
      watch: watch.watch,
      gone: watch.gone,
      rescoped: safe('rescope', watch.rescoped),
    },
    onChanges: safe('changes', (changes: readonly Change[]) => {
      if (board.onChanges(changes)) watch.changed();
    }),
    handle,
    /** Resolves once the board is loaded from the store (never rejects). */
    loaded: () => board.loaded(),
    close: () => watch.close(),
  };
}
