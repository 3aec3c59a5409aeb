import type { CallArgs } from '../../../shared/api';
import type { CallSnapshot } from './sipTypes';

/** A call event for main (`calls:event`), without the conversation (added by the caller). */
export type CallEventInput = Omit<CallArgs<'calls:event'>, 'conversationId'>;

/**
 * The events a change of a call's snapshot means, in order, for calls that have a conversation.
 * An incoming call counts from its answer: ringing, a decline or a miss are the relay's to report
 * (it rings the next agent, and an "ended" from here would say the caller was gone). A transferred
 * call ends here as "transferred": the caller talks on with someone else.
 */
export function callEventsBetween(prev: CallSnapshot | undefined, next: CallSnapshot): CallEventInput[] {
  if (next.consult) return [];
  const base = { callId: next.sipCallId, direction: next.direction };
  const out: CallEventInput[] = [];
  if (!prev && next.direction === 'out') out.push({ ...base, state: 'dialing', dialled: next.remoteUser });
  const answeredNow = next.answeredAt !== null && (prev?.answeredAt ?? null) === null;
  if (answeredNow) out.push({ ...base, state: 'talking' });
  if (next.state !== 'ended' && next.answeredAt !== null && !answeredNow && prev && prev.held !== next.held)
    out.push({ ...base, state: next.held ? 'held' : 'talking' });
  if (next.state === 'ended' && prev?.state !== 'ended') {
    const answered = next.answeredAt !== null;
    if (next.endReason === 'transferred') out.push({ ...base, state: 'transferred' });
    else if (answered || next.direction === 'out') {
      const endedBy = endedByOf(next);
      out.push({ ...base, state: 'ended', ...(endedBy ? { endedBy } : {}) });
    }
  }
  return out;
}

/** Who ended a call, as far as this side knows (a lost or failed call: nobody can say). */
function endedByOf(c: CallSnapshot): 'agent' | 'customer' | null {
  switch (c.endReason) {
    case 'local':
    case 'declined':
      return c.direction === 'out' && c.endReason === 'declined' ? 'customer' : 'agent';
    case 'remote':
    case 'cancelled':
      return 'customer';
    default:
      return null;
  }
}
