import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ADMIN, hello, http, login, mutation, startTestRelay } from '../relay/helpers';
import { session, until, visit } from './visitorClient';

// Channel truth for web chat (#13): a visitor whose socket closed and who is not back within the
// grace (visitorGoneMs here, short) has left; the conversation records visitorLeftAt, the relay
// refuses an agent's reply with the reason and stores nothing, and the visitor's return clears it.

let relay: Relay & { dataDir: string };
let inboxId: string;
let agentToken: string;

const conversationField = (id: string, field: string) =>
  relay.db
    .prepare(`SELECT json_extract(data, '$.' || ?) FROM records WHERE entity = 'conversation' AND id = ?`)
    .pluck()
    .get(field, id) as string | null;
const messageStored = (id: string) =>
  relay.db.prepare("SELECT COUNT(*) FROM records WHERE entity='message' AND id=?").pluck().get(id) as number;

beforeAll(async () => {
  relay = await startTestRelay({ webchat: { visitorGoneMs: 300 } });
  const adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Chat' }, adminToken))
    .body.id;
  inboxId = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Web chat', channel: 'chat', teamId: team },
      adminToken,
    )
  ).body.id;
  await http(
    relay,
    'POST',
    '/v1/admin/agents',
    { email: 'stay@relay.test', password: 'password-123', name: 'Stay', teamIds: [team] },
    adminToken,
  );
  agentToken = (await login(relay, 'stay@relay.test', 'password-123')).accessToken;
});

afterAll(async () => {
  await relay.close();
});

describe('relay/channels/webchat visitor left', () => {
  it('records that the visitor left, refuses replies meanwhile, and takes them again once they are back', async () => {
    const agent = await hello(relay, agentToken);
    agent.send({ t: 'presence', state: 'available' });
    const token = await session(relay, { inboxId, name: 'Leaving visitor' });
    const v = await visit(relay, token);
    v.send({ t: 'message', text: 'a quick question', clientId: 'q1' });
    const offer = await agent.next('offer');
    const convId = offer.offer.conversationId;
    agent.send({ t: 'offerReply', offerId: offer.offer.offerId, accept: true });
    await v.next('assigned');
    expect(conversationField(convId, 'visitorLeftAt')).toBeNull();

    // Two tabs of the chat: one closing is no departure while the other is open.
    const tab = await visit(relay, token);
    tab.ws.close();
    await tab.closed;
    v.ws.close();
    await v.closed;
    const left = await until(() => conversationField(convId, 'visitorLeftAt'), 'visitorLeftAt');
    await agent.next('changes', (f) =>
      f.changes.some((c) => c.id === convId && c.data?.['visitorLeftAt'] === left),
    );

    const refused = uuidv7();
    agent.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('message.send', { id: refused, conversationId: convId, body: 'Are you there?' })],
    });
    const r = await agent.next('pushResult', (f) => f.batch === 1);
    expect(r.results[0]).toMatchObject({
      status: 'rejected',
      code: 'RELAY_ERR_UNDELIVERABLE',
      message: expect.stringMatching(/visitor left the chat.*by email or call.*come back/),
    });
    expect(messageStored(refused)).toBe(0);

    // Back on the page: the chat is live again and the reply reaches them.
    const back = await visit(relay, token);
    await until(() => conversationField(convId, 'visitorLeftAt') === null, 'visitorLeftAt cleared');
    const reply = uuidv7();
    agent.send({
      t: 'push',
      batch: 2,
      mutations: [mutation('message.send', { id: reply, conversationId: convId, body: 'Welcome back' })],
    });
    expect((await agent.next('pushResult', (f) => f.batch === 2)).results[0]?.status).toBe('applied');
    await back.next('message', (f) => (f['message'] as { body: string }).body === 'Welcome back');
    back.ws.close();
    agent.send({ t: 'presence', state: 'offline' });
    agent.ws.close();
  });
});
