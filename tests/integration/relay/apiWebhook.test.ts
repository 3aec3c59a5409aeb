import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import DatabaseCtor from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelivery } from '../../../src/shared/sync/entities';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ADMIN, drain, hello, http, login, mutation, startTestRelay, tempDir, type Client } from './helpers';

// The API channel's way back: an agent's reply on an API conversation is POSTed, signed, to the
// inbox's webhook, a real HTTP receiver on 127.0.0.1. It is retried after a 500 with the same
// Idempotency-Key, refused with the receiver's words after a 4xx, sent again with that key when the
// relay stopped in the middle of an attempt, and never again once sent; the message record carries
// its delivery state. The admin route tests a webhook before saving it and never answers the secret.

type Hit = { headers: IncomingMessage['headers']; body: string };
type Answer = { status: number; body?: string } | 'hold';

/** A webhook receiver: records every request, answers from a script (200 when it runs out). */
async function receiver() {
  const hits: Hit[] = [];
  const script: Answer[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
      const a = script.shift() ?? { status: 200 };
      if (a === 'hold') return void held.push(res);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body ?? '{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/switchboard`;
  return {
    url,
    hits,
    script,
    close: () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Whether a request carries the signature a receiver computes from the secret (README's check). */
function signedBy(secret: string, h: Hit): boolean {
  const ts = String(h.headers['x-switchboard-timestamp']);
  const want = createHmac('sha256', secret).update(`${ts}.${h.body}`).digest('hex');
  const got = Buffer.from(String(h.headers['x-switchboard-signature']), 'utf8');
  return got.length === want.length && timingSafeEqual(got, Buffer.from(want, 'utf8'));
}

async function until<T>(what: string, f: () => T | Promise<T>, tries = 400): Promise<NonNullable<T>> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const dataDir = tempDir();
// The receiver is on loopback, which a relay refuses unless told that private networks are allowed.
const options = { webhook: { retryMs: 40, maxRetryMs: 200, timeoutMs: 30_000, allowPrivateNetworks: true } };
let relay: Awaited<ReturnType<typeof startTestRelay>>;
let hook: Awaited<ReturnType<typeof receiver>>;
let admin: string;
let inboxId: string;
let teamId: string;
let agent: Client;
let secret: string;

const delivery = (messageId: string): MessageDelivery | undefined => {
  const raw = relay.db
    .prepare("SELECT json_extract(data, '$.delivery') FROM records WHERE entity = 'message' AND id = ?")
    .pluck()
    .get(messageId) as string | null;
  return raw ? (JSON.parse(raw) as MessageDelivery) : undefined;
};
const hitsFor = (messageId: string) => hook.hits.filter((h) => h.headers['idempotency-key'] === messageId);

/** A customer writes in through the API; answers the conversation's id. */
async function posted(text: string, externalId?: string): Promise<string> {
  const r = await http<{ conversationId: string }>(
    relay,
    'POST',
    '/v1/channels/api/messages',
    { inboxId, from: { email: 'ola@orders.test', name: 'Ola' }, text, ...(externalId ? { externalId } : {}) },
    admin,
  );
  expect(r.status).toBe(201);
  return r.body.conversationId;
}

let batch = 0;
/** The agent replies; answers the message id once the relay applied it. */
async function reply(conversationId: string, body: string): Promise<string> {
  const id = uuidv7();
  const b = ++batch;
  agent.send({ t: 'push', batch: b, mutations: [mutation('message.send', { id, conversationId, body })] });
  const r = await agent.next('pushResult', (f) => f.batch === b);
  expect(r.results[0]).toMatchObject({ status: 'applied' });
  return id;
}

beforeAll(async () => {
  hook = await receiver();
  relay = await startTestRelay({ dataDir, ...options });
  admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  teamId = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Orders' }, admin)).body.id;
  inboxId = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Shop API', channel: 'api', teamId },
      admin,
    )
  ).body.id;
  const made = await http(
    relay,
    'POST',
    '/v1/admin/agents',
    { email: 'ana@orders.test', password: 'password-123', name: 'Ana', teamIds: [teamId] },
    admin,
  );
  expect(made.status).toBe(200);
  agent = await hello(relay, (await login(relay, 'ana@orders.test', 'password-123')).accessToken);
  await drain(agent);
});

afterAll(async () => {
  agent?.ws.close();
  await relay?.close();
  await hook?.close();
});

describe('relay/channels/api webhook', () => {
  it('is tested before it is saved, with a clear answer, and never shows its secret', async () => {
    const path = `/v1/admin/inboxes/${inboxId}/webhook`;
    const bad = await http<{ error: { message: string } }>(
      relay,
      'PUT',
      path,
      { url: 'ftp://x.test/h' },
      admin,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/http:\/\/ or https:\/\//);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const nobody = await http<{ error: { message: string } }>(
      relay,
      'PUT',
      path,
      { url: `http://127.0.0.1:${port}/nobody` },
      admin,
    );
    expect(nobody.status).toBe(422);
    expect(nobody.body.error.message).toMatch(/could not be reached \(ECONNREFUSED\).*Nothing was saved/);

    hook.script.push({ status: 404, body: '{"error":{"message":"no such hook"}}' });
    const missing = await http<{ error: { message: string } }>(relay, 'PUT', path, { url: hook.url }, admin);
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toMatch(/answered 404.*no such hook/);
    expect((await http(relay, 'GET', path, undefined, admin)).status).toBe(404);

    const saved = await http<{ url: string; secret: string; secretSet: boolean }>(
      relay,
      'PUT',
      path,
      { url: hook.url },
      admin,
    );
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ url: hook.url, secretSet: true });
    secret = saved.body.secret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    // The test event came signed with that secret.
    const test = hook.hits.at(-1)!;
    expect(JSON.parse(test.body)).toMatchObject({ type: 'webhook.test', inboxId });
    expect(test.headers['idempotency-key']).toBe(JSON.parse(test.body).id);
    expect(signedBy(secret, test)).toBe(true);

    // Read back (and saved again without a secret): the secret stays, and is never answered.
    const view = await http<Record<string, unknown>>(relay, 'GET', path, undefined, admin);
    expect(view.body).toMatchObject({ url: hook.url, secretSet: true });
    expect(JSON.stringify(view.body)).not.toContain(secret);
    const again = await http<Record<string, unknown>>(relay, 'PUT', path, { url: hook.url }, admin);
    expect(again.body['secret']).toBeUndefined();
    expect(signedBy(secret, hook.hits.at(-1)!)).toBe(true);
    expect(
      relay.db.prepare('SELECT count(*) FROM api_webhooks WHERE instr(secret, ?) > 0').pluck().get(secret),
    ).toBe(0);

    // Apps learn only that the inbox has a webhook; an agent may not read it.
    const inbox = relay.db
      .prepare("SELECT data FROM records WHERE entity = 'inbox' AND id = ?")
      .pluck()
      .get(inboxId) as string;
    expect(JSON.parse(inbox)).toMatchObject({ webhook: true });
    expect(inbox).not.toContain(hook.url);
    const ana = (await login(relay, 'ana@orders.test', 'password-123')).accessToken;
    expect((await http(relay, 'GET', path, undefined, ana)).status).toBe(403);
    const audit = relay.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'webhook.changed' AND target = ?")
      .pluck()
      .all(inboxId) as string[];
    expect(audit).toHaveLength(2);
    expect(audit.join()).not.toContain(secret);
  });

  it('delivers a reply signed, retried after a 500 with the same Idempotency-Key, and marks it sent', async () => {
    const conv = await posted('Where is order 1042?', 'ticket-1042');
    hook.script.push({ status: 500, body: 'busy' }, { status: 503 });
    const id = await reply(conv, 'It ships today.');
    await until('sent', () => delivery(id)?.state === 'sent');
    const hits = hitsFor(id);
    expect(hits).toHaveLength(3);
    for (const h of hits) expect(signedBy(secret, h)).toBe(true);
    expect(new Set(hits.map((h) => h.body)).size).toBe(1);
    expect(JSON.parse(hits[0]!.body)).toMatchObject({
      type: 'message.created',
      id,
      inboxId,
      conversationId: conv,
      externalId: 'ticket-1042',
      customer: { name: 'Ola' },
      message: { id, body: 'It ships today.', author: { name: 'Ana' } },
    });
  });

  it("records a refusal with the receiver's words, and does not try again", async () => {
    const conv = await posted('Cancel order 7');
    hook.script.push({ status: 422, body: '{"error":{"message":"order 7 is closed"}}' });
    const id = await reply(conv, 'Cancelled.');
    const d = await until('refused', () => (delivery(id)?.state === 'refused' ? delivery(id) : undefined));
    expect(d.reason).toMatch(/422.*order 7 is closed/);
    expect(hitsFor(id)).toHaveLength(1);
  });

  it('makes an attempt cut short by a restart again with the same key, and never resends a sent reply', async () => {
    const sentBefore = hook.hits.filter((h) => JSON.parse(h.body).type === 'message.created').length;
    const conv = await posted('Is it raining?');
    hook.script.push('hold');
    const id = await reply(conv, 'Not here.');
    await until('the held attempt', () => hitsFor(id).length === 1);
    agent.ws.close();
    await relay.close();
    const db = new DatabaseCtor(join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
    expect(db.prepare('SELECT state FROM webhook_outbox WHERE message_id = ?').pluck().get(id)).toBe(
      'sending',
    );
    db.close();

    relay = await startTestRelay({ dataDir, ...options });
    await until('sent after the restart', () => delivery(id)?.state === 'sent');
    const hits = hitsFor(id);
    expect(hits).toHaveLength(2);
    expect(hits[1]!.body).toBe(hits[0]!.body);
    expect(signedBy(secret, hits[1]!)).toBe(true);
    // Nothing sent or refused before the restart went out again.
    const events = hook.hits.filter((h) => JSON.parse(h.body).type === 'message.created');
    expect(events.length).toBe(sentBefore + 2);
    expect(
      relay.db
        .prepare("SELECT count(*) FROM webhook_outbox WHERE state IN ('queued', 'sending')")
        .pluck()
        .get(),
    ).toBe(0);
    agent = await hello(relay, (await login(relay, 'ana@orders.test', 'password-123')).accessToken);
    await drain(agent);
  });

  it("the inbox team's supervisors manage it, others may not; removed, the inbox says so", async () => {
    const other = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Else' }, admin)).body
      .id;
    for (const [email, team] of [
      ['sue@orders.test', teamId],
      ['sam@else.test', other],
    ] as const) {
      const r = await http(
        relay,
        'POST',
        '/v1/admin/agents',
        { email, password: 'password-123', name: email, role: 'supervisor', teamIds: [team] },
        admin,
      );
      expect(r.status).toBe(200);
    }
    const sue = (await login(relay, 'sue@orders.test', 'password-123')).accessToken;
    const sam = (await login(relay, 'sam@else.test', 'password-123')).accessToken;
    const path = `/v1/admin/inboxes/${inboxId}/webhook`;
    expect((await http(relay, 'GET', path, undefined, sam)).status).toBe(403);
    expect((await http(relay, 'DELETE', path, undefined, sam)).status).toBe(403);
    expect((await http(relay, 'GET', path, undefined, sue)).body).toMatchObject({ url: hook.url });
    const removed = await http(relay, 'DELETE', path, undefined, sue);
    expect(removed.body).toEqual({ inboxId, removed: true });
    const inbox = relay.db
      .prepare("SELECT data FROM records WHERE entity = 'inbox' AND id = ?")
      .pluck()
      .get(inboxId) as string;
    expect(JSON.parse(inbox)).toMatchObject({ webhook: false });
    expect(
      relay.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'webhook.removed'").pluck().get(),
    ).toBe(1);
  });
});

describe('relay/channels/api webhook on a relay that posts to public addresses only (the default)', () => {
  it('refuses a loopback, private or credential-bearing URL on save, sending it nothing', async () => {
    const guarded = await startTestRelay({ dataDir: tempDir() });
    try {
      const t = (await login(guarded, ADMIN.email, ADMIN.password)).accessToken;
      const team = (await http<{ id: string }>(guarded, 'POST', '/v1/admin/teams', { name: 'Web' }, t)).body
        .id;
      const inbox = (
        await http<{ id: string }>(
          guarded,
          'POST',
          '/v1/admin/inboxes',
          { name: 'API', channel: 'api', teamId: team },
          t,
        )
      ).body.id;
      const path = `/v1/admin/inboxes/${inbox}/webhook`;
      const hits = hook.hits.length;
      for (const url of [
        hook.url,
        hook.url.replace('127.0.0.1', 'localhost'),
        'http://169.254.169.254/latest/',
      ]) {
        const r = await http<{ error: { message: string } }>(guarded, 'PUT', path, { url }, t);
        expect(r.status, url).toBe(422);
        expect(r.body.error.message, url).toMatch(
          /private or reserved address.*public addresses only.*Nothing was saved/,
        );
      }
      const creds = await http<{ error: { message: string } }>(
        guarded,
        'PUT',
        path,
        { url: 'https://u:p@hooks.example.com/h' },
        t,
      );
      expect(creds.status).toBe(422);
      expect(creds.body.error.message).toMatch(/user name and password/);
      expect(hook.hits.length).toBe(hits);
      expect((await http(guarded, 'GET', path, undefined, t)).status).toBe(404);
    } finally {
      await guarded.close();
    }
  });
});
