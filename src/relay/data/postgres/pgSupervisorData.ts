import type pg from 'pg';
import type { BoardConversationRow, DayHistoryRow, SupervisorData } from '../supervisorData';

// Record data is text (001_store); each row is parsed once (the LATERAL) and looked into as jsonb.
// ISO times compare in the "C" collation, as plain strings whatever the database's locale.
const CONVERSATIONS_SQL = `SELECT r.id, r.seq, r.data FROM records r, LATERAL (SELECT r.data::jsonb AS j) x
  WHERE r.entity = 'conversation' AND NOT r.deleted
    AND ((x.j ->> 'status') <> 'resolved' OR (x.j ->> 'createdAt') COLLATE "C" >= $1)`;

// `id >= $1` is a range of the primary key (entity, id). The ids are UUIDv7 text, all lowercase
// hex with hyphens at the same places, so every collation orders them as "C" does.
const DAY_HISTORY_SQL = `SELECT (x.j ->> 'recordId') AS conv, (x.j ->> 'field') AS field,
       (x.j -> 'value')::text AS value, (x.j ->> 'at') AS at, (x.j ->> 'authorId') AS author
  FROM records r, LATERAL (SELECT r.data::jsonb AS j) x
  WHERE r.entity = 'fieldChange' AND r.id >= $1
    AND (x.j ->> 'entity') = 'conversation' AND (x.j ->> 'outcome') = 'won'
    AND (x.j ->> 'field') IN ('assigneeId', 'status', 'call')
  ORDER BY r.id`;

/** SupervisorData (supervisorData.ts) on PostgreSQL: committed data, on the store's pool. */
export function createPgSupervisorData(pool: Pick<pg.Pool, 'query'>): SupervisorData {
  return {
    async boardConversations(sinceIso) {
      const r = await pool.query<{ id: string; seq: string; data: string }>({
        name: 'sb_board_conversations',
        text: CONVERSATIONS_SQL,
        values: [sinceIso],
      });
      return r.rows.map((row): BoardConversationRow => ({
        id: row.id,
        seq: Number(row.seq),
        data: JSON.parse(row.data) as Record<string, unknown>,
      }));
    },
    async dayHistory(floorId) {
      const r = await pool.query<DayHistoryRow>({
        name: 'sb_board_day_history',
        text: DAY_HISTORY_SQL,
        values: [floorId],
      });
      return r.rows;
    },
  };
}

/** The statements, for the test that checks their plans (EXPLAIN). */
export const PG_SUPERVISOR_SQL = { conversations: CONVERSATIONS_SQL, dayHistory: DAY_HISTORY_SQL } as const;
