import type { PgMigration } from './pgMigration';

// Released: never edit. Add a new numbered file instead.
/**
 * Routing leases: one owner per routing queue at a time among the relay processes of one
 * database (routing/lease.ts). A row names the queue, the owning process and when its lease runs
 * out by the database's clock, so relays with skewed clocks agree on who holds what. A process
 * that dies stops renewing; another takes the queue once `expires_at` has passed. `epoch` counts
 * hand-overs, so a decision can say under which tenure it was taken.
 */
export const pgMigration004: PgMigration = {
  version: 4,
  name: 'routing_lease',
  sql: `
    CREATE TABLE routing_lease (
      queue text PRIMARY KEY,
      owner text NOT NULL,
      epoch bigint NOT NULL,
      expires_at timestamptz NOT NULL
    );
  `,
};
