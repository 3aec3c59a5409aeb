import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src/shared/sync/hlc';
import type { AsyncStore } from '../../../src/relay/data/asyncStore';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { writeFields, writeFieldsAsync, type FieldWrite } from '../../../src/relay/data/records';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createStore } from '../../../src/relay/data/sqliteStore';
import type { Viewer } from '../../../src/relay/data/visibility';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';

// The field-history rule of data/records.ts is one rule: written through the synchronous store or
// through an async transaction (either store), the same writes leave the same records and history.
const now = () => Date.parse('2026-12-03T09:00:00.000Z');
const ADMIN: Viewer = { agentId: 'admin', role: 'admin', teamIds: new Set() };
const META = { mutationId: null, agentId: 'a1' };
const clock = (ms: number) =>
  encodeHlc({ wall: Date.parse('2026-12-03T08:00:00.000Z') + ms, counter: 0, node: 'n1' });
const WRITES: FieldWrite[] = [
  {
    entity: 'agent',
    id: 'a1',
    fields: { name: 'Ana', role: 'agent' },
    clock: clock(1),
    convId: null,
    at: 'x1',
  },
  { entity: 'agent', id: 'a1', fields: { name: 'Ana Li' }, clock: clock(3), convId: null, at: 'x2' },
  // Older than the name in place: kept in history as lost, the record unchanged.
  { entity: 'agent', id: 'a1', fields: { name: 'Old' }, clock: clock(2), convId: null, at: 'x3' },
  {
    entity: 'agent',
    id: 'a1',
    fields: { name: 'Ana W', role: 'supervisor' },
    clock: clock(4),
    convId: null,
    at: 'x4',
  },
];

/** Records and field history as an app would pull them, without their generated ids and positions. */
function shape(changes: { entity: string; data: Record<string, unknown> | null }[]) {
  return changes.map((c) => ({ entity: c.entity, data: c.data }));
}

function viaSync() {
  const db = openMemoryDatabase();
  const store = createStore(db, now);
  for (const w of WRITES) store.transaction(() => writeFields(store, w, META));
  return shape(store.changesAfter(ADMIN, 0, 100));
}

async function viaAsync(store: AsyncStore) {
  for (const w of WRITES) await store.transaction((tx) => writeFieldsAsync(tx, w, META));
  return shape(await store.changesAfter(ADMIN, 0, 100));
}

describe('relay/data/records: one history rule for both contracts', () => {
  it('leaves the same records and history through an async SQLite transaction', async () => {
    const db = openMemoryDatabase();
    const expected = viaSync();
    expect(expected.filter((c) => c.entity === 'fieldChange').length).toBeGreaterThan(3);
    expect(await viaAsync(asyncSqliteStore(createStore(db, now)))).toEqual(expected);
  });

  const missing = postgresMissing();
  describe.skipIf(missing !== null)('on PostgreSQL', () => {
    let server: RunningPostgres;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(async () => {
      await server?.stop();
    });
    it('leaves the same records and history through a PostgreSQL transaction', async () => {
      const store = await createPgStore({ connectionString: await server.createDatabase(), now });
      try {
        expect(await viaAsync(store)).toEqual(viaSync());
      } finally {
        await store.close();
      }
    });
  });
});
