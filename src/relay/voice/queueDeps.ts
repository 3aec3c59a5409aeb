import type { HlcClock } from '../../shared/sync/hlc';
import type { InboundMessage, InboundResult } from '../channels/inbound';
import type { Logger } from '../core/logger';
import type { Database } from '../data/db';
import type { Store } from '../data/store';

/**
 * What the call queue is given: in a module of its own so that liveCall.ts, whose queue memory
 * holds it, need not import callQueue.ts, which imports liveCall.ts.
 */
export type CallQueueDeps = {
  db: Database;
  store: Store;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
  inbound: { receive(m: InboundMessage): Promise<InboundResult> };
  /** Inbox ids (the queues). */
  inboxIds: () => string[];
  routing: {
    enqueue(conversationId: string): void;
    reply(agentId: string, offerId: string, accept: boolean): boolean;
    release(conversationId: string): void;
    /** The agent answered although their offer was withdrawn meanwhile: theirs anyway. */
    assignLive(conversationId: string, agentId: string): void;
  };
  /** Voice conversations that are not resolved, with their `call` field (read once at start). */
  liveCallRows: () => { id: string; inboxId: string; call: unknown }[];
  /** Sends a message to Kamailio; false when it is not connected. */
  send: (msg: Record<string, unknown>) => boolean;
};
