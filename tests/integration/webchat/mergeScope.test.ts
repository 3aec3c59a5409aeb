import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ADMIN, hello, http, login, mutation, startTestRelay, type Client } from '../relay/helpers';
import { session, visit, type Frame, type Visitor } from './visitorClient';

// A web chat widget carries its own conversation and nothing else, whatever an agent merges into
// the visitor's profile: a real relay, a real visitor socket, an agent's sync socket.

const SECRET = 'merge-scope-identity-secret';
let relay: Relay & { dataDir: string };
let inboxId: string;
let teamId: string;
let agent: Client;
let agentToken: string;
let adminToken: string;
let batch = 0;

async function push(...mutations: ReturnType<typeof mutation>[]) {
  const b = ++batch;
  agent.send({ t: 'push', batch: b, mutations });
  return (await agent.next('pushResult', (f) => f.batch === b)).results;
}

const bodies = (v: Visitor) =>
  v.frames.filter((f) => f.t === 'message').map((f) => (f['message'] as { body: string }).body);
const convOfMessage = (body: string) =>
  relay.db
    .prepare("SELECT conv_id FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = ?")
    .pluck()
    .get(body) as string;
const customerOf = (convId: string) =>
  relay.db
    .prepare(
      "SELECT json_extract(data, '$.customerId') FROM records WHERE entity = 'conversation' AND id = ?",
    )
    .pluck()
    .get(convId) as string;

/** Some customer profile that exists (the first one made). */
const aliceOrAny = () =>
  relay.db
    .prepare("SELECT id FROM records WHERE entity = 'customer' ORDER BY seq LIMIT 1")
    .pluck()
    .get() as string;

/** An agent sends a small text file into a web chat; resolves with the file's id. */
async function agentFile(conversationId: string, name: string): Promise<string> {
  const res = await fetch(`${relay.url}/v1/attachments?conversationId=${conversationId}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${agentToken}`,
      'content-type': 'application/octet-stream',
      'x-file-name': name,
    },
    body: Buffer.from(`${name} contents`),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { attachment: { id: string } }).attachment.id;
}

/** A visitor who says `text` and waits for its echo. */
async function say(v: Visitor, text: string): Promise<void> {
  v.send({ t: 'message', text, clientId: uuidv7() });
  await v.next('message', (f: Frame) => (f['message'] as { body: string }).body === text);
}

const signed = (userId: string, name: string) =>
  session(relay, {
    inboxId,
    name,
    userId,
    userHash: createHmac('sha256', SECRET).update(userId).digest('hex'),
  });

beforeAll(async () => {
  relay = await startTestRelay();
  const admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  adminToken = admin;
  teamId = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Care' }, admin)).body.id;
  inboxId = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Shop chat', channel: 'chat', teamId },
      admin,
    )
  ).body.id;
  const set = await http(
    relay,
    'PUT',
    `/v1/admin/inboxes/${inboxId}/webchat`,
    { identitySecret: SECRET },
    admin,
  );
  expect(set.status).toBe(200);
  await http(
    relay,
    'POST',
    '/v1/admin/agents',
    { email: 'care@relay.test', password: 'password-123', name: 'Care agent', teamIds: [teamId] },
    admin,
  );
  agentToken = (await login(relay, 'care@relay.test', 'password-123')).accessToken;
  agent = await hello(relay, agentToken);
});

afterAll(async () => {
  agent.ws.close();
  await relay.close();
});

describe('relay/channels/webchat after a customer merge', () => {
  it("never shows a merged customer's other conversations to a stranger's widget", async () => {
    // Alice, a real customer: an earlier chat (signed in on the shop) and an email conversation.
    const alice = await visit(relay, await signed('alice', 'Alice'));
    await say(alice, 'my card ends 4242');
    alice.ws.close();
    const aliceChat = convOfMessage('my card ends 4242');
    const aliceId = customerOf(aliceChat);
    const email = uuidv7();
    const emailResults = await push(
      mutation('customer.update', { id: aliceId, fields: { emails: ['alice@example.com'] } }),
      mutation('conversation.create', {
        id: email,
        customerId: aliceId,
        channel: 'email',
        subject: 'Refund',
      }),
    );
    expect(emailResults.map((r) => r.status)).toEqual(['applied', 'applied']);

    // A stranger (another shop account) chats; an agent merges Alice into the stranger by mistake.
    const stranger = await visit(relay, await signed('mallory', 'Mallory'));
    await say(stranger, 'hello?');
    const strangerChat = convOfMessage('hello?');
    const strangerId = customerOf(strangerChat);
    const [merged] = await push(mutation('customer.merge', { sourceId: aliceId, targetId: strangerId }));
    expect(merged?.status).toBe('applied');
    expect(customerOf(email)).toBe(strangerId);

    // Replies in Alice's email and in the stranger's chat: only the stranger's own one reaches them.
    await push(
      mutation('message.send', {
        id: uuidv7(),
        conversationId: email,
        body: 'Your refund of $120 is approved',
      }),
      mutation('message.send', { id: uuidv7(), conversationId: aliceChat, body: 'Alice, your card is safe' }),
      mutation('message.send', { id: uuidv7(), conversationId: strangerChat, body: 'Hi Mallory' }),
    );
    await stranger.next('message', (f) => (f['message'] as { body: string }).body === 'Hi Mallory');
    expect(bodies(stranger)).toEqual(['hello?', 'Hi Mallory']);

    // Coming back, the backlog is the stranger's own chat, and what they write goes there.
    stranger.ws.close();
    const back = await visit(relay, await signed('mallory', 'Mallory'));
    await back.next('message', (f) => (f['message'] as { body: string }).body === 'Hi Mallory');
    await say(back, 'still me');
    expect(convOfMessage('still me')).toBe(strangerChat);
    expect(bodies(back)).toEqual(['hello?', 'Hi Mallory', 'still me']);

    // Alice's chat is not the stranger's to rate.
    back.send({ t: 'csat', conversationId: aliceChat, score: 1 });
    expect((await back.next('error'))['code']).toBe('RELAY_ERR_FORBIDDEN');

    // Files: the agent's file in Alice's chat is not the stranger's to fetch; one in their own is.
    const token = await signed('mallory', 'Mallory');
    const fetchAs = (id: string) =>
      fetch(`${relay.url}/v1/widget/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const inAlice = await agentFile(aliceChat, 'statement.txt');
    const inOwn = await agentFile(strangerChat, 'receipt.txt');
    expect((await fetchAs(inAlice)).status).toBe(404);
    const own = await fetchAs(inOwn);
    expect([own.status, await own.text()]).toEqual([200, 'receipt.txt contents']);
    back.ws.close();
  });

  it("refuses an agent's write of a signed identity, so nobody's sign-in lands on a profile of the agent's choosing", async () => {
    const decoy = uuidv7();
    const identity = { kind: 'webchat', value: `${inboxId}:carol` };
    const [create, update] = await push(
      mutation('customer.create', { id: decoy, fields: { name: 'Decoy', identities: [identity] } }),
      mutation('customer.update', { id: aliceOrAny(), fields: { identities: [identity] } }),
    );
    expect(create).toMatchObject({ status: 'rejected', code: 'RELAY_ERR_VALIDATION' });
    expect(update).toMatchObject({ status: 'rejected', code: 'RELAY_ERR_VALIDATION' });
    // Carol's own sign-in gets a profile of her own.
    const carol = await visit(relay, await signed('carol', 'Carol'));
    await say(carol, 'carol here');
    const carolId = customerOf(convOfMessage('carol here'));
    expect(carolId).not.toBe(decoy);
    expect(carolId).not.toBe(aliceOrAny());
    carol.ws.close();
  });

  it('refuses to merge a customer into an unverified visitor; the reverse keeps the visitor in their chat', async () => {
    const [created] = await push(
      mutation('customer.create', { id: uuidv7(), fields: { name: 'Bo', emails: ['bo@example.com'] } }),
    );
    expect(created?.status).toBe('applied');
    const bo = relay.db
      .prepare("SELECT id FROM records WHERE entity = 'customer' AND json_extract(data, '$.name') = 'Bo'")
      .pluck()
      .get() as string;
    const boEmail = uuidv7();
    await push(
      mutation('conversation.create', { id: boEmail, customerId: bo, channel: 'email', subject: '' }),
    );

    const visitor = await visit(relay, await session(relay, { inboxId, name: 'Bo?' }));
    await say(visitor, 'it is Bo, from my phone');
    const chat = convOfMessage('it is Bo, from my phone');
    const visitorId = customerOf(chat);

    const [wrongWay] = await push(mutation('customer.merge', { sourceId: bo, targetId: visitorId }));
    expect(wrongWay).toMatchObject({ status: 'rejected', code: 'RELAY_ERR_CONFLICT' });
    expect(wrongWay?.status === 'rejected' && wrongWay.message).toMatch(/merge Bo\? into Bo instead/);

    const [rightWay] = await push(mutation('customer.merge', { sourceId: visitorId, targetId: bo }));
    expect(rightWay?.status).toBe('applied');
    await push(
      mutation('message.send', { id: uuidv7(), conversationId: boEmail, body: 'Bo: your invoice' }),
      mutation('message.send', { id: uuidv7(), conversationId: chat, body: 'Thanks Bo, found you' }),
    );
    await visitor.next('message', (f) => (f['message'] as { body: string }).body === 'Thanks Bo, found you');
    await say(visitor, 'great');
    expect(convOfMessage('great')).toBe(chat);
    expect(bodies(visitor)).toEqual(['it is Bo, from my phone', 'Thanks Bo, found you', 'great']);
    visitor.ws.close();
  });

  it('keeps a chat transferred to another team in the widget, after a reload too', async () => {
    const billing = (
      await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Billing' }, adminToken)
    ).body.id;
    const billingInbox = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Billing chat', channel: 'chat', teamId: billing },
        adminToken,
      )
    ).body.id;
    const token = await session(relay, { inboxId, name: 'Dee' });
    const first = await visit(relay, token);
    await say(first, 'a question about my bill');
    const chat = convOfMessage('a question about my bill');
    const [moved] = await push(mutation('conversation.transfer', { id: chat, toTeamId: billing }));
    expect(moved?.status).toBe('applied');
    expect(
      relay.db
        .prepare(
          "SELECT json_extract(data, '$.inboxId') FROM records WHERE entity = 'conversation' AND id = ?",
        )
        .pluck()
        .get(chat),
    ).toBe(billingInbox);
    first.ws.close();
    const again = await visit(relay, token);
    await again.next(
      'message',
      (f) => (f['message'] as { body: string }).body === 'a question about my bill',
    );
    await say(again, 'still there?');
    expect(convOfMessage('still there?')).toBe(chat);
    again.ws.close();
  });
});
