import type { PgMigration } from './pgMigration';

// Released: never edit. Add a new numbered file instead.
/**
 * Monitoring grants (listen / whisper / barge), as SQLite's migrations 008 and 012: each grant
 * the relay issued, redeemed once by the agent's app it names before it expires (one UPDATE that
 * finds it unredeemed, so two relays redeeming one grant at once redeem it once), and when and
 * why its session ended. Times in ms (bigint). Relay-only, never synced; what happened to each
 * attempt is in the audit log. Also an index for the grant asked by call id (the call's voice
 * conversation; partial on live voice conversations, so other records pay nothing for it).
 */
export const pgMigration010: PgMigration = {
  version: 10,
  name: 'monitoring_grants',
  sql: `
    CREATE TABLE monitoring_grants (
      id text PRIMARY KEY,
      issued_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      supervisor_id text NOT NULL,
      agent_id text NOT NULL,
      conversation_id text NOT NULL,
      call_id text NOT NULL,
      mode text NOT NULL,
      redeemed_at bigint,
      ended_at bigint,
      ended_reason text
    );
    CREATE INDEX monitoring_grants_expiry ON monitoring_grants (expires_at);
    CREATE INDEX records_voice_call_id ON records ((data::jsonb #>> '{call,callId}'))
      WHERE entity = 'conversation' AND NOT deleted AND (data::jsonb ->> 'channel') = 'voice';
  `,
};
