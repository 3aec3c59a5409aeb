import { describe, expect, it } from 'vitest';
import { change, openTestStore } from './testHelpers';

const conv = (
  id: string,
  channel: string,
  assigneeId: string | null,
  status = 'open',
  at = '2026-01-01T00:00:00.000Z',
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
  it('counts customer messages after this device last read the conversation', () => {
    const { store } = openTestStore();
    const msg = (id: string, direction: 'in' | 'out', at: string) =>
      change('message', id, {
        conversationId: 'chat-me',
        customerId: 'c1',
        direction,
        authorId: null,
        body: id,
        createdAt: at,
      });
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
});
