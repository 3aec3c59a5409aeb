import { describe, expect, it } from 'vitest';
import { apiCalls } from '../../shared/api';
import { AGENT, change, customerData, DEVICE, openTestStore } from '../store/testHelpers';
import { ConversationService } from './conversationService';

const conv = (id: string, teamId: string, assigneeId: string | null, at: string, labels: string[] = []) =>
  change('conversation', id, {
    customerId: 'c1',
    channel: 'chat',
    subject: id,
    status: 'open',
    snoozedUntil: null,
    assigneeId,
    teamId,
    inboxId: null,
    labels,
    slaDueAt: null,
    lastMessageAt: at,
    createdAt: at,
  });

function handlers() {
  const { store } = openTestStore();
  store.setIdentity({ deviceId: DEVICE, agent: { ...AGENT, teamIds: ['t1'] } });
  store.applyChanges([
    conv('t1-free', 't1', null, '2026-01-01T00:00:04.000Z', ['vip']),
    conv('t1-other', 't1', 'someone-else', '2026-01-01T00:00:03.000Z'),
    // Assigned to me from another team (a transfer): visible, mine, but not one of my teams'.
    conv('t2-mine', 't2', AGENT.id, '2026-01-01T00:00:02.000Z', ['vip']),
    conv('t2-free', 't2', null, '2026-01-01T00:00:01.000Z'),
  ]);
  return new ConversationService({ store: () => store, sendRead: () => {} });
}

describe('main/services/conversationService list', () => {
  it('answers views as the agent sees them: all, my teams, mine, unassigned', async () => {
    const h = handlers();
    const ids = async (view: 'all' | 'teams' | 'mine' | 'unassigned') =>
      h.list({ view }).items.map((c) => c.id);
    expect(await ids('all')).toEqual(['t1-free', 't1-other', 't2-mine', 't2-free']);
    expect(await ids('teams')).toEqual(['t1-free', 't1-other']);
    expect(await ids('mine')).toEqual(['t2-mine']);
    expect(await ids('unassigned')).toEqual(['t1-free', 't2-free']);
  });

  it('answers one window with the length of the whole filtered list', async () => {
    const h = handlers();
    expect(h.list({ view: 'all', offset: 1, limit: 2 })).toMatchObject({
      total: 4,
      offset: 1,
      items: [{ id: 't1-other' }, { id: 't2-mine' }],
    });
    const vip = h.list({ view: 'teams', label: 'vip' });
    expect(vip.total).toBe(1);
    expect(vip.items.map((c) => c.id)).toEqual(['t1-free']);
    expect(h.labels()).toEqual([]);
  });

  it('skips counting the whole list when asked not to', () => {
    const h = handlers();
    expect(h.list({ view: 'all', offset: 2, limit: 2, count: false })).toEqual({
      total: null,
      offset: 2,
      items: [expect.objectContaining({ id: 't2-mine' }), expect.objectContaining({ id: 't2-free' })],
    });
  });

  it('refuses unknown views and SLA filters before any query', () => {
    const args = apiCalls['conversations:list'].args;
    expect(args.safeParse({ view: 'teams', sla: 'soon', label: 'vip' }).success).toBe(true);
    expect(args.safeParse({ view: 'everyone' }).success).toBe(false);
    expect(args.safeParse({ sla: 'later' }).success).toBe(false);
    expect(args.safeParse({ limit: 501 }).success).toBe(false);
  });
});

const ANA = '0190a000-0000-7000-8000-0000000c0a01';
const BO = '0190a000-0000-7000-8000-0000000c0b02';

describe('main/services/conversationService channel truth', () => {
  function withCustomers() {
    const { store } = openTestStore();
    store.setIdentity({ deviceId: DEVICE, agent: { ...AGENT, teamIds: ['t1'] } });
    store.applyChanges([
      change('customer', ANA, customerData('Ana', { emails: ['ana@example.com'] })),
      change('customer', BO, customerData('Bo')),
      {
        ...conv('call', 't1', AGENT.id, '2026-01-01T00:00:01.000Z'),
        data: { ...conv('call', 't1', AGENT.id, '2026-01-01T00:00:01.000Z').data, channel: 'voice' },
      },
    ]);
    return { store, h: new ConversationService({ store: () => store, sendRead: () => {} }) };
  }

  it('refuses a reply on a call before queuing it, and names where a reply goes', () => {
    const { store, h } = withCustomers();
    expect(h.get({ id: 'call' }).replyRoute).toEqual({ ok: false, reason: 'voice' });
    expect(() => h.sendMessage({ conversationId: 'call', body: 'Hello' })).toThrow(/note/);
    expect(store.pendingCount()).toBe(0);
  });

  it('starts an email conversation with its first mail, queued, to a customer with an address only', () => {
    const { store, h } = withCustomers();
    expect(() => h.startEmail({ customerId: BO, subject: 'Hi', body: 'Hello' })).toThrow(/no email address/);
    expect(store.pendingCount()).toBe(0);
    const { conversationId } = h.startEmail({
      customerId: ANA,
      subject: 'Your refund',
      body: 'Sent today.',
    });
    expect(store.pending().map((m) => m.name)).toEqual(['conversation.create', 'message.send']);
    expect(h.get({ id: conversationId })).toMatchObject({
      conversation: { channel: 'email', subject: 'Your refund', assigneeId: AGENT.id, teamId: 't1' },
      replyRoute: { ok: true, channel: 'email', to: 'ana@example.com' },
      timeline: [{ body: 'Sent today.', direction: 'out' }],
    });
  });

  it("starts an email to the address the agent picks of the customer's, and refuses one not theirs before queuing", () => {
    const { store, h } = withCustomers();
    store.applyChanges([
      change('customer', ANA, customerData('Ana', { emails: ['ana@example.com', 'Ana@Work.example'] })),
    ]);
    expect(() =>
      h.startEmail({ customerId: ANA, to: 'someone@else.example', subject: 'Hi', body: 'Hello' }),
    ).toThrow(/not one of this customer's email addresses.*add it to the profile/);
    expect(store.pendingCount()).toBe(0);
    const { conversationId } = h.startEmail({
      customerId: ANA,
      to: 'ana@work.example',
      subject: 'Your order',
      body: 'It ships today.',
    });
    // The profile's spelling goes to the relay, which checks it again.
    expect(store.pending()[0]).toMatchObject({
      name: 'conversation.create',
      args: { to: 'Ana@Work.example' },
    });
    expect(h.get({ id: conversationId })).toMatchObject({
      conversation: { to: 'Ana@Work.example' },
      replyRoute: { ok: true, channel: 'email', to: 'Ana@Work.example' },
    });
  });

  it('refuses a reply on an API inbox until its synced record says it has a webhook, and on a closed chat', () => {
    const { store, h } = withCustomers();
    const API_CONV = '01900000-0000-7000-8000-0000000000a1';
    const apiConv = conv(API_CONV, 't1', AGENT.id, '2026-01-01T00:00:02.000Z');
    const inbox = (webhook?: boolean) =>
      change('inbox', 'orders', {
        name: 'Orders',
        channel: 'api',
        teamId: 't1',
        ...(webhook === undefined ? {} : { webhook }),
      });
    store.applyChanges([
      inbox(),
      { ...apiConv, data: { ...apiConv.data, channel: 'api', inboxId: 'orders' } },
      {
        ...conv('closed', 't1', AGENT.id, '2026-01-01T00:00:03.000Z'),
        data: { ...conv('closed', 't1', AGENT.id, '2026-01-01T00:00:03.000Z').data, status: 'resolved' },
      },
    ]);
    expect(h.get({ id: API_CONV }).replyRoute).toEqual({ ok: false, reason: 'noWebhook' });
    expect(() => h.sendMessage({ conversationId: API_CONV, body: 'Soon' })).toThrow(/no webhook/);
    expect(h.get({ id: 'closed' }).replyRoute).toEqual({ ok: false, reason: 'chatClosed' });
    expect(() => h.sendMessage({ conversationId: 'closed', body: 'Hi' })).toThrow(/closed/);
    // The relay recorded that the visitor left: refused before queuing, with what to do next.
    const left = conv('left', 't1', AGENT.id, '2026-01-01T00:00:04.000Z');
    store.applyChanges([{ ...left, data: { ...left.data, visitorLeftAt: '2026-01-01T00:05:00.000Z' } }]);
    expect(h.get({ id: 'left' }).replyRoute).toEqual({ ok: false, reason: 'visitorLeft' });
    expect(() => h.sendMessage({ conversationId: 'left', body: 'Still there?' })).toThrow(
      /visitor left the chat.*by email or call/,
    );
    expect(store.pendingCount()).toBe(0);
    store.applyChanges([inbox(true)]);
    expect(h.get({ id: API_CONV }).replyRoute).toEqual({ ok: true, channel: 'api' });
    h.sendMessage({ conversationId: API_CONV, body: 'Soon' });
    expect(store.pendingCount()).toBe(1);
  });
});

describe('main/services/conversationService markRead', () => {
  it('says it cleared unread messages only the first time (the views refresh only then)', () => {
    const { store } = openTestStore();
    const h = new ConversationService({ store: () => store, sendRead: () => {} });
    // The test store's clock starts in 2025: a message from before is unread until marked.
    store.applyChanges([
      conv('c', 't1', null, '2024-06-01T00:00:00.000Z'),
      change('message', 'm1', {
        conversationId: 'c',
        customerId: 'c1',
        direction: 'in',
        authorId: null,
        body: 'Hello?',
        createdAt: '2024-06-01T00:00:01.000Z',
      }),
    ]);
    expect(store.conversation('c')?.unread).toBe(1);
    expect(h.markRead('c')).toEqual({ unread: 0, cleared: true });
    expect(h.markRead('c')).toEqual({ unread: 0, cleared: false });
  });
});

describe('main/services/conversationService get', () => {
  it('sends the newest page of a long thread, says how many are older, and all of it on demand', () => {
    const { store } = openTestStore();
    const h = new ConversationService({ store: () => store, sendRead: () => {} });
    const at = (i: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
    const entry = (i: number) =>
      i % 5 === 0
        ? change('note', `n${i}`, {
            conversationId: 'c',
            authorId: AGENT.id,
            body: `Note ${i}`,
            mentions: [],
            createdAt: at(i),
          })
        : change('message', `m${i}`, {
            conversationId: 'c',
            customerId: 'c1',
            direction: 'in',
            authorId: null,
            body: `Message ${i}`,
            createdAt: at(i),
          });
    store.applyChanges([conv('c', 't1', null, at(0)), ...Array.from({ length: 250 }, (_, i) => entry(i))]);
    const bodies = (limit?: number) => {
      const d = h.get(limit === undefined ? { id: 'c' } : { id: 'c', limit });
      return { earlier: d.earlier, bodies: d.timeline.map((m) => m.body) };
    };
    const names = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) =>
        (k + from) % 5 === 0 ? `Note ${k + from}` : `Message ${k + from}`,
      );
    expect(bodies(100)).toEqual({ earlier: 150, bodies: names(150, 250) });
    expect(bodies(200)).toEqual({ earlier: 50, bodies: names(50, 250) });
    expect(bodies(300)).toEqual({ earlier: 0, bodies: names(0, 250) });
    expect(bodies()).toEqual({ earlier: 0, bodies: names(0, 250) });
  });
});
