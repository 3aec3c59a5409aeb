import type { AgentState } from '../../shared/agentState';
import type { Strategy, WorkKind } from '../../shared/routing';
import type { Channel } from '../../shared/sync/entities';

export { DEFAULT_CAPACITY, type Strategy, type WorkKind } from '../../shared/routing';

/** Which kind of work a channel is. */
export function workKindOf(channel: Channel): WorkKind {
  switch (channel) {
    case 'voice':
      return 'call';
    case 'chat':
    case 'sms':
    case 'whatsapp':
    case 'wechat':
      return 'chat';
    case 'email':
    case 'api':
      return 'email';
    default: {
      const never: never = channel;
      return never;
    }
  }
}

export type QueueConfig = {
  id: string;
  teamId: string;
  strategy: Strategy;
  /** Skills an agent must have to be offered this queue's work (e.g. `lang:zh`, `product:billing`). */
  requiredSkills: string[];
  /** How long an offer waits for accept before it goes to the next agent. Default 30 s. */
  offerTimeoutMs: number;
  /** After waiting this long unassigned, work moves to `toQueueId` (another team). */
  overflow: { afterMs: number; toQueueId: string } | null;
  /**
   * How long live work of this queue stays with an agent whose connection dropped (the team's
   * setting). Absent: the engine's default.
   */
  awayGraceMs?: number;
};

export type AgentConfig = {
  id: string;
  teamIds: string[];
  skills: string[];
  capacity?: Partial<Record<WorkKind, number>>;
};

export type WorkItem = {
  conversationId: string;
  customerId: string | null;
  queueId: string;
  kind: WorkKind;
  /** Extra skills this item needs beyond its queue's (e.g. the customer's language). */
  requiredSkills?: string[];
};

export type Offer = { offerId: string; conversationId: string; agentId: string; expiresAt: number };

/** What the engine asks the relay to do; the relay turns these into frames and records. */
export type RoutingEffect =
  | { type: 'offer'; offer: Offer }
  | { type: 'offerWithdrawn'; offer: Offer; reason: 'timeout' | 'declined' | 'agent-unavailable' }
  | { type: 'assigned'; conversationId: string; agentId: string }
  | { type: 'overflowed'; conversationId: string; fromQueueId: string; toQueueId: string }
  /** Live work whose customer is still waiting left an agent gone past the grace: back in its queue. */
  | { type: 'requeued'; conversationId: string; agentId: string; reason: 'agent-disconnected' };

export type AgentSnapshot = {
  id: string;
  state: AgentState;
  load: Record<WorkKind, number>;
  offered: Record<WorkKind, number>;
  capacity: Record<WorkKind, number>;
};
