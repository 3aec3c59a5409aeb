import type { Migration } from './migration';

// Released: never edit. Add a new numbered file instead.
export const migration001: Migration = {
  version: 1,
  name: 'records, outbox, rejected, meta, search',
  sql: `
    -- One row per synced record: the relay-confirmed state (server_*) and the optimistic current
    -- state (confirmed state + pending outbox mutations), which is what the UI reads.
    CREATE TABLE records (
      entity TEXT NOT NULL,
      id TEXT NOT NULL,
      confirmed INTEGER NOT NULL DEFAULT 0,
      server_seq INTEGER,
      server_data TEXT,
      server_clocks TEXT NOT NULL DEFAULT '{}',
      server_deleted INTEGER NOT NULL DEFAULT 0,
      data TEXT,
      clocks TEXT NOT NULL DEFAULT '{}',
      deleted INTEGER NOT NULL DEFAULT 0,
      -- One parent column serves four hot lists with one index: messages, notes and calls of a
      -- conversation, field history of a record, conversations of a customer.
      parent_id TEXT GENERATED ALWAYS AS (coalesce(
        json_extract(data, '$.conversationId'), json_extract(data, '$.recordId'), json_extract(data, '$.customerId')
      )) VIRTUAL,
      sort_at TEXT GENERATED ALWAYS AS (coalesce(
        json_extract(data, '$.lastMessageAt'), json_extract(data, '$.createdAt'), json_extract(data, '$.at')
      )) VIRTUAL,
      UNIQUE (entity, id)
    );
    CREATE INDEX records_by_parent ON records (entity, parent_id, sort_at);
    CREATE INDEX records_by_time ON records (entity, sort_at);

    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

    -- Pending mutations in the order the agent made them; only this table is precious.
    CREATE TABLE outbox (
      position INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      args TEXT NOT NULL,
      clock TEXT NOT NULL,
      -- pending: not yet sent; sent: sent, no answer yet; acked: the relay applied it at log position
      -- acked_seq, and it stays (still replayed on rebase) until the cursor passes that position, so
      -- the agent never sees the change vanish and come back.
      state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'acked')),
      acked_seq INTEGER,
      created_at TEXT NOT NULL
    );
    CREATE INDEX outbox_acked ON outbox (acked_seq) WHERE state = 'acked';
    -- Which records each pending mutation touches, so a server change rebases only what it must.
    CREATE TABLE outbox_touches (
      position INTEGER NOT NULL REFERENCES outbox (position) ON DELETE CASCADE,
      entity TEXT NOT NULL,
      id TEXT NOT NULL,
      PRIMARY KEY (entity, id, position)
    ) WITHOUT ROWID;
    CREATE INDEX outbox_touches_by_position ON outbox_touches (position);

    -- Mutations the relay refused, kept until the agent has seen them.
    CREATE TABLE rejected (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      args TEXT NOT NULL,
      clock TEXT NOT NULL,
      code TEXT NOT NULL,
      message TEXT NOT NULL,
      rejected_at TEXT NOT NULL
    ) WITHOUT ROWID;

    -- Text is pre-segmented into space-separated words (Intl.Segmenter) because unicode61 keeps a
    -- CJK run as one token; rowid = records.rowid. Contentless: the text lives in records already.
    CREATE VIRTUAL TABLE search USING fts5 (
      name, phones, emails, company, body,
      content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
  `,
};
