import { describe, expect, it } from 'vitest';
import { labelProblem, mutationArgs } from '../../shared/sync/mutations';
import { LOCAL_ERR } from '../base/errors';
import { applyWrite, type RecordState } from '../../shared/sync/records';
import { change, clocksFor, customerData, openTestStore, relayClock } from './testHelpers';

const CUST = '0190a000-0000-7000-8000-0000000c0001';
const CONV = '0190a000-0000-7000-8000-0000000c0002';
const T0 = Date.UTC(2024, 0, 1);
const T9 = Date.UTC(2030, 0, 1); // a relay clock later than every clock of the test store

const conv = (labels: string[]) => ({
  customerId: CUST,
  channel: 'chat',
  subject: 'Refund',
  status: 'open',
  snoozedUntil: null,
  assigneeId: null,
  teamId: 't',
  inboxId: null,
  labels,
  slaDueAt: null,
  lastMessageAt: '2025-01-01T00:00:00.000Z',
  createdAt: '2025-01-01T00:00:00.000Z',
});

function seeded(labels: string[] = []) {
  const t = openTestStore();
  const cust = customerData('Li Na');
  const c = conv(labels);
  t.store.applyChanges(
    [
      change('customer', CUST, cust, clocksFor(cust, relayClock(T0)), 1),
      change('conversation', CONV, c, clocksFor(c, relayClock(T0)), 2),
    ],
    2,
  );
  return t.store;
}

describe('main/store/mutators labels', () => {
  it('adds and removes a label at once, offline, each queued', () => {
    const store = seeded(['vip']);
    store.mutate('conversation.addLabel', { id: CONV, label: 'refund' });
    expect(store.conversation(CONV)?.labels).toEqual(['vip', 'refund']);
    store.mutate('conversation.removeLabel', { id: CONV, label: 'vip' });
    expect(store.conversation(CONV)?.labels).toEqual(['refund']);
    expect(store.pendingCount()).toBe(2);
  });

  it('keeps a pending add on top of a colleague’s newer labels (a set, not last writer wins)', () => {
    const store = seeded(['vip']);
    store.mutate('conversation.addLabel', { id: CONV, label: 'refund' });
    // A colleague's add reaches the relay first: its labels carry a later relay clock.
    const theirs = conv(['vip', 'billing']);
    store.applyChanges(
      [
        change(
          'conversation',
          CONV,
          theirs,
          { ...clocksFor(theirs, relayClock(T0)), labels: relayClock(T9) },
          3,
        ),
      ],
      3,
    );
    expect(store.conversation(CONV)?.labels).toEqual(['vip', 'billing', 'refund']);
    // A colleague removes a label we are removing too: still gone, and nothing comes back.
    store.mutate('conversation.removeLabel', { id: CONV, label: 'vip' });
    const removed = conv(['billing']);
    store.applyChanges(
      [
        change(
          'conversation',
          CONV,
          removed,
          { ...clocksFor(removed, relayClock(T0)), labels: relayClock(T9 + 1) },
          4,
        ),
      ],
      4,
    );
    expect(store.conversation(CONV)?.labels).toEqual(['billing', 'refund']);
  });

  it('is a no-op when replayed on its own confirmed effect', () => {
    const state = { data: { labels: ['a', 'b'] }, clocks: { labels: relayClock(T9) }, deleted: false };
    const op = (o: 'add' | 'remove', label: string): RecordState => {
      const key = { entity: 'conversation' as const, id: CONV };
      const w = { kind: 'label' as const, key, convId: CONV, op: o, label, clock: relayClock(T0) };
      return applyWrite(state, w)!.state;
    };
    expect(op('add', 'b')).toBe(state);
    expect(op('remove', 'c')).toBe(state);
    const added = op('add', 'c');
    expect(added.data['labels']).toEqual(['a', 'b', 'c']);
    // The field's clock never goes back.
    expect(added.clocks['labels']).toBe(relayClock(T9));
  });

  it('refuses labels that are empty, too long, padded, or hold control characters', () => {
    const store = seeded();
    for (const bad of ['', '   ', ' vip', 'x'.repeat(65), 'a\nb', 'tab\there', 'bell\u0007', 'nel\u0085']) {
      expect(labelProblem(bad)).not.toBeNull();
      expect(() => store.mutate('conversation.addLabel', { id: CONV, label: bad })).toThrow(
        expect.objectContaining({ code: LOCAL_ERR.INVALID_MUTATION }),
      );
    }
    expect(store.pendingCount()).toBe(0);
    for (const ok of ['x'.repeat(64), '退款', '<img src=x onerror=alert(1)>', '🙂'.repeat(64)])
      expect(mutationArgs['conversation.addLabel'].safeParse({ id: CONV, label: ok }).success).toBe(true);
  });
});
