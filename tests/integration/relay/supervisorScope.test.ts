import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { hello, http, login, mutation, startTestRelay, twoTeams } from './helpers';

// A supervisor acts within the teams they supervise, on the agents of those teams; an admin
// anywhere. Each refusal is checked through a real relay, and that it changed nothing.

let relay: Relay & { dataDir: string };
let setup: Awaited<ReturnType<typeof twoTeams>>;
let sup: string; // supervisor of team A only
let peer: { id: string; token: string }; // another supervisor of team A
let teamAdmin: string; // an admin who is also a member of team A
let inboxA: string;
let inboxA2: string;
let inboxB: string;
let convA: string;
let convB: string;

async function person(email: string, role: string, teamIds: string[]) {
  const r = await http<{ id: string }>(
    relay,
    'POST',
    '/v1/admin/agents',
    { email, password: 'password-123', name: email, role, teamIds },
    setup.admin.accessToken,
  );
  expect(r.status).toBe(200);
  return { id: r.body.id, token: (await login(relay, email, 'password-123')).accessToken };
}

async function inbox(name: string, teamId: string) {
  const r = await http<{ id: string }>(
    relay,
    'POST',
    '/v1/admin/inboxes',
    { name, channel: 'chat', teamId },
    setup.admin.accessToken,
  );
  return r.body.id;
}

/** A conversation started by `token`'s agent in their team. */
async function conversation(token: string): Promise<string> {
  const c = await hello(relay, token);
  const [customerId, id] = [uuidv7(), uuidv7()];
  c.send({
    t: 'push',
    batch: 1,
    mutations: [
      mutation('customer.create', { id: customerId, fields: { name: 'Ming' } }),
      mutation('conversation.create', { id, customerId, channel: 'chat', subject: '' }),
    ],
  });
  const r = await c.next('pushResult');
  expect(r.results.map((x) => x.status)).toEqual(['applied', 'applied']);
  c.ws.close();
  return id;
}

const field = (entity: string, id: string, path: string) =>
  relay.db
    .prepare(`SELECT json_extract(data, '$.${path}') FROM records WHERE entity = ? AND id = ?`)
    .pluck()
    .get(entity, id) as unknown;

beforeAll(async () => {
  relay = await startTestRelay();
  setup = await twoTeams(relay);
  sup = (await person('sup-a@relay.test', 'supervisor', [setup.teamA])).token;
  peer = await person('sup-a2@relay.test', 'supervisor', [setup.teamA]);
  teamAdmin = (await person('admin-a@relay.test', 'admin', [setup.teamA])).id;
  inboxA = await inbox('A chat', setup.teamA);
  inboxA2 = await inbox('A chat, second line', setup.teamA);
  inboxB = await inbox('B chat', setup.teamB);
  convA = await conversation(setup.a.tokens.accessToken);
  convB = await conversation(setup.b.tokens.accessToken);
});

afterAll(async () => {
  await relay.close();
});

const assign = (id: string, body: unknown, token = sup) =>
  http<{ error?: { code: string; message: string } }>(
    relay,
    'POST',
    `/v1/admin/conversations/${id}/assign`,
    body,
    token,
  );

describe('relay/http supervisor scope', () => {
  it('assigns only within supervised teams, to members of the target team', async () => {
    expect((await assign(convA, { teamId: setup.teamB })).body.error?.code).toBe('RELAY_ERR_FORBIDDEN');
    expect((await assign(convA, { assigneeId: setup.b.id })).body.error?.code).toBe('RELAY_ERR_VALIDATION');
    expect([field('conversation', convA, 'teamId'), field('conversation', convA, 'assigneeId')]).toEqual([
      setup.teamA,
      setup.a.id,
    ]);
    // Another team's conversation and an id that does not exist get one answer.
    const other = await assign(convB, { assigneeId: setup.a.id });
    const unknown = await assign(uuidv7(), { assigneeId: setup.a.id });
    expect([other.status, other.body.error?.code]).toEqual([403, 'RELAY_ERR_FORBIDDEN']);
    expect([unknown.status, unknown.body]).toEqual([other.status, other.body]);
    expect(field('conversation', convB, 'assigneeId')).toBe(setup.b.id);
    // Within the team: fine. An admin: anything.
    expect((await assign(convA, { assigneeId: peer.id })).status).toBe(200);
    expect(field('conversation', convA, 'assigneeId')).toBe(peer.id);
    const moved = await assign(
      convA,
      { teamId: setup.teamB, assigneeId: setup.b.id },
      setup.admin.accessToken,
    );
    expect(moved.status).toBe(200);
    // ...and the conversation now queues in team B's inbox, not in the one of the team it left.
    expect([field('conversation', convA, 'teamId'), field('conversation', convA, 'inboxId')]).toEqual([
      setup.teamB,
      inboxB,
    ]);
  });

  it("points a queue's overflow only at inboxes of supervised teams", async () => {
    const routing = (toInboxId: string) => ({
      strategy: 'least-busy',
      requiredSkills: [],
      offerTimeoutMs: 30_000,
      overflow: { afterMs: 60_000, toInboxId },
    });
    const put = (body: unknown) => http(relay, 'PUT', `/v1/admin/inboxes/${inboxA}/routing`, body, sup);
    const refused = await put(routing(inboxB));
    expect([refused.status, (refused.body['error'] as { code: string }).code]).toEqual([
      403,
      'RELAY_ERR_FORBIDDEN',
    ]);
    expect(field('inbox', inboxA, 'routing')).toBeNull();
    expect((await put(routing(inboxA2))).status).toBe(200);
    expect(field('inbox', inboxA, 'routing.overflow.toInboxId')).toBe(inboxA2);
  });

  it('sets skills and capacity only of agents of supervised teams, never admins, peers or themselves', async () => {
    const put = (agentId: string, token = sup) =>
      http(relay, 'PUT', `/v1/admin/agents/${agentId}/routing`, { capacity: { chat: 9 } }, token);
    const me = relay.db
      .prepare("SELECT id FROM agents WHERE email = 'sup-a@relay.test'")
      .pluck()
      .get() as string;
    for (const target of [teamAdmin, peer.id, me, setup.b.id]) {
      const r = await put(target);
      expect([target, r.status]).toEqual([target, 403]);
      expect(field('agent', target, 'capacity.chat')).toBeNull();
    }
    expect((await put(setup.a.id)).status).toBe(200);
    expect(field('agent', setup.a.id, 'capacity.chat')).toBe(9);
    expect((await put(peer.id, setup.admin.accessToken)).status).toBe(200);
  });
});
