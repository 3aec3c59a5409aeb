import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import type { ServerFrame } from '../../../src/shared/sync/protocol';
import { drain, hello, login, mutation, startTestRelay, tempDir, twoTeams } from './helpers';

let relay: Relay;
let setup: Awaited<ReturnType<typeof twoTeams>>;

beforeAll(async () => {
  relay = await startTestRelay({ pageSize: 4, logRetention: 10 });
  setup = await twoTeams(relay);
});
afterAll(async () => {
  await relay.close();
});

describe('relay/retention', () => {
  it('sends a full snapshot with progress to a cursor older than retention, filtered by visibility', async () => {
    const b = await hello(relay, setup.b.tokens.accessToken);
    await drain(b);
    const conv = uuidv7();
    const cust = uuidv7();
    const customers = Array.from({ length: 12 }, (_, i) =>
      mutation('customer.create', { id: uuidv7(), fields: { name: `C${i}` } }),
    );
    b.send({
      t: 'push',
      batch: 1,
      mutations: [
        mutation('customer.create', { id: cust, fields: { name: 'Owner' } }),
        mutation('conversation.create', { id: conv, customerId: cust, channel: 'chat', subject: '' }),
        mutation('message.send', { id: uuidv7(), conversationId: conv, body: 'team B only' }),
        ...customers,
      ],
    });
    await b.next('pushResult');
    b.ws.close();

    const a = await hello(relay, setup.a.tokens.accessToken, 1);
    const welcome = a.frames.find((f) => f.t === 'welcome') as Extract<ServerFrame, { t: 'welcome' }>;
    expect(welcome.resync).toBe(true);
    const begin = await a.next('snapshotBegin');
    const pages: Extract<ServerFrame, { t: 'snapshot' }>[] = [];
    while (pages.length === 0 || pages.at(-1)!.done < begin.total) pages.push(await a.next('snapshot'));
    const end = await a.next('snapshotEnd');
    expect(end.cursor).toBe(begin.head);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.map((p) => p.done)).toEqual([...pages.map((p) => p.done)].sort((x, y) => x - y));
    expect(pages.at(-1)!.done).toBe(begin.total);
    const all = pages.flatMap((p) => p.changes);
    expect(new Set(all.map((x) => x.id)).size).toBe(all.length);
    for (const c of customers) expect(all.some((x) => x.id === (c.args as { id: string }).id)).toBe(true);
    expect(all.some((x) => x.id === conv)).toBe(false);
    expect(JSON.stringify(all)).not.toContain('team B only');
    // Then it continues as a normal, caught-up connection.
    const tail = await drain(a);
    expect(tail.cursor).toBeGreaterThanOrEqual(end.cursor);
    a.ws.close();
  });

  it('serves a cursor within retention incrementally', async () => {
    const admin = await login(relay, 'root@relay.test', 'root-password-1');
    const head = (await hello(relay, admin.accessToken, 0)).frames.find((f) => f.t === 'welcome') as {
      head: number;
    };
    const c = await hello(relay, admin.accessToken, head.head - 2);
    expect(c.frames.find((f) => f.t === 'welcome')).toMatchObject({ resync: false });
    expect((await drain(c)).changes.length).toBeGreaterThan(0);
    c.ws.close();
  });
});

describe('relay/durability', () => {
  it('keeps accounts, tokens, records, the log and the mutation ledger across close and restart', async () => {
    const dataDir = tempDir();
    const first = await startTestRelay({ dataDir });
    const s = await twoTeams(first);
    const c = await hello(first, s.a.tokens.accessToken);
    await drain(c);
    const create = mutation('customer.create', {
      id: uuidv7(),
      fields: { name: '陈静', phones: ['+49 151 23456789'] },
    });
    c.send({ t: 'push', batch: 1, mutations: [create] });
    const applied = await c.next('pushResult');
    await first.close();

    const second = await startTestRelay({ dataDir });
    try {
      // The access token is still valid: the signing secret survived in the data dir.
      const again = await hello(second, s.a.tokens.accessToken, 0);
      const { changes } = await drain(again);
      expect(changes.find((x) => x.id === (create.args as { id: string }).id)?.data).toMatchObject({
        name: '陈静',
        phones: ['+4915123456789'],
      });
      again.send({ t: 'push', batch: 2, mutations: [create] });
      const dup = await again.next('pushResult', (f) => f.batch === 2);
      expect(dup.results[0]).toEqual({ ...applied.results[0], status: 'duplicate' });
      // New positions continue after the old ones.
      again.send({
        t: 'push',
        batch: 3,
        mutations: [
          mutation('customer.update', {
            id: (create.args as { id: string }).id,
            fields: { company: 'After restart' },
          }),
        ],
      });
      const next = await again.next('pushResult', (f) => f.batch === 3);
      expect((next.results[0] as { seq: number }).seq).toBeGreaterThan(
        (applied.results[0] as { seq: number }).seq,
      );
      await login(second, s.b.tokens.agent.email, 'password-123');
      again.ws.close();
    } finally {
      await second.close();
    }
  });
});
