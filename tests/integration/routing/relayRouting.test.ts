import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, hello, http, login, startTestRelay, type Client } from '../relay/helpers';

// Routing through the real relay: a customer writes in through the API channel, the relay offers
// the conversation to one available agent of the inbox's team over the sync socket, the agent
// accepts, and the assignment reaches the team as an ordinary change.

let relay: Relay & { dataDir: string };
let adminToken: string;
let inboxId: string;
const agents: { id: string; token: string; client: Client | null }[] = [];

beforeAll(async () => {
  relay = await startTestRelay();
  adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  const team = (
    await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Chat team' }, adminToken)
  ).body.id;
  inboxId = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Web chat', channel: 'chat', teamId: team },
      adminToken,
    )
  ).body.id;
  for (const n of [1, 2]) {
    const email = `router${n}@relay.test`;
    const r = await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/agents',
      { email, password: 'password-123', name: `Agent ${n}`, teamIds: [team] },
      adminToken,
    );
    agents.push({
      id: r.body.id,
      token: (await login(relay, email, 'password-123')).accessToken,
      client: null,
    });
  }
});

afterAll(async () => {
  for (const a of agents) a.client?.ws.close();
  await relay.close();
});

/** The agent offered `conversationId` (looks without taking frames, so no pending wait steals one). */
async function offeredOne(conversationId: string) {
  for (let i = 0; i < 200; i++) {
    for (const a of agents) {
      const f = a.client!.frames.find((x) => x.t === 'offer' && x.offer.conversationId === conversationId);
      if (f && f.t === 'offer') return { a, f };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no offer for ${conversationId}`);
}

const inbound = (text: string, email: string, token = adminToken) =>
  http<{ conversationId: string; customerId: string; newConversation: boolean }>(
    relay,
    'POST',
    '/v1/channels/api/messages',
    { inboxId, from: { name: 'Wang Fang 王芳', email }, text },
    token,
  );

describe('relay routing', () => {
  it('offers a new conversation to one available agent, and accepting assigns it', async () => {
    for (const a of agents) {
      a.client = await hello(relay, a.token);
      a.client.send({ t: 'presence', state: 'available' });
    }
    const r = await inbound('我的订单什么时候到？', 'fang@example.cn');
    expect(r.status).toBe(201);
    expect(r.body.newConversation).toBe(true);
    const offered = await offeredOne(r.body.conversationId);
    expect(offered.f.offer).toMatchObject({
      conversationId: r.body.conversationId,
      channel: 'chat',
      customerName: 'Wang Fang 王芳',
    });
    const other = agents.find((a) => a !== offered.a)!;
    expect(other.client!.frames.some((f) => f.t === 'offer')).toBe(false);

    offered.a.client!.send({ t: 'offerReply', offerId: offered.f.offer.offerId, accept: true });
    expect(await offered.a.client!.next('offerResult')).toMatchObject({ assigned: true });
    // The assignment is a change like any other: both team members see it.
    for (const a of agents) {
      const f = await a.client!.next('changes', (x) =>
        x.changes.some((c) => c.id === r.body.conversationId && c.data?.['assigneeId'] === offered.a.id),
      );
      expect(f).toBeDefined();
    }
  });

  it('the same customer writing again lands in the same conversation; a declined offer goes to the other agent', async () => {
    const again = await inbound('还有，能改地址吗？', 'FANG@example.cn');
    expect(again.body.newConversation).toBe(false);
    const r = await inbound('Where is my refund?', 'li@example.com');
    const first = await offeredOne(r.body.conversationId);
    first.a.client!.send({ t: 'offerReply', offerId: first.f.offer.offerId, accept: false });
    const other = agents.find((a) => a !== first.a)!;
    const second = await other.client!.next('offer', (f) => f.offer.conversationId === r.body.conversationId);
    expect(second.offer.conversationId).toBe(r.body.conversationId);
    other.client!.send({ t: 'offerReply', offerId: second.offer.offerId, accept: true });
    expect(await other.client!.next('offerResult')).toMatchObject({ assigned: true });
    // A late accept of the withdrawn offer is refused, not a second assignment.
    first.a.client!.send({ t: 'offerReply', offerId: first.f.offer.offerId, accept: true });
    expect(
      await first.a.client!.next('offerResult', (f) => f.offerId === first.f.offer.offerId),
    ).toMatchObject({ assigned: false });
  });

  it('offers nothing to agents who are away, and offers as soon as one is available', async () => {
    for (const a of agents) a.client!.send({ t: 'presence', state: 'away' });
    const r = await inbound('Hello?', 'waiting@example.com');
    await new Promise((res) => setTimeout(res, 300));
    for (const a of agents)
      expect(
        a.client!.frames.some((f) => f.t === 'offer' && f.offer.conversationId === r.body.conversationId),
      ).toBe(false);
    agents[1]!.client!.send({ t: 'presence', state: 'available' });
    const f = await agents[1]!.client!.next('offer', (x) => x.offer.conversationId === r.body.conversationId);
    expect(f.offer.conversationId).toBe(r.body.conversationId);
    agents[1]!.client!.send({ t: 'offerReply', offerId: f.offer.offerId, accept: true });
    await agents[1]!.client!.next('offerResult', (x) => x.offerId === f.offer.offerId);
  });

  it('refuses bad input on the API channel with clear codes and stores nothing', async () => {
    const agentToken = agents[0]!.token;
    const cases: [unknown, string | undefined, number, string][] = [
      [{ inboxId, from: {}, text: '   ' }, adminToken, 422, 'RELAY_ERR_VALIDATION'],
      [{ inboxId, from: { phone: '12' }, text: 'hi' }, adminToken, 422, 'RELAY_ERR_VALIDATION'],
      [{ inboxId: 'nope', from: {}, text: 'hi' }, adminToken, 404, 'RELAY_ERR_NOT_FOUND'],
      [{ inboxId, from: {}, text: 'hi', extra: 1 }, adminToken, 422, 'RELAY_ERR_VALIDATION'],
      [{ inboxId, from: {}, text: 'hi' }, agentToken, 403, 'RELAY_ERR_FORBIDDEN'],
      [{ inboxId, from: {}, text: 'hi' }, undefined, 401, 'RELAY_ERR_UNAUTHORIZED'],
    ];
    const before = relay.db.prepare("SELECT count(*) FROM records WHERE entity = 'message'").pluck().get();
    for (const [body, token, status, code] of cases) {
      const r = await http<{ error: { code: string } }>(
        relay,
        'POST',
        '/v1/channels/api/messages',
        body,
        token,
      );
      expect([r.status, r.body.error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect(relay.db.prepare("SELECT count(*) FROM records WHERE entity = 'message'").pluck().get()).toBe(
      before,
    );
  });
  it('applies queue and agent routing settings: required skills and capacity', async () => {
    for (const a of agents) a.client!.send({ t: 'presence', state: 'available' });
    // Only agent 2 speaks Chinese; the queue requires it.
    const skill = await http(
      relay,
      'PUT',
      `/v1/admin/agents/${agents[1]!.id}/routing`,
      { skills: ['lang:zh'], capacity: { chat: 1 } },
      adminToken,
    );
    expect(skill.status).toBe(200);
    const queue = await http(
      relay,
      'PUT',
      `/v1/admin/inboxes/${inboxId}/routing`,
      { strategy: 'skills', requiredSkills: ['lang:zh'], offerTimeoutMs: 30_000, overflow: null },
      adminToken,
    );
    expect(queue.status).toBe(200);
    // Agent 2 is still within capacity only if it holds no chat: release what the earlier tests gave it.
    const held = relay.db
      .prepare("SELECT id FROM records WHERE entity = 'conversation' AND assignee_id = ?")
      .pluck()
      .all(agents[1]!.id) as string[];
    for (const id of held) {
      const c = agents[1]!.client!;
      c.send({
        t: 'push',
        batch: 900 + held.indexOf(id),
        mutations: [
          {
            id: crypto.randomUUID(),
            name: 'conversation.setStatus',
            args: { id, status: 'resolved' },
            clock: `${String(Date.now()).padStart(15, '0')}:00000:dev-b`,
          },
        ],
      });
      await c.next('pushResult', (f) => f.batch === 900 + held.indexOf(id));
    }
    const first = await inbound('请问发票怎么开？', 'zh1@example.cn');
    const offer = await agents[1]!.client!.next(
      'offer',
      (f) => f.offer.conversationId === first.body.conversationId,
    );
    expect(
      agents[0]!.client!.frames.some(
        (f) => f.t === 'offer' && f.offer.conversationId === first.body.conversationId,
      ),
    ).toBe(false);
    agents[1]!.client!.send({ t: 'offerReply', offerId: offer.offer.offerId, accept: true });
    await agents[1]!.client!.next('offerResult', (f) => f.offerId === offer.offer.offerId);
    // Capacity 1: the next chat waits, and agent 1 (no lang:zh) is never offered it.
    const second = await inbound('还在吗？', 'zh2@example.cn');
    await new Promise((r) => setTimeout(r, 300));
    for (const a of agents)
      expect(
        a.client!.frames.some(
          (f) => f.t === 'offer' && f.offer.conversationId === second.body.conversationId,
        ),
      ).toBe(false);
  });

  it('only admins and the team’s supervisors change routing settings; bad settings are refused', async () => {
    const asAgent = await http<{ error: { code: string } }>(
      relay,
      'PUT',
      `/v1/admin/inboxes/${inboxId}/routing`,
      { strategy: 'round-robin', requiredSkills: [], offerTimeoutMs: 30_000, overflow: null },
      agents[0]!.token,
    );
    expect([asAgent.status, asAgent.body.error.code]).toEqual([403, 'RELAY_ERR_FORBIDDEN']);
    const bad = await http<{ error: { code: string } }>(
      relay,
      'PUT',
      `/v1/admin/inboxes/${inboxId}/routing`,
      { strategy: 'random', requiredSkills: [], offerTimeoutMs: 1, overflow: null },
      adminToken,
    );
    expect([bad.status, bad.body.error.code]).toEqual([422, 'RELAY_ERR_VALIDATION']);
  });
});
