import type { PgMigration } from './pgMigration';

// Released: never edit. Add a new numbered file instead.
/**
 * The email channel and the API webhook on PostgreSQL: the SQLite tables of migrations 006 and
 * 007 (mailbox accounts, folder positions, Message-IDs, threads, the email outbox) and 011
 * (webhooks, the webhook outbox), as one migration. Times stay integer ms (bigint), sealed
 * secrets bytea. What must happen once across relays rests on these keys: a Message-ID is taken
 * in once per inbox (the primary key of email_messages), a reply has one outbox row (the primary
 * keys of the outboxes), and an attempt is claimed by a conditional update of its row.
 */
export const pgMigration012: PgMigration = {
  version: 12,
  name: 'channels',
  sql: `
    CREATE TABLE email_accounts (
      inbox_id text PRIMARY KEY REFERENCES inboxes (id),
      address text NOT NULL,
      from_name text NOT NULL DEFAULT '',
      imap_host text NOT NULL,
      imap_port integer NOT NULL,
      imap_tls text NOT NULL CHECK (imap_tls IN ('tls', 'starttls', 'none')),
      imap_user text NOT NULL,
      -- AES-256-GCM sealed with <data>/email.key, bound to the inbox and the purpose.
      imap_password bytea NOT NULL,
      folder text NOT NULL,
      smtp_host text NOT NULL,
      smtp_port integer NOT NULL,
      smtp_tls text NOT NULL CHECK (smtp_tls IN ('tls', 'starttls', 'none')),
      smtp_user text,
      smtp_password bytea,
      import_days integer NOT NULL,
      updated_at bigint NOT NULL,
      updated_by text
    );
    CREATE TABLE email_sync (
      inbox_id text NOT NULL,
      folder text NOT NULL,
      uid_validity text NOT NULL,
      last_uid bigint NOT NULL,
      import_since bigint,
      PRIMARY KEY (inbox_id, folder)
    );
    -- Every Message-ID seen or sent in an inbox, with its conversation and message record.
    CREATE TABLE email_messages (
      inbox_id text NOT NULL,
      header_id text NOT NULL,
      conversation_id text NOT NULL,
      message_id text,
      created_at bigint NOT NULL,
      PRIMARY KEY (inbox_id, header_id)
    );
    CREATE INDEX email_messages_conv ON email_messages (conversation_id, created_at);
    CREATE TABLE email_threads (
      conversation_id text PRIMARY KEY,
      inbox_id text NOT NULL,
      token text NOT NULL UNIQUE,
      customer_address text NOT NULL,
      subject text NOT NULL,
      cc text NOT NULL DEFAULT '[]'
    );
    CREATE TABLE email_outbox (
      message_id text PRIMARY KEY,
      inbox_id text NOT NULL,
      conversation_id text NOT NULL,
      header_id text NOT NULL UNIQUE,
      state text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'refused', 'bounced')),
      attempts integer NOT NULL DEFAULT 0,
      reason text,
      handed_at bigint,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL
    );
    CREATE INDEX email_outbox_state ON email_outbox (state, inbox_id);

    CREATE TABLE api_webhooks (
      inbox_id text PRIMARY KEY REFERENCES inboxes (id),
      url text NOT NULL,
      -- AES-256-GCM sealed with <data>/webhook.key, bound to the inbox and the purpose.
      secret bytea NOT NULL,
      -- The log head when the inbox first got a webhook: replies before it were never its to send.
      from_seq bigint NOT NULL,
      updated_at bigint NOT NULL,
      updated_by text
    );
    CREATE TABLE webhook_outbox (
      message_id text PRIMARY KEY,
      inbox_id text NOT NULL,
      conversation_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'refused')),
      attempts integer NOT NULL DEFAULT 0,
      reason text,
      next_at bigint NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL
    );
    CREATE INDEX webhook_outbox_due ON webhook_outbox (state, next_at);
  `,
};
