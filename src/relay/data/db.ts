import { join } from 'node:path';
import DatabaseCtor from 'better-sqlite3-multiple-ciphers';
import { createPrivateDatabaseFile } from './dataFiles';
import type { Database } from './database';
import { migrate } from './migrations';

export type { Database } from './database';

/**
 * Opens (creating if needed) `file` [default `<dataDir>/relay.db`] in WAL mode and migrates it.
 * This connection is the relay's only writer; better-sqlite3 is synchronous, so writes never
 * interleave.
 */
export function openDatabase(dataDir: string, file = join(dataDir, 'relay.db')): Database {
  // Owner-only (0700 folder, 0600 file and so -wal/-shm): customer data and the token signing secret.
  createPrivateDatabaseFile(dataDir, file);
  const db = new DatabaseCtor(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL keeps the database consistent across power loss; FULL also keeps the last
  // commits, which a relay that has acknowledged a push must not lose.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** An in-memory, migrated database for unit tests. */
export function openMemoryDatabase(): Database {
  const db = new DatabaseCtor(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
