import parsePhoneNumber from 'libphonenumber-js/max';
import { z } from 'zod';
import { queueRoutingOf } from '../../shared/routing';
import type { HlcClock } from '../../shared/sync/hlc';
import type { InboundMessage, InboundResult } from '../channels/inbound';
import type { Database } from '../data/db';
import type { Logger } from '../core/logger';
import { writeFields } from '../data/records';
import type { Offer } from '../routing/types';
import type { Store } from '../data/store';
import { addressMatches, DEFAULT_WAIT_LIMIT_MS, queuePhoneOf, sipUserOf, sipUserPart } from './settings';

/** What the relay learned of a call, as written on its conversation's `call` field (with history). */
export type CallState =
  'queued' | 'offered' | 'ringing' | 'talking' | 'held' | 'transferred' | 'ended' | 'abandoned' | 'callback';

export type CallQueueDeps = {
  db: Database;
  store: Store;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
  publish: () => void;
  inbound: { receive(m: InboundMessage): InboundResult };
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

const ids = { tindex: z.number().int().nonnegative(), tlabel: z.number().int().nonnegative() };
const callId = z.string().min(1).max(256);
const frameSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('queued'),
    callId,
    from: z.string().max(512),
    fromName: z.string().max(256).optional(),
    to: z.string().max(512),
    fromTag: z.string().max(256).optional(),
    ...ids,
  }),
  z.object({ t: z.enum(['declined', 'noanswer', 'failed']), code: z.number().int(), callId, ...ids }),
  z.object({ t: z.enum(['ringing', 'answered']), callId, ...ids }),
  z.object({ t: z.literal('cancel'), callId }),
  z.object({ t: z.literal('bye'), callId, fromTag: z.string().max(256).optional() }),
  z.object({ t: z.enum(['held', 'resumed', 'refer']), callId, fromTag: z.string().max(256).optional() }),
]);

/** The `call` field as writeState leaves it (only what a restart needs). */
const persistedCall = z.object({
  state: z.string(),
  callId,
  tindex: ids.tindex,
  tlabel: ids.tlabel,
  from: z.string(),
  queuedAt: z.string(),
});

type LiveCall = {
  callId: string;
  tindex: number;
  tlabel: number;
  conversationId: string;
  inboxId: string;
  from: string;
  fromTag: string;
  queuedAt: number;
  /** Kamailio holds the transaction and waits for our word (no agent is ringing). */
  suspended: boolean;
  /** The offer whose agent's phone is ringing (or about to). */
  ringing: Offer | null;
  /** The routing engine's current offer, which may be newer than the ringing one. */
  offer: Offer | null;
  agentId: string | null;
  answered: boolean;
};

/**
 * Calls held at Kamailio while the relay's routing engine chooses an agent. A queued call becomes
 * a voice conversation (the caller matched by the shared inbound matcher) that routing offers like
 * any other; an offer of a live call rings the agent's phone (Kamailio resumes the suspended
 * transaction towards them) instead of going to their socket. Decline, no answer or an unreachable
 * phone ask the engine for the next agent; a caller who waits past the queue's limit is told so
 * (480 with a Reason) and their call becomes a callback task routed like any conversation.
 */
export function createCallQueue(d: CallQueueDeps) {
  const byCallId = new Map<string, LiveCall>();
  const byConversation = new Map<string, LiveCall>();

  /** `fields`: other conversation fields written in the same change (status, kind). */
  function writeState(
    c: LiveCall,
    state: CallState,
    extra: Record<string, unknown> = {},
    fields: Record<string, unknown> = {},
  ): void {
    const at = new Date(d.now()).toISOString();
    // One transaction: the record and its field history land together (the store's rule).
    d.db.transaction(() =>
      writeFields(
        d.store,
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
    )();
    d.publish();
  }

  function forget(c: LiveCall): void {
    byCallId.delete(c.callId);
    byConversation.delete(c.conversationId);
  }

  /** Resumes Kamailio's transaction towards the agent of `offer`. */
  function ring(c: LiveCall, offer: Offer): void {
    const sipUser = sipUserOf(d.store.get('agent', offer.agentId)?.data);
    if (!sipUser) {
      d.log.warn(
        { agent: offer.agentId },
        'voice: the agent has no SIP user; offering the call to the next agent',
      );
      // Not from inside the engine's effects: the decline re-enters routing.
      queueMicrotask(() => d.routing.reply(offer.agentId, offer.offerId, false));
      return;
    }
    const ringMs = queueRoutingOf(d.store.get('inbox', c.inboxId)?.data).offerTimeoutMs;
    if (!d.send({ t: 'route', tindex: c.tindex, tlabel: c.tlabel, target: sipUser, ringMs })) return;
    c.suspended = false;
    c.ringing = offer;
    c.agentId = offer.agentId;
    writeState(c, 'offered', { offeredTo: offer.agentId });
  }

  function reject(c: LiveCall, code: number, reason: string): void {
    if (c.suspended) d.send({ t: 'reject', tindex: c.tindex, tlabel: c.tlabel, code, reason });
    c.suspended = false;
  }

  function onQueued(f: Extract<z.infer<typeof frameSchema>, { t: 'queued' }>): void {
    if (byCallId.has(f.callId)) return; // a retransmission Kamailio asked about again
    const dialled = sipUserPart(f.to);
    const inboxId =
      dialled === null
        ? undefined
        : d.inboxIds().find((id) => {
            const phone = queuePhoneOf(d.store.get('inbox', id)?.data);
            return phone !== null && addressMatches(dialled, phone.addresses);
          });
    if (!inboxId) {
      d.send({ t: 'reject', tindex: f.tindex, tlabel: f.tlabel, code: 404, reason: 'No such queue' });
      return;
    }
    const callerUser = sipUserPart(f.from) ?? '';
    const number = parsePhoneNumber(callerUser, { defaultCountry: 'US' });
    const phone = number?.isValid() ? number.number : undefined;
    const shown = phone ?? (f.fromName?.trim() || callerUser || 'unknown caller');
    // Registered before routing sees the conversation, so its first offer already rings a phone.
    const c: LiveCall = {
      callId: f.callId,
      tindex: f.tindex,
      tlabel: f.tlabel,
      conversationId: '',
      inboxId,
      from: phone ?? callerUser,
      fromTag: f.fromTag ?? '',
      queuedAt: d.now(),
      suspended: true,
      ringing: null,
      offer: null,
      agentId: null,
      answered: false,
    };
    const r = d.inbound.receive({
      inboxId,
      from: { ...(f.fromName?.trim() ? { name: f.fromName.trim() } : {}), ...(phone ? { phone } : {}) },
      text: `Call from ${shown}`,
      subject: `Call from ${shown}`,
      conversationId: null,
      route: false,
    });
    c.conversationId = r.conversationId;
    byCallId.set(c.callId, c);
    byConversation.set(c.conversationId, c);
    writeState(c, 'queued');
    d.routing.enqueue(c.conversationId);
  }

  /** The ringing agent did not take it: the engine picks the next one (maybe already has). */
  function onNotTaken(c: LiveCall, why: 'declined' | 'noanswer' | 'failed'): void {
    c.suspended = true;
    const gone = c.ringing;
    c.ringing = null;
    c.agentId = null;
    writeState(c, 'queued', { previous: { agentId: gone?.agentId ?? null, outcome: why } });
    if (c.offer && gone && c.offer.offerId !== gone.offerId) {
      ring(c, c.offer); // the engine moved on while the phone rang
      return;
    }
    if (gone) d.routing.reply(gone.agentId, gone.offerId, false);
  }

  function onMessage(raw: unknown): void {
    const p = frameSchema.safeParse(raw);
    if (!p.success) {
      d.log.warn(
        { t: (raw as { t?: unknown } | null)?.t },
        'voice: dropped a frame from Kamailio that is not ours',
      );
      return;
    }
    const f = p.data;
    d.log.debug({ frame: f }, 'voice: from Kamailio');
    if (f.t === 'queued') return onQueued(f);
    const c = byCallId.get(f.callId);
    if (!c) {
      // A call this relay does not know (cut by a restart) asks again: it is suspended now, so end it.
      if (f.t === 'declined' || f.t === 'noanswer' || f.t === 'failed')
        d.send({
          t: 'reject',
          tindex: f.tindex,
          tlabel: f.tlabel,
          code: 480,
          reason: 'Temporarily Unavailable',
        });
      return;
    }
    switch (f.t) {
      case 'declined':
      case 'noanswer':
      case 'failed':
        c.tindex = f.tindex;
        c.tlabel = f.tlabel;
        return onNotTaken(c, f.t);
      case 'ringing':
        if (c.ringing && !c.answered) writeState(c, 'ringing', { offeredTo: c.ringing.agentId });
        return;
      case 'answered': {
        if (c.answered || !c.ringing) return;
        c.answered = true;
        const o = c.ringing;
        if (!d.routing.reply(o.agentId, o.offerId, true)) d.routing.assignLive(c.conversationId, o.agentId);
        c.agentId = o.agentId;
        writeState(c, 'talking');
        return;
      }
      case 'cancel':
        // The caller hung up before anyone answered (Kamailio cancels a ringing branch itself).
        if (c.answered) return;
        reject(c, 487, 'Request Terminated');
        forget(c);
        d.routing.release(c.conversationId);
        // Counted (the call field says abandoned, with the wait) and closed: nobody is there to serve.
        writeState(
          c,
          'abandoned',
          { waitedMs: d.now() - c.queuedAt, endedBy: 'customer' },
          { status: 'resolved' },
        );
        return;
      case 'bye':
        if (!c.answered) return;
        forget(c);
        d.routing.release(c.conversationId);
        writeState(c, 'ended', { endedBy: f.fromTag && f.fromTag === c.fromTag ? 'customer' : 'agent' });
        return;
      case 'held':
      case 'resumed':
      case 'refer': {
        if (!c.answered) return;
        const by = f.fromTag && f.fromTag === c.fromTag ? 'customer' : 'agent';
        const state = f.t === 'held' ? 'held' : f.t === 'refer' ? 'transferred' : 'talking';
        writeState(c, state, { by });
        return;
      }
      default: {
        const never: never = f;
        return never;
      }
    }
  }

  /** Callers who waited past their queue's limit with nobody ringing: told so, then called back. */
  function sweep(): void {
    const now = d.now();
    for (const c of [...byCallId.values()]) {
      if (!c.suspended || c.answered) continue;
      const limit = queuePhoneOf(d.store.get('inbox', c.inboxId)?.data)?.waitLimitMs ?? DEFAULT_WAIT_LIMIT_MS;
      if (now - c.queuedAt < limit) continue;
      reject(c, 480, 'No agent available, we will call you back');
      forget(c);
      d.routing.release(c.conversationId);
      toCallback(c, now);
    }
  }

  function toCallback(c: LiveCall, now: number): void {
    const waitedMs = now - c.queuedAt;
    const callback = { number: c.from, waitedMs, at: new Date(now).toISOString() };
    writeState(c, 'callback', { waitedMs }, { kind: 'callback', callback });
    // The callback is ordinary work now: offered on the agents' sockets like a chat.
    d.routing.enqueue(c.conversationId);
  }

  /**
   * Calls that were waiting when the relay stopped: their place in memory is gone, so they become
   * callback tasks now. Those that were waiting (not ringing anyone) are ended at Kamailio once it
   * is connected; a ringing one is ended when its ring fails (an unknown call asking again).
   */
  const orphans: LiveCall[] = [];
  for (const row of d.liveCallRows()) {
    const p = persistedCall.safeParse(row.call);
    if (!p.success || !['queued', 'offered', 'ringing'].includes(p.data.state)) continue;
    const c: LiveCall = {
      callId: p.data.callId,
      tindex: p.data.tindex,
      tlabel: p.data.tlabel,
      conversationId: row.id,
      inboxId: row.inboxId,
      from: p.data.from,
      fromTag: '',
      queuedAt: Date.parse(p.data.queuedAt) || d.now(),
      suspended: p.data.state === 'queued',
      ringing: null,
      offer: null,
      agentId: null,
      answered: false,
    };
    if (c.suspended) orphans.push(c);
    try {
      toCallback(c, d.now());
    } catch (err) {
      d.log.error(
        { err, conversation: row.id },
        'voice: could not make a callback of a call cut by a restart',
      );
    }
  }
  if (orphans.length > 0)
    d.log.info({ waiting: orphans.length }, 'voice: calls cut by a relay restart became callback tasks');

  const timer = setInterval(() => {
    try {
      sweep();
    } catch (err) {
      d.log.error({ err }, 'voice: queue sweep failed');
    }
  }, 250);
  timer.unref();

  return {
    onMessage,
    /** Kamailio is (again) connected: end the waits a restart cut off. */
    onConnected(): void {
      for (const c of orphans.splice(0)) reject(c, 480, 'No agent available, we will call you back');
    },
    /** Routing's offer of a conversation: true when it is a live call (then its phone rings). */
    onOffer(offer: Offer): boolean {
      const c = byConversation.get(offer.conversationId);
      if (!c) return false;
      c.offer = offer;
      if (c.suspended) ring(c, offer);
      return true;
    },
    /** Routing withdrew an offer: true when it was a live call's (no socket ever saw it). */
    onWithdrawn(offer: Offer): boolean {
      const c = byConversation.get(offer.conversationId);
      if (!c) return false;
      if (c.offer?.offerId === offer.offerId) c.offer = null;
      return true;
    },
    liveCalls: () => byCallId.size,
    close(): void {
      clearInterval(timer);
    },
  };
}
