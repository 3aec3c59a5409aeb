import type { Migration } from './migration';

// Released: never edit. Add a new numbered file instead.
/**
 * Call recordings waiting to reach the relay (local only, inside the encrypted cache): the audio
 * in chunks as the renderer hands it over, and the call record it belongs to once logged.
 */
export const migration006: Migration = {
  version: 6,
  name: 'recordings awaiting upload',
  sql: `
    CREATE TABLE IF NOT EXISTS recordings (
      id TEXT PRIMARY KEY,
      mime TEXT,
      duration_ms INTEGER,
      -- Set when the last chunk arrived; only complete recordings are linked and uploaded.
      complete INTEGER NOT NULL DEFAULT 0,
      call_id TEXT,
      -- The relay refused it for good (the reason is kept; the audio too, nothing is dropped).
      error TEXT,
      created_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS recording_chunks (
      recording_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (recording_id, seq)
    ) WITHOUT ROWID;
  `,
};
