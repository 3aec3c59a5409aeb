import type { HlcClock } from '../../shared/sync/hlc';
import type { Logger } from '../core/logger';
import type { AsyncStore } from '../data/asyncStore';
import { writeFieldsAsync } from '../data/records';
import type { Offer } from '../routing/types';
import type { CallState } from './callFrames';
import type { CallQueueDeps } from './queueDeps';

/** A call held at Kamailio (or ringing an agent) as the queue tracks it in memory. */
export type LiveCall = {
  callId: string;
  tindex: number;
  tlabel: number;
  conversationId: string;
  inboxId: string;
  from: string;
  fromTag: string;
  queuedAt: number;
  /** When the call entered the queue it waits in now (its limits count from here). */
  enteredAt: number;
  /** The queues the call has waited in, first to last (overflow never goes back to one). */
  visited: string[];
  /** Kamailio holds the transaction and waits for our word (no agent is ringing). */
  suspended: boolean;
  /** The offer whose agent's phone is ringing (or about to). */
  ringing: Offer | null;
  /** The routing engine's current offer, which may be newer than the ringing one. */
  offer: Offer | null;
  agentId: string | null;
  answered: boolean;
};

/** A call nobody rings yet. */
export function newLiveCall(
  c: Pick<
    LiveCall,
    'callId' | 'tindex' | 'tlabel' | 'conversationId' | 'inboxId' | 'from' | 'fromTag' | 'queuedAt'
  > & {
    suspended: boolean;
  },
): LiveCall {
  return {
    ...c,
    enteredAt: c.queuedAt,
    visited: [c.inboxId],
    ringing: null,
    offer: null,
    agentId: null,
    answered: false,
  };
}

export type CallStateDeps = {
  store: Pick<AsyncStore, 'transaction'>;
  relayClock: HlcClock;
  now: () => number;
};

/**
 * Writes a call's state on its conversation's `call` field (the field's history keeps every
 * earlier state). `fields`: other conversation fields written in the same change (status, kind).
 */
export async function writeCallState(
  d: CallStateDeps,
  c: LiveCall,
  state: CallState,
  extra: Record<string, unknown> = {},
  fields: Record<string, unknown> = {},
): Promise<void> {
  const at = new Date(d.now()).toISOString();
  // One transaction: the record and its field history land together (the store's rule).
  await d.store.transaction((tx) =>
    writeFieldsAsync(
      tx,
      {
        entity: 'conversation',
        id: c.conversationId,
        fields: {
          call: {
            state,
            at,
            callId: c.callId,
            // Kamailio's transaction, so a restarted relay can still end a wait it cannot resume.
            tindex: c.tindex,
            tlabel: c.tlabel,
            agentId: c.agentId,
            from: c.from,
            queuedAt: new Date(c.queuedAt).toISOString(),
            ...extra,
          },
          ...fields,
        },
        clock: d.relayClock.now(),
        convId: c.conversationId,
        at,
      },
      { mutationId: null, agentId: null },
    ),
  );
}

/** The queue's memory: the live calls by Kamailio's Call-ID and by conversation. */
export type QueueCtx = {
  d: CallQueueDeps;
  byCallId: Map<string, LiveCall>;
  byConversation: Map<string, LiveCall>;
  /** Where the queue's work runs, one step at a time (frames, rings, sweeps). */
  line: Line;
};

/** Steps run one at a time in the order asked; a step that fails is logged and the next one runs. */
export type Line = {
  run(what: string, step: () => Promise<void> | void): Promise<void>;
  /** Resolves once every step asked so far has run. */
  idle(): Promise<void>;
};

/**
 * The queue's line of steps. Its steps read and write the store asynchronously, so a frame's
 * handling could otherwise interleave with the next frame's, or with a sweep: on the line each
 * sees the memory as the one before it left it, as when they ran synchronously.
 */
export function createLine(log: Logger): Line {
  let tail: Promise<void> = Promise.resolve();
  return {
    run(what, step) {
      const next = tail.then(step).catch((err: unknown) => log.error({ err }, `voice: ${what} failed`));
      tail = next;
      return next;
    },
    idle: () => tail,
  };
}

/** The queue no longer tracks the call. */
export function forget(q: QueueCtx, c: LiveCall): void {
  q.byCallId.delete(c.callId);
  q.byConversation.delete(c.conversationId);
}

/** Ends Kamailio's suspended transaction with a final answer (the caller hears `reason`). */
export function rejectCall(q: QueueCtx, c: LiveCall, code: number, reason: string): void {
  if (c.suspended) q.d.send({ t: 'reject', tindex: c.tindex, tlabel: c.tlabel, code, reason });
  c.suspended = false;
}
