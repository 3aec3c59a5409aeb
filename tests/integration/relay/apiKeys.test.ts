import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, http, login, startTestRelay } from './helpers';

// Per-inbox API keys: a system posting conversations into the contact center holds a key for its
// inbox and nothing else; the secret is shown once and only its hash is stored.
let relay: Relay & { dataDir: string };
let admin: string;
let inboxA: string;
let inboxB: string;

beforeAll(async () => {
  relay = await startTestRelay();
  admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Orders' }, admin)).body
    .id;
  const inbox = async (name: string) =>
    (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name, channel: 'api', teamId: team },
        admin,
      )
    ).body.id;
  inboxA = await inbox('Order system');
  inboxB = await inbox('Returns system');
  await http(
    relay,
    'POST',
    '/v1/admin/agents',
    { email: 'ann@relay.test', password: 'password-123', name: 'Ann', teamIds: [team] },
    admin,
  );
});
afterAll(async () => {
  await relay.close();
});

const post = (token: string, inboxId: string) =>
  http<{ conversationId?: string; error?: { code: string; message: string } }>(
    relay,
    'POST',
    '/v1/channels/api/messages',
    { inboxId, from: { name: 'Li Wei 李伟', email: 'li.wei@example.cn' }, text: '订单 1001 还没到' },
    token,
  );

describe('API keys for the API channel', () => {
  it('posts into its own inbox only, is shown once, stored hashed, and stops working when revoked', async () => {
    const created = await http<{ id: string; key: string; inboxId: string; name: string }>(
      relay,
      'POST',
      `/v1/admin/inboxes/${inboxA}/api-keys`,
      { name: 'Order system (prod)' },
      admin,
    );
    expect(created.status).toBe(201);
    const { key, id } = created.body;
    expect(key).toMatch(/^sbk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);

    expect((await post(key, inboxA)).status).toBe(201);
    const other = await post(key, inboxB);
    expect(other.status).toBe(403);
    expect(other.body.error?.message).toMatch(/another inbox/);

    // Listed without the secret; the secret is nowhere in the relay's database file.
    const listed = await http<{ keys: Record<string, unknown>[] }>(
      relay,
      'GET',
      `/v1/admin/inboxes/${inboxA}/api-keys`,
      undefined,
      admin,
    );
    expect(listed.body.keys).toHaveLength(1);
    expect(listed.body.keys[0]).toMatchObject({ id, name: 'Order system (prod)', revokedAt: null });
    expect(listed.body.keys[0]!['lastUsedAt']).not.toBeNull();
    // The secret is everything after `sbk_<16 hex>_` (base64url may itself hold underscores).
    const secret = key.slice('sbk_'.length + 17);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    for (const f of ['relay.db', 'relay.db-wal'])
      expect(
        (() => {
          try {
            return readFileSync(join(relay.dataDir, f)).includes(Buffer.from(secret));
          } catch {
            return false;
          }
        })(),
      ).toBe(false);

    // Wrong secret, malformed, revoked: one answer.
    const forged = `${key.slice(0, -4)}AAAA`;
    expect((await post(forged, inboxA)).status).toBe(401);
    expect((await post('sbk_nonsense', inboxA)).status).toBe(401);
    expect((await http(relay, 'DELETE', `/v1/admin/api-keys/${id}`, undefined, admin)).status).toBe(200);
    const revoked = await post(key, inboxA);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error?.message).toMatch(/not valid/);
  });

  it('only admins manage keys; agents cannot post through the API channel', async () => {
    const agent = (await login(relay, 'ann@relay.test', 'password-123')).accessToken;
    expect(
      (await http(relay, 'POST', `/v1/admin/inboxes/${inboxA}/api-keys`, { name: 'x' }, agent)).status,
    ).toBe(403);
    expect((await http(relay, 'GET', `/v1/admin/inboxes/${inboxA}/api-keys`, undefined, agent)).status).toBe(
      403,
    );
    const asAgent = await post(agent, inboxA);
    expect(asAgent.status).toBe(403);
    expect(asAgent.body.error?.message).toMatch(/API key/);
    expect((await http(relay, 'POST', `/v1/admin/inboxes/nope/api-keys`, { name: 'x' }, admin)).status).toBe(
      404,
    );
    expect(
      (await http(relay, 'POST', `/v1/admin/inboxes/${inboxA}/api-keys`, { name: '' }, admin)).status,
    ).toBe(422);
  });
});
