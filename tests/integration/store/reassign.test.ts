import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { relayWithTeam, startApp, stopApp, until, settled, type App } from './relayHarness';

// A conversation moved to another team leaves the old team's caches (thread, search entries and
// all) and arrives whole, with its earlier messages, in the new team's.
let relay: Relay;
let asAdmin: (path: string, body: unknown) => Promise<{ id: string }>;
let teamA: string;
let billingId: string;
let apps: App[] = [];

beforeAll(async () => {
  const r = await relayWithTeam();
  relay = r.relay;
  asAdmin = r.asAdmin;
  teamA = r.team.id;
  await r.agent('ana@relay.test', 'Ana');
});
afterAll(async () => {
  apps.forEach(stopApp);
  await relay.close();
});

describe('reassigning a conversation to another team', () => {
  it('removes it from the old team and brings the whole thread to the new one', async () => {
    const teamB = await asAdmin('/v1/admin/teams', { name: 'Billing' });
    billingId = teamB.id;
    await asAdmin('/v1/admin/agents', {
      email: 'bo@relay.test',
      password: 'agent-pass-1',
      name: 'Bo',
      teamIds: [teamB.id],
    });
    const ana = await startApp(relay, 'ana@relay.test');
    const bo = await startApp(relay, 'bo@relay.test');
    apps = [ana, bo];
    await until(() => settled(ana) && settled(bo));

    const customer = ana.store.newId();
    const conv = ana.store.newId();
    ana.store.mutate('customer.create', {
      id: customer,
      fields: { name: 'Liu Yang', emails: ['liu.yang@example.cn'] },
    });
    ana.store.mutate('conversation.create', {
      id: conv,
      customerId: customer,
      channel: 'email',
      subject: 'Invoice',
    });
    ana.store.mutate('message.send', {
      id: ana.store.newId(),
      conversationId: conv,
      body: '您的发票已经开好了 invoice ready',
    });
    ana.store.mutate('note.add', {
      id: ana.store.newId(),
      conversationId: conv,
      body: 'billing question, move to Billing',
    });
    await until(() => settled(ana) && ana.store.search('发票').length === 1);
    expect(bo.store.conversation(conv)).toBeFalsy();

    await asAdmin(`/v1/admin/conversations/${conv}/assign`, { teamId: teamB.id, assigneeId: null });

    await until(() => !ana.store.conversation(conv) && ana.store.messages(conv).length === 0);
    expect(ana.store.notes(conv)).toEqual([]);
    expect(ana.store.search('发票')).toEqual([]);
    await until(
      () => bo.store.conversation(conv)?.teamId === teamB.id && bo.store.messages(conv).length === 1,
    );
    expect(bo.store.notes(conv).map((n) => n.body)).toEqual(['billing question, move to Billing']);
    expect(teamA).not.toBe(teamB.id);
  });

  it('settles a move made while both apps were offline: gone from the old team, whole for the new', async () => {
    const [ana, bo] = apps as [App, App];
    const customer = ana.store.newId();
    const conv = ana.store.newId();
    ana.store.mutate('customer.create', {
      id: customer,
      fields: { name: 'Zhao Lei', emails: ['zhao.lei@example.cn'] },
    });
    ana.store.mutate('conversation.create', {
      id: conv,
      customerId: customer,
      channel: 'chat',
      subject: 'Refund',
    });
    ana.store.mutate('message.send', {
      id: ana.store.newId(),
      conversationId: conv,
      body: '退款进度 refund status',
    });
    ana.store.mutate('note.add', { id: ana.store.newId(), conversationId: conv, body: 'customer is upset' });
    await until(() => settled(ana) && ana.store.search('退款').length === 1);

    // Both workstations are away while a supervisor moves the conversation to Billing.
    ana.client.stop();
    bo.client.stop();
    await asAdmin(`/v1/admin/conversations/${conv}/assign`, { teamId: billingId, assigneeId: null });
    // Unrelated work meanwhile, so the apps catch up from a cursor behind the move.
    await asAdmin('/v1/admin/teams', { name: `Later ${Date.now()}` });

    ana.client.start();
    bo.client.start();
    await until(() => settled(ana) && settled(bo));
    await until(() => !ana.store.conversation(conv) && bo.store.messages(conv).length === 1);
    expect(ana.store.messages(conv)).toEqual([]);
    expect(ana.store.notes(conv)).toEqual([]);
    expect(ana.store.search('退款')).toEqual([]);
    expect(bo.store.conversation(conv)?.teamId).toBe(billingId);
    expect(bo.store.notes(conv).map((n) => n.body)).toEqual(['customer is upset']);
    expect(bo.store.search('退款')).toHaveLength(1);
  });
});
