import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { profileConversations, callsOfCustomer, screenPop } from '../../../src/main/store/calls';
import { relayWithTeam, startApp, stopApp, until, settled, post, type App } from './relayHarness';

// Two branch offices (two apps) and the relay: an agent merges a web chat visitor's profile into
// the caller's profile while offline, both branches end up with one profile, the relay routes the
// visitor's next email to it, and an agent at the other branch undoes the merge.
let relay: Relay;
let asAdmin: (path: string, body: unknown) => Promise<{ id: string }>;
let adminToken: string;
let inboxId: string;
let ana: App;
let bo: App;

beforeAll(async () => {
  const r = await relayWithTeam();
  relay = r.relay;
  asAdmin = r.asAdmin;
  await r.agent('ana@relay.test', 'Ana');
  await r.agent('bo@relay.test', 'Bo');
  inboxId = (await asAdmin('/v1/admin/inboxes', { name: 'Email', channel: 'email', teamId: r.team.id })).id;
  adminToken = (
    (await (
      await post(relay, '/v1/auth/login', {
        email: 'admin@example.com',
        password: 'admin-pass-1',
        deviceName: 'admin tool',
      })
    ).json()) as { accessToken: string }
  ).accessToken;
  ana = await startApp(relay, 'ana@relay.test');
  bo = await startApp(relay, 'bo@relay.test');
  await until(() => settled(ana) && settled(bo));
});
afterAll(async () => {
  [ana, bo].forEach(stopApp);
  await relay.close();
});

function seedPair(app: App) {
  const s = app.store;
  const visitor = s.newId();
  const caller = s.newId();
  s.mutate('customer.create', {
    id: visitor,
    fields: {
      name: 'Visitor 访客',
      emails: ['wang.fang@example.cn'],
      phones: ['+8613812345678'],
      company: 'Fang Trading',
      customFields: { plan: 'gold' },
    },
  });
  s.mutate('customer.create', { id: caller, fields: { name: 'Wang Fang 王芳', phones: ['+14155550123'] } });
  const chat = s.newId();
  const voice = s.newId();
  s.mutate('conversation.create', { id: chat, customerId: visitor, channel: 'chat', subject: 'Order 1001' });
  s.mutate('message.send', { id: s.newId(), conversationId: chat, body: 'where is my order 订单' });
  s.mutate('conversation.create', { id: voice, customerId: caller, channel: 'voice', subject: 'Call' });
  s.mutate('call.log', {
    id: s.newId(),
    conversationId: chat,
    direction: 'in',
    from: '+8613812345678',
    to: 'agent',
    startedAt: '2026-11-20T10:00:00.000Z',
    answeredAt: '2026-11-20T10:00:05.000Z',
    endedAt: '2026-11-20T10:03:00.000Z',
    disposition: 'resolved',
    note: '',
  });
  return { visitor, caller, chat, voice };
}

describe('merging customer profiles', () => {
  it('merges offline at once, converges at every branch, routes by the merged identity, and undoes', async () => {
    const { visitor, caller, chat, voice } = seedPair(ana);
    await until(
      () => settled(ana) && bo.store.customer(visitor) !== null && bo.store.conversation(chat) !== null,
    );

    // Offline at Ana's branch: the merge shows at once.
    ana.client.stop();
    ana.store.mutate('customer.merge', { sourceId: visitor, targetId: caller });
    const merged = ana.store.customer(caller)!;
    expect(merged.phones).toEqual(['+14155550123', '+8613812345678']);
    expect(merged.emails).toEqual(['wang.fang@example.cn']);
    expect(merged.company).toBe('Fang Trading');
    expect(merged.customFields).toEqual({ plan: 'gold' });
    expect(ana.store.customer(visitor)).toMatchObject({ mergedInto: caller, phones: [], emails: [] });
    expect(
      profileConversations(ana.store.db, caller)
        .map((c) => c.id)
        .sort(),
    ).toEqual([chat, voice].sort());
    expect(callsOfCustomer(ana.store.db, caller)).toHaveLength(1);
    expect(screenPop(ana.store.db, '+8613812345678')?.customer.id).toBe(caller);
    expect(ana.store.customers().map((c) => c.id)).not.toContain(visitor);
    expect(ana.store.search('Visitor').filter((h) => h.entity === 'customer')).toEqual([]);

    // Back online: the relay moves the conversations; the other branch sees the same profile.
    ana.client.start();
    await until(() => settled(ana) && bo.store.conversation(chat)?.customerId === caller);
    for (const app of [ana, bo]) {
      expect(app.store.customer(visitor)?.mergedInto).toBe(caller);
      expect(app.store.customer(visitor)?.merge?.conversations).toEqual([chat]);
      expect(app.store.customer(caller)?.emails).toEqual(['wang.fang@example.cn']);
      expect(app.store.conversation(chat)?.customerId).toBe(caller);
      expect(screenPop(app.store.db, '+8613812345678')?.customer.id).toBe(caller);
    }
    expect(ana.store.rejected()).toEqual([]);

    // The visitor's next email lands on the merged profile, not on a new one.
    const r = await post(
      relay,
      '/v1/channels/api/messages',
      { inboxId, from: { email: 'Wang.Fang@example.cn' }, text: 'any news?' },
      adminToken,
    );
    expect(r.status).toBeLessThan(300);
    expect(((await r.json()) as { customerId: string }).customerId).toBe(caller);

    // Bo undoes the merge: both profiles are as they were, conversations back where they came from.
    bo.store.mutate('customer.unmerge', { sourceId: visitor, targetId: caller });
    await until(() => settled(bo) && ana.store.conversation(chat)?.customerId === visitor);
    await until(() => settled(ana));
    for (const app of [ana, bo]) {
      expect(app.store.customer(visitor)).toMatchObject({
        mergedInto: null,
        merge: null,
        phones: ['+8613812345678'],
        emails: ['wang.fang@example.cn'],
      });
      expect(app.store.customer(caller)).toMatchObject({
        phones: ['+14155550123'],
        emails: [],
        company: '',
        customFields: {},
      });
      expect(app.store.conversation(voice)?.customerId).toBe(caller);
      expect(screenPop(app.store.db, '+8613812345678')?.customer.id).toBe(visitor);
      expect(callsOfCustomer(app.store.db, caller)).toEqual([]);
    }
  });

  it('refuses merges that cannot be undone cleanly, with a reason, and loses nothing', async () => {
    const { visitor, caller } = seedPair(ana);
    const third = ana.store.newId();
    ana.store.mutate('customer.create', { id: third, fields: { name: 'Li Wei 李伟' } });
    await until(() => settled(ana));
    ana.store.mutate('customer.merge', { sourceId: visitor, targetId: caller });
    // A profile merged away cannot take merges, and one that has merges cannot be merged away.
    ana.store.mutate('customer.merge', { sourceId: third, targetId: visitor });
    ana.store.mutate('customer.merge', { sourceId: caller, targetId: third });
    // Nor can a profile be merged into itself.
    ana.store.mutate('customer.merge', { sourceId: third, targetId: third });
    await until(() => ana.client.state().status === 'online' && ana.store.pendingCount() === 0);
    const reasons = ana.store
      .rejected()
      .map((x) => x.message)
      .sort();
    expect(reasons).toHaveLength(3);
    expect(reasons.join('\n')).toMatch(/into itself/);
    expect(reasons.join('\n')).toMatch(/merged into another profile; merge into that profile instead/);
    expect(reasons.join('\n')).toMatch(/Other profiles were merged into Wang Fang/);
    expect(ana.store.customer(third)).toMatchObject({ name: 'Li Wei 李伟' });
    expect(ana.store.customer(third)?.mergedInto ?? null).toBeNull();
    expect(ana.store.customer(caller)?.mergedInto ?? null).toBeNull();
  });
});
