import type pg from 'pg';
import { committedRecord, scopeOfData } from '../commits';
import type { Commit, CommittedRecord } from '../store';
import type { ConversationScope } from '../visibility';
import { toRecord, type RecordRow } from './pgReads';

/** What changed in the log after a cursor, read at once (`commit` null: more than the limit). */
export type LogRange = { head: number; commit: Commit | null };

export type LogReads = {
  /**
   * Everything committed after `cursor`, by any relay process, as one Commit-shaped batch: each
   * record changed since in its latest state, in log order, up to the head read with it (one
   * snapshot, so nothing below that head is left out), and the scope moves since `cursor`, with
   * the scope each conversation had at `cursor` (migration 007). No routing requests: those are
   * the committing relay's. `commit` is null when more than `limit` records changed.
   */
  logAfter(cursor: number, limit: number): Promise<LogRange>;
};

/** A records row beside the head; the record's columns are null when nothing came after the cursor. */
type Row = { head: string } & (RecordRow | { [K in keyof RecordRow]: null });

// The head and the page in one statement: one snapshot for both.
const AFTER_SQL = `SELECT h.seq::text AS head, r.entity, r.id, r.data, r.clocks, r.deleted, r.seq::text AS seq, r.conv_id
  FROM log_head h LEFT JOIN LATERAL (SELECT * FROM records WHERE seq > $1 ORDER BY seq LIMIT $2) r ON true
  ORDER BY r.seq`;

// The first move of each conversation after the cursor holds the scope it had at the cursor.
const MOVES_SQL = `SELECT DISTINCT ON (conv_id) conv_id, team_id, assignee_id FROM scope_moves
  WHERE seq > $1 AND seq <= $2 AND conv_id = ANY($3::text[]) ORDER BY conv_id, seq`;

/** The log read of another relay's commits (sync/clusterFanIn.ts) on PostgreSQL, committed data on `pool`. */
export function createPgLogReads(pool: Pick<pg.Pool, 'query'>): LogReads {
  return {
    async logAfter(cursor, limit) {
      const rows = (
        await pool.query<Row>({ name: 'sb_log_after', text: AFTER_SQL, values: [cursor, limit + 1] })
      ).rows;
      const head = Number(rows[0]?.head ?? cursor);
      const found = rows.filter((r): r is Row & RecordRow => r.entity !== null);
      if (found.length > limit) return { head, commit: null };
      const records = found.map(recordOf);
      const convs = records.filter((r) => r.change.entity === 'conversation').map((r) => r.change.id);
      const before = new Map<string, ConversationScope>();
      if (convs.length > 0) {
        const moved = await pool.query<{
          conv_id: string;
          team_id: string | null;
          assignee_id: string | null;
        }>({
          name: 'sb_log_moves',
          text: MOVES_SQL,
          values: [cursor, head, convs],
        });
        for (const m of moved.rows) before.set(m.conv_id, { teamId: m.team_id, assigneeId: m.assignee_id });
      }
      const scopeMoves = new Map<string, { before: ConversationScope; after: ConversationScope }>();
      for (const r of records) {
        const was = r.change.entity === 'conversation' ? before.get(r.change.id) : undefined;
        if (!was) continue;
        const after = scopeOfData(r.change.data);
        if (after.teamId !== was.teamId || after.assigneeId !== was.assigneeId)
          scopeMoves.set(r.change.id, { before: was, after });
      }
      const commit: Commit = {
        head: Math.max(head, records.at(-1)?.change.seq ?? 0),
        first: cursor + 1,
        records,
        changes: records.map((r) => r.change),
        scopeMoves,
        routingRequests: [],
      };
      return { head: commit.head, commit };
    },
  };
}

function recordOf(r: RecordRow): CommittedRecord {
  const { seq, ...rec } = toRecord(r);
  return committedRecord(rec, seq, r.data, r.clocks);
}
