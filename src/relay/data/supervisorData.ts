import type { Database } from './database';

// What the supervisor's live board (supervisor/boardModel.ts) reads from the store at start,
// besides single records (asyncStore.ts) and the directory (identityData.ts): the conversations
// it keeps in memory, and the day's field history it rebuilds the day's figures from. Committed
// data, read outside any transaction. SQLite answers here, PostgreSQL in
// postgres/pgSupervisorData.ts.

/** A conversation as the board loads it: its id, its log position and its data. */
export type BoardConversationRow = { id: string; seq: number; data: Record<string, unknown> };

/** One won value of a conversation's assigneeId, status or call, as its fieldChange record says. */
export type DayHistoryRow = {
  conv: string;
  field: string;
  /** The value as JSON text (null when the record has none). */
  value: string | null;
  at: string;
  author: string | null;
};

export type SupervisorData = {
  /** Conversations not deleted that are not resolved, or that were created at or after `sinceIso`. */
  boardConversations(sinceIso: string): Promise<BoardConversationRow[]>;
  /**
   * The won fieldChange records of conversations' `assigneeId`, `status` and `call` whose id is
   * at or above `floorId` (ids are UUIDv7 of their write time, so a day is a range of the
   * primary key: dayHistory.ts uuidv7Floor), by id (so rows written in one ms keep one order).
   */
  dayHistory(floorId: string): Promise<DayHistoryRow[]>;
};

/** SupervisorData on the relay's SQLite database. */
export function createSqliteSupervisorData(db: Database): SupervisorData {
  const q = {
    conversations: db.prepare<[string], { id: string; seq: number; data: string }>(
      `SELECT id, seq, data FROM records WHERE entity = 'conversation' AND deleted = 0
         AND (json_extract(data, '$.status') <> 'resolved' OR json_extract(data, '$.createdAt') >= ?)`,
    ),
    history: db.prepare<[string], DayHistoryRow>(
      `SELECT json_extract(data, '$.recordId') AS conv, json_extract(data, '$.field') AS field,
              data -> '$.value' AS value, json_extract(data, '$.at') AS at,
              json_extract(data, '$.authorId') AS author
         FROM records WHERE entity = 'fieldChange' AND id >= ?
          AND json_extract(data, '$.entity') = 'conversation' AND json_extract(data, '$.outcome') = 'won'
          AND json_extract(data, '$.field') IN ('assigneeId', 'status', 'call')
        ORDER BY id`,
    ),
  };
  return {
    boardConversations: async (sinceIso) =>
      q.conversations
        .all(sinceIso)
        .map((r) => ({ id: r.id, seq: r.seq, data: JSON.parse(r.data) as Record<string, unknown> })),
    dayHistory: async (floorId) => q.history.all(floorId),
  };
}
