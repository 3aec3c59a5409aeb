import { describe, expect, it } from 'vitest';
import { segmentWords, toFtsQuery } from './searchIndex';
import { change, clocksFor, customerData, openTestStore, relayClock } from './testHelpers';

const CONV = '0190a000-0000-7000-8000-0000000c0002';
const ids = (hits: { id: string }[]) => hits.map((h) => h.id).sort();

function storeWithText() {
  const { store } = openTestStore();
  const cust = customerData('王小明', {
    phones: ['+8613800138000'],
    emails: ['xiaoming@example.cn'],
    company: 'Harbour Trading',
  });
  const eng = customerData('Margaret Thompson', { emails: ['maggie@acme.test'], company: 'Acme Widgets' });
  const msg = (id: string, body: string) =>
    change('message', id, {
      conversationId: CONV,
      customerId: 'c1',
      direction: 'in',
      authorId: null,
      body,
      createdAt: '2025-01-01T00:00:00.000Z',
    });
  store.applyChanges(
    [
      change('customer', 'c1', cust, clocksFor(cust, relayClock(1))),
      change('customer', 'c2', eng, clocksFor(eng, relayClock(1))),
      msg('m-zh-hans', '我想查询一下我的订单物流状态'),
      msg('m-zh-hant', '請問我的訂單什麼時候到貨'),
      msg('m-en', 'Hello, my parcel has not arrived yet. Order #4471.'),
    ],
    10,
  );
  return store;
}

describe('main/store/search', () => {
  it('segments Chinese into words so two-character words are searchable', () => {
    expect(segmentWords('我想查询一下我的订单物流状态')).toBe('我想 查询 一下 我的 订单 物流 状态');
    expect(segmentWords('請問我的訂單什麼時候到貨').split(' ')).toContain('訂單');
    expect(toFtsQuery('订单 "x" OR *')).toBe('"订单"* "x"* "OR"*');
    expect(toFtsQuery('  ,. ')).toBe('');
  });

  it('finds simplified and traditional Chinese words inside longer sentences', () => {
    const store = storeWithText();
    expect(ids(store.search('订单'))).toEqual(['m-zh-hans']);
    expect(ids(store.search('物流状态'))).toEqual(['m-zh-hans']);
    expect(ids(store.search('訂單'))).toEqual(['m-zh-hant']);
    expect(ids(store.search('到貨'))).toEqual(['m-zh-hant']);
    expect(ids(store.search('王小明'))).toEqual(['c1']);
    expect(store.search('搜索')).toEqual([]);
  });

  it('finds English words, prefixes, emails, phones and companies', () => {
    const store = storeWithText();
    expect(ids(store.search('parcel'))).toEqual(['m-en']);
    expect(ids(store.search('arriv'))).toEqual(['m-en']);
    expect(ids(store.search('margaret acme'))).toEqual(['c2']);
    expect(ids(store.search('maggie@acme.test'))).toEqual(['c2']);
    expect(ids(store.search('8613800138000'))).toEqual(['c1']);
    expect(ids(store.search('harbour'))).toEqual(['c1']);
    expect(store.search('parcel')[0]).toMatchObject({ entity: 'message', conversationId: CONV });
  });

  it('follows optimistic edits and deletions', () => {
    const store = storeWithText();
    store.mutate('note.add', {
      id: '0190a000-0000-7000-8000-0000000n0001'.replace('n', 'a'),
      conversationId: CONV,
      body: '客户要求退款',
    });
    expect(store.search('退款')).toHaveLength(1);
    store.mutate('customer.update', { id: '0190a000-0000-7000-8000-0000000c0001', fields: { name: 'x' } }); // unknown id: no effect
    store.applyChanges([change('message', 'm-en', null)], 11);
    expect(store.search('parcel')).toEqual([]);
  });
});
