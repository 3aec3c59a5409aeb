import { describe, expect, it } from 'vitest';
import { LocalStore } from './localStore';
import { createSilentLogger } from '../base/logger';
import { change, openTestStore } from './testHelpers';

const CONV = '0190a000-0000-7000-8000-0000000c0009';
const page = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) =>
    change('message', `m${offset + i}`, {
      conversationId: CONV,
      customerId: 'c1',
      direction: 'in',
      authorId: null,
      body: i === 7 ? '请问订单什么时候发货' : `hello number ${offset + i}`,
      createdAt: '2025-01-01T00:00:00.000Z',
    }),
  );

describe('main/store search backlog', () => {
  it('indexes live changes at once and a catch-up page after it, in slices', () => {
    const { store } = openTestStore();
    store.applyChanges(page(3), 3);
    expect(store.search('number', { limit: 1000 }).length).toBe(3);
    store.applyChanges(page(500, 100), 600);
    // The catch-up page is stored and visible, its search entries come from the backlog.
    expect(store.messages(CONV)).toHaveLength(503);
    expect(store.search('订单')).toEqual([]);
    let slices = 0;
    while (store.indexSearchBacklog(100)) slices++;
    expect(slices).toBeGreaterThanOrEqual(4);
    expect(store.search('订单').map((h) => h.id)).toEqual(['m107']);
    expect(store.search('number', { limit: 1000 }).length).toBe(502); // one of them is the Chinese message
    expect(store.indexSearchBacklog()).toBe(false);
  });

  it('survives a restart in the middle of the backlog', () => {
    const { store, key, path } = openTestStore();
    store.applyChanges(page(300), 300);
    store.indexSearchBacklog(100);
    store.close();
    const again = LocalStore.open({ path, key, log: createSilentLogger() });
    while (again.indexSearchBacklog(100));
    expect(again.search('number', { limit: 1000 }).length).toBe(299);
    expect(again.search('订单').map((h) => h.id)).toEqual(['m7']);
    again.close();
  });

  it('a record updated live while waiting in the backlog is indexed once, with its latest text', () => {
    const { store } = openTestStore();
    store.applyChanges(page(200), 200);
    store.applyChanges([change('message', 'm5', { ...page(6)[5]!.data!, body: 'edited text' })], 201);
    while (store.indexSearchBacklog(50));
    expect(store.search('edited').map((h) => h.id)).toEqual(['m5']);
    expect(store.search('number', { limit: 1000 }).some((h) => h.id === 'm5')).toBe(false);
  });
});
