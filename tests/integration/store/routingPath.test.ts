import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../../src/shared/sync/protocol';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { soleOwnerLeases } from '../../../src/relay/data/leases';
import { createPgIdentity } from '../../../src/relay/data/postgres/pgIdentity';
import { createPgLeases } from '../../../src/relay/data/postgres/pgLease';
import { createPgRoutingData } from '../../../src/relay/data/postgres/pgRoutingData';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { createSqliteRoutingData } from '../../../src/relay/data/routingData';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createSqliteIdentity } from '../../../src/relay/data/sqliteIdentity';
import { createStore } from '../../../src/relay/data/sqliteStore';
import { createAwayNotices } from '../../../src/relay/routing/awayNotices';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import {
  routingContract,
  routingWorld,
  startRouting,
  type RoutingUnderTest,
} from '../../support/routingContract';

// Routing (src/relay/routing) on both stores: offer, accept, assignee fanned out, capacity freed
// by a resolve, through the real hub on SQLite and on a real PostgreSQL; and, on PostgreSQL, two
// relays on one database where only the holder of a queue's lease offers its work.
const now = () => Date.now();

describe('relay routing on SQLite (through sqliteAsync)', () => {
  routingContract(async () => {
    const db = openMemoryDatabase();
    const store = asyncSqliteStore(createStore(db, now));
    return {
      store,
      identity: createSqliteIdentity(db, store),
      data: createSqliteRoutingData(db, store),
      leases: soleOwnerLeases(),
      dispose: async () => void db.close(),
    };
  });
});

const missing = postgresMissing();
if (missing) console.warn(`routing on PostgreSQL skipped: ${missing}`);

describe.skipIf(missing !== null)('relay routing on PostgreSQL', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** One relay process on the database at `url`: its own pool, store, identity and lease table. */
  async function relayOn(url: string): Promise<RoutingUnderTest> {
    const store = await createPgStore({ connectionString: url, now });
    return {
      store,
      identity: createPgIdentity(store),
      data: createPgRoutingData(store),
      leases: createPgLeases(store.pool),
      dispose: () => store.close(),
    };
  }

  routingContract(async () => relayOn(await server.createDatabase()));

  it('keeps away notices in meta: two relays adding to one agent at once both land; seen forgets', async () => {
    const url = await server.createDatabase();
    const [a, b] = [await relayOn(url), await relayOn(url)];
    try {
      const moved = (conversationId: string, movedAt: string) => ({
        conversationId,
        channel: 'chat' as const,
        customerName: '',
        subject: '',
        movedAt,
        reason: 'customer-waiting' as const,
      });
      const [na, nb] = [createAwayNotices(a.data), createAwayNotices(b.data)];
      await Promise.all([
        na.add('hana', [moved('c1', '2026-12-04T09:00:00.000Z')]),
        nb.add('hana', [moved('c2', '2026-12-04T09:01:00.000Z')]),
      ]);
      expect((await nb.list('hana')).map((m) => m.conversationId).sort()).toEqual(['c1', 'c2']);
      await na.seen('hana', '2026-12-04T09:01:00.000Z');
      expect(await nb.list('hana')).toEqual([]);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  it("offers a queue's work only from the relay holding its lease; the other takes over when it stops", async () => {
    const url = await server.createDatabase();
    const a = await relayOn(url);
    const b = await relayOn(url);
    const w = await routingWorld(a, now);
    const waiting = await w.conversation('Order 7');
    const frames = { a: [] as ServerFrame[], b: [] as ServerFrame[] };
    const offers = (of: ServerFrame[]) =>
      of.flatMap((f) => (f.t === 'offer' ? [f.offer.conversationId] : []));
    const relayA = startRouting(a, {
      owner: 'relay-a',
      now,
      clock: w.clock,
      sendToAgent: (_, f) => frames.a.push(f),
    });
    await relayA.routing.settled();
    expect(relayA.keeper.held()).toEqual([w.inboxId]);
    const relayB = startRouting(b, {
      owner: 'relay-b',
      now,
      clock: w.clock,
      sendToAgent: (_, f) => frames.b.push(f),
    });
    await relayB.routing.settled();
    expect(relayB.keeper.held()).toEqual([]);
    try {
      // Ana is there for both (as if each relay heard of her), available.
      for (const r of [relayA, relayB]) {
        r.routing.agentConnected(w.ana.id);
        r.routing.setPresence(w.ana.id, 'available');
        await r.routing.settled();
      }
      expect(offers(frames.a)).toEqual([waiting]);
      expect(offers(frames.b)).toEqual([]);

      // Relay A stops cleanly and gives its leases up: B takes the queue at its next round and offers.
      relayA.routing.close();
      await relayA.keeper.stop();
      await relayB.keeper.round();
      await relayB.routing.settled();
      expect(relayB.keeper.held()).toEqual([w.inboxId]);
      expect(offers(frames.b)).toEqual([waiting]);
    } finally {
      relayA.routing.close();
      relayB.routing.close();
      await relayA.keeper.stop();
      await relayB.keeper.stop();
      await a.dispose();
      await b.dispose();
    }
  });
});
