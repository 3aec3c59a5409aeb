import parsePhoneNumber from 'libphonenumber-js/max';
import { queueRoutingOf } from '../../shared/routing';
import type { Offer } from '../routing/types';
import { frameSchema, type Frame, type QueuedFrame } from './callFrames';
import {
  createLine,
  forget,
  newLiveCall,
  rejectCall,
  writeCallState,
  type LiveCall,
  type QueueCtx,
} from './liveCall';
import { isOpen } from './openingHours';
import type { CallQueueDeps } from './queueDeps';
import {
  endWaitsPastLimit,
  makeCallback,
  REASON_CLOSED,
  REASON_NO_AGENT,
  restoreCutCalls,
} from './queueWait';
import { addressMatches, queuePhoneOf, sipUserOf, sipUserPart } from './settings';

export type { CallState } from './callFrames';
export type { CallQueueDeps } from './queueDeps';

/** How often waits are checked against their queue's limit. */
const SWEEP_MS = 250;

/**
 * Calls held at Kamailio while the relay's routing engine chooses an agent. A queued call becomes
 * a voice conversation (the caller matched by the shared inbound matcher) that routing offers like
 * any other; an offer of a live call rings the agent's phone (Kamailio resumes the suspended
 * transaction towards them) instead of going to their socket. Decline, no answer or an unreachable
 * phone ask the engine for the next agent; a caller who waits past the queue's limit is told so
 * (480 with a Reason) and their call becomes a callback task routed like any conversation.
 * Frames, rings and sweeps run one at a time on the queue's line (liveCall.ts), in order.
 */
export function createCallQueue(d: CallQueueDeps) {
  const q: QueueCtx = { d, byCallId: new Map(), byConversation: new Map(), line: createLine(d.log) };
  const orphans: LiveCall[] = [];
  void q.line.run('restoring the calls a restart cut', async () => {
    orphans.push(...(await restoreCutCalls(q)));
  });
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return; // the last one is still on the line
    sweeping = true;
    void q.line.run('queue sweep', () => endWaitsPastLimit(q)).finally(() => (sweeping = false));
  }, SWEEP_MS);
  timer.unref();

  return {
    onMessage: (raw: unknown): void => void q.line.run('a frame from Kamailio', () => onMessage(q, raw)),
    /** Kamailio is (again) connected: end the waits a restart cut off. */
    onConnected(): void {
      void q.line.run('ending the waits a restart cut', () => {
        for (const c of orphans.splice(0)) rejectCall(q, c, 480, REASON_NO_AGENT);
      });
    },
    /** Routing's offer of a conversation: true when it is a live call (then its phone rings). */
    onOffer(offer: Offer): boolean {
      const c = q.byConversation.get(offer.conversationId);
      if (!c) return false;
      c.offer = offer;
      if (c.suspended)
        void q.line.run('ringing an agent', async () => {
          // A frame before this step may have ended the call or rung someone (an earlier offer).
          if (c.suspended && q.byCallId.get(c.callId) === c) await ring(q, c, offer);
        });
      return true;
    },
    /** Routing withdrew an offer: true when it was a live call's (no socket ever saw it). */
    onWithdrawn(offer: Offer): boolean {
      const c = q.byConversation.get(offer.conversationId);
      if (!c) return false;
      if (c.offer?.offerId === offer.offerId) c.offer = null;
      return true;
    },
    liveCalls: () => q.byCallId.size,
    /** Stops the sweep; resolves once the steps under way have run. */
    close(): Promise<void> {
      clearInterval(timer);
      return q.line.idle();
    },
  };
}

/** Resumes Kamailio's transaction towards the agent of `offer`. */
async function ring(q: QueueCtx, c: LiveCall, offer: Offer): Promise<void> {
  const { d } = q;
  const [agent, inbox] = await Promise.all([
    d.store.get('agent', offer.agentId),
    d.store.get('inbox', c.inboxId),
  ]);
  const sipUser = sipUserOf(agent?.data);
  if (!sipUser) {
    d.log.warn(
      { agent: offer.agentId },
      'voice: the agent has no SIP user; offering the call to the next agent',
    );
    // Not from inside the engine's effects: the decline re-enters routing.
    queueMicrotask(() => d.routing.reply(offer.agentId, offer.offerId, false));
    return;
  }
  const ringMs = queueRoutingOf(inbox?.data).offerTimeoutMs;
  // The conversation rides along as X-Switchboard-Conversation, so the agent's app files its call
  // events under it even while its own link to the relay is down.
  const route = { t: 'route', tindex: c.tindex, tlabel: c.tlabel, target: sipUser, ringMs };
  if (!d.send({ ...route, conversationId: c.conversationId })) return;
  c.suspended = false;
  c.ringing = offer;
  c.agentId = offer.agentId;
  await writeCallState(q.d, c, 'offered', { offeredTo: offer.agentId });
}

/** The queue a dialled address reaches, if any. */
async function queueFor(d: CallQueueDeps, to: string): Promise<string | undefined> {
  const dialled = sipUserPart(to);
  if (dialled === null) return undefined;
  const ids = await d.inboxIds();
  const inboxes = await Promise.all(ids.map((id) => d.store.get('inbox', id)));
  return ids.find((_, i) => {
    const phone = queuePhoneOf(inboxes[i]?.data);
    return phone !== null && addressMatches(dialled, phone.addresses);
  });
}

async function onQueued(q: QueueCtx, f: QueuedFrame): Promise<void> {
  const { d } = q;
  if (q.byCallId.has(f.callId)) return; // a retransmission Kamailio asked about again
  const inboxId = await queueFor(d, f.to);
  if (!inboxId) {
    d.send({ t: 'reject', tindex: f.tindex, tlabel: f.tlabel, code: 404, reason: 'No such queue' });
    return;
  }
  const callerUser = sipUserPart(f.from) ?? '';
  const number = parsePhoneNumber(callerUser, { defaultCountry: 'US' });
  const phone = number?.isValid() ? number.number : undefined;
  const shown = phone ?? (f.fromName?.trim() || callerUser || 'unknown caller');
  // Registered before routing sees the conversation, so its first offer already rings a phone.
  const c = newLiveCall({
    callId: f.callId,
    tindex: f.tindex,
    tlabel: f.tlabel,
    conversationId: '',
    inboxId,
    from: phone ?? callerUser,
    fromTag: f.fromTag ?? '',
    queuedAt: d.now(),
    suspended: true,
  });
  const r = await d.inbound.receive({
    inboxId,
    from: { ...(f.fromName?.trim() ? { name: f.fromName.trim() } : {}), ...(phone ? { phone } : {}) },
    text: `Call from ${shown}`,
    subject: `Call from ${shown}`,
    conversationId: null,
    route: false,
  });
  c.conversationId = r.conversationId;
  if (!isOpen(queuePhoneOf((await d.store.get('inbox', inboxId))?.data)?.hours, c.queuedAt)) {
    // Outside opening hours: told so at once, and called back when the team is there.
    rejectCall(q, c, 480, REASON_CLOSED);
    await makeCallback(q, c, c.queuedAt, { closed: true });
    return;
  }
  q.byCallId.set(c.callId, c);
  q.byConversation.set(c.conversationId, c);
  await writeCallState(q.d, c, 'queued');
  d.routing.enqueue(c.conversationId);
}

/** The ringing agent did not take it: the engine picks the next one (maybe already has). */
async function onNotTaken(q: QueueCtx, c: LiveCall, why: 'declined' | 'noanswer' | 'failed'): Promise<void> {
  c.suspended = true;
  const gone = c.ringing;
  c.ringing = null;
  c.agentId = null;
  await writeCallState(q.d, c, 'queued', { previous: { agentId: gone?.agentId ?? null, outcome: why } });
  if (c.offer && gone && c.offer.offerId !== gone.offerId) {
    await ring(q, c, c.offer); // the engine moved on while the phone rang
    return;
  }
  if (gone) q.d.routing.reply(gone.agentId, gone.offerId, false);
}

async function onMessage(q: QueueCtx, raw: unknown): Promise<void> {
  const { d } = q;
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
  if (f.t === 'queued')
    return void onQueued(q, f).catch((err: unknown) => d.log.error({ err }, 'voice: queueing a call failed'));
  const c = q.byCallId.get(f.callId);
  if (c) return onCallFrame(q, c, f);
  // A call this relay does not know (cut by a restart) asks again: it is suspended now, so end it.
  if (f.t === 'declined' || f.t === 'noanswer' || f.t === 'failed')
    d.send({ t: 'reject', tindex: f.tindex, tlabel: f.tlabel, code: 480, reason: 'Temporarily Unavailable' });
}

/** A frame about a call the queue knows. */
async function onCallFrame(q: QueueCtx, c: LiveCall, f: Exclude<Frame, QueuedFrame>): Promise<void> {
  switch (f.t) {
    case 'declined':
    case 'noanswer':
    case 'failed':
      c.tindex = f.tindex;
      c.tlabel = f.tlabel;
      return onNotTaken(q, c, f.t);
    case 'ringing':
      if (c.ringing && !c.answered) await writeCallState(q.d, c, 'ringing', { offeredTo: c.ringing.agentId });
      return;
    case 'answered':
      return onAnswered(q, c);
    case 'cancel':
      return onCancelled(q, c);
    case 'bye':
      if (!c.answered) return;
      forget(q, c);
      q.d.routing.release(c.conversationId);
      await writeCallState(q.d, c, 'ended', { endedBy: partyOf(c, f.fromTag) });
      return;
    case 'held':
    case 'resumed':
    case 'refer': {
      if (!c.answered) return;
      const state = f.t === 'held' ? 'held' : f.t === 'refer' ? 'transferred' : 'talking';
      await writeCallState(q.d, c, state, { by: partyOf(c, f.fromTag) });
      return;
    }
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** Which side sent an in-dialog request: the caller's From tag names the customer. */
const partyOf = (c: LiveCall, fromTag: string | undefined) =>
  fromTag && fromTag === c.fromTag ? 'customer' : 'agent';

async function onAnswered(q: QueueCtx, c: LiveCall): Promise<void> {
  if (c.answered || !c.ringing) return;
  c.answered = true;
  const o = c.ringing;
  if (!q.d.routing.reply(o.agentId, o.offerId, true)) q.d.routing.assignLive(c.conversationId, o.agentId);
  c.agentId = o.agentId;
  await writeCallState(q.d, c, 'talking');
}

/** The caller hung up before anyone answered (Kamailio cancels a ringing branch itself). */
async function onCancelled(q: QueueCtx, c: LiveCall): Promise<void> {
  if (c.answered) return;
  rejectCall(q, c, 487, 'Request Terminated');
  forget(q, c);
  q.d.routing.release(c.conversationId);
  // Counted (the call field says abandoned, with the wait) and closed: nobody is there to serve.
  await writeCallState(
    q.d,
    c,
    'abandoned',
    { waitedMs: q.d.now() - c.queuedAt, endedBy: 'customer' },
    { status: 'resolved' },
  );
}
