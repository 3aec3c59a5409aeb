import { persistedCallSchema } from './callFrames';
import { forget, newLiveCall, rejectCall, writeCallState, type LiveCall, type QueueCtx } from './liveCall';
import { DEFAULT_WAIT_LIMIT_MS, queuePhoneOf } from './settings';

/** Callers who waited past their queue's limit with nobody ringing: told so, then called back. */
export function endWaitsPastLimit(q: QueueCtx): void {
  const now = q.d.now();
  for (const c of [...q.byCallId.values()]) {
    if (!c.suspended || c.answered) continue;
    const limit = queuePhoneOf(q.d.store.get('inbox', c.inboxId)?.data)?.waitLimitMs ?? DEFAULT_WAIT_LIMIT_MS;
    if (now - c.queuedAt < limit) continue;
    rejectCall(q, c, 480, 'No agent available, we will call you back');
    forget(q, c);
    q.d.routing.release(c.conversationId);
    makeCallback(q, c, now);
  }
}

/** The call's conversation becomes a callback task (kind callback, the number, the wait), routed. */
export function makeCallback(q: QueueCtx, c: LiveCall, now: number): void {
  const waitedMs = now - c.queuedAt;
  const callback = { number: c.from, waitedMs, at: new Date(now).toISOString() };
  writeCallState(q.d, c, 'callback', { waitedMs }, { kind: 'callback', callback });
  // The callback is ordinary work now: offered on the agents' sockets like a chat.
  q.d.routing.enqueue(c.conversationId);
}

/**
 * Calls that were waiting when the relay stopped: their place in memory is gone, so they become
 * callback tasks now. Returns those that were waiting (not ringing anyone), to be ended at
 * Kamailio once it is connected; a ringing one is ended when its ring fails (an unknown call
 * asking again).
 */
export function restoreCutCalls(q: QueueCtx): LiveCall[] {
  const orphans: LiveCall[] = [];
  for (const row of q.d.liveCallRows()) {
    const p = persistedCallSchema.safeParse(row.call);
    if (!p.success || !['queued', 'offered', 'ringing'].includes(p.data.state)) continue;
    const c = newLiveCall({
      callId: p.data.callId,
      tindex: p.data.tindex,
      tlabel: p.data.tlabel,
      conversationId: row.id,
      inboxId: row.inboxId,
      from: p.data.from,
      fromTag: '',
      queuedAt: Date.parse(p.data.queuedAt) || q.d.now(),
      suspended: p.data.state === 'queued',
    });
    if (c.suspended) orphans.push(c);
    try {
      makeCallback(q, c, q.d.now());
    } catch (err) {
      q.d.log.error(
        { err, conversation: row.id },
        'voice: could not make a callback of a call cut by a restart',
      );
    }
  }
  if (orphans.length > 0)
    q.d.log.info({ waiting: orphans.length }, 'voice: calls cut by a relay restart became callback tasks');
  return orphans;
}
