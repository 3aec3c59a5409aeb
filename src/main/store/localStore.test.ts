import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { createSilentLogger } from '../base/logger';
import { LOCAL_ERR } from '../base/errors';
import { LocalStore } from './localStore';
import { change, clocksFor, customerData, openTestStore, relayClock } from './testHelpers';

const CUST = '0190a000-0000-7000-8000-0000000c0001';
const CONV = '0190a000-0000-7000-8000-0000000c0002';
const T0 = Date.UTC(2024, 0, 1); // before the test store's clock: the agent's later edits win
const T9 = Date.UTC(2030, 0, 1); // after it: the relay's value wins

function seeded() {
  const t = openTestStore();
  const cust = customerData('Li Na', { company: 'Acme' });
  const conv = {
    customerId: CUST,
    channel: 'chat',
    subject: 'Where is my order',
    status: 'open',
    snoozedUntil: null,
    assigneeId: null,
    teamId: 't',
    inboxId: null,
    labels: [],
    slaDueAt: null,
    lastMessageAt: '2025-01-01T00:00:00.000Z',
    createdAt: '2025-01-01T00:00:00.000Z',
  };
  t.store.applyChanges(
    [
      change('customer', CUST, cust, clocksFor(cust, relayClock(T0)), 1),
      change('conversation', CONV, conv, clocksFor(conv, relayClock(T0)), 2),
    ],
    2,
  );
  return { ...t, cust, conv };
}

describe('main/store/localStore', () => {
  it('applies a mutation optimistically and queues it in the outbox', () => {
    const { store } = seeded();
    const m = store.mutate('customer.update', { id: CUST, fields: { company: 'Acme Asia' } });
    expect(store.customer(CUST)?.company).toBe('Acme Asia');
    expect(store.pendingCount()).toBe(1);
    expect(store.pending()).toEqual([
      expect.objectContaining({ id: m.id, name: 'customer.update', clock: m.clock, state: 'pending' }),
    ]);
    // The confirmed state (what the hash covers) is untouched until the relay answers.
    const before = store.stateHash();
    store.mutate('message.send', { id: store.newId(), conversationId: CONV, body: 'On its way' });
    expect(store.stateHash()).toBe(before);
    expect(store.messages(CONV).map((x) => x.body)).toEqual(['On its way']);
    expect(store.conversation(CONV)?.customerName).toBe('Li Na');
  });

  it('writes nothing when a mutation fails validation', () => {
    const { store } = seeded();
    const snapshot = () =>
      store.db
        .prepare(
          "SELECT (SELECT count(*) FROM records) r, (SELECT count(*) FROM outbox) o, (SELECT value FROM meta WHERE key = 'hlc') h",
        )
        .get();
    const before = snapshot();
    expect(() => store.mutate('customer.update', { id: CUST, fields: { emails: ['not-an-email'] } })).toThrow(
      expect.objectContaining({ code: LOCAL_ERR.INVALID_MUTATION }),
    );
    expect(() => store.mutate('message.send', { id: 'nope', conversationId: CONV, body: '' })).toThrow(
      expect.objectContaining({ code: LOCAL_ERR.INVALID_MUTATION }),
    );
    expect(() => store.mutate('customer.delete' as never, { id: CUST })).toThrow(
      expect.objectContaining({ code: LOCAL_ERR.INVALID_MUTATION }),
    );
    expect(snapshot()).toEqual(before);
    expect(store.customer(CUST)?.company).toBe('Acme');
  });

  it('keeps the optimistic value and the outbox row together across a crash-like reopen', () => {
    const { store, path, key } = seeded();
    store.mutate('customer.update', { id: CUST, fields: { name: 'Li Na (VIP)' } });
    store.close();
    const again = LocalStore.open({ path, key, log: createSilentLogger() });
    expect(again.customer(CUST)?.name).toBe('Li Na (VIP)');
    expect(again.pendingCount()).toBe(1);
    // The clock never goes back after a restart.
    const next = again.mutate('customer.update', { id: CUST, fields: { name: 'Li Na' } });
    expect(next.clock > again.pending()[0]!.clock).toBe(true);
    again.close();
  });

  it('rebases pending mutations on a server change', () => {
    const { store, cust } = seeded();
    store.mutate('customer.update', { id: CUST, fields: { company: 'Mine Ltd' } });
    // Another agent changes the address (a field we did not touch): both show.
    const c2 = { ...cust, address: '1 Harbour Rd' };
    store.applyChanges(
      [change('customer', CUST, c2, { ...clocksFor(cust, relayClock(T0)), address: relayClock(T0 + 1) }, 3)],
      3,
    );
    expect(store.customer(CUST)).toMatchObject({ company: 'Mine Ltd', address: '1 Harbour Rd' });
    // A later edit of the same field by someone else wins, as it will on the relay.
    const c3 = { ...c2, company: 'Theirs Inc' };
    store.applyChanges(
      [change('customer', CUST, c3, { ...clocksFor(c2, relayClock(T0)), company: relayClock(T9) }, 4)],
      4,
    );
    expect(store.customer(CUST)?.company).toBe('Theirs Inc');
    expect(store.pendingCount()).toBe(1); // still sent: the relay keeps the losing value in history
    expect(store.cursor()).toBe(4);
  });

  it('rolls back a rejected mutation, keeps it for the UI and replays the rest', () => {
    const { store } = seeded();
    const a = store.mutate('customer.update', { id: CUST, fields: { company: 'First' } });
    const b = store.mutate('customer.update', { id: CUST, fields: { address: 'Second St' } });
    const msg = store.mutate('message.send', { id: store.newId(), conversationId: CONV, body: 'hello' });
    const r = store.acknowledge([
      { id: a.id, status: 'rejected', code: RELAY_ERR.FORBIDDEN, message: 'You may not edit this customer.' },
      { id: b.id, status: 'applied', seq: 10 },
    ]);
    expect(r).toEqual({ acked: 1, rejected: 1 });
    expect(store.customer(CUST)).toMatchObject({ company: 'Acme', address: 'Second St' });
    expect(store.rejected()).toEqual([
      expect.objectContaining({
        id: a.id,
        code: RELAY_ERR.FORBIDDEN,
        message: 'You may not edit this customer.',
      }),
    ]);
    expect(store.pending().map((p) => p.id)).toEqual([msg.id]);
    expect(store.messages(CONV)).toHaveLength(1);

    // A rejected create removes the optimistic record entirely.
    const noteId = store.newId();
    const n = store.mutate('note.add', { id: noteId, conversationId: CONV, body: 'call back' });
    store.acknowledge([{ id: n.id, status: 'rejected', code: RELAY_ERR.NOT_FOUND, message: 'gone' }]);
    expect(store.notes(CONV)).toEqual([]);
    expect(store.dismissRejected(a.id)).toBe(true);
    expect(store.rejected().map((x) => x.id)).toEqual([n.id]);
  });

  it('keeps an acknowledged change visible until the cursor covers it, then drops it', () => {
    const { store, cust } = seeded();
    const m = store.mutate('customer.update', { id: CUST, fields: { company: 'Mine Ltd' } });
    store.acknowledge([{ id: m.id, status: 'applied', seq: 6 }]);
    expect(store.pendingCount()).toBe(0);
    // An older change arrives after the ack: our value must not flicker away.
    store.applyChanges(
      [change('customer', CUST, { ...cust, address: 'x' }, clocksFor(cust, relayClock(T0)), 5)],
      5,
    );
    expect(store.customer(CUST)).toMatchObject({ company: 'Mine Ltd', address: 'x' });
    const c6 = { ...cust, address: 'x', company: 'Mine Ltd' };
    store.applyChanges(
      [change('customer', CUST, c6, { ...clocksFor(cust, relayClock(T0)), company: m.clock }, 6)],
      6,
    );
    expect(store.db.prepare('SELECT count(*) n FROM outbox').get()).toEqual({ n: 0 });
    expect(store.customer(CUST)?.company).toBe('Mine Ltd');
  });

  it('ignores a replayed older change for a record', () => {
    const { store, cust } = seeded();
    store.applyChanges(
      [change('customer', CUST, { ...cust, name: 'New' }, clocksFor(cust, relayClock(T0)), 7)],
      7,
    );
    store.applyChanges(
      [change('customer', CUST, { ...cust, name: 'Old' }, clocksFor(cust, relayClock(T0)), 3)],
      7,
    );
    expect(store.customer(CUST)?.name).toBe('New');
  });

  it('full resync wipes confirmed state but keeps and replays the outbox', () => {
    const { store, cust, conv } = seeded();
    const sent = store.mutate('message.send', {
      id: store.newId(),
      conversationId: CONV,
      body: 'offline reply',
    });
    store.mutate('customer.update', { id: CUST, fields: { company: 'Offline Co' } });
    store.beginResync();
    expect(store.isResyncing()).toBe(true);
    expect(store.cursor()).toBe(0);
    expect(store.pendingCount()).toBe(2);
    expect(store.messages(CONV).map((m) => m.body)).toEqual(['offline reply']);
    store.applySnapshotPage([change('customer', CUST, cust, clocksFor(cust, relayClock(T0)), 1)]);
    store.applySnapshotPage([change('conversation', CONV, conv, clocksFor(conv, relayClock(T0)), 2)]);
    store.endResync(50);
    expect(store.isResyncing()).toBe(false);
    expect(store.cursor()).toBe(50);
    expect(store.customer(CUST)?.company).toBe('Offline Co');
    expect(store.pending().map((p) => p.id)[0]).toBe(sent.id);
    expect(store.conversation(CONV)?.lastMessageAt).not.toBe(conv.lastMessageAt);
  });

  it('gives equal hashes for equal confirmed state, whatever the order it arrived in', () => {
    const a = openTestStore().store;
    const b = openTestStore(undefined, undefined, 'other-device').store;
    const x = customerData('X');
    const y = customerData('Y');
    const cx = change('customer', CUST, x, clocksFor(x, relayClock(T0)), 1);
    const cy = change('customer', CONV, y, clocksFor(y, relayClock(T0)), 2);
    a.applyChanges([cx, cy], 2);
    b.applyChanges([cy], 2);
    b.applyChanges([cx], 2);
    b.mutate('customer.update', { id: CUST, fields: { name: 'pending only' } });
    expect(a.stateHash()).toBe(b.stateHash());
    a.applyChanges([change('customer', CUST, null, {}, 3)], 3);
    expect(a.stateHash()).not.toBe(b.stateHash());
    expect(a.customer(CUST)).toBeNull();
  });

  it('needs a signed-in identity before it can clock mutations', () => {
    const { dir, key } = openTestStore();
    const s = LocalStore.open({ path: join(dir, 'fresh.db'), key, log: createSilentLogger() });
    expect(() => s.mutate('note.add', { id: s.newId(), conversationId: CONV, body: 'x' })).toThrow(
      expect.objectContaining({ code: LOCAL_ERR.NOT_SIGNED_IN }),
    );
    s.close();
  });
});
