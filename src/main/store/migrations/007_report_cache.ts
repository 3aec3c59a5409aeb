import type { Migration } from './migration';

// Released: never edit. Add a new numbered file instead.
/**
 * The last report figures fetched from the relay, per request (range, zone, grouping, bucket),
 * inside the encrypted cache, so the Supervisor place can show them offline, marked as such.
 */
export const migration007: Migration = {
  version: 7,
  name: 'report cache',
  sql: `
    CREATE TABLE IF NOT EXISTS report_cache (
      query TEXT PRIMARY KEY,
      report TEXT NOT NULL,
      fetched_at TEXT NOT NULL
    ) WITHOUT ROWID;
  `,
};
