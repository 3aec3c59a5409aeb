// Fan-out across relay processes on one PostgreSQL database: a commit on one store reaches a
// second store's catch-up (which reads the log itself) through a poke over real NATS or over
// LISTEN/NOTIFY, and a poke that never arrives costs latency, not a change.
import { connect, type NatsConnection } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsyncStore } from '../../../src/relay/data/asyncStore';
import {
  createCatchUp,
  natsPokes,
  pgPokes,
  publishCommits,
  type PokeTransport,
} from '../../../src/relay/data/postgres/notify';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import type { Viewer } from '../../../src/relay/data/visibility';
import { waitFor } from '../sync/waitFor';
import { natsMissing, startNats, type RunningNats } from '../../support/nats';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';

const missing = postgresMissing() ?? natsMissing();
if (missing) console.warn(`cross-process fan-out tests skipped: ${missing}`);

const ADMIN: Viewer = { agentId: 'relay', role: 'admin', teamIds: new Set() };
const SYSTEM = { mutationId: null, agentId: null };

/** A second relay process's view: a catch-up that reads every change after its cursor. */
function follower(store: AsyncStore, safetyPollMs: number) {
  const seen: { seq: number; id: string }[] = [];
  const errors: unknown[] = [];
  const catchUp = createCatchUp({
    cursor: 0,
    safetyPollMs,
    onError: (err) => errors.push(err),
    read: async (cursor) => {
      for (;;) {
        const page = await store.changesAfter(ADMIN, cursor, 200);
        for (const c of page) seen.push({ seq: c.seq, id: c.id });
        cursor = page.at(-1)?.seq ?? cursor;
        if (page.length < 200) return cursor;
      }
    },
  });
  return { seen, errors, catchUp };
}

const write = (store: AsyncStore, id: string, teamId: string) =>
  store.transaction(async (tx) => {
    await tx.put(
      { entity: 'conversation', id, data: { teamId }, clocks: {}, deleted: false, convId: id },
      SYSTEM,
    );
    return tx.put(
      { entity: 'message', id: `${id}-m`, data: {}, clocks: {}, deleted: false, convId: id },
      SYSTEM,
    );
  });

describe.skipIf(missing !== null)('relay/data/postgres/notify across processes', () => {
  let pgServer: RunningPostgres;
  let natsServer: RunningNats;
  const connections: NatsConnection[] = [];
  beforeAll(async () => {
    [pgServer, natsServer] = await Promise.all([startPostgres(), startNats()]);
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await Promise.all([pgServer?.stop(), natsServer?.stop()]);
  });

  const transports: [string, (url: string, pool: pg.Pool) => Promise<PokeTransport>][] = [
    [
      'NATS',
      async () => {
        const nc = await connect({ servers: natsServer.url });
        connections.push(nc);
        return natsPokes(nc);
      },
    ],
    ['LISTEN/NOTIFY', async (url, pool) => pgPokes(pool, { connectionString: url })],
  ];

  for (const [name, make] of transports) {
    it(`brings every change committed on one store to another through ${name}, each once, in log order`, async () => {
      const url = await pgServer.createDatabase();
      const now = () => Date.now();
      const [a, b] = await Promise.all([0, 1].map(() => createPgStore({ connectionString: url, now })));
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      // No safety poll within the test: what arrives, arrives by a poke.
      const f = follower(b!, 3_600_000);
      const [pubT, subT] = [await make(url, pool), await make(url, pool)];
      const unsubscribe = await subT.subscribe(
        (p) => f.catchUp.poke(p.head),
        () => f.catchUp.poke(),
      );
      const stopPublishing = publishCommits(a!, pubT, {
        origin: 'relay-a',
        scopeOf: (id) => a!.scopeOf(id),
        onError: (err) => f.errors.push(err),
      });
      try {
        for (let i = 0; i < 40; i++) await write(a!, `c${i}`, `t${i % 4}`);
        const head = await a!.head();
        await waitFor(
          () => f.catchUp.cursor() === head,
          () => `follower at ${f.catchUp.cursor()} of ${head}`,
        );
        expect(f.errors).toEqual([]);
        expect(f.seen.map((s) => s.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
        expect(f.seen.filter((s) => s.id.endsWith('-m'))).toHaveLength(40);
      } finally {
        stopPublishing();
        f.catchUp.stop();
        await unsubscribe();
        await pool.end();
        await Promise.all([a!.close(), b!.close()]);
      }
    });
  }

  it('reads a payload that is not a poke (anyone may publish on the subject or channel) as a gap, over NATS and LISTEN/NOTIFY, and keeps listening', async () => {
    const url = await pgServer.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const nc = await connect({ servers: natsServer.url });
    connections.push(nc);
    const heard: { gaps: number; pokes: number[] }[] = [];
    const unsubscribes: (() => Promise<void>)[] = [];
    for (const t of [natsPokes(nc), pgPokes(pool, { connectionString: url })]) {
      const h = { gaps: 0, pokes: [] as number[] };
      heard.push(h);
      unsubscribes.push(
        await t.subscribe(
          (p) => h.pokes.push(p.head),
          () => (h.gaps += 1),
        ),
      );
    }
    try {
      for (const bad of ['not json', 'null', JSON.stringify({ head: 'x' })]) {
        nc.publish('sb.log.all', new TextEncoder().encode(bad));
        await pool.query('SELECT pg_notify($1, $2)', ['sb_log', bad]);
      }
      const good = { origin: 'relay-x', head: 9, all: true, teams: [], agents: [] };
      nc.publish('sb.log.all', new TextEncoder().encode(JSON.stringify(good)));
      await pool.query('SELECT pg_notify($1, $2)', ['sb_log', JSON.stringify(good)]);
      await waitFor(
        () => heard.every((h) => h.pokes.length === 1 && h.gaps >= 3),
        () => `heard ${JSON.stringify(heard)}`,
      );
      expect(heard.map((h) => h.pokes)).toEqual([[9], [9]]);
    } finally {
      for (const u of unsubscribes) await u();
      await pool.end();
    }
  });

  it('catches up by its safety poll from a commit whose poke never came (its relay died before publishing)', async () => {
    const url = await pgServer.createDatabase();
    const now = () => Date.now();
    const [a, b] = await Promise.all([0, 1].map(() => createPgStore({ connectionString: url, now })));
    const f = follower(b!, 50);
    try {
      const seq = await write(a!, 'c-unannounced', 't1');
      await waitFor(
        () => f.catchUp.cursor() === seq,
        () => `follower at ${f.catchUp.cursor()} of ${seq}`,
      );
      expect(f.seen.map((s) => s.id)).toEqual(['c-unannounced', 'c-unannounced-m']);
    } finally {
      f.catchUp.stop();
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it('reads what it missed while its LISTEN connection was down, once that connection is back', async () => {
    const url = await pgServer.createDatabase();
    const now = () => Date.now();
    const [a, b] = await Promise.all([0, 1].map(() => createPgStore({ connectionString: url, now })));
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const f = follower(b!, 3_600_000);
    const listenErrors: unknown[] = [];
    const transport = pgPokes(pool, {
      connectionString: url,
      reconnectMs: 50,
      onError: (e) => listenErrors.push(e),
    });
    let gaps = 0;
    const unsubscribe = await transport.subscribe(
      (p) => f.catchUp.poke(p.head),
      () => (gaps++, f.catchUp.poke()),
    );
    const stopPublishing = publishCommits(a!, transport, {
      origin: 'relay-a',
      scopeOf: (id) => a!.scopeOf(id),
      onError: (err) => f.errors.push(err),
    });
    try {
      await write(a!, 'c-before', 't1');
      await waitFor(
        () => f.catchUp.cursor() === 2,
        () => `follower at ${f.catchUp.cursor()}`,
      );
      // The listener's connection is cut, as a failover or a network blip would.
      const killed = await pool.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN sb_log'`,
      );
      expect(killed.rows[0]!.n).toBe(1);
      const seq = await write(a!, 'c-during', 't1');
      await waitFor(
        () => f.catchUp.cursor() === seq,
        () => `follower at ${f.catchUp.cursor()} of ${seq} after ${gaps} gaps`,
      );
      expect(f.seen.map((s) => s.id)).toEqual(['c-before', 'c-before-m', 'c-during', 'c-during-m']);
      expect(gaps).toBeGreaterThanOrEqual(1);
    } finally {
      stopPublishing();
      f.catchUp.stop();
      await unsubscribe();
      await pool.end();
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});
