import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * Per-inbox web chat settings changed by admins at runtime. Relay-only: never a synced record, so
 * the identity secret never leaves the relay. A NULL column means "as the settings file says".
 */
export const migration003 = {
  version: 3,
  name: 'webchat settings',
  up(db: Database): void {
    db.exec(`
      CREATE TABLE webchat_settings (
        inbox_id TEXT PRIMARY KEY REFERENCES inboxes(id),
        -- JSON array of exact origins; '[]' allows every origin.
        allowed_origins TEXT,
        -- AES-256-GCM sealed with <data>/webchat.key (nonce | ciphertext | tag), bound to the inbox.
        identity_secret BLOB,
        -- 1: the secret was cleared here, so the file's secret no longer applies either.
        identity_secret_cleared INTEGER NOT NULL DEFAULT 0 CHECK (identity_secret_cleared IN (0, 1)),
        offline_reply_hours INTEGER,
        updated_at INTEGER NOT NULL,
        updated_by TEXT
      ) WITHOUT ROWID;
    `);
  },
};
