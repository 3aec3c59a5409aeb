import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * When each web chat's visitor was last seen (relay-only, never a synced record): written when
 * their socket opens or closes, every so often while it is open, and when the relay closes, so a
 * relay that restarts (or was killed) still records that a visitor who never came back left.
 * Chats no socket ever opened (seeded demo data) have no row and are left as they are.
 */
export const migration013 = {
  version: 13,
  name: 'web chat visitor last seen',
  up(db: Database): void {
    db.exec(`
      CREATE TABLE webchat_presence (
        conversation_id TEXT PRIMARY KEY,
        -- ms since the epoch (the relay's clock)
        last_seen_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
