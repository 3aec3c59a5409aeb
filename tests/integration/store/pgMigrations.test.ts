import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgres, PG_MIGRATIONS } from '../../../src/relay/data/postgres/migrations';
import { createPgLogReads } from '../../../src/relay/data/postgres/pgLogReads';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';

const missing = postgresMissing();
if (missing) console.warn(`PostgreSQL migration tests skipped: ${missing}`);

describe.skipIf(missing !== null)('relay/data/postgres/migrations', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('migrates once when three relays start together, and again is a no-op', async () => {
    const url = await server.createDatabase();
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: url, max: 2 }));
    try {
      const newest = PG_MIGRATIONS.at(-1)!.version;
      expect(await Promise.all(pools.map((p) => migratePostgres(p)))).toEqual([newest, newest, newest]);
      expect(await migratePostgres(pools[0]!)).toBe(newest);
      const applied = await pools[0]!.query<{ version: number }>('SELECT version FROM schema_migrations');
      expect(applied.rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      // 001: the log starts empty at head 0, with the tables the store reads.
      const head = await pools[0]!.query<{ seq: string }>('SELECT seq FROM log_head');
      expect(head.rows).toEqual([{ seq: '0' }]);
      const tables = await pools[0]!.query<{ t: string }>(
        "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      );
      expect(tables.rows.map((r) => r.t)).toEqual([
        'agents',
        'api_keys',
        'api_webhooks',
        'applied_mutations',
        'audit_log',
        'devices',
        'email_accounts',
        'email_messages',
        'email_outbox',
        'email_sync',
        'email_threads',
        'field_history',
        'inboxes',
        'log',
        'log_head',
        'meta',
        'monitoring_grants',
        'records',
        'refresh_tokens',
        'routing_lease',
        'schema_migrations',
        'scope_moves',
        'team_members',
        'teams',
        'webchat_presence',
        'webchat_settings',
        'webhook_outbox',
      ]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('002 keeps identity as SQLite does: one account per email whatever its case, members of real teams, an append-only audit log', async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await migratePostgres(pool);
      const agent = (id: string, email: string) =>
        pool.query(
          "INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES ($1, $2, 'A', 'agent', 'h', 0)",
          [id, email],
        );
      await agent('a1', 'ana@example.com');
      await expect(agent('a2', 'Ana@Example.com')).rejects.toMatchObject({ code: '23505' });
      await expect(pool.query("UPDATE agents SET role = 'boss'")).rejects.toMatchObject({ code: '23514' });
      await expect(
        pool.query("INSERT INTO team_members (team_id, agent_id) VALUES ('no-team', 'a1')"),
      ).rejects.toMatchObject({ code: '23503' });
      await pool.query("INSERT INTO audit_log (at, action) VALUES (1, 'auth.signIn')");
      for (const sql of ["UPDATE audit_log SET action = 'x'", 'DELETE FROM audit_log', 'TRUNCATE audit_log'])
        await expect(pool.query(sql)).rejects.toThrow('the audit log is append-only');
      const lines = await pool.query<{ action: string; detail: string }>(
        'SELECT action, detail FROM audit_log',
      );
      expect(lines.rows).toEqual([{ action: 'auth.signIn', detail: '{}' }]);
    } finally {
      await pool.end();
    }
  });

  it('007 keeps the scope a conversation had before each move, for relays that read the log, compacted with it', async () => {
    const url = await server.createDatabase();
    const store = await createPgStore({ connectionString: url, now: Date.now });
    const system = { mutationId: null, agentId: null };
    const conv = (data: Record<string, unknown>) =>
      store.transaction((tx) =>
        tx.put({ entity: 'conversation', id: 'c1', data, clocks: {}, deleted: false, convId: 'c1' }, system),
      );
    try {
      await conv({ teamId: 't1', assigneeId: 'a1' }); // 1: new, no move
      await conv({ teamId: 't1', assigneeId: 'a1', subject: 'x' }); // 2: same scope
      await conv({ teamId: 't2', assigneeId: null }); // 3: moved from t1 / a1
      await conv({ teamId: 't3', assigneeId: null }); // 4: moved from t2
      const rows = await store.pool.query(
        'SELECT seq::int AS seq, conv_id, team_id, assignee_id FROM scope_moves ORDER BY seq',
      );
      expect(rows.rows).toEqual([
        { seq: 3, conv_id: 'c1', team_id: 't1', assignee_id: 'a1' },
        { seq: 4, conv_id: 'c1', team_id: 't2', assignee_id: null },
      ]);
      // Read after 2: the conversation moved from where it stood at 2 to where it is now.
      const { commit } = await createPgLogReads(store.pool).logAfter(2, 100);
      expect(commit!.records.map((r) => r.change.seq)).toEqual([4]);
      expect([...commit!.scopeMoves]).toEqual([
        ['c1', { before: { teamId: 't1', assigneeId: 'a1' }, after: { teamId: 't3', assigneeId: null } }],
      ]);
      expect(await store.compact(1)).toBe(3);
      const left = await store.pool.query('SELECT seq::int AS seq FROM scope_moves');
      expect(left.rows).toEqual([{ seq: 4 }]);
    } finally {
      await store.close();
    }
  });

  it('refuses a database newer than this relay, and rolls back a migration that fails', async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await migratePostgres(pool);
      await expect(migratePostgres(pool, PG_MIGRATIONS.slice(0, 0))).rejects.toThrow('newer than this relay');
      const broken = {
        version: 99,
        name: 'broken',
        sql: 'CREATE TABLE half (x int); SELECT no_such_function()',
      };
      await expect(migratePostgres(pool, [...PG_MIGRATIONS, broken])).rejects.toThrow(
        'PostgreSQL migration 99 (broken) failed',
      );
      const half = await pool.query("SELECT 1 FROM pg_tables WHERE tablename = 'half'");
      expect(half.rows).toEqual([]);
    } finally {
      await pool.end();
    }
  });
});
