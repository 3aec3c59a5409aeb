// Routing leases on a real PostgreSQL: one owner per queue among relay processes (three pools
// on one database, as three relays would have), handed over when an owner dies, stops cleanly, or
// cannot reach the database, and never held by two at once.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeaseTable } from '../../../src/relay/data/leases';
import { migratePostgres } from '../../../src/relay/data/postgres/migrations';
import { createPgLeases } from '../../../src/relay/data/postgres/pgLease';
import { createLeaseKeeper, type LeaseKeeper } from '../../../src/relay/routing/lease';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';

const missing = postgresMissing();
if (missing) console.warn(`PostgreSQL lease tests skipped: ${missing}`);

const QUEUES = Array.from({ length: 12 }, (_, i) => `queue-${i}`);
// Long enough that a round late under a loaded machine does not lapse a lease mid-test (rounds run every TTL/3).
const TTL_MS = 3_000;

/** Polls `f` until it holds (or throws after a generous wait: this is no timing check). */
async function eventually(f: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

type Relay = { name: string; pool: pg.Pool; table: LeaseTable; cut: { on: boolean }; keeper: LeaseKeeper };

describe.skipIf(missing !== null)('relay/data/postgres routing leases', () => {
  let server: RunningPostgres;
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await server?.stop();
  });

  async function relays(url: string, names: string[]): Promise<Relay[]> {
    return names.map((name) => {
      const pool = new pg.Pool({ connectionString: url, max: 3 });
      pools.push(pool);
      const real = createPgLeases(pool);
      const cut = { on: false };
      // A switch for "this relay cannot reach the database": its claims fail as a refused connection would.
      const table: LeaseTable = {
        ...real,
        claim: (...a) => (cut.on ? Promise.reject(new Error('connect ECONNREFUSED')) : real.claim(...a)),
      };
      const keeper = createLeaseKeeper({
        table,
        owner: name,
        queues: () => QUEUES,
        ttlMs: TTL_MS,
        onError: () => {},
      });
      return { name, pool, table: real, cut, keeper };
    });
  }

  /** Samples who owns what until `done`, failing on any queue two relays own at the same moment. */
  function watchForTwoOwners(rs: Relay[]) {
    let overlap: string | null = null;
    let samples = 0;
    const timer = setInterval(() => {
      samples++;
      for (const q of QUEUES) {
        const owners = rs.filter((r) => r.keeper.owns(q)).map((r) => r.name);
        if (owners.length > 1) overlap ??= `${q} owned by ${owners.join(' and ')}`;
      }
    }, 5);
    return {
      stop() {
        clearInterval(timer);
        return { overlap, samples };
      },
    };
  }

  const ownedBy = (rs: Relay[]) =>
    new Map(QUEUES.map((q) => [q, rs.filter((r) => r.keeper.owns(q)).map((r) => r.name)]));

  it('gives each queue exactly one owner among three relays, the one the table names', async () => {
    const url = await server.createDatabase();
    const setup = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(setup);
    await migratePostgres(setup);
    const rs = await relays(url, ['relay-a', 'relay-b', 'relay-c']);
    const watch = watchForTwoOwners(rs);
    await eventually(() => QUEUES.every((q) => rs.some((r) => r.keeper.owns(q))), 'every queue owned');
    const holders = await rs[0]!.table.holders(QUEUES);
    for (const [q, owners] of ownedBy(rs)) expect(owners).toEqual([holders.get(q)]);
    expect(watch.stop().overlap).toBeNull();
    await Promise.all(rs.map((r) => r.keeper.stop()));
  });

  it('hands a dead relay’s queues to the others once its leases run out, one tenure later', async () => {
    const url = await server.createDatabase();
    const setup = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(setup);
    await migratePostgres(setup);
    // relay-a starts first and takes every queue; the others, started after, find them all held.
    const [a] = await relays(url, ['relay-a']);
    await eventually(() => QUEUES.every((q) => a!.keeper.owns(q)), 'relay-a owns every queue');
    const others = await relays(url, ['relay-b', 'relay-c']);
    const rs = [a!, ...others];
    await Promise.all(others.map((r) => r.keeper.round()));
    expect(others.every((r) => r.keeper.held().length === 0)).toBe(true);
    const tenures = new Map(QUEUES.map((q) => [q, a!.keeper.tenure(q)!]));

    const watch = watchForTwoOwners(rs);
    // relay-a dies: no release, its connections gone.
    await a!.keeper.stop({ release: false });
    await a!.pool.end();
    await eventually(
      () => QUEUES.every((q) => others.some((r) => r.keeper.owns(q))),
      'the others own every queue',
    );
    const { overlap, samples } = watch.stop();
    expect(overlap).toBeNull();
    expect(samples).toBeGreaterThan(0);
    for (const q of QUEUES) {
      const owner = others.find((r) => r.keeper.owns(q))!;
      expect(owner.keeper.tenure(q)).toBe(tenures.get(q)! + 1);
    }
    await Promise.all(others.map((r) => r.keeper.stop()));
  });

  it('a relay cut off from the database stops owning before another takes over; a clean stop hands over at once', async () => {
    const url = await server.createDatabase();
    const setup = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(setup);
    await migratePostgres(setup);
    const [a, b] = await relays(url, ['relay-a', 'relay-b']);
    await eventually(() => QUEUES.every((q) => a!.keeper.owns(q) || b!.keeper.owns(q)), 'every queue owned');
    const watch = watchForTwoOwners([a!, b!]);
    a!.cut.on = true;
    await eventually(() => QUEUES.every((q) => b!.keeper.owns(q)), 'relay-b owns every queue');
    expect(a!.keeper.held()).toEqual([]);
    // Back in reach, relay-a finds every queue held and takes none.
    a!.cut.on = false;
    await a!.keeper.round();
    expect(a!.keeper.held()).toEqual([]);
    // relay-b stops cleanly: its leases are given up, and relay-a's next round takes them all.
    await b!.keeper.stop();
    await a!.keeper.round();
    expect(a!.keeper.held().sort()).toEqual([...QUEUES].sort());
    expect(watch.stop().overlap).toBeNull();
    await a!.keeper.stop();
  });
});
