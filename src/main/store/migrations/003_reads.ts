import type { Migration } from './migration';

/** When this agent last read each conversation on this device, for unread counts (local only). */
export const migration003: Migration = {
  version: 3,
  name: 'conversation reads',
  sql: `
    CREATE TABLE IF NOT EXISTS conversation_reads (
      conversation_id TEXT PRIMARY KEY,
      read_at TEXT NOT NULL
    ) WITHOUT ROWID;
  `,
};
