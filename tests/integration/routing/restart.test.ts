import { afterAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, hello, http, login, startTestRelay, tempDir, type Client } from '../relay/helpers';

// Routing state is rebuilt from the store when the relay restarts: the waiting queue is not
// forgotten, and work already assigned still counts against its agent's capacity.
const dataDir = tempDir();
let relay: Relay & { dataDir: string };
const clients: Client[] = [];

afterAll(async () => {
  for (const c of clients) c.ws.close();
  await relay?.close();
});

const noOfferFor = async (c: Client, conversationId: string) => {
  await new Promise((r) => setTimeout(r, 400));
  return !c.frames.some((f) => f.t === 'offer' && f.offer.conversationId === conversationId);
};

describe('routing across a relay restart', () => {
  it('keeps waiting conversations queued and assigned ones counted against capacity', async () => {
    relay = await startTestRelay({ dataDir });
    const admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Chat' }, admin)).body
      .id;
    const inboxId = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Chat', channel: 'chat', teamId: team },
        admin,
      )
    ).body.id;
    const agents: { id: string; email: string }[] = [];
    for (const n of ['ana', 'ben']) {
      const email = `${n}@relay.test`;
      const r = await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/agents',
        { email, password: 'password-123', name: n, teamIds: [team] },
        admin,
      );
      agents.push({ id: r.body.id, email });
    }
    const [ana, ben] = agents as [{ id: string; email: string }, { id: string; email: string }];
    // Ana takes one chat at a time.
    expect(
      (await http(relay, 'PUT', `/v1/admin/agents/${ana.id}/routing`, { capacity: { chat: 1 } }, admin))
        .status,
    ).toBe(200);
    const inbound = async (email: string) =>
      (
        await http<{ conversationId: string }>(
          relay,
          'POST',
          '/v1/channels/api/messages',
          { inboxId, from: { email }, text: 'hello' },
          admin,
        )
      ).body.conversationId;

    // Before the restart: Ana holds one chat; a second waits with nobody available.
    const anaClient = await hello(relay, (await login(relay, ana.email, 'password-123')).accessToken);
    anaClient.send({ t: 'presence', state: 'available' });
    const first = await inbound('first@example.com');
    const offer = await anaClient.next('offer', (f) => f.offer.conversationId === first);
    anaClient.send({ t: 'offerReply', offerId: offer.offer.offerId, accept: true });
    expect(await anaClient.next('offerResult')).toMatchObject({ assigned: true });
    anaClient.send({ t: 'presence', state: 'away' });
    const waiting = await inbound('waiting@example.com');
    expect(await noOfferFor(anaClient, waiting)).toBe(true);
    anaClient.ws.close();
    await relay.close();

    // After the restart, on the same data.
    relay = await startTestRelay({ dataDir });
    const anaAgain = await hello(relay, (await login(relay, ana.email, 'password-123')).accessToken);
    clients.push(anaAgain);
    anaAgain.send({ t: 'presence', state: 'available' });
    // Ana is at capacity with the chat she holds: the waiting one is not offered to her...
    expect(await noOfferFor(anaAgain, waiting)).toBe(true);
    // ...but it is still in the queue: the first agent with room gets it.
    const benClient = await hello(relay, (await login(relay, ben.email, 'password-123')).accessToken);
    clients.push(benClient);
    benClient.send({ t: 'presence', state: 'available' });
    const toBen = await benClient.next('offer', (f) => f.offer.conversationId === waiting);
    expect(toBen.offer.conversationId).toBe(waiting);
    // Her own chat stayed hers (restored as assigned, not re-queued and offered again).
    expect(anaAgain.frames.some((f) => f.t === 'offer' && f.offer.conversationId === first)).toBe(false);
  });
});
