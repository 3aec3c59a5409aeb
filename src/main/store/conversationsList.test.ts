import { describe, expect, it } from 'vitest';
import { countConversations, labelNames, listConversations } from './conversations';
import { change, openTestStore } from './testHelpers';

const conv = (
  id: string,
  channel: string,
  assigneeId: string | null,
  status = 'open',
  at = '2026-01-01T00:00:00.000Z',
  extra: Record<string, unknown> = {},
) =>
  change('conversation', id, {
    customerId: 'c1',
    channel,
    subject: id,
    status,
    snoozedUntil: null,
    assigneeId,
    teamId: 't1',
    inboxId: 'i1',
    labels: [],
    slaDueAt: null,
    lastMessageAt: at,
    createdAt: at,
    ...extra,
  });

describe('main/store conversation list filters', () => {
  it('filters by channel, assignee (or unassigned) and status together', () => {
    const { store } = openTestStore();
    store.applyChanges([
      conv('chat-me', 'chat', 'me'),
      conv('chat-free', 'chat', null),
      conv('mail-me', 'email', 'me'),
      conv('mail-other', 'email', 'other'),
      conv('chat-me-done', 'chat', 'me', 'resolved'),
    ]);
    const ids = (o: Parameters<typeof store.conversations>[0]) =>
      store
        .conversations(o)
        .map((c) => c.id)
        .sort();
    expect(ids({ channel: 'chat' })).toEqual(['chat-free', 'chat-me', 'chat-me-done']);
    expect(ids({ assignee: 'me' })).toEqual(['chat-me', 'chat-me-done', 'mail-me']);
    expect(ids({ assignee: '' })).toEqual(['chat-free']);
    expect(ids({ assignee: 'me', channel: 'chat', status: 'open' })).toEqual(['chat-me']);
    expect(ids({})).toHaveLength(5);
  });
});

describe('main/store unread counts', () => {
  const msg = (id: string, direction: 'in' | 'out', at: string) =>
    change('message', id, {
      conversationId: 'chat-me',
      customerId: 'c1',
      direction,
      authorId: null,
      body: id,
      createdAt: at,
    });
  it('counts customer messages after this device last read the conversation', () => {
    const { store } = openTestStore();
    store.applyChanges([
      conv('chat-me', 'chat', 'me'),
      msg('m1', 'in', '2024-01-01T10:00:00.000Z'),
      msg('m2', 'out', '2024-01-01T10:01:00.000Z'),
      msg('m3', 'in', '2024-01-01T10:02:00.000Z'),
    ]);
    expect(store.conversation('chat-me')?.unread).toBe(2);
    store.markRead('chat-me');
    expect(store.conversation('chat-me')?.unread).toBe(0);
    store.applyChanges([msg('m4', 'in', '2099-01-01T00:00:00.000Z')]);
    expect(store.conversations({}).find((c) => c.id === 'chat-me')?.unread).toBe(1);
  });

  it('previews the newest message, in either direction, for the inbox row', () => {
    const { store } = openTestStore();
    store.applyChanges([conv('quiet', 'chat', null), conv('chat-me', 'chat', 'me')]);
    expect(store.conversation('quiet')?.preview).toBeUndefined();
    store.applyChanges([
      msg('m1', 'in', '2024-01-01T10:00:00.000Z'),
      msg('m2', 'out', '2024-01-01T10:01:00.000Z'),
    ]);
    expect(store.conversation('chat-me')?.preview).toBe('m2');
    store.applyChanges([msg(`long ${'x'.repeat(400)}`, 'in', '2024-01-01T10:02:00.000Z')]);
    expect(
      listConversations(store.db, { offset: 0, limit: 10 }).find((c) => c.id === 'chat-me')?.preview,
    ).toHaveLength(160);
  });
});

describe('main/store conversation list windows', () => {
  const NOW = Date.parse('2026-06-01T12:00:00.000Z');
  const minutes = (m: number) => new Date(NOW + m * 60_000).toISOString();

  it('pages through the whole list in activity order, windows neither overlapping nor skipping', () => {
    const { store } = openTestStore();
    // 250 conversations; every fifth shares its activity time with the one before (ties by id).
    const at = (i: number) =>
      new Date(Date.UTC(2026, 0, 1) + (i - (i % 5 === 4 ? 1 : 0)) * 60_000).toISOString();
    store.applyChanges(
      Array.from({ length: 250 }, (_, i) =>
        conv(`k${String(i).padStart(3, '0')}`, 'chat', null, 'open', at(i)),
      ),
    );
    expect(countConversations(store.db)).toBe(250);
    const seen: string[] = [];
    for (let offset = 0; offset < 250; offset += 40) {
      seen.push(...listConversations(store.db, { offset, limit: 40 }).map((c) => c.id));
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    // Latest activity first, so the newest conversation opens the list and the oldest closes it.
    expect(seen[0]).toBe('k249');
    expect(seen.at(-1)).toBe('k000');
    expect(listConversations(store.db, { offset: 245, limit: 40 })).toHaveLength(5);
    expect(listConversations(store.db, { offset: 300, limit: 40 })).toEqual([]);
  });

  it('counts and lists by team, label and SLA (resolved conversations are never overdue)', () => {
    const { store } = openTestStore();
    store.applyChanges([
      conv('late', 'chat', null, 'open', undefined, { slaDueAt: minutes(-5), labels: ['vip'] }),
      conv('late-done', 'chat', null, 'resolved', undefined, { slaDueAt: minutes(-5) }),
      conv('soon', 'email', null, 'pending', undefined, { slaDueAt: minutes(20), teamId: 't2' }),
      conv('later', 'email', null, 'open', undefined, { slaDueAt: minutes(90), labels: ['refund', 'vip'] }),
      conv('none', 'sms', 'me', 'open', undefined, { teamId: 't3' }),
      change('label', 'l1', { name: 'vip', color: 'red' }),
      change('label', 'l2', { name: 'refund', color: 'blue' }),
    ]);
    const ids = (f: Parameters<typeof countConversations>[1]) => {
      const listed = listConversations(store.db, { ...f, limit: 100 }).map((c) => c.id);
      expect(countConversations(store.db, f)).toBe(listed.length);
      return listed.sort();
    };
    expect(ids({ sla: 'overdue', now: NOW })).toEqual(['late']);
    expect(ids({ sla: 'soon', now: NOW })).toEqual(['soon']);
    expect(ids({ sla: 'none', now: NOW })).toEqual(['none']);
    expect(ids({ label: 'vip' })).toEqual(['late', 'later']);
    expect(ids({ label: 'refund', channel: 'email' })).toEqual(['later']);
    expect(ids({ teamIds: ['t2', 't3'] })).toEqual(['none', 'soon']);
    expect(ids({ teamIds: [] })).toEqual([]);
    expect(ids({ teamIds: ['t1'], sla: 'overdue', now: NOW })).toEqual(['late']);
    expect(labelNames(store.db)).toEqual(['refund', 'vip']);
  });
});
