import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { SupervisorBoard } from '../../../src/shared/supervisor';
import { ADMIN, hello, http, login, mutation, startTestRelay, type Client } from '../relay/helpers';

// The day's figures of the live board: offered, answered within the target (service level),
// abandoned and handled today, as the relay sees them happen, and the same after a restart
// (rebuilt from today's field history).

let relay: Relay & { dataDir: string };
let adminToken: string;
let inbox: string;
let agent: { id: string; email: string };
const open: Client[] = [];

async function board(): Promise<SupervisorBoard> {
  const r = await http<SupervisorBoard>(relay, 'GET', '/v1/supervisor/board', undefined, adminToken);
  return r.body;
}

async function write(text: string): Promise<string> {
  const r = await http<{ conversationId: string }>(
    relay,
    'POST',
    '/v1/channels/api/messages',
    {
      inboxId: inbox,
      from: { name: 'Zhang Min', email: `zm-${Date.now()}-${text.length}@example.cn` },
      text,
    },
    adminToken,
  );
  return r.body.conversationId;
}

beforeAll(async () => {
  relay = await startTestRelay();
  adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  const team = (
    await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Day team' }, adminToken)
  ).body.id;
  inbox = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Day chat', channel: 'chat', teamId: team },
      adminToken,
    )
  ).body.id;
  const email = `day-${Date.now()}@relay.test`;
  const r = await http<{ id: string }>(
    relay,
    'POST',
    '/v1/admin/agents',
    { email, password: 'password-123', name: 'Day Agent', teamIds: [team] },
    adminToken,
  );
  agent = { id: r.body.id, email };
});

afterAll(async () => {
  for (const c of open) c.ws.close();
  await relay.close();
});

describe('supervisor board: the day', () => {
  it('counts offered, answered in target, abandoned and handled, and keeps them over a restart', async () => {
    // A chat closed before anyone took it: offered and abandoned.
    const left = await write('还在吗？');
    const me = await hello(relay, (await login(relay, ADMIN.email, ADMIN.password)).accessToken);
    open.push(me);
    me.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('conversation.setStatus', { id: left, status: 'resolved' })],
    });
    await me.next('pushResult');

    // A chat the agent is offered, takes at once and resolves: answered in target, handled.
    const c = await hello(relay, (await login(relay, agent.email, 'password-123')).accessToken);
    open.push(c);
    c.send({ t: 'presence', state: 'available' });
    const served = await write('我的订单');
    const offer = await c.next('offer', (f) => f.offer.conversationId === served);
    c.send({ t: 'offerReply', offerId: offer.offer.offerId, accept: true });
    await c.next('offerResult');
    c.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('conversation.setStatus', { id: served, status: 'resolved' })],
    });
    await c.next('pushResult');

    const expectDay = (b: SupervisorBoard) => {
      const q = b.queues.find((x) => x.inboxId === inbox)!;
      expect(q).toMatchObject({ offeredToday: 2, answeredToday: 1, answeredInTarget: 1, abandonedToday: 1 });
      expect(q.serviceLevel).toBe(0.5);
      expect(b.agents.find((a) => a.id === agent.id)!.handledToday).toBe(1);
    };
    expectDay(await board());

    // After a restart the relay counts the day again from what it wrote.
    await relay.close();
    open.splice(0).forEach((x) => x.ws.terminate());
    relay = await startTestRelay({ dataDir: relay.dataDir });
    adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    expectDay(await board());
  });
});
