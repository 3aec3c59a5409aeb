import { afterAll, beforeAll, describe } from 'vitest';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createStore } from '../../../src/relay/data/sqliteStore';
import pg from 'pg';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import { storeContract } from '../../support/storeContract';

const now = () => Date.parse('2026-12-02T09:00:00.000Z');

describe('relay/data/asyncStore on SQLite (through sqliteAsync)', () => {
  storeContract(async () => {
    const db = openMemoryDatabase();
    return {
      store: asyncSqliteStore(createStore(db, now)),
      async addMember(teamId, agentId) {
        db.prepare('INSERT OR IGNORE INTO teams (id, name, created_at) VALUES (?, ?, 0)').run(teamId, teamId);
        db.prepare(
          "INSERT OR IGNORE INTO agents (id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, 'agent', 'x', 0)",
        ).run(agentId, `${agentId}@example.com`, agentId);
        db.prepare('INSERT INTO team_members (team_id, agent_id) VALUES (?, ?)').run(teamId, agentId);
      },
      dispose: async () => void db.close(),
    };
  });
});

const missing = postgresMissing();
if (missing) console.warn(`PostgreSQL store contract tests skipped: ${missing}`);

describe.skipIf(missing !== null)('relay/data/asyncStore on PostgreSQL (pgStore)', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  storeContract(async () => {
    const url = await server.createDatabase();
    const store = await createPgStore({ connectionString: url, now });
    return {
      store,
      async addMember(teamId, agentId) {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query('INSERT INTO teams (id, name, created_at) VALUES ($1, $1, 0) ON CONFLICT DO NOTHING', [
          teamId,
        ]);
        await c.query(
          "INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES ($1, $1 || '@example.com', $1, 'agent', 'x', 0) ON CONFLICT DO NOTHING",
          [agentId],
        );
        await c.query('INSERT INTO team_members (team_id, agent_id) VALUES ($1, $2)', [teamId, agentId]);
        await c.end();
      },
      dispose: () => store.close(),
    };
  });
});
