import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { FieldChangeData } from '../../../src/shared/sync/entities';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { count, drain, hello, mutation, startTestRelay, twoTeams } from './helpers';

let relay: Relay;
let setup: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  relay = await startTestRelay({ pageSize: 3 });
  setup = await twoTeams(relay);
});
afterAll(async () => {
  await relay.close();
});

describe('relay/sync', () => {
  it('welcomes with the agent and sends changes after the cursor in pages until caught up', async () => {
    const c = await hello(relay, setup.a.tokens.accessToken);
    const welcome = c.frames.find((f) => f.t === 'welcome');
    expect(welcome).toMatchObject({
      t: 'welcome',
      agent: { id: setup.a.id, role: 'agent', teamIds: [setup.teamA] },
      resync: false,
    });
    const { changes, cursor, pages } = await drain(c);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.slice(0, -1).every((n) => n === 3)).toBe(true);
    expect(cursor).toBe((welcome as { head: number }).head);
    const kinds = new Set(changes.map((x) => x.entity));
    expect(kinds).toEqual(new Set(['agent', 'team']));
    expect(JSON.stringify(changes)).not.toMatch(/password|scrypt/);
    // Seqs ascend, and a cursor mid-log yields only what came after it.
    expect(changes.map((x) => x.seq)).toEqual([...changes.map((x) => x.seq)].sort((x, y) => x - y));
    c.send({ t: 'pull', cursor: changes[1]!.seq });
    const again = await drain(c);
    expect(again.changes.map((x) => x.id)).toEqual(changes.slice(2).map((x) => x.id));
    c.ws.close();
  });

  it('applies a push once: a replay is a duplicate with the first answer, other content is refused', async () => {
    const c = await hello(relay, setup.a.tokens.accessToken);
    await drain(c);
    const customerId = uuidv7();
    const create = mutation('customer.create', {
      id: customerId,
      fields: { name: '王芳', phones: ['+86 138 0013 8000'], emails: ['Fang@Example.CN'] },
    });
    c.send({ t: 'push', batch: 1, mutations: [create] });
    const first = await c.next('pushResult', (f) => f.batch === 1);
    expect(first.results).toEqual([{ id: create.id, status: 'applied', seq: expect.any(Number) }]);
    const live = await c.next('changes', (f) => f.changes.some((x) => x.entity === 'customer'));
    expect(live.changes.find((x) => x.entity === 'customer')!.data).toMatchObject({
      name: '王芳',
      phones: ['+8613800138000'],
      emails: ['fang@example.cn'],
    });

    const rows = count(relay, 'SELECT count(*) FROM records');
    c.send({
      t: 'push',
      batch: 2,
      mutations: [
        {
          ...create,
          args: {
            fields: { emails: ['Fang@Example.CN'], phones: ['+86 138 0013 8000'], name: '王芳' },
            id: customerId,
          },
        },
      ],
    });
    const dup = await c.next('pushResult', (f) => f.batch === 2);
    expect(dup.results).toEqual([
      { id: create.id, status: 'duplicate', seq: (first.results[0] as { seq: number }).seq },
    ]);
    c.send({
      t: 'push',
      batch: 3,
      mutations: [{ ...create, args: { id: customerId, fields: { name: 'Someone else' } } }],
    });
    const reused = await c.next('pushResult', (f) => f.batch === 3);
    expect(reused.results[0]).toMatchObject({ status: 'rejected', code: 'RELAY_ERR_MUTATION_ID_REUSED' });
    expect(count(relay, 'SELECT count(*) FROM records')).toBe(rows);
    c.ws.close();
  });

  it('merges concurrent edits per field by HLC and keeps both values in field history', async () => {
    const a = await hello(relay, setup.a.tokens.accessToken);
    const b = await hello(relay, setup.b.tokens.accessToken);
    await Promise.all([drain(a), drain(b)]);
    const id = uuidv7();
    const t0 = Date.now() - 60_000;
    a.send({
      t: 'push',
      batch: 1,
      mutations: [
        mutation('customer.create', { id, fields: { name: 'Ann Lee', company: 'Old Co' } }, t0, 'dev-a'),
      ],
    });
    await a.next('pushResult');
    // B edited later than A (by clock), but B's push arrives first; A's older edit must lose.
    b.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('customer.update', { id, fields: { company: 'B Co' } }, t0 + 20_000, 'dev-b')],
    });
    await b.next('pushResult');
    a.send({
      t: 'push',
      batch: 2,
      mutations: [
        mutation(
          'customer.update',
          { id, fields: { company: 'A Co', address: '1 Main St' } },
          t0 + 10_000,
          'dev-a',
        ),
      ],
    });
    const res = await a.next('pushResult', (f) => f.batch === 2);
    expect(res.results[0]!.status).toBe('applied');

    const rec = relay.db
      .prepare("SELECT data FROM records WHERE entity = 'customer' AND id = ?")
      .pluck()
      .get(id) as string;
    expect(JSON.parse(rec)).toMatchObject({ company: 'B Co', address: '1 Main St' });
    const history = (
      relay.db.prepare("SELECT data FROM records WHERE entity = 'fieldChange'").pluck().all() as string[]
    )
      .map((d) => JSON.parse(d) as FieldChangeData)
      .filter((h) => h.recordId === id && h.field === 'company');
    expect(history.map((h) => [h.value, h.outcome]).sort()).toEqual([
      ['A Co', 'lost'],
      ['B Co', 'won'],
      ['Old Co', 'won'],
    ]);
    expect(history.find((h) => h.value === 'A Co')!.authorId).toBe(setup.a.id);

    // Both agents received the history records by fan-out (customers are shared).
    for (const c of [a, b]) {
      await c.next('changes', (f) =>
        f.changes.some((x) => x.entity === 'fieldChange' && (x.data as FieldChangeData).value === 'A Co'),
      );
    }
    a.ws.close();
    b.ws.close();
  });

  it('runs conversations, messages and notes, and a reply moves lastMessageAt', async () => {
    const c = await hello(relay, setup.a.tokens.accessToken);
    await drain(c);
    const customerId = uuidv7();
    const convId = uuidv7();
    const msgId = uuidv7();
    const t = Date.now();
    c.send({
      t: 'push',
      batch: 7,
      mutations: [
        mutation(
          'customer.create',
          { id: customerId, fields: { name: 'Bob', emails: ['bob@example.com'] } },
          t,
        ),
        mutation(
          'conversation.create',
          { id: convId, customerId, channel: 'email', subject: 'Hello' },
          t + 1,
        ),
        mutation('message.send', { id: msgId, conversationId: convId, body: 'Hi Bob, 您好' }, t + 5000),
        mutation(
          'note.add',
          { id: uuidv7(), conversationId: convId, body: 'VIP', mentions: [setup.a.id] },
          t + 5001,
        ),
        mutation(
          'conversation.setStatus',
          { id: convId, status: 'snoozed', snoozedUntil: new Date(t + 3600_000).toISOString() },
          t + 5002,
        ),
        mutation('conversation.setStatus', { id: convId, status: 'snoozed' }, t + 5003),
      ],
    });
    const r = await c.next('pushResult', (f) => f.batch === 7);
    expect(r.results.map((x) => x.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'applied',
      'rejected',
    ]);
    expect(r.results[5]).toMatchObject({ code: 'RELAY_ERR_VALIDATION' });
    const conv = JSON.parse(
      relay.db
        .prepare("SELECT data FROM records WHERE entity='conversation' AND id=?")
        .pluck()
        .get(convId) as string,
    );
    expect(conv).toMatchObject({
      teamId: setup.teamA,
      assigneeId: setup.a.id,
      status: 'snoozed',
      lastMessageAt: new Date(t + 5000).toISOString(),
    });
    const msg = JSON.parse(
      relay.db
        .prepare("SELECT data FROM records WHERE entity='message' AND id=?")
        .pluck()
        .get(msgId) as string,
    );
    expect(msg).toMatchObject({ direction: 'out', authorId: setup.a.id, customerId, body: 'Hi Bob, 您好' });
    c.ws.close();
  });
});
