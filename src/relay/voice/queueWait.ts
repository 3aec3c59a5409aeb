import { persistedCallSchema } from './callFrames';
import { forget, newLiveCall, rejectCall, writeCallState, type LiveCall, type QueueCtx } from './liveCall';
import { DEFAULT_WAIT_LIMIT_MS, queuePhoneOf } from './settings';

/** What the caller hears when the queue gives up on finding an agent. */
export const REASON_NO_AGENT = 'No agent available, we will call you back';
/** What the caller hears outside the queue's opening hours. */
export const REASON_CLOSED = 'Closed now, we will call you back';

/**
 * Calls waiting with nobody ringing: past their queue's overflow wait they move to the overflow
 * queue; past its wait limit the caller is told so, and the call becomes a callback task.
 */
export async function endWaitsPastLimit(q: QueueCtx): Promise<void> {
  const now = q.d.now();
  for (const c of [...q.byCallId.values()]) {
    if (!c.suspended || c.answered) continue;
    const phone = queuePhoneOf((await q.d.store.get('inbox', c.inboxId))?.data);
    const waited = now - c.enteredAt;
    const to = phone?.overflowToInboxId;
    if (to && phone.overflowAfterMs != null && waited >= phone.overflowAfterMs && !c.visited.includes(to)) {
      if (await overflow(q, c, to, now)) continue;
    }
    if (waited < (phone?.waitLimitMs ?? DEFAULT_WAIT_LIMIT_MS)) continue;
    rejectCall(q, c, 480, REASON_NO_AGENT);
    forget(q, c);
    q.d.routing.release(c.conversationId);
    await makeCallback(q, c, now);
  }
}

/**
 * Moves a waiting call to another queue: its conversation now belongs to that inbox and team
 * (so that team's agents are offered it and its supervisors see it), and it waits there afresh.
 * False when the target inbox is gone (the call stays where it is).
 */
async function overflow(q: QueueCtx, c: LiveCall, toInboxId: string, now: number): Promise<boolean> {
  const target = await q.d.store.get('inbox', toInboxId);
  const teamId = target?.data['teamId'];
  if (!target || target.deleted || typeof teamId !== 'string') return false;
  const from = c.inboxId;
  q.d.routing.release(c.conversationId);
  c.inboxId = toInboxId;
  c.enteredAt = now;
  c.visited.push(toInboxId);
  await writeCallState(q.d, c, 'queued', { overflowedFrom: from }, { inboxId: toInboxId, teamId });
  q.d.routing.enqueue(c.conversationId);
  q.d.log.info({ conversation: c.conversationId, from, to: toInboxId }, 'voice: a waiting call overflowed');
  return true;
}

/** The call's conversation becomes a callback task (kind callback, the number, the wait), routed. */
export async function makeCallback(
  q: QueueCtx,
  c: LiveCall,
  now: number,
  why: { closed?: true } = {},
): Promise<void> {
  const waitedMs = now - c.queuedAt;
  const callback = { number: c.from, waitedMs, at: new Date(now).toISOString(), ...why };
  await writeCallState(q.d, c, 'callback', { waitedMs, ...why }, { kind: 'callback', callback });
  // The callback is ordinary work now: offered on the agents' sockets like a chat.
  q.d.routing.enqueue(c.conversationId);
}

/**
 * Calls that were waiting when the relay stopped: their place in memory is gone, so they become
 * callback tasks now. Returns those that were waiting (not ringing anyone), to be ended at
 * Kamailio once it is connected; a ringing one is ended when its ring fails (an unknown call
 * asking again).
 */
export async function restoreCutCalls(q: QueueCtx): Promise<LiveCall[]> {
  const orphans: LiveCall[] = [];
  for (const row of await q.d.liveCallRows()) {
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
      await makeCallback(q, c, q.d.now());
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
