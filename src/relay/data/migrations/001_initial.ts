import type { Database } from '../database';

/** Accounts, devices, tokens, teams, inboxes, synced records, the change log and mutation ledger. */
export const migration001 = {
  version: 1,
  name: 'initial',
  up(db: Database): void {
    // One script, as it was released: the parts below joined end to end.
    db.exec(PEOPLE_TABLES + DEVICE_TABLES + RECORD_TABLES);
  },
};

/** Agents, teams, who belongs to which team, and the inboxes of each team. */
const PEOPLE_TABLES = `
      CREATE TABLE agents (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE teams (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;

      CREATE TABLE team_members (
        team_id TEXT NOT NULL REFERENCES teams(id),
        agent_id TEXT NOT NULL REFERENCES agents(id),
        PRIMARY KEY (agent_id, team_id)
      ) WITHOUT ROWID;
      CREATE INDEX team_members_team ON team_members(team_id);

      CREATE TABLE inboxes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        channel TEXT NOT NULL,
        team_id TEXT NOT NULL REFERENCES teams(id)
      ) WITHOUT ROWID;
`;

/** An agent's signed-in devices and their refresh tokens. */
const DEVICE_TABLES = `
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL REFERENCES agents(id),
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX devices_agent ON devices(agent_id);

      -- Only hashes are stored. A used token stays (used_at set) so a replay can be detected.
      CREATE TABLE refresh_tokens (
        hash TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX refresh_tokens_device ON refresh_tokens(device_id);
`;

/** Synced records, the ordered change log, applied mutations, field history and the meta table. */
const RECORD_TABLES = `
      -- Current state of every synced record. seq is the log position of its latest change, so
      -- "changes after cursor" is a range scan that yields each record once, in its latest state.
      -- conv_id is the conversation whose visibility the record shares (NULL: every agent sees it).
      CREATE TABLE records (
        entity TEXT NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        clocks TEXT NOT NULL DEFAULT '{}',
        deleted INTEGER NOT NULL DEFAULT 0,
        seq INTEGER NOT NULL,
        conv_id TEXT,
        team_id TEXT,
        assignee_id TEXT,
        PRIMARY KEY (entity, id)
      ); -- a rowid table: rows hold whole JSON documents, too big for WITHOUT ROWID to pay off
      CREATE UNIQUE INDEX records_seq ON records(seq);
      CREATE INDEX records_conv ON records(conv_id) WHERE conv_id IS NOT NULL;

      -- The ordered change log. SQLite has one writer and seq is taken inside the write
      -- transaction, so positions commit in order. (PostgreSQL pitfall: a sequence value is taken
      -- before commit, so a reader at "after N" can skip a row that commits late; order the log
      -- there by a value assigned at commit under a lock, not a bare sequence.)
      CREATE TABLE log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        entity TEXT NOT NULL,
        record_id TEXT NOT NULL,
        mutation_id TEXT,
        agent_id TEXT,
        at INTEGER NOT NULL
      );

      CREATE TABLE applied_mutations (
        id TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        name TEXT NOT NULL,
        hash TEXT NOT NULL,
        seq INTEGER NOT NULL,
        applied_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- Index over the synced fieldChange records: every value a field was given, won or lost.
      CREATE TABLE field_history (
        change_id TEXT PRIMARY KEY,
        entity TEXT NOT NULL,
        record_id TEXT NOT NULL,
        field TEXT NOT NULL,
        clock TEXT NOT NULL,
        outcome TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX field_history_record ON field_history(entity, record_id, field);

      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `;
