import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { WebchatOptions } from '../../../src/relay/channels/webchat/webchat';
import { ADMIN, count, http, login, startTestRelay } from '../relay/helpers';
import { PNG, visit } from './visitorClient';

// Per-inbox web chat settings changed by an admin through the relay's admin API, against a real
// relay: origins, identity secrets and the offline promise apply to the next session, socket and
// upload without a restart; the secret never leaves the relay; only admins change them.

const SHOP = 'https://shop.example';
const OUTLET = 'https://outlet.example';
const FILE_SECRET = 'file-identity-secret-1';
const API_SECRET = 'api-identity-secret-22';
type View = {
  inboxId: string;
  allowedOrigins: string[];
  identitySecretSet: boolean;
  offlineReplyHours: number;
  source: Record<string, string>;
  updatedBy: string | null;
};
type Err = { error: { code: string; message: string } };

let relay: Relay & { dataDir: string };
let adminToken: string;
let adminId: string;
let supervisorToken: string;
let otherSupervisorToken: string;
let agentToken: string;
let openInbox: string; // nothing in the settings file
let fileInbox: string; // origins and a secret from the settings file
let emailInbox: string;
let fileOptions: WebchatOptions;

const path = (inbox: string) => `/v1/admin/inboxes/${inbox}/webchat`;
const get = (inbox: string, token = adminToken) =>
  http<View & Err>(relay, 'GET', path(inbox), undefined, token);
const put = (inbox: string, body: unknown, token = adminToken) =>
  http<View & Err>(relay, 'PUT', path(inbox), body, token);

/** Starts a widget session as a page on `origin` would; the status and the token's customer. */
async function start(body: Record<string, unknown>, origin: string) {
  const res = await fetch(`${relay.url}/v1/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify(body),
  });
  const j = (await res.json()) as { token?: string } & Partial<Err>;
  const customer = j.token
    ? (JSON.parse(Buffer.from(j.token.split('.')[0]!, 'base64url').toString()) as { cust: string }).cust
    : null;
  return { status: res.status, token: j.token, customer, error: j.error };
}

const sign = (secret: string, userId: string) => createHmac('sha256', secret).update(userId).digest('hex');

async function uploadFrom(token: string, origin: string): Promise<number> {
  const res = await fetch(`${relay.url}/v1/widget/attachments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      origin,
      'content-type': 'application/octet-stream',
      'x-file-name': 'dot.png',
    },
    body: PNG,
  });
  return res.status;
}

beforeAll(async () => {
  relay = await startTestRelay();
  const admin = await login(relay, ADMIN.email, ADMIN.password);
  adminToken = admin.accessToken;
  adminId = admin.agent.id;
  const team = async (name: string) =>
    (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name }, adminToken)).body.id;
  const chat = await team('Chat');
  const other = await team('Other');
  const inbox = async (name: string, channel: string) =>
    (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name, channel, teamId: chat },
        adminToken,
      )
    ).body.id;
  openInbox = await inbox('Open chat', 'chat');
  fileInbox = await inbox('Shop chat', 'chat');
  emailInbox = await inbox('Mail', 'email');
  const person = async (email: string, role: string, teamId: string) => {
    await http(
      relay,
      'POST',
      '/v1/admin/agents',
      { email, password: 'password-123', name: email, role, teamIds: [teamId] },
      adminToken,
    );
    return (await login(relay, email, 'password-123')).accessToken;
  };
  supervisorToken = await person('lead@relay.test', 'supervisor', chat);
  otherSupervisorToken = await person('other-lead@relay.test', 'supervisor', other);
  agentToken = await person('agent@relay.test', 'agent', chat);
  await relay.close();
  // Restarted with a settings file naming the inboxes just made: the starting point.
  fileOptions = {
    inboxes: { [fileInbox]: { allowedOrigins: [SHOP], identitySecret: FILE_SECRET, offlineReplyHours: 4 } },
    offlineReplyHours: 8,
    sessionRateLimit: { perSecond: 1, burst: 100 },
  };
  relay = await startTestRelay({ dataDir: relay.dataDir, webchat: fileOptions });
});

afterAll(async () => {
  await relay.close();
});

describe('relay/channels/webchat/settingsHttp', () => {
  it('answers the effective settings, saying where each comes from, never the secret', async () => {
    const res = await fetch(`${relay.url}${path(fileInbox)}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(FILE_SECRET);
    expect(JSON.parse(text)).toMatchObject({
      inboxId: fileInbox,
      allowedOrigins: [SHOP],
      identitySecretSet: true,
      offlineReplyHours: 4,
      source: { allowedOrigins: 'file', identitySecret: 'file', offlineReplyHours: 'file' },
    });
    expect((await get(openInbox)).body).toMatchObject({
      allowedOrigins: [],
      identitySecretSet: false,
      offlineReplyHours: 8,
      source: { allowedOrigins: 'default', identitySecret: 'default', offlineReplyHours: 'file' },
    });
  });

  it('applies an origin added or removed to the next session, socket and upload at once', async () => {
    // Every origin is allowed until the admin names some.
    expect((await start({ inboxId: openInbox }, OUTLET)).status).toBe(201);
    expect((await put(openInbox, { allowedOrigins: [SHOP] })).status).toBe(200);
    expect((await start({ inboxId: openInbox }, OUTLET)).status).toBe(403);
    const shop = await start({ inboxId: openInbox }, SHOP);
    expect(shop.status).toBe(201);

    // Added: the outlet's page may start a chat now.
    const put2 = await put(openInbox, { allowedOrigins: [SHOP, OUTLET] });
    expect(put2.body).toMatchObject({ allowedOrigins: [SHOP, OUTLET], source: { allowedOrigins: 'api' } });
    expect((await start({ inboxId: openInbox }, OUTLET)).status).toBe(201);
    const open = await visit(relay, shop.token!, SHOP);
    expect(await uploadFrom(shop.token!, SHOP)).toBe(201);

    // Removed: the shop's next session, socket and upload are refused, and its open chat is closed.
    await put(openInbox, { allowedOrigins: [OUTLET] });
    expect(await open.closed).toBe(4403);
    expect((await start({ inboxId: openInbox }, SHOP)).status).toBe(403);
    expect(await (await visit(relay, shop.token!, SHOP)).closed).toBe(4403);
    expect(await uploadFrom(shop.token!, SHOP)).toBe(403);
    expect((await start({ inboxId: openInbox }, OUTLET)).status).toBe(201);

    // An empty list allows every origin again.
    await put(openInbox, { allowedOrigins: [] });
    expect((await start({ inboxId: openInbox }, SHOP)).status).toBe(201);
  });

  it('verifies identities signed with a secret set through the API, and stops merging once it is cleared', async () => {
    const userHash = sign(API_SECRET, 'user-42');
    // No secret yet: a signed identity is not trusted.
    expect((await start({ inboxId: openInbox, userId: 'user-42', userHash }, SHOP)).status).toBe(403);

    const set = await put(openInbox, { identitySecret: API_SECRET });
    expect(set.status).toBe(200);
    expect(set.body.identitySecretSet).toBe(true);
    expect(JSON.stringify(set.body)).not.toContain(API_SECRET);
    const first = await start({ inboxId: openInbox, userId: 'user-42', userHash }, SHOP);
    const again = await start({ inboxId: openInbox, userId: 'user-42', userHash }, SHOP);
    expect(first.status).toBe(201);
    expect(again.customer).toBe(first.customer); // the logged-in customer lands on their profile
    const forged = await start({ inboxId: openInbox, userId: 'user-43', userHash }, SHOP);
    expect(forged.status).toBe(403);
    expect(
      (
        await start(
          { inboxId: openInbox, userId: 'user-42', userHash: sign('a-guess-at-the-secret', 'user-42') },
          SHOP,
        )
      ).status,
    ).toBe(403);

    const cleared = await put(openInbox, { identitySecret: null });
    expect(cleared.body).toMatchObject({ identitySecretSet: false, source: { identitySecret: 'api' } });
    expect((await start({ inboxId: openInbox, userId: 'user-42', userHash }, SHOP)).status).toBe(403);
    // Anonymous chats go on; they never merge.
    const anon = await start({ inboxId: openInbox, name: 'Anon' }, SHOP);
    expect(anon.status).toBe(201);
    expect(anon.customer).not.toBe(first.customer);
  });

  it("wins over the settings file's secret for that inbox, clearing included", async () => {
    const fileSigned = { inboxId: fileInbox, userId: 'u1', userHash: sign(FILE_SECRET, 'u1') };
    expect((await start(fileSigned, SHOP)).status).toBe(201);
    await put(fileInbox, { identitySecret: API_SECRET });
    expect((await start(fileSigned, SHOP)).status).toBe(403);
    expect(
      (await start({ inboxId: fileInbox, userId: 'u1', userHash: sign(API_SECRET, 'u1') }, SHOP)).status,
    ).toBe(201);
    await put(fileInbox, { identitySecret: null });
    expect((await start(fileSigned, SHOP)).status).toBe(403);
    // The file's origins still apply: the admin changed only the secret.
    expect((await get(fileInbox)).body).toMatchObject({
      allowedOrigins: [SHOP],
      identitySecretSet: false,
      source: { allowedOrigins: 'file', identitySecret: 'api' },
    });
  });

  it('keeps the secret on the relay only, sealed: not in the synced records, not readable in the database', async () => {
    await put(openInbox, { identitySecret: API_SECRET });
    expect(count(relay, 'SELECT count(*) FROM records WHERE instr(data, ?) > 0', API_SECRET)).toBe(0);
    const sealed = relay.db
      .prepare('SELECT identity_secret FROM webchat_settings WHERE inbox_id = ?')
      .pluck()
      .get(openInbox) as Buffer;
    expect(sealed.length).toBeGreaterThan(API_SECRET.length);
    expect(sealed.includes(Buffer.from(API_SECRET))).toBe(false);
    for (const file of ['relay.db', 'relay.db-wal'].map((f) => join(relay.dataDir, f)).filter(existsSync))
      expect(readFileSync(file).includes(Buffer.from(API_SECRET)), file).toBe(false);
  });

  it('promises the offline answer within the hours set through the API', async () => {
    await put(openInbox, { offlineReplyHours: 6 });
    const config = await fetch(`${relay.url}/v1/widget/config?inbox=${openInbox}`, {
      headers: { origin: SHOP },
    });
    expect(((await config.json()) as { offlineReplyHours: number }).offlineReplyHours).toBe(6);
    const res = await fetch(`${relay.url}/v1/widget/offline`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SHOP },
      body: JSON.stringify({ inboxId: openInbox, name: 'Ola', email: 'ola@example.com', message: 'call me' }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { replyWithinHours: number }).replyWithinHours).toBe(6);
  });

  it('lets only admins change settings; supervisors of the inbox team may read them', async () => {
    expect((await http(relay, 'GET', path(openInbox))).status).toBe(401);
    const asAgent = await get(openInbox, agentToken);
    expect(asAgent.status).toBe(403);
    expect((await put(openInbox, { allowedOrigins: [] }, agentToken)).status).toBe(403);
    const asLead = await get(openInbox, supervisorToken);
    expect(asLead.status).toBe(200);
    expect(asLead.body.identitySecretSet).toBe(true);
    const leadPut = await put(openInbox, { identitySecret: null }, supervisorToken);
    expect(leadPut.status).toBe(403);
    expect(leadPut.body.error.message).toMatch(/Only admins/);
    expect((await http(relay, 'DELETE', path(openInbox), undefined, supervisorToken)).status).toBe(403);
    expect((await get(openInbox, otherSupervisorToken)).status).toBe(403);
    // Nothing changed.
    expect((await get(openInbox)).body.identitySecretSet).toBe(true);
  });

  it('refuses bad input with a reason that says what to fix, changing nothing', async () => {
    const before = (await get(openInbox)).body;
    const cases: [unknown, RegExp][] = [
      [{ allowedOrigins: ['https://shop.example/'] }, /write "https:\/\/shop\.example"/],
      [{ allowedOrigins: ['https://shop.example/cart'] }, /no path/],
      [{ allowedOrigins: ['shop.example'] }, /not a web origin/],
      [{ allowedOrigins: ['javascript:alert(1)'] }, /not a web origin/],
      [{ allowedOrigins: 'https://shop.example' }, /allowedOrigins/],
      [{ identitySecret: 'too-short' }, /at least 16 characters/],
      [{ offlineReplyHours: 0 }, /at least 1/],
      [{ offlineReplyHours: 2.5 }, /whole number/],
      [{ allowedOrigins: [], colour: 'red' }, /colour/],
      [{}, /at least one of allowedOrigins, identitySecret, offlineReplyHours/],
      ['not json', /not valid JSON/],
    ];
    for (const [body, reason] of cases) {
      const r = await put(openInbox, body);
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body.error.message).toMatch(reason);
    }
    expect((await get(openInbox)).body).toEqual(before);
    expect((await put('no-such-inbox', { offlineReplyHours: 2 })).status).toBe(404);
    const email = await put(emailInbox, { offlineReplyHours: 2 });
    expect(email.status).toBe(422);
    expect(email.body.error.message).toMatch(/chat inboxes only/);
  });

  it('keeps the settings across a restart, over the file, until an admin resets them to the file', async () => {
    await put(fileInbox, { allowedOrigins: [OUTLET], offlineReplyHours: 12 });
    await relay.close();
    relay = await startTestRelay({ dataDir: relay.dataDir, webchat: fileOptions });
    adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    expect((await get(fileInbox)).body).toMatchObject({
      allowedOrigins: [OUTLET],
      identitySecretSet: false,
      offlineReplyHours: 12,
      updatedBy: adminId,
    });
    expect((await start({ inboxId: fileInbox }, SHOP)).status).toBe(403);
    const signed = { inboxId: openInbox, userId: 'user-42', userHash: sign(API_SECRET, 'user-42') };
    expect((await start(signed, SHOP)).status).toBe(201); // the sealed secret opens after a restart

    const reset = await http<View>(relay, 'DELETE', path(fileInbox), undefined, adminToken);
    expect(reset.body).toMatchObject({
      allowedOrigins: [SHOP],
      identitySecretSet: true,
      offlineReplyHours: 4,
      source: { allowedOrigins: 'file', identitySecret: 'file', offlineReplyHours: 'file' },
    });
    expect((await start({ inboxId: fileInbox }, SHOP)).status).toBe(201);
  });
});
