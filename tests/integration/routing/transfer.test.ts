import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, hello, http, login, mutation, startTestRelay, type Client } from '../relay/helpers';

// Transfers through the real relay: to a colleague of the team, then to another team's queue,
// where routing offers it; a transfer to an agent outside the team is refused.
let relay: Relay & { dataDir: string };
const agents: Record<string, { id: string; client: Client }> = {};
let inboxA = '';
let teamB = '';

beforeAll(async () => {
  relay = await startTestRelay();
  const admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
  const mk = async (path: string, body: unknown) =>
    (await http<{ id: string }>(relay, 'POST', path, body, admin)).body.id;
  const teamA = await mk('/v1/admin/teams', { name: 'Front line' });
  teamB = await mk('/v1/admin/teams', { name: 'Billing' });
  inboxA = await mk('/v1/admin/inboxes', { name: 'Chat A', channel: 'chat', teamId: teamA });
  await mk('/v1/admin/inboxes', { name: 'Chat B', channel: 'chat', teamId: teamB });
  for (const [name, team] of [
    ['a1', teamA],
    ['a2', teamA],
    ['b1', teamB],
  ] as const) {
    const email = `${name}@transfer.test`;
    const id = await mk('/v1/admin/agents', { email, password: 'password-123', name, teamIds: [team] });
    const client = await hello(relay, (await login(relay, email, 'password-123')).accessToken);
    client.send({ t: 'presence', state: 'available' });
    agents[name] = { id, client };
  }
  agents['a2']!.client.send({ t: 'presence', state: 'away' }); // so the first offer goes to a1
});
afterAll(async () => {
  for (const a of Object.values(agents)) a.client.ws.close();
  await relay.close();
});

let batch = 1;
async function push(c: Client, name: string, args: unknown) {
  const b = batch++;
  c.send({ t: 'push', batch: b, mutations: [mutation(name, args)] });
  return (await c.next('pushResult', (f) => f.batch === b)).results[0]!;
}

describe('relay/transfer', () => {
  it('hands a conversation to a colleague, then to another team where routing offers it', async () => {
    const admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    const r = await http<{ conversationId: string }>(
      relay,
      'POST',
      '/v1/channels/api/messages',
      { inboxId: inboxA, from: { email: 'payer@example.com' }, text: 'I was charged twice' },
      admin,
    );
    const conv = r.body.conversationId;
    const a1 = agents['a1']!;
    const offer = await a1.client.next('offer', (f) => f.offer.conversationId === conv);
    a1.client.send({ t: 'offerReply', offerId: offer.offer.offerId, accept: true });
    await a1.client.next('offerResult', (f) => f.offerId === offer.offer.offerId);

    // To a colleague of the same team.
    expect(
      await push(a1.client, 'conversation.transfer', { id: conv, toAgentId: agents['a2']!.id }),
    ).toMatchObject({ status: 'applied' });
    await agents['a2']!.client.next('changes', (f) =>
      f.changes.some((c) => c.id === conv && c.data?.['assigneeId'] === agents['a2']!.id),
    );

    // Not to someone outside the team.
    expect(
      await push(agents['a2']!.client, 'conversation.transfer', { id: conv, toAgentId: agents['b1']!.id }),
    ).toMatchObject({
      status: 'rejected',
      code: 'RELAY_ERR_VALIDATION',
    });

    // To another team: it leaves team A's apps and is offered to team B.
    expect(
      await push(agents['a2']!.client, 'conversation.transfer', { id: conv, toTeamId: teamB }),
    ).toMatchObject({ status: 'applied' });
    const b1 = agents['b1']!;
    const moved = await b1.client.next('offer', (f) => f.offer.conversationId === conv);
    expect(moved.offer.customerName).toBe('payer@example.com');
    await a1.client.next('changes', (f) => f.changes.some((c) => c.id === conv && c.deleted));
    // Team B gets the thread it did not have, the customer's first message included.
    await b1.client.next('changes', (f) =>
      f.changes.some((c) => c.entity === 'message' && c.data?.['body'] === 'I was charged twice'),
    );
  });
});
