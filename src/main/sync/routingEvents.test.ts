import { describe, expect, it } from 'vitest';
import { routingEventOf } from './routingEvents';

describe('main/sync/routingEvents', () => {
  it("rebases an offer's expiry on this machine's clock from the time it had left when sent", () => {
    // The relay's clock is an hour ahead of this machine's: its expiresAt would read 3630 s away.
    const here = Date.parse('2026-01-15T09:30:00.000Z');
    const e = routingEventOf(
      {
        t: 'offer',
        offer: {
          offerId: 'o1',
          conversationId: 'c1',
          expiresAt: '2026-01-15T10:30:30.000Z',
          expiresInMs: 30_000,
          channel: 'chat',
          subject: 'Refund',
          customerName: 'Ana',
        },
      },
      here,
    );
    expect(e).toMatchObject({
      type: 'offer',
      offer: { offerId: 'o1', expiresAt: '2026-01-15T09:30:30.000Z', expiresInMs: 30_000 },
    });
  });

  it('passes other routing news through and ignores sync frames', () => {
    expect(routingEventOf({ t: 'offerResult', offerId: 'o1', assigned: true })).toEqual({
      type: 'result',
      offerId: 'o1',
      assigned: true,
    });
    expect(routingEventOf({ t: 'changes', changes: [], cursor: 3, more: false })).toBeNull();
  });
});
