import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * The email channel's relay-only state (never synced records): each inbox's mailbox account with
 * sealed passwords, how far its folder was read (UIDVALIDITY/UID), the Message-IDs of every mail in
 * or out with their conversation (threading and duplicate checks), a per-conversation reply token,
 * and the outbox of agents' replies with their Message-ID recorded before any SMTP hand-off.
 */
export const migration006 = {
  version: 6,
  name: 'email channel',
  up(db: Database): void {
    db.exec(`
      CREATE TABLE email_accounts (
        inbox_id TEXT PRIMARY KEY REFERENCES inboxes(id),
        address TEXT NOT NULL,
        from_name TEXT NOT NULL DEFAULT '',
        imap_host TEXT NOT NULL,
        imap_port INTEGER NOT NULL,
        imap_tls TEXT NOT NULL CHECK (imap_tls IN ('tls', 'starttls', 'none')),
        imap_user TEXT NOT NULL,
        -- AES-256-GCM sealed with <data>/email.key, bound to the inbox and the purpose.
        imap_password BLOB NOT NULL,
        folder TEXT NOT NULL,
        smtp_host TEXT NOT NULL,
        smtp_port INTEGER NOT NULL,
        smtp_tls TEXT NOT NULL CHECK (smtp_tls IN ('tls', 'starttls', 'none')),
        smtp_user TEXT,
        smtp_password BLOB,
        import_days INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT
      ) WITHOUT ROWID;
      CREATE TABLE email_sync (
        inbox_id TEXT NOT NULL,
        folder TEXT NOT NULL,
        uid_validity TEXT NOT NULL,
        last_uid INTEGER NOT NULL,
        PRIMARY KEY (inbox_id, folder)
      ) WITHOUT ROWID;
      -- Every Message-ID seen or sent in an inbox, with its conversation and message record.
      CREATE TABLE email_messages (
        inbox_id TEXT NOT NULL,
        header_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        message_id TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (inbox_id, header_id)
      ) WITHOUT ROWID;
      CREATE INDEX email_messages_conv ON email_messages (conversation_id, created_at);
      CREATE TABLE email_threads (
        conversation_id TEXT PRIMARY KEY,
        inbox_id TEXT NOT NULL,
        token TEXT NOT NULL UNIQUE,
        customer_address TEXT NOT NULL,
        subject TEXT NOT NULL,
        cc TEXT NOT NULL DEFAULT '[]'
      ) WITHOUT ROWID;
      CREATE TABLE email_outbox (
        message_id TEXT PRIMARY KEY,
        inbox_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        header_id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'refused', 'bounced')),
        attempts INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        handed_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX email_outbox_state ON email_outbox (state, inbox_id);
    `);
  },
};
