import type { PgMigration } from './pgMigration';

// Released: never edit. Add a new numbered file instead.
/**
 * The web chat's own tables, as SQLite's migrations 003 (`webchat_settings`) and 013
 * (`webchat_presence`), and the indexes of the channels' lookups (postgres/pgInboundData.ts,
 * pgWebchatData.ts): a customer by email, phone or web chat identity (GIN on the arrays, asked
 * by containment), a customer's conversations. Partial on live records of the kind asked.
 * Settings keep SQLite's shapes (flag 0/1, ms as bigint); JSON stays text, as in `records`.
 */
export const pgMigration011: PgMigration = {
  version: 11,
  name: 'webchat',
  sql: `
    CREATE TABLE webchat_settings (
      inbox_id text PRIMARY KEY REFERENCES inboxes (id),
      allowed_origins text,
      identity_secret bytea,
      identity_secret_cleared integer NOT NULL DEFAULT 0 CHECK (identity_secret_cleared IN (0, 1)),
      offline_reply_hours integer,
      updated_at bigint NOT NULL,
      updated_by text
    );
    CREATE TABLE webchat_presence (
      conversation_id text PRIMARY KEY,
      last_seen_at bigint NOT NULL
    );
    CREATE INDEX records_customer_emails ON records USING gin ((data::jsonb -> 'emails') jsonb_path_ops)
      WHERE entity = 'customer' AND NOT deleted;
    CREATE INDEX records_customer_phones ON records USING gin ((data::jsonb -> 'phones') jsonb_path_ops)
      WHERE entity = 'customer' AND NOT deleted;
    CREATE INDEX records_customer_identities ON records USING gin ((data::jsonb -> 'identities') jsonb_path_ops)
      WHERE entity = 'customer' AND NOT deleted;
    CREATE INDEX records_conv_customer ON records ((data::jsonb ->> 'customerId'))
      WHERE entity = 'conversation' AND NOT deleted;
  `,
};
