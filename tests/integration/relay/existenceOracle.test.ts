import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import type { PushOutcome } from '../../../src/shared/sync/protocol';
import { count, hello, mutation, startTestRelay, twoTeams, type Client } from './helpers';

// Ids are global, teams are not: an agent's pushes must not tell them whether an id is held by
// another team's record. Real relay, real sync sockets.

let relay: Relay & { dataDir: string };
let setup: Awaited<ReturnType<typeof twoTeams>>;
let a: Client;
let b: Client;
let batch = 0;
const customerId = uuidv7();
const convB = uuidv7();
const msgB = uuidv7();
const noteB = uuidv7();

async function push(c: Client, ...mutations: ReturnType<typeof mutation>[]): Promise<PushOutcome[]> {
  const n = ++batch;
  c.send({ t: 'push', batch: n, mutations });
  return (await c.next('pushResult', (f) => f.batch === n)).results;
}

/** What the agent is told, without the mutation's own id. */
const answer = (r: PushOutcome | undefined) =>
  r?.status === 'rejected' ? { code: r.code, message: r.message } : { status: r?.status };

beforeAll(async () => {
  relay = await startTestRelay();
  setup = await twoTeams(relay);
  a = await hello(relay, setup.a.tokens.accessToken);
  b = await hello(relay, setup.b.tokens.accessToken);
  const made = await push(
    b,
    mutation('customer.create', { id: customerId, fields: { name: 'Shared' } }),
    mutation('conversation.create', { id: convB, customerId, channel: 'chat', subject: '' }),
    mutation('message.send', { id: msgB, conversationId: convB, body: 'team B only' }),
    mutation('note.add', { id: noteB, conversationId: convB, body: 'B note' }),
  );
  expect(made.map((r) => r.status)).toEqual(Array(4).fill('applied'));
});

afterAll(async () => {
  a.ws.close();
  b.ws.close();
  await relay.close();
});

describe('relay/mutate existence of ids', () => {
  it("answers a probe of another team's conversation id as it answers a fresh id", async () => {
    // Naming team B (A is not a member) is refused without a write: for a taken id and a fresh one alike.
    const probe = (id: string) =>
      mutation('conversation.create', { id, customerId, channel: 'chat', subject: '', teamId: setup.teamB });
    const [taken, fresh] = await push(a, probe(convB), probe(uuidv7()));
    expect(answer(fresh)).toMatchObject({ code: 'RELAY_ERR_FORBIDDEN' });
    expect(answer(taken)).toEqual(answer(fresh));
  });

  it("answers an id held by another team's record exactly as one held by the agent's own", async () => {
    const [convA, msgA, noteA] = [uuidv7(), uuidv7(), uuidv7()];
    const own = await push(
      a,
      mutation('conversation.create', { id: convA, customerId, channel: 'chat', subject: '' }),
      mutation('message.send', { id: msgA, conversationId: convA, body: 'mine' }),
      mutation('note.add', { id: noteA, conversationId: convA, body: 'my note' }),
    );
    expect(own.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const before = count(relay, 'SELECT count(*) FROM records');
    const [c1, c2, m1, m2, n1, n2] = await push(
      a,
      mutation('conversation.create', { id: convB, customerId, channel: 'chat', subject: '' }),
      mutation('conversation.create', { id: convA, customerId, channel: 'chat', subject: '' }),
      mutation('message.send', { id: msgB, conversationId: convA, body: 'probe' }),
      mutation('message.send', { id: msgA, conversationId: convA, body: 'probe' }),
      mutation('note.add', { id: noteB, conversationId: convA, body: 'probe' }),
      mutation('note.add', { id: noteA, conversationId: convA, body: 'probe' }),
    );
    expect(answer(c1)).toMatchObject({ code: 'RELAY_ERR_CONFLICT' });
    expect(answer(c1)).toEqual(answer(c2));
    expect(answer(m1)).toEqual(answer(m2));
    expect(answer(n1)).toEqual(answer(n2));
    expect(JSON.stringify([c1, m1, n1])).not.toContain('exists');
    expect(count(relay, 'SELECT count(*) FROM records')).toBe(before);
  });
});
