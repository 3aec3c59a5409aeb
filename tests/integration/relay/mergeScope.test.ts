import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { hello, mutation, startTestRelay, twoTeams, type Client } from './helpers';

// A customer profile is shared by every branch, conversations belong to teams: a merge by an agent
// of team A moves team A's conversations and leaves team B's where they are. Real relay, real sockets.

let relay: Relay & { dataDir: string };
let setup: Awaited<ReturnType<typeof twoTeams>>;
let a: Client;
let b: Client;
let admin: Client;
let batch = 0;

async function push(c: Client, ...mutations: ReturnType<typeof mutation>[]) {
  const n = ++batch;
  c.send({ t: 'push', batch: n, mutations });
  return (await c.next('pushResult', (f) => f.batch === n)).results;
}

const customerOf = (convId: string) =>
  relay.db
    .prepare(
      "SELECT json_extract(data, '$.customerId') FROM records WHERE entity = 'conversation' AND id = ?",
    )
    .pluck()
    .get(convId) as string;

beforeAll(async () => {
  relay = await startTestRelay();
  setup = await twoTeams(relay);
  a = await hello(relay, setup.a.tokens.accessToken);
  b = await hello(relay, setup.b.tokens.accessToken);
  admin = await hello(relay, setup.admin.accessToken);
});

afterAll(async () => {
  for (const c of [a, b, admin]) c.ws.close();
  await relay.close();
});

/** One person, two profiles: a duplicate with a conversation in each team, and the profile to keep. */
async function duplicate() {
  const [dup, keep, convA, convB] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
  const made = await push(
    a,
    mutation('customer.create', { id: dup, fields: { name: 'Zhou (dup)', phones: ['+8613812345678'] } }),
    mutation('customer.create', { id: keep, fields: { name: 'Zhou', emails: ['zhou@example.cn'] } }),
    mutation('conversation.create', { id: convA, customerId: dup, channel: 'chat', subject: 'A' }),
  );
  const madeB = await push(
    b,
    mutation('conversation.create', { id: convB, customerId: dup, channel: 'email', subject: 'B' }),
  );
  expect([...made, ...madeB].map((r) => r.status)).toEqual(Array(4).fill('applied'));
  return { dup, keep, convA, convB };
}

describe('relay/mutate customer.merge scope', () => {
  it("moves only the merging agent's visible conversations; another team's stay put", async () => {
    const { dup, keep, convA, convB } = await duplicate();
    const [r] = await push(a, mutation('customer.merge', { sourceId: dup, targetId: keep }));
    expect(r?.status).toBe('applied');
    expect(customerOf(convA)).toBe(keep);
    expect(customerOf(convB)).toBe(dup);
    // The undo data names what moved, nothing of team B's.
    const merge = relay.db
      .prepare(
        "SELECT json_extract(data, '$.merge.conversations') FROM records WHERE entity = 'customer' AND id = ?",
      )
      .pluck()
      .get(dup) as string;
    expect(JSON.parse(merge)).toEqual([convA]);
    // The undo by the same agent puts back exactly that.
    const [undo] = await push(a, mutation('customer.unmerge', { sourceId: dup, targetId: keep }));
    expect(undo?.status).toBe('applied');
    expect([customerOf(convA), customerOf(convB)]).toEqual([dup, dup]);
  });

  it("lets an admin's merge move everything, and refuses its undo to an agent who cannot see it all", async () => {
    const { dup, keep, convA, convB } = await duplicate();
    expect(
      (await push(admin, mutation('customer.merge', { sourceId: dup, targetId: keep })))[0]?.status,
    ).toBe('applied');
    expect([customerOf(convA), customerOf(convB)]).toEqual([keep, keep]);
    const [undo] = await push(a, mutation('customer.unmerge', { sourceId: dup, targetId: keep }));
    expect(undo).toMatchObject({ status: 'rejected', code: 'RELAY_ERR_FORBIDDEN' });
    expect([customerOf(convA), customerOf(convB)]).toEqual([keep, keep]);
    expect(
      (await push(admin, mutation('customer.unmerge', { sourceId: dup, targetId: keep })))[0]?.status,
    ).toBe('applied');
    expect([customerOf(convA), customerOf(convB)]).toEqual([dup, dup]);
  });
});
