import { afterAll, beforeAll, describe } from 'vitest';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { createPgIdentity } from '../../../src/relay/data/postgres/pgIdentity';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createSqliteIdentity } from '../../../src/relay/data/sqliteIdentity';
import { createStore } from '../../../src/relay/data/sqliteStore';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import { syncContract } from '../../support/syncContract';

// The sync path (sync/) on both stores: the same pushes, exactly-once and catch-up through the
// real hub, on SQLite and on a real PostgreSQL (where the second "relay" is a second pool).
const now = () => Date.now();

describe('relay sync path on SQLite (through sqliteAsync)', () => {
  syncContract(async () => {
    const db = openMemoryDatabase();
    const store = asyncSqliteStore(createStore(db, now));
    const identity = createSqliteIdentity(db, store);
    return {
      store,
      identity,
      // One SQLite file has one relay: the second is the same store.
      other: async () => ({ store, identity }),
      dispose: async () => void db.close(),
    };
  });
});

const missing = postgresMissing();
if (missing) console.warn(`sync path on PostgreSQL skipped: ${missing}`);

describe.skipIf(missing !== null)('relay sync path on PostgreSQL', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  syncContract(async () => {
    const url = await server.createDatabase();
    const store = await createPgStore({ connectionString: url, now });
    const others: { close(): Promise<void> }[] = [];
    return {
      store,
      identity: createPgIdentity(store),
      async other() {
        const second = await createPgStore({ connectionString: url, now });
        others.push(second);
        return { store: second, identity: createPgIdentity(second) };
      },
      async dispose() {
        for (const o of others) await o.close();
        await store.close();
      },
    };
  });
});
