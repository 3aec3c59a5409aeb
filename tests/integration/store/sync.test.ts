import { existsSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { LOCAL_ERR } from '../../../src/main/base/errors';
import { post, relayWithTeam, settled, startApp, stopApp, until, type App } from './relayHarness';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function twoApps(relayOpts = {}) {
  const r = await relayWithTeam(relayOpts);
  cleanups.push(() => r.relay.close());
  await r.agent('a@example.com', 'Agent A');
  await r.agent('b@example.com', 'Agent B');
  const a = await startApp(r.relay, 'a@example.com');
  const b = await startApp(r.relay, 'b@example.com');
  cleanups.push(
    () => stopApp(a),
    () => stopApp(b),
  );
  await until(() => settled(a) && settled(b));
  return { ...r, a, b };
}

function seedConversation(a: App) {
  const customerId = a.store.newId();
  const conversationId = a.store.newId();
  a.store.mutate('customer.create', {
    id: customerId,
    fields: { name: '王小明', phones: ['+8613800138000'], company: 'Harbour' },
  });
  a.store.mutate('conversation.create', {
    id: conversationId,
    customerId,
    channel: 'chat',
    subject: '订单查询',
  });
  a.store.mutate('message.send', {
    id: a.store.newId(),
    conversationId,
    body: '我想查询一下我的订单物流状态',
  });
  return { customerId, conversationId };
}

describe('integration/store/sync (app against the real relay)', () => {
  it('syncs two apps; offline edits and a concurrent edit converge, nothing lost or duplicated', async () => {
    const { a, b } = await twoApps();
    const { customerId, conversationId } = seedConversation(a);
    await until(() => settled(a) && b.store.messages(conversationId).length === 1);
    expect(b.store.conversation(conversationId)?.customerName).toBe('王小明');
    expect(b.store.search('订单').map((h) => h.entity)).toContain('message');

    // A goes offline and keeps working.
    a.client.stop();
    const sent: string[] = [];
    for (let i = 0; i < 60; i++) {
      const id = a.store.newId();
      if (i % 3 === 0) a.store.mutate('message.send', { id, conversationId, body: `offline reply ${i}` });
      else if (i % 3 === 1) a.store.mutate('note.add', { id, conversationId, body: `note ${i}` });
      else a.store.mutate('customer.update', { id: customerId, fields: { company: `A-company-${i}` } });
      sent.push(id);
    }
    a.store.mutate('conversation.setStatus', { id: conversationId, status: 'pending' });
    expect(a.client.state()).toMatchObject({ status: 'offline', pending: 61 });
    // B edits the same field later than every one of A's edits: B must win everywhere.
    await new Promise((r) => setTimeout(r, 5));
    b.store.mutate('customer.update', { id: customerId, fields: { company: 'B-company' } });
    await until(() => settled(b));

    a.client.start();
    await until(() => settled(a) && settled(b) && a.store.stateHash() === b.store.stateHash());
    expect(a.store.customer(customerId)?.company).toBe('B-company');
    const bodies = b.store.messages(conversationId).map((m) => m.body);
    expect(bodies).toHaveLength(21);
    expect(new Set(bodies).size).toBe(21);
    expect(b.store.notes(conversationId)).toHaveLength(20);
    expect(b.store.conversation(conversationId)?.status).toBe('pending');
    // Overwritten values are kept in history, visible to both.
    const history = b.store.fieldHistory('customer', customerId, 'company').map((h) => h.value);
    expect(history).toContain('A-company-59');
    expect(history).toContain('B-company');
    expect(a.states.some((s) => s.status === 'offline' && s.pending === 61)).toBe(true);
  });

  it('shows a rejected mutation and rolls it back', async () => {
    const { a } = await twoApps();
    const ghost = uuidv7();
    const m = a.store.mutate('conversation.setStatus', { id: ghost, status: 'resolved' });
    const n = a.store.mutate('note.add', {
      id: a.store.newId(),
      conversationId: ghost,
      body: 'on a conversation that does not exist',
    });
    await until(() => a.store.rejected().length === 2 && settled(a));
    expect(
      a.store
        .rejected()
        .map((r) => r.id)
        .sort(),
    ).toEqual([m.id, n.id].sort());
    expect(a.store.rejected().every((r) => r.code.startsWith('RELAY_ERR_'))).toBe(true);
    expect(a.store.notes(ghost)).toEqual([]);
  });

  it('a client behind the log retention gets a full resync with progress and keeps its outbox', async () => {
    const { a, b, asAdmin } = await twoApps({ logRetention: 5, pageSize: 3 });
    const { conversationId } = seedConversation(a);
    await until(() => settled(a) && b.store.messages(conversationId).length === 1);
    b.client.stop();
    const offline = b.store.mutate('note.add', {
      id: b.store.newId(),
      conversationId,
      body: 'written during the outage',
    });
    for (let i = 0; i < 12; i++)
      a.store.mutate('message.send', { id: a.store.newId(), conversationId, body: `busy ${i}` });
    await until(() => settled(a));
    // The relay compacts its log after HTTP writes (pushes over the socket do not trigger it yet).
    await asAdmin('/v1/admin/teams', { name: 'Compaction trigger' });
    b.client.start();
    await until(() => settled(a) && settled(b) && a.store.stateHash() === b.store.stateHash());
    expect(b.states.some((s) => s.progress !== undefined && s.progress.total > 0)).toBe(true);
    expect(b.store.messages(conversationId)).toHaveLength(13);
    expect(a.store.notes(conversationId).map((x) => x.id)).toContain((offline.args as { id: string }).id);
  });

  it('a revoked device wipes its cache and key and says why', async () => {
    const r = await twoApps();
    const { a } = r;
    a.store.mutate('note.add', { id: a.store.newId(), conversationId: uuidv7(), body: 'x' });
    await until(() => settled(a));
    const deviceId = a.store.identity()!.deviceId;
    const adminLogin = (await (
      await post(r.relay, '/v1/auth/login', {
        email: 'admin@example.com',
        password: 'admin-pass-1',
        deviceName: 'admin 2',
      })
    ).json()) as {
      accessToken: string;
    };
    const res = await post(r.relay, `/v1/devices/${deviceId}/revoke`, {}, adminLogin.accessToken);
    expect(res.status).toBe(200);
    await until(() => a.revokedReason !== null);
    expect(a.client.state()).toMatchObject({
      status: 'revoked',
      lastError: { code: LOCAL_ERR.DEVICE_REVOKED },
    });
    expect(existsSync(a.vault.dbPath)).toBe(false);
    expect(readdirSync(a.dir)).toEqual([]);
  });

  it('refuses a wrong password with a clear error and stays signed out', async () => {
    const r = await relayWithTeam();
    cleanups.push(() => r.relay.close());
    await r.agent('c@example.com', 'Agent C');
    const app = await startApp(r.relay, 'c@example.com');
    cleanups.push(() => stopApp(app));
    app.client.signOut();
    await expect(app.client.login('c@example.com', 'wrong-password', 'laptop')).rejects.toMatchObject({
      code: LOCAL_ERR.AUTH_FAILED,
    });
    app.client.start();
    expect(app.client.state().status).toBe('signedOut');
  });

  it('refreshes an expired access token and reconnects', async () => {
    const r = await relayWithTeam({ accessTokenTtlMs: 1500 });
    cleanups.push(() => r.relay.close());
    await r.agent('d@example.com', 'Agent D');
    // A margin longer than the token's life: every connect refreshes first.
    const app = await startApp(r.relay, 'd@example.com', { refreshMarginMs: 5000 });
    cleanups.push(() => stopApp(app));
    const first = app.store.getSession();
    await until(() => settled(app));
    expect(app.store.getSession()).not.toBe(first);
    app.store.mutate('note.add', { id: app.store.newId(), conversationId: uuidv7(), body: 'after refresh' });
    await until(() => app.store.rejected().length === 1 && settled(app));
  });
});
