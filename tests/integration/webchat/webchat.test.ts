import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ADMIN, count, hello, http, login, mutation, startTestRelay, tempDir } from '../relay/helpers';

// The web chat channel against a real relay: visitor sessions, the visitor socket, signed
// identities, the origin allow-list and the limits.

const IDENTITY_SECRET = 'shop-identity-secret';
const SHOP = 'https://shop.example';
let relay: Relay & { dataDir: string };
let inboxId: string;
let lockedInboxId: string;
let adminToken: string;

type Frame = { t: string; [k: string]: unknown };
type Visitor = {
  ws: WebSocket;
  frames: Frame[];
  next(t: string, pred?: (f: Frame) => boolean): Promise<Frame>;
  closed: Promise<number>;
};

function visit(token: string, since?: string, origin = SHOP): Promise<Visitor> {
  const url = new URL('/v1/widget/socket', relay.url.replace(/^http/, 'ws'));
  url.searchParams.set('token', token);
  if (since) url.searchParams.set('since', since);
  const ws = new WebSocket(url, { origin });
  const frames: Frame[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  const next = async (t: string, pred?: (f: Frame) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const f = frames.find((x) => x.t === t && (!pred || pred(x)));
      if (f) return f;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${t} frame; got ${JSON.stringify(frames)}`);
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, next, closed }));
    ws.once('error', reject);
  });
}

async function session(body: Record<string, unknown>, origin = SHOP) {
  const res = await fetch(`${relay.url}/v1/widget/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { token?: string; error?: { code: string } } };
}

beforeAll(async () => {
  const dataDir = tempDir();
  const first = await startTestRelay({ dataDir });
  const token = (await login(first, ADMIN.email, ADMIN.password)).accessToken;
  const team = (await http<{ id: string }>(first, 'POST', '/v1/admin/teams', { name: 'Chat' }, token)).body
    .id;
  const inbox = async (name: string) =>
    (
      await http<{ id: string }>(
        first,
        'POST',
        '/v1/admin/inboxes',
        { name, channel: 'chat', teamId: team },
        token,
      )
    ).body.id;
  inboxId = await inbox('Web chat');
  lockedInboxId = await inbox('Locked web chat');
  await http(
    first,
    'POST',
    '/v1/admin/agents',
    { email: 'chat@relay.test', password: 'password-123', name: 'Chat agent', teamIds: [team] },
    token,
  );
  await first.close();
  // Restarted with the per-inbox settings, which name the inboxes just made.
  relay = await startTestRelay({
    dataDir,
    webchat: {
      inboxes: {
        [inboxId]: { identitySecret: IDENTITY_SECRET },
        [lockedInboxId]: { allowedOrigins: [SHOP] },
      },
      maxMessageLength: 100,
      rateLimit: { perSecond: 1, burst: 5 },
      sessionRateLimit: { perSecond: 1, burst: 50 },
    },
  });
  adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
});

afterAll(async () => {
  await relay.close();
});

describe('relay/channels/webchat', () => {
  it('serves the widget script', async () => {
    const res = await fetch(`${relay.url}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const js = await res.text();
    expect(js).toContain('attachShadow');
    expect(js).not.toContain('innerHTML');
    expect(js).toContain('联系我们'); // zh-CN and zh-TW strings ship with it (data-lang or the browser's)
  });

  it('carries visitor messages in and agent replies out, and resumes without losing or repeating', async () => {
    const s = await session({ inboxId, name: 'Ana', email: 'ana@example.com' });
    expect(s.status).toBe(201);
    const v = await visit(s.body.token!);
    v.ws.send(JSON.stringify({ t: 'message', text: 'hello', clientId: 'c1' }));
    const mine = (await v.next('message', (f) => f['clientId'] === 'c1'))['message'] as { id: string };
    // No agent is online: the visitor hears their place in the queue.
    await v.next('queue', (f) => f['position'] === 1);
    // The same clientId again (a resend after a lost answer) is not a second message.
    v.ws.send(JSON.stringify({ t: 'message', text: 'hello', clientId: 'c1' }));
    await new Promise((r) => setTimeout(r, 200));
    expect(count(relay, `SELECT count(*) FROM records WHERE entity = 'message' AND id = ?`, mine.id)).toBe(1);
    expect(
      count(
        relay,
        `SELECT count(*) FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = 'hello'`,
      ),
    ).toBe(1);

    const convId = convOf(mine.id);
    const admin = await hello(relay, adminToken);
    admin.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('message.send', { id: uuidv7(), conversationId: convId, body: 'hi Ana' })],
    });
    const reply = (await v.next('message', (f) => (f['message'] as { body: string }).body === 'hi Ana'))[
      'message'
    ] as {
      id: string;
      direction: string;
    };
    expect(reply.direction).toBe('out');
    v.ws.close();

    // Resuming after the visitor's own message: only the reply comes, once.
    const again = await visit(s.body.token!, mine.id);
    await again.next('message');
    await new Promise((r) => setTimeout(r, 200));
    expect(
      again.frames.filter((f) => f.t === 'message').map((f) => (f['message'] as { id: string }).id),
    ).toEqual([reply.id]);

    // Resolved: the visitor is asked for a score, which lands on the conversation.
    admin.send({
      t: 'push',
      batch: 2,
      mutations: [mutation('conversation.setStatus', { id: convId, status: 'resolved' })],
    });
    await again.next('csat');
    again.ws.send(JSON.stringify({ t: 'csat', conversationId: convId, score: 5 }));
    await again.next('csatSaved');
    expect(
      count(
        relay,
        `SELECT json_extract(data, '$.csatScore') FROM records WHERE entity = 'conversation' AND id = ?`,
        convId,
      ),
    ).toBe(5);
    again.ws.close();
    admin.ws.close();
  });

  it('shows typing both ways between the visitor and the assigned agent only', async () => {
    const agent = await hello(relay, (await login(relay, 'chat@relay.test', 'password-123')).accessToken);
    agent.send({ t: 'presence', state: 'available' });
    const s = await session({ inboxId, name: 'Typing visitor' });
    const v = await visit(s.body.token!);
    v.ws.send(JSON.stringify({ t: 'message', text: 'hi', clientId: 't1' }));
    const offer = await agent.next('offer');
    agent.send({ t: 'offerReply', offerId: offer.offer.offerId, accept: true });
    await agent.next('offerResult');
    await v.next('assigned');
    v.ws.send(JSON.stringify({ t: 'typing', on: true }));
    const typing = await agent.next('typing');
    expect(typing).toMatchObject({ conversationId: offer.offer.conversationId, on: true });
    agent.send({ t: 'typing', conversationId: offer.offer.conversationId, on: true });
    expect(await v.next('typing')).toMatchObject({ on: true });
    // Another agent's typing in that conversation never reaches the visitor.
    const admin = await hello(relay, adminToken);
    admin.send({ t: 'typing', conversationId: offer.offer.conversationId, on: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(v.frames.filter((f) => f.t === 'typing')).toHaveLength(1);
    agent.send({ t: 'presence', state: 'offline' });
    agent.ws.close();
    admin.ws.close();
    v.ws.close();
  });

  it('never merges an unsigned visitor into an existing profile', async () => {
    await http(
      relay,
      'POST',
      '/v1/channels/api/messages',
      { inboxId, from: { name: 'Real Bo', email: 'bo@example.com' }, text: 'order?' },
      adminToken,
    );
    const s = await session({ inboxId, name: 'Fake Bo', email: 'bo@example.com' });
    const v = await visit(s.body.token!);
    v.ws.send(JSON.stringify({ t: 'message', text: 'show me my orders', clientId: 'x' }));
    const m = (await v.next('message'))['message'] as { id: string };
    const cust = customerOf(m.id);
    expect(
      count(
        relay,
        `SELECT count(*) FROM records WHERE entity = 'customer' AND json_extract(data, '$.name') = 'Real Bo' AND id = ?`,
        cust,
      ),
    ).toBe(0);
    v.ws.close();
  });

  it('lands a signed identity on its profile and refuses a forged one', async () => {
    const hash = createHmac('sha256', IDENTITY_SECRET).update('user-42').digest('hex');
    const a = await session({ inboxId, name: 'Li', userId: 'user-42', userHash: hash });
    const b = await session({ inboxId, name: 'Li again', userId: 'user-42', userHash: hash });
    expect(a.status).toBe(201);
    const cust = (t: string) =>
      JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).cust as string;
    expect(cust(b.body.token!)).toBe(cust(a.body.token!));
    const forged = await session({ inboxId, userId: 'user-42', userHash: 'ab'.repeat(32) });
    expect(forged.status).toBe(403);
    const unsignedId = await session({ inboxId, userId: 'user-42' });
    expect(unsignedId.status).toBe(403);
  });

  it('refuses forged tokens, other origins, oversized, binary and too many messages', async () => {
    const bad = await visit('e30.AAAA');
    expect(await bad.closed).toBe(4401);

    expect((await session({ inboxId: lockedInboxId }, 'https://evil.example')).status).toBe(403);
    const ok = await session({ inboxId: lockedInboxId });
    expect(ok.status).toBe(201);
    const wrongOrigin = await visit(ok.body.token!, undefined, 'https://evil.example');
    expect(await wrongOrigin.closed).toBe(4403);

    const v = await visit(ok.body.token!);
    v.ws.send(JSON.stringify({ t: 'message', text: 'x'.repeat(101), clientId: 'big' }));
    expect((await v.next('error'))['code']).toBe('RELAY_ERR_TOO_LARGE');
    v.ws.send(Buffer.from('binary'), { binary: true });
    await v.next('error', (f) => f['message'] === 'Only text messages are accepted.');
    for (let i = 0; i < 10; i++) v.ws.send(JSON.stringify({ t: 'typing', on: true }));
    expect((await v.next('error', (f) => f['code'] === 'RELAY_ERR_RATE_LIMITED'))['code']).toBe(
      'RELAY_ERR_RATE_LIMITED',
    );
    v.ws.close();
  });
});

const one = (sql: string, ...params: unknown[]) =>
  relay.db
    .prepare(sql)
    .pluck()
    .get(...params) as string;
const convOf = (messageId: string) =>
  one(
    `SELECT json_extract(data, '$.conversationId') FROM records WHERE entity = 'message' AND id = ?`,
    messageId,
  );
const customerOf = (messageId: string) =>
  one(
    `SELECT json_extract(data, '$.customerId') FROM records WHERE entity = 'message' AND id = ?`,
    messageId,
  );
