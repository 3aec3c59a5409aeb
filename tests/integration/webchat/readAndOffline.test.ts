import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ADMIN, count, hello, http, login, mutation, startTestRelay, type Client } from '../relay/helpers';
import { session, until, visit } from './visitorClient';

// Read receipts both ways between a web chat visitor and the assigned agent, and the offline form
// the widget shows when nobody who could take the inbox's chats is there.

const SHOP = 'https://shop.example';
let relay: Relay & { dataDir: string };
let inboxId: string;
let lockedInboxId: string;
let agentToken: string;
let adminToken: string;

const conversationField = (id: string, field: string) =>
  relay.db
    .prepare(`SELECT json_extract(data, '$.' || ?) FROM records WHERE entity = 'conversation' AND id = ?`)
    .pluck()
    .get(field, id) as string | null;

async function online(inbox = inboxId): Promise<boolean> {
  const res = await fetch(`${relay.url}/v1/widget/config?inbox=${inbox}`, { headers: { origin: SHOP } });
  return ((await res.json()) as { online: boolean }).online;
}

beforeAll(async () => {
  relay = await startTestRelay({
    webchat: { offlineReplyHours: 8, inboxes: {} },
  });
  adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Chat' }, adminToken))
    .body.id;
  const inbox = async (name: string) =>
    (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name, channel: 'chat', teamId: team },
        adminToken,
      )
    ).body.id;
  inboxId = await inbox('Web chat');
  lockedInboxId = await inbox('Locked');
  await http(
    relay,
    'POST',
    '/v1/admin/agents',
    { email: 'reader@relay.test', password: 'password-123', name: 'Reader', teamIds: [team] },
    adminToken,
  );
  agentToken = (await login(relay, 'reader@relay.test', 'password-123')).accessToken;
  await relay.close();
  // Restarted with the per-inbox settings, which name the inboxes just made.
  relay = await startTestRelay({
    dataDir: relay.dataDir,
    webchat: {
      offlineReplyHours: 8,
      inboxes: { [lockedInboxId]: { allowedOrigins: [SHOP], offlineReplyHours: 4 } },
    },
  });
});

afterAll(async () => {
  await relay.close();
});

describe('relay/channels/webchat read receipts', () => {
  it('shows the visitor when the assigned agent has read them, and records what the visitor read', async () => {
    const agent: Client = await hello(relay, agentToken);
    agent.send({ t: 'presence', state: 'available' });
    await until(() => online(), 'the agent to be online');
    const token = await session(relay, { inboxId, name: 'Reader test' });
    const v = await visit(relay, token);
    v.send({ t: 'message', text: 'did you see this?', clientId: 'r1' });
    const offer = await agent.next('offer');
    const convId = offer.offer.conversationId;
    agent.send({ t: 'offerReply', offerId: offer.offer.offerId, accept: true });
    await v.next('assigned');

    // Someone else's read (the admin's) is not the customer's business.
    const admin = await hello(relay, adminToken);
    admin.send({ t: 'read', conversationId: convId });
    // Frames of one socket are handled in order: once the pull is answered, the read was handled.
    admin.send({ t: 'pull', cursor: count(relay, "SELECT seq FROM sqlite_sequence WHERE name = 'log'") });
    await admin.next('changes');
    expect(conversationField(convId, 'agentReadAt')).toBeNull();

    agent.send({ t: 'read', conversationId: convId });
    const read = await v.next('read');
    expect(typeof read['at']).toBe('string');
    expect(conversationField(convId, 'agentReadAt')).toBe(read['at']);
    // Read again with nothing new: no new stamp.
    agent.send({ t: 'read', conversationId: convId });
    agent.send({ t: 'typing', conversationId: convId, on: false });
    await v.next('typing', (f) => f['on'] === false);
    expect(conversationField(convId, 'agentReadAt')).toBe(read['at']);

    // The agent replies; the visitor reads it; the stamp reaches the agent's app as a change.
    agent.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('message.send', { id: uuidv7(), conversationId: convId, body: 'Yes, on it' })],
    });
    await v.next('message', (f) => (f['message'] as { body: string }).body === 'Yes, on it');
    expect(conversationField(convId, 'visitorReadAt')).toBeNull();
    v.send({ t: 'read' });
    await agent.next('changes', (f) =>
      f.changes.some((c) => c.id === convId && typeof c.data?.['visitorReadAt'] === 'string'),
    );
    // A resumed visitor hears the read receipt at once.
    v.ws.close();
    const again = await visit(relay, token);
    expect((await again.next('read'))['at']).toBe(read['at']);
    again.ws.close();
    agent.send({ t: 'presence', state: 'offline' });
    agent.ws.close();
    admin.ws.close();
  });
});

describe('relay/channels/webchat offline form', () => {
  it('says whether an agent who could take the chat is there', async () => {
    expect(await online()).toBe(false);
    const agent = await hello(relay, agentToken);
    agent.send({ t: 'presence', state: 'available' });
    expect(await until(() => online(), 'online')).toBe(true);
    agent.send({ t: 'presence', state: 'away' });
    await until(async () => !(await online()), 'offline when away');
    agent.send({ t: 'presence', state: 'available' });
    await until(() => online(), 'online again');
    agent.ws.close();
    await until(async () => !(await online()), 'offline once disconnected');
    // Other sites cannot ask about a locked inbox.
    const res = await fetch(`${relay.url}/v1/widget/config?inbox=${lockedInboxId}`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
  });

  it('turns an offline message into a pending conversation in the inbox and says when to expect an answer', async () => {
    const post = (body: unknown, origin = SHOP) =>
      fetch(`${relay.url}/v1/widget/offline`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify(body),
      });
    const text = `Please call me back about order 881 ${Date.now()}`;
    const res = await post({ inboxId, name: 'Wang Fang', email: 'fang@example.cn', message: text });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ replyWithinHours: 8 });
    const locked = await post({ inboxId: lockedInboxId, name: 'Li', email: 'li@example.cn', message: 'hi' });
    expect(await locked.json()).toEqual({ replyWithinHours: 4 });

    const conv = relay.db
      .prepare(
        `SELECT c.id AS id, c.data AS conv, p.data AS customer FROM records m
           JOIN records c ON c.entity = 'conversation' AND c.id = json_extract(m.data, '$.conversationId')
           JOIN records p ON p.entity = 'customer' AND p.id = json_extract(m.data, '$.customerId')
         WHERE m.entity = 'message' AND json_extract(m.data, '$.body') = ?`,
      )
      .get(text) as { id: string; conv: string; customer: string };
    const c = JSON.parse(conv.conv);
    expect(c).toMatchObject({ status: 'pending', inboxId, assigneeId: null });
    expect(c.subject).toContain('fang@example.cn');
    const p = JSON.parse(conv.customer);
    expect(p.name).toBe('Wang Fang');
    // Unverified, as in a chat: kept to answer, never used to match a profile.
    expect(p.emails).toEqual([]);
    expect(p.customFields['webchat.email']).toBe('fang@example.cn');

    // An agent who comes online is offered it.
    const agent = await hello(relay, agentToken);
    agent.send({ t: 'presence', state: 'available' });
    const offer = await agent.next('offer', (f) => f.offer.conversationId === conv.id);
    expect(offer.offer.channel).toBe('chat');
    agent.send({ t: 'presence', state: 'offline' });
    agent.ws.close();

    // Refused: a missing email, an empty message, another site.
    expect((await post({ inboxId, name: 'X', email: 'not-an-email', message: 'hi' })).status).toBe(422);
    expect((await post({ inboxId, name: 'X', email: 'x@example.com', message: '  ' })).status).toBe(422);
    expect(
      (
        await post(
          { inboxId: lockedInboxId, name: 'X', email: 'x@example.com', message: 'hi' },
          'https://evil.example',
        )
      ).status,
    ).toBe(403);
    expect(
      count(
        relay,
        `SELECT count(*) FROM records WHERE entity = 'customer' AND json_extract(data, '$.name') = 'X'`,
      ),
    ).toBe(0);
  });
});
