import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { Change } from '../../../src/shared/sync/entities';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { count, drain, hello, http, mutation, startTestRelay, twoTeams, type Client } from './helpers';

let relay: Relay;
let setup: Awaited<ReturnType<typeof twoTeams>>;
const customerId = uuidv7();
const convB = uuidv7();
const msgB = uuidv7();

/** Every record id of conversation `convId` or hanging off it that appears in `changes`. */
const touching = (changes: Change[], convId: string) =>
  changes.filter(
    (x) =>
      x.id === convId ||
      (x.data as { conversationId?: string; recordId?: string } | null)?.conversationId === convId ||
      (x.data as { recordId?: string } | null)?.recordId === convId,
  );

beforeAll(async () => {
  relay = await startTestRelay({ pageSize: 4, logRetention: 1000 });
  setup = await twoTeams(relay);
});
afterAll(async () => {
  await relay.close();
});

describe('relay/visibility', () => {
  let a: Client;
  let b: Client;

  it("never sends team B's conversation to team A's agent in fan-out, and shares the customer", async () => {
    a = await hello(relay, setup.a.tokens.accessToken);
    b = await hello(relay, setup.b.tokens.accessToken);
    await Promise.all([drain(a), drain(b)]);
    const t = Date.now();
    b.send({
      t: 'push',
      batch: 1,
      mutations: [
        mutation('customer.create', { id: customerId, fields: { name: 'Shared Customer' } }, t),
        mutation('conversation.create', { id: convB, customerId, channel: 'chat', subject: '' }, t + 1),
        mutation('message.send', { id: msgB, conversationId: convB, body: 'secret of team B' }, t + 2),
        mutation('note.add', { id: uuidv7(), conversationId: convB, body: 'internal B note' }, t + 3),
        mutation('conversation.setStatus', { id: convB, status: 'pending' }, t + 4),
      ],
    });
    const r = await b.next('pushResult');
    expect(r.results.every((x) => x.status === 'applied')).toBe(true);
    // A marker push by A; once A sees its own marker, every earlier fan-out has reached A too.
    a.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('customer.update', { id: customerId, fields: { company: 'marker' } })],
    });
    await a.next('pushResult');
    const seenByA = a.frames.flatMap((f) => (f.t === 'changes' ? f.changes : []));
    expect(seenByA.some((x) => x.id === customerId)).toBe(true);
    expect(touching(seenByA, convB)).toEqual([]);
    expect(JSON.stringify(a.frames)).not.toContain('secret of team B');
    const seenByB = b.frames.flatMap((f) => (f.t === 'changes' ? f.changes : []));
    expect(
      touching(seenByB, convB)
        .map((x) => x.entity)
        .sort(),
    ).toEqual(expect.arrayContaining(['conversation', 'fieldChange', 'message', 'note']));
  });

  it('filters pulls and snapshots the same way', async () => {
    const pull = await hello(relay, setup.a.tokens.accessToken, 0);
    const { changes } = await drain(pull);
    expect(touching(changes, convB)).toEqual([]);
    expect(changes.some((x) => x.id === customerId)).toBe(true);
    pull.ws.close();
    // An admin sees it all.
    const admin = await hello(relay, setup.admin.accessToken, 0);
    expect(touching((await drain(admin)).changes, convB).length).toBeGreaterThan(2);
    admin.ws.close();
  });

  it("refuses pushes naming another team's conversation and stores nothing", async () => {
    const before = count(relay, 'SELECT count(*) FROM records');
    const unknown = uuidv7();
    a.send({
      t: 'push',
      batch: 2,
      mutations: [
        mutation('message.send', { id: uuidv7(), conversationId: convB, body: 'let me in' }),
        mutation('note.add', { id: uuidv7(), conversationId: convB, body: 'x' }),
        mutation('conversation.setStatus', { id: convB, status: 'resolved' }),
        mutation('message.send', { id: uuidv7(), conversationId: unknown, body: 'no such conversation' }),
        mutation('conversation.create', {
          id: uuidv7(),
          customerId,
          channel: 'chat',
          subject: '',
          teamId: setup.teamB,
        }),
      ],
    });
    const r = await a.next('pushResult', (f) => f.batch === 2);
    expect(r.results.map((x) => (x.status === 'rejected' ? x.code : x.status))).toEqual(
      Array(5).fill('RELAY_ERR_FORBIDDEN'),
    );
    expect(count(relay, 'SELECT count(*) FROM records')).toBe(before);
  });

  it('answers CONFLICT when a conversation the agent had was reassigned away meanwhile', async () => {
    const conv = uuidv7();
    a.send({
      t: 'push',
      batch: 3,
      mutations: [mutation('conversation.create', { id: conv, customerId, channel: 'chat', subject: '' })],
    });
    expect((await a.next('pushResult', (f) => f.batch === 3)).results[0]!.status).toBe('applied');
    const moved = await http(
      relay,
      'POST',
      `/v1/admin/conversations/${conv}/assign`,
      { teamId: setup.teamB, assigneeId: setup.b.id },
      setup.admin.accessToken,
    );
    expect(moved.status).toBe(200);
    await b.next('changes', (f) => f.changes.some((x) => x.id === conv));
    a.send({
      t: 'push',
      batch: 4,
      mutations: [mutation('conversation.setStatus', { id: conv, status: 'resolved' })],
    });
    const r = await a.next('pushResult', (f) => f.batch === 4);
    expect(r.results[0]).toMatchObject({ status: 'rejected', code: 'RELAY_ERR_CONFLICT' });
    a.ws.close();
    b.ws.close();
  });
});
