import { describe, expect, it } from 'vitest';
import { customerHistory } from './customerHistory';
import { change, customerData, openTestStore } from './testHelpers';

const conv = (id: string, channel: string, at: string) =>
  change('conversation', id, {
    customerId: 'c1',
    channel,
    subject: `${channel} ${id}`,
    status: 'open',
    snoozedUntil: null,
    assigneeId: null,
    teamId: 't1',
    inboxId: null,
    labels: [],
    slaDueAt: null,
    lastMessageAt: at,
    createdAt: at,
  });
const msg = (id: string, conversationId: string, direction: 'in' | 'out', body: string, at: string) =>
  change('message', id, { conversationId, customerId: 'c1', direction, authorId: null, body, createdAt: at });

describe('main/store/customerHistory', () => {
  it("lists the customer's messages, notes and calls on their other channels, newest first", () => {
    const { store } = openTestStore();
    store.applyChanges(
      [
        change('customer', 'c1', customerData('Wang Fang')),
        conv('chat1', 'chat', '2026-01-01T10:00:00.000Z'),
        conv('mail1', 'email', '2026-01-02T10:00:00.000Z'),
        conv('call1', 'voice', '2026-01-03T10:00:00.000Z'),
        msg('m1', 'chat1', 'in', 'where is\nmy order <b>1001</b>', '2026-01-01T10:00:00.000Z'),
        msg('m2', 'mail1', 'out', 'It ships today 今天发货', '2026-01-02T10:00:00.000Z'),
        msg('m3', 'call1', 'in', 'not shown: this is the open one', '2026-01-03T10:00:00.000Z'),
        change('call', 'k1', {
          customerId: 'c1',
          conversationId: 'mail1',
          direction: 'in',
          from: '+14155550123',
          to: 'agent',
          agentId: 'a1',
          startedAt: '2026-01-02T12:00:00.000Z',
          answeredAt: null,
          endedAt: '2026-01-02T12:01:00.000Z',
          disposition: 'follow-up',
          note: 'called about the email',
          createdAt: '2026-01-02T12:00:00.000Z',
        }),
      ],
      20,
    );
    const h = customerHistory(store.db, 'c1', 'call1');
    expect(h.map((x) => [x.kind, x.id, x.channel])).toEqual([
      ['call', 'k1', 'voice'],
      ['message', 'm2', 'email'],
      ['message', 'm1', 'chat'],
    ]);
    // Excerpts are one line of plain text (rendered as text, never markup).
    expect(h[2]!.text).toBe('where is my order <b>1001</b>');
    expect(h[1]).toMatchObject({ direction: 'out', subject: 'email mail1', conversationId: 'mail1' });
    store.close();
  });

  it('takes the newest five messages and notes of a long conversation, whichever kind they are', () => {
    const { store } = openTestStore();
    const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 10, m)).toISOString();
    const note = (id: string, m: number) =>
      change('note', id, {
        conversationId: 'chat1',
        authorId: 'a1',
        body: `note ${m}`,
        mentions: [],
        createdAt: at(m),
      });
    store.applyChanges(
      [
        change('customer', 'c1', customerData('Wang Fang')),
        conv('chat1', 'chat', at(59)),
        conv('open1', 'email', '2026-01-02T10:00:00.000Z'),
        // 40 messages, a note after every tenth, and two written in the same minute.
        ...Array.from({ length: 40 }, (_, m) =>
          msg(`m${String(m).padStart(2, '0')}`, 'chat1', 'in', `message ${m}`, at(m)),
        ),
        ...[9, 19, 29, 38].map((m) => note(`n${m}`, m)),
        msg('m39b', 'chat1', 'out', 'message 39 again', at(39)),
      ],
      20,
    );
    expect(customerHistory(store.db, 'c1', 'open1').map((h) => h.id)).toEqual([
      'm39b',
      'm39',
      'n38',
      'm38',
      'm37',
    ]);
    store.close();
  });
});
