import type { HlcClock } from '../../shared/sync/hlc';
import type { InboundMessage, InboundResult } from '../channels/inbound';
import type { Logger } from '../core/logger';
import type { AsyncStore } from '../data/asyncStore';
import type { LiveCallRow } from '../data/voiceData';

/**
 * What the call queue is given: in a module of its own so that liveCall.ts, whose queue memory
 * holds it, need not import callQueue.ts, which imports liveCall.ts.
 */
export type CallQueueDeps = {
  /** Where inboxes and agents are read and the calls' states written (SQLite or PostgreSQL). */
  store: Pick<AsyncStore, 'get' | 'transaction'>;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
  inbound: { receive(m: InboundMessage): Promise<InboundResult> };
  /** Inbox ids (the queues). */
  inboxIds: () => Promise<string[]>;
  routing: {
    enqueue(conversationId: string): void;
    reply(agentId: string, offerId: string, accept: boolean): boolean;
    release(conversationId: string): void;
    /** The agent answered although their offer was withdrawn meanwhile: theirs anyway. */
    assignLive(conversationId: string, agentId: string): void;
  };
  /** Voice conversations that are not resolved, with their `call` field (read once at start). */
  liveCallRows: () => Promise<LiveCallRow[]>;
  /** Sends a message to Kamailio; false when it is not connected. */
  send: (msg: Record<string, unknown>) => boolean;
};
