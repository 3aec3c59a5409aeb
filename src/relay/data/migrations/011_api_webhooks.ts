import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * The API channel's webhook (relay-only state, never synced records): each inbox's receiver URL
 * with its signing secret sealed under <data>/webhook.key, and the outbox of agents' replies, one
 * row per message (its id is the Idempotency-Key the receiver sees on every attempt).
 */
export const migration011 = {
  version: 11,
  name: 'api webhooks',
  up(db: Database): void {
    db.exec(`
      CREATE TABLE api_webhooks (
        inbox_id TEXT PRIMARY KEY REFERENCES inboxes(id),
        url TEXT NOT NULL,
        -- AES-256-GCM sealed with <data>/webhook.key, bound to the inbox and the purpose.
        secret BLOB NOT NULL,
        -- The log head when the inbox first got a webhook: replies before it were never its to send.
        from_seq INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT
      ) WITHOUT ROWID;
      CREATE TABLE webhook_outbox (
        message_id TEXT PRIMARY KEY,
        inbox_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'refused')),
        attempts INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        next_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX webhook_outbox_due ON webhook_outbox (state, next_at);
    `);
  },
};
