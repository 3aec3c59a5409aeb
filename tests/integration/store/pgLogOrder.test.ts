// The PostgreSQL change log's promise, under real concurrency: a client that has seen position N
// never misses a change later committed with a smaller position. Writers on three stores (three
// pools, as three relay processes would have) on one database; a reader polls changesAfter
// throughout, as a client's catch-up does, and what it saw is checked against the whole log.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsyncStore } from '../../../src/relay/data/asyncStore';
import { createPgStore, LOG_LOCK_ID } from '../../../src/relay/data/postgres/pgStore';
import type { Viewer } from '../../../src/relay/data/visibility';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';

const missing = postgresMissing();
if (missing) console.warn(`PostgreSQL log order tests skipped: ${missing}`);

const ADMIN: Viewer = { agentId: 'reader', role: 'admin', teamIds: new Set() };
const SYSTEM = { mutationId: null, agentId: null };
const WRITERS = 200;
const TRANSACTIONS_EACH = 5;

const putMessage = (tx: Parameters<Parameters<AsyncStore['transaction']>[0]>[0], id: string) =>
  tx.put(
    {
      entity: 'message',
      id,
      data: { conversationId: 'c1', body: id },
      clocks: {},
      deleted: false,
      convId: null,
    },
    SYSTEM,
  );

describe.skipIf(missing !== null)('relay/data/postgres log order', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lets no reader miss a change: 200 concurrent writers on three stores, checked against the log', async () => {
    const url = await server.createDatabase();
    const now = () => Date.now();
    const stores = await Promise.all(
      [0, 1, 2].map(() => createPgStore({ connectionString: url, now, poolSize: 20 })),
    );
    const reader = await createPgStore({ connectionString: url, now, poolSize: 2, migrate: false });
    try {
      const committed = new Map<string, number>();
      const rolledBack = new Set<string>();
      let writing = true;

      // Each writer: a few transactions of one to three new records; every seventh one throws after
      // writing, so positions taken and given back are in the mix too.
      const writer = async (w: number) => {
        const store = stores[w % stores.length]!;
        for (let t = 0; t < TRANSACTIONS_EACH; t++) {
          const ids = Array.from({ length: 1 + ((w + t) % 3) }, (_, i) => `w${w}-t${t}-r${i}`);
          const fails = (w * TRANSACTIONS_EACH + t) % 7 === 0;
          try {
            const seqs = await store.transaction(async (tx) => {
              const out: number[] = [];
              for (const id of ids) out.push(await putMessage(tx, id));
              if (fails) throw new Error('refused after writing');
              return out;
            });
            ids.forEach((id, i) => committed.set(id, seqs[i]!));
          } catch (err) {
            if (!fails) throw err;
            ids.forEach((id) => rolledBack.add(id));
          }
        }
      };

      const seen = new Map<number, string>();
      let polls = 0;
      const poll = async (hwm: number): Promise<number> => {
        for (;;) {
          const page = await reader.changesAfter(ADMIN, hwm, 500);
          polls++;
          for (const c of page) {
            expect(c.seq).toBeGreaterThan(hwm);
            expect(seen.has(c.seq)).toBe(false);
            seen.set(c.seq, c.id);
            hwm = c.seq;
          }
          if (page.length < 500) return hwm;
        }
      };
      const readLoop = async () => {
        let hwm = 0;
        while (writing) hwm = await poll(hwm);
        return poll(hwm);
      };

      const reading = readLoop();
      const wrote = await Promise.allSettled(Array.from({ length: WRITERS }, (_, w) => writer(w)));
      writing = false;
      const hwm = await reading;
      for (const w of wrote) if (w.status === 'rejected') throw w.reason;

      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const log = (
        await c.query<{ seq: string; record_id: string }>('SELECT seq, record_id FROM log ORDER BY seq')
      ).rows;
      await c.end();

      // The whole log, and exactly it, was seen: no position below a high-water mark turned up late.
      const missed = log.filter((r) => seen.get(Number(r.seq)) !== r.record_id).map((r) => Number(r.seq));
      expect(missed).toEqual([]);
      expect(seen.size).toBe(log.length);
      expect(log.length).toBe(committed.size);
      for (const [id, seq] of committed) expect(seen.get(seq)).toBe(id);
      // And the log has no holes: positions a rolled-back writer took were given back.
      expect(log.map((r) => Number(r.seq))).toEqual(Array.from({ length: log.length }, (_, i) => i + 1));
      expect(hwm).toBe(log.length);
      for (const id of rolledBack) expect(committed.has(id)).toBe(false);
      expect(rolledBack.size).toBeGreaterThan(0);
      // The reader really read while writers wrote, not only once at the end.
      expect(polls).toBeGreaterThan(2);
    } finally {
      await Promise.all([...stores, reader].map((s) => s.close()));
    }
  });

  it('makes a writer that begins later take a later position, even when it would commit first', async () => {
    const url = await server.createDatabase();
    const now = () => Date.now();
    const [a, b] = await Promise.all([0, 1].map(() => createPgStore({ connectionString: url, now })));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let wroteA!: (seq: number) => void;
    const seqA = new Promise<number>((r) => (wroteA = r));
    const first = a!.transaction(async (tx) => {
      wroteA(await putMessage(tx, 'slow'));
      await held;
    });
    await seqA;
    const second = b!.transaction((tx) => putMessage(tx, 'quick'));
    // The quick writer waits on the log lock that the slow one holds (seen in pg_locks).
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (;;) {
      const r = await c.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
      );
      if (r.rows[0]!.n === 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await a!.changesAfter(ADMIN, 0, 10)).toEqual([]);
    release();
    await first;
    const quick = await second;
    expect(quick).toBe((await seqA) + 1);
    expect((await a!.changesAfter(ADMIN, 0, 10)).map((ch) => [ch.seq, ch.id])).toEqual([
      [1, 'slow'],
      [2, 'quick'],
    ]);
    await c.end();
    await Promise.all([a!.close(), b!.close()]);
  });

  it('survives a writer whose connection dies mid-transaction: it fails alone, the lock is freed, nothing half-written', async () => {
    const url = await server.createDatabase();
    const store = await createPgStore({ connectionString: url, now: Date.now });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      let cut!: () => void;
      const wrote = new Promise<void>((r) => (cut = r));
      let resume!: () => void;
      const resumed = new Promise<void>((r) => (resume = r));
      const dying = store.transaction(async (tx) => {
        await putMessage(tx, 'half');
        cut();
        await resumed; // the connection is terminated while the body waits here
        await putMessage(tx, 'never');
      });
      await wrote;
      const killed = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(l.pid))::int AS n FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid()`,
      );
      expect(killed.rows[0]!.n).toBe(1);
      // Wait until the server has ended that backend, then let the body go on.
      for (;;) {
        const r = await admin.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'",
        );
        if (r.rows[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      resume();
      await expect(dying).rejects.toThrow();
      expect(await store.get('message', 'half')).toBeNull();
      // The store goes on: the next writer takes the lock and position 1.
      expect(await store.transaction((tx) => putMessage(tx, 'after'))).toBe(1);
    } finally {
      await admin.end();
      await store.close();
    }
  });

  it('hands back a usable connection when a wait for the log lock is cancelled', async () => {
    const url = await server.createDatabase();
    const store = await createPgStore({ connectionString: url, now: Date.now, poolSize: 1 });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOG_LOCK_ID})`);
      const waiting = store.transaction((tx) => putMessage(tx, 'cancelled'));
      for (;;) {
        const r = await holder.query<{ n: number }>(
          "SELECT count(pg_cancel_backend(pid))::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        if (r.rows[0]!.n === 1) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await expect(waiting).rejects.toThrow('canceling statement');
      await holder.query('COMMIT');
      // The pool's one connection serves the next writer (it was not left in an aborted transaction).
      expect(await store.transaction((tx) => putMessage(tx, 'next'))).toBe(1);
      expect(await store.get('message', 'cancelled')).toBeNull();
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('shows why: a bare sequence lets a reader at N skip a smaller position that commits late', async () => {
    const url = await server.createDatabase();
    const [slow, quick, reader] = [0, 1, 2].map(() => new pg.Client({ connectionString: url }));
    await Promise.all([slow, quick, reader].map((c) => c!.connect()));
    await reader!.query('CREATE TABLE bare_log (seq bigserial PRIMARY KEY, v text)');
    await slow!.query('BEGIN');
    await slow!.query("INSERT INTO bare_log (v) VALUES ('slow')");
    await quick!.query("INSERT INTO bare_log (v) VALUES ('quick')");
    const read = async (after: number) =>
      (
        await reader!.query<{ seq: string }>('SELECT seq FROM bare_log WHERE seq > $1 ORDER BY seq', [after])
      ).rows.map((r) => Number(r.seq));
    expect(await read(0)).toEqual([2]);
    await slow!.query('COMMIT');
    expect(await read(2)).toEqual([]); // position 1 is never seen by this reader
    expect(await read(0)).toEqual([1, 2]);
    await Promise.all([slow, quick, reader].map((c) => c!.end()));
  });
});
