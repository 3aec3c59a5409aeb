import { describe, expect, it } from 'vitest';
import { isWaiting, nextConv } from './convLive';

const T = Date.parse('2026-12-02T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const chat = (over: Record<string, unknown> = {}) => ({
  channel: 'chat',
  status: 'open',
  assigneeId: null,
  inboxId: 'inbox',
  teamId: 'team',
  customerId: 'cust',
  subject: 'Order',
  createdAt: iso(T),
  slaDueAt: null,
  ...over,
});

describe('relay/supervisor/convLive', () => {
  it('a chat waits, is answered when first assigned, and resolved by its agent', () => {
    const waiting = nextConv(undefined, 'c', chat(), T);
    expect([waiting.queued, isWaiting(waiting), waiting.answeredAt]).toEqual([true, true, null]);
    const taken = nextConv(waiting, 'c', chat({ assigneeId: 'a1' }), T + 12_000);
    expect([isWaiting(taken), taken.answeredAt, taken.assignedAt]).toEqual([false, T + 12_000, T + 12_000]);
    // Moved to a colleague later: still answered at the first take; theirs since the move.
    const moved = nextConv(taken, 'c', chat({ assigneeId: 'a2' }), T + 60_000);
    expect([moved.answeredAt, moved.assignedAt]).toEqual([T + 12_000, T + 60_000]);
    const done = nextConv(moved, 'c', chat({ assigneeId: 'a2', status: 'resolved' }), T + 90_000);
    expect([done.resolvedAt, done.resolvedBy, done.abandoned]).toEqual([T + 90_000, 'a2', false]);
  });

  it('a chat closed before anyone took it is abandoned; one an agent started never queued', () => {
    const waiting = nextConv(undefined, 'c', chat(), T);
    expect(nextConv(waiting, 'c', chat({ status: 'resolved' }), T + 5_000).abandoned).toBe(true);
    const own = nextConv(undefined, 'd', chat({ assigneeId: 'a1' }), T);
    expect([own.queued, own.answeredAt]).toEqual([false, null]);
  });

  it('a call is answered when it talks (its own time), abandoned in the queue, handled when it ends', () => {
    const call = (state: string, at: number, extra: Record<string, unknown> = {}) =>
      chat({ channel: 'voice', call: { state, at: iso(at), queuedAt: iso(T), agentId: 'a1', ...extra } });
    const queued = nextConv(undefined, 'v', call('queued', T, { agentId: null }), T);
    expect(isWaiting(queued)).toBe(true);
    const ringing = nextConv(queued, 'v', call('ringing', T + 2_000, { offeredTo: 'a1' }), T + 2_050);
    expect(isWaiting(ringing)).toBe(true);
    const talking = nextConv(ringing, 'v', { ...call('talking', T + 8_000), assigneeId: 'a1' }, T + 8_100);
    expect([talking.answeredAt, isWaiting(talking)]).toEqual([T + 8_000, false]);
    expect(nextConv(talking, 'v', call('ended', T + 60_000), T + 60_000).callEndedBy).toBe('a1');
    const hungUp = nextConv(queued, 'v', call('abandoned', T + 30_000, { agentId: null }), T + 30_000);
    expect([hungUp.abandoned, hungUp.answeredAt]).toEqual([true, null]);
  });
});
