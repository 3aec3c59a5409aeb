import { describe, expect, it } from 'vitest';
import { mutationArgs } from '../../shared/sync/mutations';
import { CALLS_OF_CUSTOMER_SQL, customersByPhone, LOOKUP_PHONE_SQL, screenPop } from './calls';
import { change, clocksFor, customerData, openTestStore, relayClock } from './testHelpers';

const C1 = '0190a000-0000-7000-8000-0000000c0001';
const C2 = '0190a000-0000-7000-8000-0000000c0002';
const V1 = '0190a000-0000-7000-8000-0000000c0101';

describe('main/store/calls (screen-pop lookup, call records)', () => {
  it('keeps the phone lookup in step with synced, edited, optimistic and deleted customers', () => {
    const { store } = openTestStore();
    const data = customerData('Ada', { phones: ['+12125550101', '+447911123456'] });
    store.applyChanges([change('customer', C1, data, clocksFor(data, relayClock(1)))], 1);
    expect(customersByPhone(store.db, '+12125550101')).toEqual([C1]);
    expect(customersByPhone(store.db, '+447911123456')).toEqual([C1]);

    // An optimistic edit replaces the numbers at once.
    store.mutate('customer.update', { id: C1, fields: { phones: ['+12125550199'] } });
    expect(customersByPhone(store.db, '+12125550101')).toEqual([]);
    expect(customersByPhone(store.db, '+12125550199')).toEqual([C1]);

    // A customer created here is found before the relay has confirmed it.
    store.mutate('customer.create', { id: C2, fields: { name: 'Bo', phones: ['+12125550199'] } });
    expect(customersByPhone(store.db, '+12125550199').sort()).toEqual([C1, C2].sort());

    // Deleted on the relay: gone from the lookup.
    store.applyChanges([change('customer', C1, null)], 2);
    expect(customersByPhone(store.db, '+12125550199')).toEqual([C2]);
    store.close();
  });

  it('pops the profile with open conversations and the call logged at wrap-up', () => {
    const { store } = openTestStore();
    const data = customerData('Ada', { phones: ['+12125550101'] });
    store.applyChanges([change('customer', C1, data, clocksFor(data, relayClock(1)))], 1);
    expect(screenPop(store.db, '+19175550000')).toBeNull();
    store.mutate('conversation.create', { id: V1, customerId: C1, channel: 'voice', subject: 'Call' });
    const callId = store.newId();
    store.mutate('call.log', {
      id: callId,
      conversationId: V1,
      direction: 'in',
      from: '+12125550101',
      to: 'Ada',
      startedAt: '2025-01-01T10:00:00.000Z',
      answeredAt: '2025-01-01T10:00:05.000Z',
      endedAt: '2025-01-01T10:03:00.000Z',
      disposition: 'resolved',
      note: 'ok',
    });
    const pop = screenPop(store.db, '+12125550101')!;
    expect(pop.customer.name).toBe('Ada');
    expect(pop.openConversations.map((c) => c.id)).toEqual([V1]);
    expect(pop.calls).toEqual([
      expect.objectContaining({ id: callId, customerId: C1, disposition: 'resolved', direction: 'in' }),
    ]);
    store.close();
  });

  it('keeps the call quality summary on the record; older records without one still validate', () => {
    const { store } = openTestStore();
    const data = customerData('Ada', { phones: ['+12125550101'] });
    store.applyChanges([change('customer', C1, data, clocksFor(data, relayClock(1)))], 1);
    store.mutate('conversation.create', { id: V1, customerId: C1, channel: 'voice', subject: 'Call' });
    const base = {
      conversationId: V1,
      direction: 'in' as const,
      from: '+12125550101',
      to: 'Ada',
      startedAt: '2025-01-01T10:00:00.000Z',
      answeredAt: '2025-01-01T10:00:05.000Z',
      endedAt: '2025-01-01T10:03:00.000Z',
      disposition: null,
      note: '',
    };
    const quality = { mosMin: 3.2, mosAvg: 4.1, samples: 170, warnings: ['high-jitter' as const] };
    const withQ = store.newId();
    store.mutate('call.log', { id: withQ, ...base, quality });
    const without = store.newId();
    store.mutate('call.log', { id: without, ...base });
    const calls = screenPop(store.db, '+12125550101')!.calls;
    expect(calls.find((c) => c.id === withQ)?.quality).toEqual(quality);
    expect(calls.find((c) => c.id === without)).not.toHaveProperty('quality');
    expect(mutationArgs['call.log'].safeParse({ id: withQ, ...base, quality }).success).toBe(true);
    for (const bad of [
      { ...quality, mosMin: 7 },
      { ...quality, warnings: ['<script>'] },
      { ...quality, extra: 1 },
    ])
      expect(mutationArgs['call.log'].safeParse({ id: withQ, ...base, quality: bad }).success).toBe(false);
    store.close();
  });

  it('answers the phone lookup and a customer’s calls from indexes', () => {
    const { store } = openTestStore();
    const plan = (sql: string, ...p: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...p) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    expect(plan(LOOKUP_PHONE_SQL, '+1')).toMatch(/SEARCH customer_phones USING PRIMARY KEY \(phone=\?\)/);
    expect(plan(CALLS_OF_CUSTOMER_SQL, C1, 5)).toMatch(/USING INDEX records_calls_by_customer/);
    store.close();
  });
});
