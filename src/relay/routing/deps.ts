import type { HlcClock } from '../../shared/sync/hlc';
import type { ServerFrame } from '../../shared/sync/protocol';
import type { AsyncStore } from '../data/asyncStore';
import type { IdentityReads } from '../data/identityData';
import type { RoutingData } from '../data/routingData';
import type { Logger } from '../core/logger';
import type { LeaseKeeper } from './lease';
import type { RoutingOptions } from './engine';
import type { Offer } from './types';

export type RoutingDeps = {
  /** Records routing reads and the assignments and overflows it writes (SQLite or PostgreSQL). */
  store: AsyncStore;
  /** The directory: inboxes, agents and their teams. */
  identity: Pick<IdentityReads, 'inboxes' | 'agentById' | 'teamIdsOf'>;
  /** Open conversations and ringing calls at start, and the `meta` values of away notices. */
  data: RoutingData;
  /**
   * Which queues this relay routes (routing/lease.ts): on SQLite a keeper over soleOwnerLeases()
   * holds every queue; on PostgreSQL each queue has one owner among the relays. Its `queues`
   * should ask the service's `queueIds()` and its `onChange` tell the service's `leasesChanged`
   * (routingLeaseKeeper does both).
   */
  leases: Pick<LeaseKeeper, 'owns' | 'round'>;
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
