import { afterAll, beforeAll, describe } from 'vitest';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { createPgIdentity } from '../../../src/relay/data/postgres/pgIdentity';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createSqliteIdentity } from '../../../src/relay/data/sqliteIdentity';
import { createStore } from '../../../src/relay/data/sqliteStore';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import { identityContract } from '../../support/identityContract';

const now = () => Date.parse('2026-12-03T09:00:00.000Z');

describe('relay/data/identityData on SQLite (sqliteIdentity)', () => {
  identityContract(async () => {
    const db = openMemoryDatabase();
    const store = asyncSqliteStore(createStore(db, now));
    return { identity: createSqliteIdentity(db, store), store, dispose: async () => void db.close() };
  });
});

const missing = postgresMissing();
if (missing) console.warn(`PostgreSQL identity contract tests skipped: ${missing}`);

describe.skipIf(missing !== null)('relay/data/identityData on PostgreSQL (pgIdentity)', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  identityContract(async () => {
    const store = await createPgStore({ connectionString: await server.createDatabase(), now });
    return { identity: createPgIdentity(store), store, dispose: () => store.close() };
  });
});
