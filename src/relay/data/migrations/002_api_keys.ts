import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/** Per-inbox API keys for the API channel (only a hash of each secret is kept). */
export const migration002 = {
  version: 2,
  name: 'api keys',
  up(db: Database): void {
    db.exec(`
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        inbox_id TEXT NOT NULL REFERENCES inboxes(id),
        name TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT,
        last_used_at INTEGER,
        revoked_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX api_keys_inbox ON api_keys(inbox_id);
    `);
  },
};
