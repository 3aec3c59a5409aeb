import type { PgMigration } from './pgMigration';

/**
 * The synced records, the ordered change log and field history: the tables of the SQLite store
 * (migrations 001) that the PostgreSQL store needs, plus team membership for the visibility rule.
 * JSON stays text, byte for byte as written (jsonb would reorder keys); the few queries that look
 * inside cast it. Positions are bigint; the head of the log is one counter row, advanced only by
 * a transaction that holds the log lock (pgStore.ts), so positions are taken in commit order.
 */
export const pgMigration001: PgMigration = {
  version: 1,
  name: 'store',
  sql: `
    CREATE TABLE records (
      entity text NOT NULL,
      id text NOT NULL,
      data text NOT NULL,
      clocks text NOT NULL DEFAULT '{}',
      deleted boolean NOT NULL DEFAULT false,
      seq bigint NOT NULL,
      conv_id text,
      team_id text,
      assignee_id text,
      PRIMARY KEY (entity, id)
    );
    CREATE UNIQUE INDEX records_seq ON records (seq);
    CREATE INDEX records_conv ON records (conv_id) WHERE conv_id IS NOT NULL;

    CREATE TABLE log (
      seq bigint PRIMARY KEY,
      entity text NOT NULL,
      record_id text NOT NULL,
      mutation_id text,
      agent_id text,
      at bigint NOT NULL
    );
    -- The newest position, one row. Rolled back with the transaction that advanced it, so the log
    -- has no holes from aborted writers (a sequence would leave them, and is not commit-ordered).
    CREATE TABLE log_head (one boolean PRIMARY KEY DEFAULT true CHECK (one), seq bigint NOT NULL);
    INSERT INTO log_head (seq) VALUES (0);

    CREATE TABLE field_history (
      change_id text PRIMARY KEY,
      entity text NOT NULL,
      record_id text NOT NULL,
      field text NOT NULL,
      clock text NOT NULL,
      outcome text NOT NULL
    );
    CREATE INDEX field_history_record ON field_history (entity, record_id, field);

    CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);

    CREATE TABLE team_members (
      team_id text NOT NULL,
      agent_id text NOT NULL,
      PRIMARY KEY (agent_id, team_id)
    );
    CREATE INDEX team_members_team ON team_members (team_id);
  `,
};
