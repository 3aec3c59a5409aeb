import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { createPgIdentity } from '../../../src/relay/data/postgres/pgIdentity';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { createPgSupervisorData, PG_SUPERVISOR_SQL } from '../../../src/relay/data/postgres/pgSupervisorData';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createSqliteIdentity } from '../../../src/relay/data/sqliteIdentity';
import { createStore } from '../../../src/relay/data/sqliteStore';
import { createSqliteSupervisorData } from '../../../src/relay/data/supervisorData';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import { supervisorContract, type SupervisorSide } from '../../support/supervisorContract';

// The supervisor room (src/relay/supervisor) on both stores: the board loaded from the store, a
// reassignment over HTTP and the board after it, a refusal that writes nothing, and the same day
// loaded by a second room: on SQLite (the same database again, as after a restart) and on a real
// PostgreSQL (a second pool on one database, as another relay).

describe('supervisor room on SQLite (through sqliteAsync)', () => {
  supervisorContract(async (now) => {
    const db = openMemoryDatabase();
    const store = asyncSqliteStore(createStore(db, now));
    const side: SupervisorSide = {
      store,
      identity: createSqliteIdentity(db, store),
      data: createSqliteSupervisorData(db),
    };
    return { ...side, again: async () => side, dispose: async () => void db.close() };
  });
});

const missing = postgresMissing();
if (missing) console.warn(`supervisor room on PostgreSQL skipped: ${missing}`);

describe.skipIf(missing !== null)('supervisor room on PostgreSQL', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  supervisorContract(async (now) => {
    const url = await server.createDatabase();
    const pools: { close(): Promise<void> }[] = [];
    const side = async (): Promise<SupervisorSide> => {
      const store = await createPgStore({ connectionString: url, now });
      pools.push(store);
      return { store, identity: createPgIdentity(store), data: createPgSupervisorData(store.pool) };
    };
    return {
      ...(await side()),
      again: side,
      dispose: async () => {
        for (const p of pools) await p.close();
      },
    };
  });

  it("reads the day's field history as a range of the primary key, not every record", async () => {
    const store = await createPgStore({ connectionString: await server.createDatabase(), now: Date.now });
    try {
      // Many days of history, one of them today: the planner takes the range on its own.
      await store.pool.query(
        `INSERT INTO records (entity, id, data, seq)
         SELECT 'fieldChange', lpad(to_hex(i), 8, '0') || '-0000-7000-8000-000000000000',
           json_build_object('entity', 'conversation', 'recordId', 'c' || i, 'field', 'status',
             'value', 'open', 'at', '2026-12-04T10:00:00.000Z', 'outcome', 'won')::text, i
         FROM generate_series(1, 20000) AS i`,
      );
      await store.pool.query('ANALYZE records');
      const floor = `${(19_900).toString(16).padStart(8, '0')}-0000`;
      const plan = await store.pool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${PG_SUPERVISOR_SQL.dayHistory.replace('$1', `'${floor}'`)}`,
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using records_pkey/);
      expect(await createPgSupervisorData(store.pool).dayHistory(floor)).toHaveLength(101);
    } finally {
      await store.close();
    }
  });
});
