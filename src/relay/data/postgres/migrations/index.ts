import type pg from 'pg';
import { checkout } from '../checkout';
import { pgMigration001 } from './001_store';
import { pgMigration002 } from './002_identity';
import { pgMigration003 } from './003_appliedMutations';
import { pgMigration004 } from './004_routing_lease';
import { pgMigration005 } from './005_sla_timers';
import { pgMigration007 } from './007_scope_moves';
import { pgMigration010 } from './010_monitoring_grants';
import { pgMigration011 } from './011_webchat';
import { pgMigration012 } from './012_channels';
import type { PgMigration } from './pgMigration';

export type { PgMigration } from './pgMigration';

/** Every PostgreSQL migration in order. Released migrations are never edited; add a new file instead. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  pgMigration001,
  pgMigration002,
  pgMigration003,
  pgMigration004,
  pgMigration005,
  pgMigration007,
  pgMigration010,
  pgMigration011,
  pgMigration012,
];

// Several relay processes may start at once on one database: one migrates, the others wait.
const MIGRATE_LOCK = 0x53424d4947; // 'SBMIG'

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so concurrent
 * starters do not race, tracking versions in `schema_migrations`. Resolves to the version reached;
 * refuses a database newer than this relay.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<number> {
  const { client, release } = await checkout(pool);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const r = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
      const current = r.rows[0]?.v ?? 0;
      const newest = migrations.at(-1)?.version ?? 0;
      if (current > newest)
        throw new Error(`The relay database is at version ${current}, newer than this relay (${newest}).`);
      for (const m of migrations) {
        if (m.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            m.version,
            m.name,
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, {
            cause: err,
          });
        }
      }
      return Math.max(current, newest);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]);
    }
  } finally {
    release();
  }
}
