import type { Database } from '../database';

// Released: never edit. Add a new numbered file instead.
/**
 * Monitoring grants the relay issued (listen / whisper / barge): each may be redeemed once, by the
 * agent's app it names, before it expires. Relay-only, never synced; what happened to each attempt
 * is in the audit log.
 */
export const migration008 = {
  version: 8,
  name: 'monitoring grants',
  up(db: Database): void {
    db.exec(`
      CREATE TABLE monitoring_grants (
        id TEXT PRIMARY KEY,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        supervisor_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        mode TEXT NOT NULL,
        -- NULL until the agent's app redeems it; a second redemption is refused as a replay.
        redeemed_at INTEGER
      );
      CREATE INDEX monitoring_grants_expiry ON monitoring_grants(expires_at);
    `);
  },
};
