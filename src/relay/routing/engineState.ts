import type { AgentState } from '../../shared/agentState';
import type { AgentConfig, Offer, QueueConfig, WorkItem, WorkKind } from './types';

// The routing engine's runtime state, shared by the engine and its choice of agent.

/** An agent as the engine keeps it: config, presence, and the work counted against them. */
export type AgentRt = {
  cfg: AgentConfig;
  capacity: Record<WorkKind, number>;
  state: AgentState;
  connected: boolean;
  disconnectedAt: number;
  load: Record<WorkKind, number>;
  offered: Record<WorkKind, number>;
  assigned: Set<string>;
  /** Live work (chat, call kinds) assigned while disconnected, whose grace has not yet been judged. */
  away: Set<string>;
  lastOfferAt: number;
};

/** A conversation the engine routes: where it waits, its offer, who has it. */
export type ItemRt = {
  item: WorkItem;
  queueId: string;
  queuedAt: number;
  offer: Offer | null;
  assignedTo: string | null;
  /** agent id → time of the decline or timeout */
  declined: Map<string, number>;
};

/** A queue and its round-robin cursor. */
export type QueueRt = { cfg: QueueConfig; rr: number };

/** No work of any kind. */
export const zero = (): Record<WorkKind, number> => ({ call: 0, chat: 0, email: 0 });

/**
 * Everything the engine holds, passed to the module functions of each concern (offers.ts,
 * capacity.ts, queues.ts): the maps of agents, teams, queues, items and offers, and the options
 * with their defaults resolved.
 */
export type EngineState = {
  agents: Map<string, AgentRt>;
  /** team id → its members, rebuilt whenever an agent's config changes */
  teams: Map<string, AgentRt[]>;
  queues: Map<string, QueueRt>;
  /** conversation id → item, in arrival order (the longest waiting first) */
  items: Map<string, ItemRt>;
  offers: Map<string, Offer>;
  /** customer id → the agent who accepted their last conversation */
  lastAgentOf: Map<string, string>;
  now: () => number;
  graceMs: number;
  customerWaiting: (item: WorkItem) => boolean;
  ownOverflow: (item: WorkItem) => boolean;
  /** Whether this relay routes the queue now (holds its lease). */
  owns: (queueId: string) => boolean;
  cooldownMs: number;
  newId: () => string;
};
