import { describe, expect, it } from 'vitest';
import { searchCannedReplies } from './cannedReplies';
import { change, clocksFor, openTestStore, relayClock } from './testHelpers';

const R1 = '0190a000-0000-7000-8000-0000000ca001';
const R2 = '0190a000-0000-7000-8000-0000000ca002';

describe('main/store/cannedReplies', () => {
  it('finds synced canned replies by short code, title or body, and forgets deleted ones', () => {
    const { store } = openTestStore();
    const hello = { shortCode: 'hello', title: 'Greeting', body: 'Hello! How can I help?', teamId: null };
    const nihao = { shortCode: 'nihao', title: '问候', body: '您好！请问有什么可以帮您？', teamId: null };
    store.applyChanges(
      [
        change('cannedReply', R1, hello, clocksFor(hello, relayClock(1))),
        change('cannedReply', R2, nihao, clocksFor(nihao, relayClock(1))),
      ],
      2,
    );
    expect(searchCannedReplies(store.db, 'HEL').map((r) => r.shortCode)).toEqual(['hello']);
    expect(searchCannedReplies(store.db, 'greet').map((r) => r.id)).toEqual([R1]);
    expect(searchCannedReplies(store.db, '您好').map((r) => r.id)).toEqual([R2]);
    expect(searchCannedReplies(store.db, '')).toHaveLength(2);
    store.applyChanges([change('cannedReply', R1, null)], 3);
    expect(searchCannedReplies(store.db, 'hello')).toEqual([]);
    store.close();
  });
});
