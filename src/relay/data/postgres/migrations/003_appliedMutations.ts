import type { PgMigration } from './pgMigration';

// Released: never edit. Add a new numbered file instead.
/**
 * The mutations apps pushed, kept once applied so a mutation id is applied exactly once
 * (sync/push.ts): SQLite's applied_mutations (migration 001), times in ms (bigint), the position
 * the mutation left the log at. Written and read only inside store transactions, which hold the
 * log lock, so two relays never both apply one id.
 */
export const pgMigration003: PgMigration = {
  version: 3,
  name: 'applied mutations',
  sql: `
    CREATE TABLE applied_mutations (
      id text PRIMARY KEY,
      agent_id text NOT NULL,
      device_id text NOT NULL,
      name text NOT NULL,
      hash text NOT NULL,
      seq bigint NOT NULL,
      applied_at bigint NOT NULL
    );
  `,
};
