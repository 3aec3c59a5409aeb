import type { HlcClock } from '../../shared/sync/hlc';
import type { ServerFrame } from '../../shared/sync/protocol';
import type { Accounts } from '../identity/accounts';
import type { Database } from '../data/db';
import type { Logger } from '../core/logger';
import type { Store } from '../data/store';
import type { RoutingOptions } from './engine';
import type { Offer } from './types';

export type RoutingDeps = {
  db: Database;
  store: Store;
  accounts: Accounts;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
  /** Sends a frame to every live connection of an agent. */
  sendToAgent: (agentId: string, frame: ServerFrame) => void;
  /** Offer timeout per queue. Default 30 s. */
  offerTimeoutMs?: number;
  /**
   * Whether the web chat visitor of this conversation is connected now (the chat is live).
   * Default: never (then no chat moves when its agent's connection drops).
   */
  visitorConnected?: (conversationId: string) => boolean;
  engine?: Pick<RoutingOptions, 'disconnectGraceMs' | 'declineCooldownMs'>;
  /** Counts a conversation moved by its queue's overflow (for `/metrics`). */
  countOverflow?: () => void;
};

/**
 * Work whose offers are not frames on the agent's socket: a live call's offer rings the agent's
 * phone through the SIP server instead (src/relay/voice). Each returns true when it took the offer.
 */
export type LiveOffers = {
  onOffer(offer: Offer): boolean;
  onWithdrawn(offer: Offer): boolean;
};
