import type { PgMigration } from './pgMigration';

// Released: never edit. Add a new numbered file instead.
/**
 * Identity on PostgreSQL: the SQLite tables of accounts, teams, inboxes, devices, refresh tokens
 * (migration 001), API keys (002), the audit log (004) and account management (005), as one
 * migration. Times stay integer ms (bigint) and flags booleans; the repository (pgIdentity.ts)
 * turns rows into the shapes the SQLite one answers. An email is unique whatever its case (SQLite's
 * COLLATE NOCASE): a unique index on lower(email). The team membership table of 001 gets the
 * foreign keys SQLite's has. The audit log refuses UPDATE and DELETE, as SQLite's triggers do.
 */
export const pgMigration002: PgMigration = {
  version: 2,
  name: 'identity',
  sql: `
    CREATE TABLE agents (
      id text PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
      password_hash text NOT NULL,
      disabled boolean NOT NULL DEFAULT false,
      disabled_at bigint,
      disabled_reason text,
      must_change_password boolean NOT NULL DEFAULT false,
      last_sign_in_at bigint,
      created_at bigint NOT NULL
    );
    CREATE UNIQUE INDEX agents_email ON agents (lower(email));

    CREATE TABLE teams (id text PRIMARY KEY, name text NOT NULL, created_at bigint NOT NULL);

    ALTER TABLE team_members
      ADD CONSTRAINT team_members_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
      ADD CONSTRAINT team_members_agent_fk FOREIGN KEY (agent_id) REFERENCES agents (id);

    CREATE TABLE inboxes (
      id text PRIMARY KEY,
      name text NOT NULL,
      channel text NOT NULL,
      team_id text NOT NULL REFERENCES teams (id)
    );
    CREATE INDEX inboxes_team ON inboxes (team_id, channel);

    CREATE TABLE devices (
      id text PRIMARY KEY,
      agent_id text NOT NULL REFERENCES agents (id),
      name text NOT NULL,
      created_at bigint NOT NULL,
      last_seen_at bigint NOT NULL,
      revoked_at bigint
    );
    CREATE INDEX devices_agent ON devices (agent_id);

    -- Only hashes are stored. A used token stays (used_at set) so a replay can be detected.
    CREATE TABLE refresh_tokens (
      hash text PRIMARY KEY,
      device_id text NOT NULL REFERENCES devices (id),
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      used_at bigint
    );
    CREATE INDEX refresh_tokens_device ON refresh_tokens (device_id);

    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      inbox_id text NOT NULL REFERENCES inboxes (id),
      name text NOT NULL,
      secret_hash text NOT NULL,
      created_at bigint NOT NULL,
      created_by text,
      last_used_at bigint,
      revoked_at bigint
    );
    CREATE INDEX api_keys_inbox ON api_keys (inbox_id);

    -- Positions from a sequence: paged newest first, so a line that commits late below a page
    -- already read is only missed by that reader, and no line is lost.
    CREATE TABLE audit_log (
      seq bigserial PRIMARY KEY,
      at bigint NOT NULL,
      actor_id text,
      action text NOT NULL,
      target text,
      detail text NOT NULL DEFAULT '{}',
      ip text
    );
    CREATE INDEX audit_log_at ON audit_log (at);
    CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
    CREATE INDEX audit_log_action ON audit_log (action, seq);
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
  `,
};
