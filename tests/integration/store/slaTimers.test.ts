// The SLA and snooze timer (relay/sla/timers.ts) on the asynchronous store: the same ticks on
// SQLite (through sqliteAsync) and on a real PostgreSQL. A snooze wakes at its time, a breach is
// marked once and counted, a restarted timer catches up; on PostgreSQL the reads are range scans
// of migration 005's indexes, and of two relays on one database only the lease holder ticks, and
// two ticking at once (a lease hand-over) still wake and mark each conversation once. Ticks are
// run by hand at clock times the test sets (the interval is an hour, never reached).
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HlcClock } from '../../../src/shared/sync/hlc';
import type { AsyncStore } from '../../../src/relay/data/asyncStore';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { createPgLeases } from '../../../src/relay/data/postgres/pgLease';
import { createPgSlaQueries, PG_SLA_SQL } from '../../../src/relay/data/postgres/pgSlaQueries';
import { createPgStore, type PgStore } from '../../../src/relay/data/postgres/pgStore';
import { writeFieldsAsync } from '../../../src/relay/data/records';
import { sqliteSlaQueries, type SlaQueries } from '../../../src/relay/data/slaQueries';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createStore } from '../../../src/relay/data/sqliteStore';
import type { Commit } from '../../../src/relay/data/store';
import type { Viewer } from '../../../src/relay/data/visibility';
import { createLeaseKeeper } from '../../../src/relay/routing/lease';
import { createSlaTimers, SLA_TIMER_LEASE, type SlaTickResult } from '../../../src/relay/sla/timers';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';

const log = pino({ level: 'silent' });
const ADMIN: Viewer = { agentId: 'admin', role: 'admin', teamIds: new Set() };
const T0 = Date.parse('2026-12-04T09:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** One relay's view of the database: its store and the timer's reads. */
type Side = { store: AsyncStore; queries: SlaQueries };
type Under = Side & {
  /** The same database as another relay process (or a restarted one) sees it. */
  again(): Promise<Side>;
  dispose(): Promise<void>;
};

/** The relay's SLA timer on `side` at the test's clock, ticking only when asked. */
function timersOn(side: Side, clock: { now: number }, o: { owns?: () => boolean; node?: string } = {}) {
  const routed: string[] = [];
  const ticks: SlaTickResult[] = [];
  const timers = createSlaTimers(
    {
      store: side.store,
      queries: side.queries,
      owns: o.owns ?? (() => true),
      relayClock: new HlcClock(o.node ?? 'relay', () => clock.now),
      log,
      now: () => clock.now,
      route: (id) => routed.push(id),
      onTick: (r) => ticks.push(r),
    },
    { tickMs: 3_600_000, batch: 3 },
  );
  return { timers, routed, ticks };
}

/** Writes a conversation as an app would (its clock ahead of the relay's start). */
async function conversation(store: AsyncStore, id: string, fields: Record<string, unknown>, at = T0) {
  const app = new HlcClock('app', () => at);
  await store.transaction((tx) =>
    writeFieldsAsync(
      tx,
      {
        entity: 'conversation',
        id,
        fields: { status: 'open', teamId: 't1', assigneeId: null, ...fields },
        clock: app.now(),
        convId: id,
        at: iso(at),
      },
      { mutationId: null, agentId: 'a1' },
    ),
  );
}

const data = async (store: AsyncStore, id: string) => (await store.get('conversation', id))?.data ?? {};

/** How often each conversation was written, from what `stores` told their listeners. */
function writesHeard(stores: AsyncStore[]) {
  const commits: Commit[] = [];
  for (const s of stores) s.onCommit((c) => commits.push(c));
  return (id: string) =>
    commits.flatMap((c) => c.records).filter((r) => r.change.entity === 'conversation' && r.change.id === id)
      .length;
}

function slaTimerContract(make: () => Promise<Under>) {
  let u: Under;
  const clock = { now: T0 };
  beforeEach(async () => {
    u = await make();
    clock.now = T0;
  });
  afterEach(async () => {
    await u.dispose();
  });

  it('wakes a snoozed conversation at its time, not before, once, and asks routing for it', async () => {
    const { timers, routed, ticks } = timersOn(u, clock);
    await conversation(u.store, 'c1', { status: 'snoozed', snoozedUntil: iso(T0 + 30 * MIN) });
    const writes = writesHeard([u.store]);
    clock.now = T0 + 30 * MIN - 1;
    await timers.tick();
    expect(await data(u.store, 'c1')).toMatchObject({ status: 'snoozed' });
    clock.now = T0 + 30 * MIN;
    await timers.tick();
    expect(await data(u.store, 'c1')).toMatchObject({ status: 'open', snoozedUntil: null });
    await timers.tick();
    expect(ticks.map((t) => t.woken)).toEqual([0, 1, 0]);
    expect(routed).toEqual(['c1']);
    expect(writes('c1')).toBe(1);
    // Its history keeps the snooze and the wake, once each.
    const history = (await u.store.changesAfter(ADMIN, 0, 100))
      .filter((c) => c.entity === 'fieldChange' && c.data?.['field'] === 'status')
      .map((c) => c.data?.['value']);
    expect(history).toEqual(['snoozed', 'open']);
    await timers.close();
  });

  it('marks a first-response breach at its due time once, counted once', async () => {
    const due = iso(T0 + 60 * MIN);
    const { timers, ticks } = timersOn(u, clock);
    await conversation(u.store, 'c1', { slaFirstResponseDueAt: due, slaDueAt: due });
    const writes = writesHeard([u.store]);
    clock.now = T0 + 60 * MIN - 1;
    await timers.tick();
    expect((await data(u.store, 'c1'))['slaFirstResponseBreaches']).toBeUndefined();
    clock.now = T0 + 60 * MIN;
    await timers.tick();
    clock.now = T0 + 90 * MIN;
    await timers.tick();
    expect(await data(u.store, 'c1')).toMatchObject({
      slaFirstResponseBreachedAt: due,
      slaFirstResponseBreaches: 1,
    });
    expect(ticks.map((t) => t.breaches.firstResponse)).toEqual([0, 1, 0]);
    expect(writes('c1')).toBe(1);
    await timers.close();
  });

  it('catches up after a restart on what came due while it was down, and marks nothing twice', async () => {
    const first = timersOn(u, clock);
    await conversation(u.store, 'marked', { slaFirstResponseDueAt: iso(T0 + 10 * MIN) });
    clock.now = T0 + 10 * MIN;
    await first.timers.tick();
    expect((await data(u.store, 'marked'))['slaFirstResponseBreaches']).toBe(1);
    await first.timers.close();
    // While no relay ran: a snooze and a resolution due time passed.
    await conversation(u.store, 'snoozed', { status: 'snoozed', snoozedUntil: iso(T0 + 20 * MIN) });
    await conversation(u.store, 'late', { slaResolutionDueAt: iso(T0 + 30 * MIN) });
    const side = await u.again();
    const writes = writesHeard([side.store]);
    clock.now = T0 + 8 * 60 * MIN;
    const restarted = timersOn(side, clock);
    await restarted.timers.tick();
    expect(restarted.ticks).toEqual([{ woken: 1, breaches: { firstResponse: 0, resolution: 1 } }]);
    expect(await data(side.store, 'snoozed')).toMatchObject({ status: 'open' });
    expect((await data(side.store, 'late'))['slaResolutionBreaches']).toBe(1);
    expect((await data(side.store, 'marked'))['slaFirstResponseBreaches']).toBe(1);
    expect(writes('marked')).toBe(0);
    await restarted.timers.close();
  });

  it('reaches a due conversation behind more than a batch of ones already marked', async () => {
    // Marked breaches of open conversations stay in the due range; a batch is 3 here.
    for (const i of [1, 2, 3, 4])
      await conversation(u.store, `old${i}`, {
        slaFirstResponseDueAt: iso(T0 + i * MIN),
        slaFirstResponseBreachedAt: iso(T0 + i * MIN),
        slaFirstResponseBreaches: 1,
      });
    await conversation(u.store, 'resolved', { status: 'resolved', slaResolutionDueAt: iso(T0 + MIN) });
    await conversation(u.store, 'new', { slaFirstResponseDueAt: iso(T0 + 5 * MIN) });
    clock.now = T0 + 10 * MIN;
    const { timers, ticks } = timersOn(u, clock);
    await timers.tick();
    expect(ticks).toEqual([{ woken: 0, breaches: { firstResponse: 1, resolution: 0 } }]);
    expect((await data(u.store, 'new'))['slaFirstResponseBreaches']).toBe(1);
    expect((await data(u.store, 'old1'))['slaFirstResponseBreaches']).toBe(1);
    await timers.close();
  });

  it('handles more than a batch due at once over the next ticks', async () => {
    for (const i of [1, 2, 3, 4, 5])
      await conversation(u.store, `c${i}`, { slaResolutionDueAt: iso(T0 + MIN) });
    clock.now = T0 + 2 * MIN;
    const { timers, ticks } = timersOn(u, clock);
    await timers.tick();
    await timers.tick();
    await timers.tick();
    expect(ticks.map((t) => t.breaches.resolution)).toEqual([3, 2, 0]);
    await timers.close();
  });

  it('runs no tick on a relay without the lease', async () => {
    let held = false;
    const { timers, ticks } = timersOn(u, clock, { owns: () => held });
    await conversation(u.store, 'c1', { status: 'snoozed', snoozedUntil: iso(T0) });
    expect(await timers.tick()).toBeNull();
    expect(await data(u.store, 'c1')).toMatchObject({ status: 'snoozed' });
    held = true;
    expect(await timers.tick()).toEqual({ woken: 1, breaches: { firstResponse: 0, resolution: 0 } });
    expect(ticks).toHaveLength(1);
    await timers.close();
  });
}

describe('relay/sla timers on SQLite (through sqliteAsync)', () => {
  slaTimerContract(async () => {
    const db = openMemoryDatabase();
    const store = asyncSqliteStore(createStore(db, () => T0));
    const queries = sqliteSlaQueries(db);
    return {
      store,
      queries,
      // One file has one relay process: a restarted one opens the same database.
      again: async () => ({ store: asyncSqliteStore(createStore(db, () => T0)), queries }),
      dispose: async () => void db.close(),
    };
  });
});

const missing = postgresMissing();
if (missing) console.warn(`SLA timers on PostgreSQL skipped: ${missing}`);

describe.skipIf(missing !== null)('relay/sla timers on PostgreSQL', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A relay process's store on `url`: a pool of its own. */
  async function relayOn(url: string): Promise<Side & { store: PgStore }> {
    const store = await createPgStore({ connectionString: url, now: () => T0, poolSize: 3 });
    return { store, queries: createPgSlaQueries(store.pool) };
  }

  describe('the contract', () => {
    slaTimerContract(async () => {
      const url = await server.createDatabase();
      const first = await relayOn(url);
      const others: PgStore[] = [];
      return {
        ...first,
        async again() {
          const s = await relayOn(url);
          others.push(s.store);
          return s;
        },
        async dispose() {
          for (const o of others) await o.close();
          await first.store.close();
        },
      };
    });
  });

  it("reads by range scans of migration 005's indexes", async () => {
    const url = await server.createDatabase();
    const { store: s } = await relayOn(url);
    try {
      // Many conversations, few with work due: the planner picks the index on its own.
      await s.pool.query(
        `INSERT INTO records (entity, id, data, seq, conv_id)
         SELECT 'conversation', 'c' || i,
           json_build_object('status', CASE WHEN i % 100 = 0 THEN 'snoozed' ELSE 'open' END,
             'snoozedUntil', CASE WHEN i % 100 = 0 THEN '2026-12-04T10:00:00.000Z' END,
             'slaFirstResponseDueAt', CASE WHEN i % 50 = 0 THEN '2026-12-04T10:00:00.000Z' END,
             'slaResolutionDueAt', CASE WHEN i % 50 = 0 THEN '2026-12-04T11:00:00.000Z' END)::text,
           i, 'c' || i
         FROM generate_series(1, 20000) AS i`,
      );
      await s.pool.query('ANALYZE records');
      const plan = async (sql: string, values: unknown[]) => {
        // As the timer runs it: a prepared statement, on its generic plan.
        const c = await s.pool.connect();
        try {
          await c.query('SET plan_cache_mode = force_generic_plan');
          await c.query(`PREPARE q AS ${sql}`);
          const r = await c.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN EXECUTE q(${values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ')})`,
          );
          await c.query('DEALLOCATE q');
          return r.rows.map((x) => x['QUERY PLAN']).join('\n');
        } finally {
          c.release();
        }
      };
      const now = '2026-12-04T12:00:00.000Z';
      expect(await plan(PG_SLA_SQL.wake, [now, 500])).toMatch(/Index Scan using records_conv_snoozed_until/);
      expect(await plan(PG_SLA_SQL.due.firstResponse, ['', now, 500])).toMatch(
        /Index Scan using records_conv_first_response_due/,
      );
      expect(await plan(PG_SLA_SQL.due.resolution, ['', now, 500])).toMatch(
        /Index Scan using records_conv_resolution_due/,
      );
    } finally {
      await s.close();
    }
  });

  describe('two relays on one database', () => {
    let url: string;
    let a: Awaited<ReturnType<typeof relayOn>>;
    let b: Awaited<ReturnType<typeof relayOn>>;
    const clock = { now: T0 };
    beforeEach(async () => {
      url = await server.createDatabase();
      a = await relayOn(url);
      b = await relayOn(url);
      clock.now = T0;
    });
    afterEach(async () => {
      await a.store.close();
      await b.store.close();
    });

    const logEntries = async (id: string) =>
      Number(
        (
          await a.store.pool.query<{ n: string }>(
            "SELECT count(*) AS n FROM log WHERE entity = 'conversation' AND record_id = $1",
            [id],
          )
        ).rows[0]?.n,
      );
    /** What was written for a conversation after it was made: its log entries past the first. */
    const timerWrites = async (id: string) => (await logEntries(id)) - 1;

    it('only the holder of the sla-timers lease ticks: a conversation is woken once, a breach marked once', async () => {
      const keeper = (s: Side & { store: PgStore }, owner: string) =>
        createLeaseKeeper({
          table: createPgLeases(s.store.pool),
          owner,
          queues: () => [SLA_TIMER_LEASE],
          ttlMs: 5_000,
          onError: () => {},
        });
      // relay-a starts first and takes the lease; relay-b, started after, finds it held.
      const ka = keeper(a, 'relay-a');
      await ka.round();
      const kb = keeper(b, 'relay-b');
      await kb.round();
      expect([ka.owns(SLA_TIMER_LEASE), kb.owns(SLA_TIMER_LEASE)]).toEqual([true, false]);
      const ta = timersOn(a, clock, { owns: () => ka.owns(SLA_TIMER_LEASE), node: 'relay-a' });
      const tb = timersOn(b, clock, { owns: () => kb.owns(SLA_TIMER_LEASE), node: 'relay-b' });
      const due = iso(T0 + 60 * MIN);
      await conversation(a.store, 'snoozed', { status: 'snoozed', snoozedUntil: iso(T0 + 30 * MIN) });
      await conversation(b.store, 'owed', { slaFirstResponseDueAt: due });
      clock.now = T0 + 2 * 60 * MIN;
      for (let i = 0; i < 3; i++) await Promise.all([ta.timers.tick(), tb.timers.tick()]);
      expect(ta.ticks).toEqual([
        { woken: 1, breaches: { firstResponse: 1, resolution: 0 } },
        { woken: 0, breaches: { firstResponse: 0, resolution: 0 } },
        { woken: 0, breaches: { firstResponse: 0, resolution: 0 } },
      ]);
      expect(tb.ticks).toEqual([]);
      expect(await data(b.store, 'snoozed')).toMatchObject({ status: 'open', snoozedUntil: null });
      expect(await data(b.store, 'owed')).toMatchObject({
        slaFirstResponseBreachedAt: due,
        slaFirstResponseBreaches: 1,
      });
      expect([await timerWrites('snoozed'), await timerWrites('owed')]).toEqual([1, 1]);
      // relay-a stops cleanly: relay-b takes the lease at its next round and ticks from then on.
      await ka.stop();
      await kb.round();
      expect(kb.owns(SLA_TIMER_LEASE)).toBe(true);
      await conversation(
        a.store,
        'later',
        { status: 'snoozed', snoozedUntil: iso(T0 + 3 * 60 * MIN) },
        clock.now,
      );
      clock.now = T0 + 4 * 60 * MIN;
      await Promise.all([ta.timers.tick(), tb.timers.tick()]);
      expect(tb.ticks.map((t) => t.woken)).toEqual([1]);
      expect(ta.ticks).toHaveLength(3);
      expect(await timerWrites('later')).toBe(1);
      await Promise.all([ta.timers.close(), tb.timers.close(), kb.stop()]);
    });

    it('two relays ticking at once (a lease hand-over) still wake and mark each conversation once', async () => {
      const ta = timersOn(a, clock, { node: 'relay-a' });
      const tb = timersOn(b, clock, { node: 'relay-b' });
      for (const i of [1, 2, 3]) {
        await conversation(a.store, `s${i}`, { status: 'snoozed', snoozedUntil: iso(T0 + i * MIN) });
        await conversation(a.store, `d${i}`, {
          slaFirstResponseDueAt: iso(T0 + i * MIN),
          slaResolutionDueAt: iso(T0 + 2 * i * MIN),
        });
      }
      clock.now = T0 + 60 * MIN;
      // Both read the same candidates before either writes; each re-reads under the log lock.
      await Promise.all([ta.timers.tick(), tb.timers.tick()]);
      await Promise.all([ta.timers.tick(), tb.timers.tick()]);
      const sum = (k: (t: SlaTickResult) => number) =>
        [...ta.ticks, ...tb.ticks].reduce((n, t) => n + k(t), 0);
      expect(sum((t) => t.woken)).toBe(3);
      expect(sum((t) => t.breaches.firstResponse)).toBe(3);
      expect(sum((t) => t.breaches.resolution)).toBe(3);
      for (const i of [1, 2, 3]) {
        expect(await timerWrites(`s${i}`)).toBe(1);
        // Two writes: one per kind, each once.
        expect(await timerWrites(`d${i}`)).toBe(2);
        expect(await data(a.store, `d${i}`)).toMatchObject({
          slaFirstResponseBreaches: 1,
          slaResolutionBreaches: 1,
        });
      }
      expect([...ta.routed, ...tb.routed].sort()).toEqual(['s1', 's2', 's3']);
      await Promise.all([ta.timers.close(), tb.timers.close()]);
    });
  });
});
