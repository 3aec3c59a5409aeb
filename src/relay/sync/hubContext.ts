import { RELAY_CLOSE, RELAY_ERR } from '../../shared/sync/protocol';
import type { AgentState, AwayReason } from '../../shared/agentState';
import type { Auth } from '../identity/auth';
import { guarded } from '../core/guard';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { ResolvedOptions } from '../options';
import type { AsyncStoreReads } from '../data/asyncStore';
import type { IdentityReads } from '../data/identityData';
import { startCatchUp, type CatchUpDeps } from './catchUp';
import { shut, type Conn } from './connection';
import { createFanOut, type FanOut } from './fanout';
import { createGroupCommit, type GroupCommit } from './groupCommit';
import type { Pusher } from './push';

// The state the sync hub's parts share: the open connections, which agents have one, the hooks
// of routing and the supervisor's board, the listeners of agents' frames, the group commit of
// pushes and the heartbeat. The frames a client sends are handled in clientFrames.ts; hub.ts wires.

export type HubDeps = {
  /** The store's reads (catch-up, welcome, fan-out); pushes write through the pusher's transactions. */
  store: AsyncStoreReads;
  auth: Auth;
  /** The directory a connection's viewer and welcome are read from. */
  identity: Pick<IdentityReads, 'agentById' | 'teamIdsOf'>;
  pusher: Pusher;
  metrics: Metrics;
  log: Logger;
  o: ResolvedOptions;
};

/** What the hub tells the supervisor's live board: presence as apps state it, and board watches. */
export type SupervisionHooks = {
  connected(agentId: string): void;
  /** The agent's last connection closed. */
  disconnected(agentId: string): void;
  /** The state the agent's app told, with its away reason (validated against AWAY_REASONS) or null. */
  presence(agentId: string, state: AgentState, reason: AwayReason | null): void;
  /** Starts or stops a watch; false when the person may not watch. */
  watch(w: { agentId: string; send(text: string): void }, on: boolean): boolean;
  /** The watching connection closed. */
  gone(w: { agentId: string; send(text: string): void }): void;
  /** The person's role or teams changed: their watches are narrowed or ended at once. */
  rescoped(agentId: string): void;
};

/** What the hub tells routing: who is connected, their presence, their answers to offers. */
export type RoutingHooks = {
  agentConnected(agentId: string): void;
  agentDisconnected(agentId: string): void;
  setPresence(agentId: string, state: AgentState): void;
  reply(agentId: string, offerId: string, accept: boolean): boolean;
  /** The agent saw what moved from them while they were offline, up to `upTo`. */
  movedSeen(agentId: string, upTo: string): void;
};

export type AgentListeners = {
  typing: ((agentId: string, conversationId: string, on: boolean) => void)[];
  read: ((agentId: string, conversationId: string) => void)[];
};

export type HubContext = HubDeps & {
  conns: Set<Conn>;
  /** Open connections per agent that said hello (an agent may have several apps). */
  connectedAgents: Map<string, number>;
  // Routing is created after the hub (it sends through it): attached by the server's wiring.
  routing: RoutingHooks | null;
  supervision: SupervisionHooks | null;
  listeners: AgentListeners;
  catchUpDeps: CatchUpDeps;
  fanout: FanOut;
  pushes: GroupCommit;
  heartbeat: NodeJS.Timeout;
};

/** The hub's shared state; starts the heartbeat (every `o.heartbeatMs`, unref'd); `replay` handles deferred frames. */
export function createHubContext(d: HubDeps, replay: (c: Conn, text: string) => void): HubContext {
  const { store, log, o } = d;
  const conns = new Set<Conn>();
  const told = () => fanout.told();
  const catchUpDeps: CatchUpDeps = { store, metrics: d.metrics, log, pageSize: o.pageSize, told };
  const fanout = createFanOut({ store, conns, log, restart: (c) => startCatchUp(catchUpDeps, c) });
  const pushes = createGroupCommit({
    pusher: d.pusher,
    metrics: d.metrics,
    log,
    fannedOut: () => fanout.settled(),
    replay,
  });
  const heartbeat = setInterval(
    guarded(log, 'sync heartbeat', () => beat(conns, o.now())),
    o.heartbeatMs,
  );
  heartbeat.unref();
  return {
    ...d,
    conns,
    connectedAgents: new Map<string, number>(),
    routing: null,
    supervision: null,
    listeners: { typing: [], read: [] },
    catchUpDeps,
    fanout,
    pushes,
    heartbeat,
  };
}

/** Counts a connection of the agent that said hello, and tells routing and the board. */
export function agentJoined(ctx: HubContext, agentId: string): void {
  ctx.connectedAgents.set(agentId, (ctx.connectedAgents.get(agentId) ?? 0) + 1);
  ctx.routing?.agentConnected(agentId);
  ctx.supervision?.connected(agentId);
}

/** Forgets a closed connection; when it was its agent's last, tells routing and the board. */
export function connClosed(ctx: HubContext, c: Conn): void {
  const { connectedAgents, log } = ctx;
  c.gen += 1;
  ctx.conns.delete(c);
  ctx.metrics.connections -= 1;
  if (c.watcher) ctx.supervision?.gone(c.watcher);
  const agentId = c.principal?.agentId;
  if (!agentId) return;
  const left = (connectedAgents.get(agentId) ?? 1) - 1;
  if (left > 0) return void connectedAgents.set(agentId, left);
  connectedAgents.delete(agentId);
  // A routing failure here must not escape the socket's close event (it would stop the relay).
  guarded(log, 'routing on disconnect', () => ctx.routing?.agentDisconnected(agentId))();
  guarded(log, 'board on disconnect', () => ctx.supervision?.disconnected(agentId))();
}

/**
 * One heartbeat: a connection whose access token expired is told and closed (4401) unless it
 * re-authenticated; one that missed the last ping is terminated; the others are pinged.
 */
function beat(conns: Iterable<Conn>, now: number): void {
  for (const c of conns) {
    if (c.principal && c.principal.expiresAt <= now) {
      shut(
        c,
        RELAY_ERR.TOKEN_EXPIRED,
        'The access token expired; refresh it and reconnect.',
        RELAY_CLOSE.UNAUTHORIZED,
      );
      continue;
    }
    if (!c.alive) {
      c.ws.terminate();
      continue;
    }
    c.alive = false;
    c.ws.ping();
  }
}
