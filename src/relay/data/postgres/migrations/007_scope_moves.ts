import type { PgMigration } from './pgMigration';

// Released: never edit. Add a new numbered file instead.
/**
 * Where conversations stood before each change of their team or assignee, one row per write
 * that changed either (written with the record, postgres/pgStore.ts), so a relay that reads
 * another relay's commits from the log knows who lost sight of a conversation
 * (postgres/pgLogReads.ts) as the committing relay knew it. Compacted with the log.
 */
export const pgMigration007: PgMigration = {
  version: 7,
  name: 'scope_moves',
  sql: `
    CREATE TABLE scope_moves (
      seq bigint PRIMARY KEY,
      conv_id text NOT NULL,
      team_id text,
      assignee_id text
    );
  `,
};
