import pg from 'pg';
import { redactPassword, type StoreLocation } from '../options';
import { openDatabase } from './db';
import { migratePostgres } from './postgres/migrations';

/** `relay migrate` could not reach or migrate the store; the message names it (without a password). */
export class MigrateError extends Error {
  override readonly name = 'MigrateError';
}

/** What `relay migrate` did: the store it reached and the schema version it is at now. */
export type MigrateResult = { kind: StoreLocation['kind']; where: string; version: number };

/**
 * Applies the pending migrations of the store at `location` and closes it (`relay migrate`).
 * Idempotent: a store already at the newest version is left as it is. PostgreSQL migrations run
 * under an advisory lock, so several relays (or a migrate beside running relays) may start at once.
 * A database newer than this relay is refused; a failing migration is rolled back and rethrown.
 */
export async function migrateStore(location: StoreLocation, dataDir: string): Promise<MigrateResult> {
  if (location.kind === 'sqlite') {
    const db = openDatabase(dataDir, location.file);
    try {
      return {
        kind: 'sqlite',
        where: location.file,
        version: db.pragma('user_version', { simple: true }) as number,
      };
    } finally {
      db.close();
    }
  }
  const pool = new pg.Pool({ connectionString: location.url, max: 1 });
  // An idle connection's error (the server went away) must not end the process: the query fails instead.
  pool.on('error', () => undefined);
  const where = redactPassword(location.url);
  try {
    const version = await migratePostgres(pool);
    return { kind: 'postgres', where, version };
  } catch (err) {
    throw new MigrateError(`Could not migrate PostgreSQL at ${where}: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    await pool.end();
  }
}
