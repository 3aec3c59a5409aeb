import type { Database } from '../database';
import { backfillReportFacts } from '../reportFacts';

// Released: never edit. Add a new numbered file instead.
/**
 * What reports read (relay/data/reportFacts.ts): one small row per conversation, and one per call
 * record, filled from the records already stored. Times are ms since the epoch. `report_facts`
 * is read by range of `created_at` (every bucket of a report is one range scan of the table), for
 * supervisors team by team.
 */
export const migration009 = {
  version: 9,
  name: 'report facts',
  up(db: Database): void {
    db.exec(`
      -- Clustered by when conversations began: a report's bucket is one contiguous range of the
      -- table itself (no lookup per row), and a conversation is found by its id through the index.
      CREATE TABLE report_facts (
        created_at INTEGER NOT NULL,
        conv_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        team_id TEXT,
        inbox_id TEXT,
        agent_id TEXT,
        first_in_at INTEGER,
        first_response_at INTEGER,
        resolved_at INTEGER,
        csat REAL,
        sla_due_at INTEGER,
        -- Under an inbox's SLA policy (a due time was ever set), and its breaches so far.
        sla_owed INTEGER NOT NULL DEFAULT 0,
        sla_breaches INTEGER NOT NULL DEFAULT 0,
        abandoned INTEGER NOT NULL DEFAULT 0,
        call_state TEXT,
        call_state_at INTEGER,
        talk_ms INTEGER NOT NULL DEFAULT 0,
        hold_ms INTEGER NOT NULL DEFAULT 0,
        rec_calls INTEGER NOT NULL DEFAULT 0,
        rec_talk_ms INTEGER NOT NULL DEFAULT 0,
        acw_ms INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (created_at, conv_id)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX report_facts_conv ON report_facts(conv_id);
      CREATE INDEX report_facts_team_created ON report_facts(team_id, created_at);

      CREATE TABLE report_calls (
        call_id TEXT PRIMARY KEY,
        conv_id TEXT NOT NULL,
        answered INTEGER NOT NULL,
        talk_ms INTEGER NOT NULL,
        acw_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX report_calls_conv ON report_calls(conv_id);
    `);
    backfillReportFacts(db);
  },
};
