import type { Change, Entity, FieldChangeData } from '../../shared/sync/entities';
import type { Hlc } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import type { Database } from './db';
import { createReportFacts } from './reportFacts';
import { VISIBLE_SQL, visibilityParams, type ConversationScope, type Viewer } from './visibility';

export type StoredRecord = {
  entity: Entity;
  id: string;
  data: Record<string, unknown>;
  clocks: Record<string, Hlc>;
  deleted: boolean;
  seq: number;
  /** Conversation whose visibility this record shares; null when every agent may see it. */
  convId: string | null;
};

type Row = {
  entity: Entity;
  id: string;
  data: string;
  clocks: string;
  deleted: number;
  seq: number;
  conv_id: string | null;
};

export type WriteMeta = { mutationId: string | null; agentId: string | null };

export type Store = ReturnType<typeof createStore>;

/**
 * Records, the ordered change log and field history. Every write appends to the log and stamps
 * the record with the new position; callers run writes inside a transaction.
 */
export function createStore(db: Database, now: () => number) {
  const q = {
    get: db.prepare<[string, string], Row>('SELECT * FROM records WHERE entity = ? AND id = ?'),
    appendLog: db.prepare(
      'INSERT INTO log (entity, record_id, mutation_id, agent_id, at) VALUES (?, ?, ?, ?, ?)',
    ),
    upsert:
      db.prepare(`INSERT INTO records (entity, id, data, clocks, deleted, seq, conv_id, team_id, assignee_id)
      VALUES (@entity, @id, @data, @clocks, @deleted, @seq, @conv_id, @team_id, @assignee_id)
      ON CONFLICT (entity, id) DO UPDATE SET data = excluded.data, clocks = excluded.clocks, deleted = excluded.deleted,
        seq = excluded.seq, conv_id = excluded.conv_id, team_id = excluded.team_id, assignee_id = excluded.assignee_id`),
    hasHistory: db
      .prepare<[string, string, string], number>(
        'SELECT 1 FROM field_history WHERE entity = ? AND record_id = ? AND field = ? LIMIT 1',
      )
      .pluck(),
    history: db.prepare(
      'INSERT INTO field_history (change_id, entity, record_id, field, clock, outcome) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    head: db.prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'log'").pluck(),
    // Merges are rare: these scan the kind's records rather than keep another index up to date.
    conversationsOfCustomer: db
      .prepare<[string], string>(
        "SELECT id FROM records WHERE entity = 'conversation' AND deleted = 0 AND json_extract(data, '$.customerId') = ? ORDER BY id",
      )
      .pluck(),
    mergedInto: db
      .prepare<[string], string>(
        "SELECT id FROM records WHERE entity = 'customer' AND deleted = 0 AND json_extract(data, '$.mergedInto') = ? ORDER BY id",
      )
      .pluck(),
    floor: db.prepare<[], string>("SELECT value FROM meta WHERE key = 'log_floor'").pluck(),
    setFloor: db.prepare(
      "INSERT INTO meta (key, value) VALUES ('log_floor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ),
    after: db.prepare<[Record<string, unknown>], Row>(
      `SELECT r.* FROM records r WHERE r.seq > @cursor AND ${VISIBLE_SQL} ORDER BY r.seq LIMIT @limit`,
    ),
    snapshot: db.prepare<[Record<string, unknown>], Row>(
      `SELECT r.* FROM records r WHERE r.seq > @after AND r.seq <= @head AND r.deleted = 0 AND ${VISIBLE_SQL} ORDER BY r.seq LIMIT @limit`,
    ),
    countSnapshot: db
      .prepare<[Record<string, unknown>], number>(
        `SELECT count(*) FROM records r WHERE r.seq <= @head AND r.deleted = 0 AND ${VISIBLE_SQL}`,
      )
      .pluck(),
    between: db.prepare<[number, number], Row>(
      'SELECT * FROM records WHERE seq > ? AND seq <= ? ORDER BY seq',
    ),
    // Scope changes (team or assignee) written after a position: the seq range, then the kind.
    scopeMovesAfter: db.prepare<[number], { conv: string; field: string }>(
      `SELECT json_extract(data, '$.recordId') AS conv, json_extract(data, '$.field') AS field FROM records
       WHERE seq > ? AND entity = 'fieldChange' AND json_extract(data, '$.entity') = 'conversation'
         AND json_extract(data, '$.field') IN ('teamId', 'assigneeId') AND json_extract(data, '$.outcome') = 'won'`,
    ),
    ofConversation: db.prepare<[string], Row>(
      "SELECT * FROM records WHERE conv_id = ? AND deleted = 0 ORDER BY entity = 'conversation' DESC, seq",
    ),
    accessHistory: db
      .prepare<[string], string>(
        `SELECT r.data FROM field_history h
      JOIN records r ON r.entity = 'fieldChange' AND r.id = h.change_id
      WHERE h.entity = 'conversation' AND h.record_id = ? AND h.field IN ('teamId', 'assigneeId') AND h.outcome = 'won'`,
      )
      .pluck(),
    dropLog: db.prepare('DELETE FROM log WHERE seq <= ?'),
    dropTombstones: db.prepare('DELETE FROM records WHERE deleted = 1 AND seq <= ?'),
    scope: db.prepare<[string], { team_id: string | null; assignee_id: string | null }>(
      "SELECT team_id, assignee_id FROM records WHERE entity = 'conversation' AND id = ?",
    ),
  };

  // Derived in the same transaction as the record, like field history: reports never lag the data.
  const facts = createReportFacts(db);

  function toRecord(r: Row): StoredRecord {
    return {
      entity: r.entity,
      id: r.id,
      data: JSON.parse(r.data) as Record<string, unknown>,
      clocks: JSON.parse(r.clocks) as Record<string, Hlc>,
      deleted: r.deleted === 1,
      seq: r.seq,
      convId: r.conv_id,
    };
  }

  function toChange(r: Row): Change {
    return {
      seq: r.seq,
      entity: r.entity,
      id: r.id,
      data: r.deleted === 1 ? null : (JSON.parse(r.data) as Record<string, unknown>),
      clocks: JSON.parse(r.clocks) as Record<string, Hlc>,
      deleted: r.deleted === 1,
    };
  }

  // Conversations whose team or assignee changed since the last fan-out, with the scope they had
  // before: fan-out tells those who lost sight of one, and sends the whole thread to those who
  // gained it. (A rolled-back write leaves an entry whose old and new scope agree: harmless.)
  const scopeMoves = new Map<string, ConversationScope>();
  // Conversations handed over (transfers): routing releases the old assignment and, when nobody
  // is named, offers them in their new queue. Taken after the write commits.
  const routingRequests = new Set<string>();

  /** Writes a record's new whole state and appends it to the log; returns its position. */
  function put(rec: Omit<StoredRecord, 'seq'>, meta: WriteMeta): number {
    if (rec.entity === 'conversation' && !scopeMoves.has(rec.id)) {
      const before = q.scope.get(rec.id);
      const teamId = (rec.data['teamId'] as string | null | undefined) ?? null;
      const assigneeId = (rec.data['assigneeId'] as string | null | undefined) ?? null;
      if (before && (before.team_id !== teamId || before.assignee_id !== assigneeId)) {
        scopeMoves.set(rec.id, { teamId: before.team_id, assigneeId: before.assignee_id });
      }
    }
    const seq = Number(
      q.appendLog.run(rec.entity, rec.id, meta.mutationId, meta.agentId, now()).lastInsertRowid,
    );
    const conv = rec.entity === 'conversation' ? rec.data : null;
    q.upsert.run({
      entity: rec.entity,
      id: rec.id,
      data: JSON.stringify(rec.data),
      clocks: JSON.stringify(rec.clocks),
      deleted: rec.deleted ? 1 : 0,
      seq,
      conv_id: rec.convId,
      team_id: conv ? ((conv['teamId'] as string | null) ?? null) : null,
      assignee_id: conv ? ((conv['assigneeId'] as string | null) ?? null) : null,
    });
    facts.apply(rec);
    return seq;
  }

  /** Keeps one value a field was given, as a synced fieldChange record; returns its position. */
  function putFieldChange(fc: FieldChangeData, convId: string | null, meta: WriteMeta): number {
    const id = uuidv7(now());
    q.history.run(id, fc.entity, fc.recordId, fc.field, fc.clock, fc.outcome);
    return put({ entity: 'fieldChange', id, data: fc, clocks: {}, deleted: false, convId }, meta);
  }

  return {
    put,
    putFieldChange,
    get(entity: Entity, id: string): StoredRecord | null {
      const r = q.get.get(entity, id);
      return r ? toRecord(r) : null;
    },
    hasHistory: (entity: Entity, id: string, field: string) =>
      q.hasHistory.get(entity, id, field) !== undefined,
    /** Ids of a customer's conversations. */
    conversationIdsOfCustomer: (customerId: string): string[] => q.conversationsOfCustomer.all(customerId),
    /** Ids of the profiles merged into this one (and not unmerged). */
    customersMergedInto: (customerId: string): string[] => q.mergedInto.all(customerId),
    /** Team and assignee of a conversation, or null when there is none. */
    scopeOf(convId: string): ConversationScope | null {
      const s = q.scope.get(convId);
      return s ? { teamId: s.team_id, assigneeId: s.assignee_id } : null;
    },
    /** The newest log position (0 for an empty log). */
    head(): number {
      return q.head.get() ?? 0;
    },
    /** Every record written in (from, to], with the conversation it belongs to, for live fan-out. */
    writtenBetween(from: number, to: number): { change: Change; convId: string | null }[] {
      return q.between.all(from, to).map((r) => ({ change: toChange(r), convId: r.conv_id }));
    },
    requestRouting(convId: string): void {
      routingRequests.add(convId);
    },
    /** Conversations handed over since the last call; clears the list. */
    takeRoutingRequests(): string[] {
      const ids = [...routingRequests];
      routingRequests.clear();
      return ids;
    },
    /** Conversations whose scope changed since the last call, with their scope before; clears the list. */
    takeScopeMoves(): Map<string, ConversationScope> {
      const moves = new Map(scopeMoves);
      scopeMoves.clear();
      return moves;
    },
    /** Conversations whose team or assignee changed after `cursor`, with the fields that did. */
    scopeMovesAfter(cursor: number): Map<string, Set<'teamId' | 'assigneeId'>> {
      const moves = new Map<string, Set<'teamId' | 'assigneeId'>>();
      for (const r of q.scopeMovesAfter.all(cursor)) {
        let fields = moves.get(r.conv);
        if (!fields) moves.set(r.conv, (fields = new Set()));
        fields.add(r.field as 'teamId' | 'assigneeId');
      }
      return moves;
    },
    /** A conversation and everything that hangs off it (thread, notes, calls, field history), in log order. */
    conversationRecords(convId: string): Change[] {
      return q.ofConversation.all(convId).map(toChange);
    },
    /** Every team and assignee a conversation was ever given (from its field history). */
    pastScopes(convId: string): { teamIds: Set<string>; assigneeIds: Set<string> } {
      const teamIds = new Set<string>();
      const assigneeIds = new Set<string>();
      for (const json of q.accessHistory.all(convId)) {
        const fc = JSON.parse(json) as FieldChangeData;
        if (typeof fc.value !== 'string') continue;
        (fc.field === 'teamId' ? teamIds : assigneeIds).add(fc.value);
      }
      return { teamIds, assigneeIds };
    },
    /** Positions at or below the floor were compacted away; older cursors need a full resync. */
    floor(): number {
      return Number(q.floor.get() ?? 0);
    },
    /** Up to `limit` visible records changed after `cursor`, each in its latest state, in log order. */
    changesAfter(viewer: Viewer, cursor: number, limit: number): Change[] {
      return q.after.all({ cursor, limit, ...visibilityParams(viewer) }).map(toChange);
    },
    /** One page of the live records at or below `head`, after position `after`. */
    snapshotPage(viewer: Viewer, after: number, head: number, limit: number): Change[] {
      return q.snapshot.all({ after, head, limit, ...visibilityParams(viewer) }).map(toChange);
    },
    snapshotTotal(viewer: Viewer, head: number): number {
      return q.countSnapshot.get({ head, ...visibilityParams(viewer) }) ?? 0;
    },
    /**
     * Drops log entries (and the tombstones they carried) beyond the newest `retention` ones.
     * Records themselves stay: their seq is their latest position, so live state is never lost.
     */
    compact(retention: number): number {
      const floor = this.head() - retention;
      if (floor <= this.floor()) return this.floor();
      db.transaction(() => {
        q.dropLog.run(floor);
        q.dropTombstones.run(floor);
        q.setFloor.run(String(floor));
      })();
      return floor;
    },
  };
}
