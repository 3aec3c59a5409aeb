import type pg from 'pg';
import type { Change, Entity, FieldChangeData } from '../../../shared/sync/entities';
import type { Hlc } from '../../../shared/sync/hlc';
import type { AsyncStoreReads } from '../asyncStore';
import type { StoredRecord } from '../store';
import { visibleSql, visibilityParams, type ConversationScope, type Viewer } from '../visibility';
import { named } from './sql';

// The PostgreSQL store's reads (pgStore.ts), on its pool or on a transaction's connection.

/** A row of the records table, as node-postgres returns it (seq as text). */
export type RecordRow = {
  entity: Entity;
  id: string;
  data: string;
  clocks: string;
  deleted: boolean;
  seq: string;
  conv_id: string | null;
};

export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

const VISIBLE_SQL = visibleSql('postgres');
const AFTER_SQL = `SELECT r.* FROM records r WHERE r.seq > @cursor AND ${VISIBLE_SQL} ORDER BY r.seq LIMIT @limit`;
const SNAPSHOT_SQL = `SELECT r.* FROM records r WHERE r.seq > @after AND r.seq <= @head AND NOT r.deleted AND ${VISIBLE_SQL} ORDER BY r.seq LIMIT @limit`;
const COUNT_SQL = `SELECT count(*)::int AS n FROM records r WHERE r.seq <= @head AND NOT r.deleted AND ${VISIBLE_SQL}`;

/** The position of the newest log entry (0 while the log is empty). */
export async function headOn(q: Queryable): Promise<number> {
  const r = await q.query<{ seq: string }>('SELECT seq::text AS seq FROM log_head');
  return Number(r.rows[0]?.seq ?? 0);
}

/** Positions at or below the floor were compacted away. */
export async function floorOn(q: Queryable): Promise<number> {
  const r = await q.query<{ value: string }>("SELECT value FROM meta WHERE key = 'log_floor'");
  return Number(r.rows[0]?.value ?? 0);
}

/** The reads of the contract on a pool (committed data) or on a transaction's connection. */
export function readsOn(q: Queryable): AsyncStoreReads {
  const ids = async (sql: string, v: unknown[]) =>
    (await q.query<{ id: string }>(sql, v)).rows.map((r) => r.id);
  return {
    get: (entity, id) => recordOn(q, entity, id),
    async hasHistory(entity, id, field) {
      const r = await q.query({
        name: 'sb_has_history',
        text: 'SELECT 1 FROM field_history WHERE entity = $1 AND record_id = $2 AND field = $3 LIMIT 1',
        values: [entity, id, field],
      });
      return r.rows.length > 0;
    },
    // Merges are rare: these scan the kind's records rather than keep another index up to date.
    conversationIdsOfCustomer: (customerId) =>
      ids(
        `SELECT id FROM records WHERE entity = 'conversation' AND NOT deleted AND data::jsonb->>'customerId' = $1 ORDER BY id COLLATE "C"`,
        [customerId],
      ),
    customersMergedInto: (customerId) =>
      ids(
        `SELECT id FROM records WHERE entity = 'customer' AND NOT deleted AND data::jsonb->>'mergedInto' = $1 ORDER BY id COLLATE "C"`,
        [customerId],
      ),
    scopeOf: (convId) => scopeOn(q, convId),
    head: () => headOn(q),
    scopeMovesAfter: (cursor) => scopeMovesAfterOn(q, cursor),
    async conversationRecords(convId) {
      const r = await q.query<RecordRow>(
        "SELECT * FROM records WHERE conv_id = $1 AND NOT deleted ORDER BY entity = 'conversation' DESC, seq",
        [convId],
      );
      return r.rows.map(toChange);
    },
    pastScopes: (convId) => pastScopesOn(q, convId),
    floor: () => floorOn(q),
    async changesAfter(viewer: Viewer, cursor: number, limit: number): Promise<Change[]> {
      const sql = named(AFTER_SQL, { cursor, limit, ...visibilityParams(viewer) });
      return (await q.query<RecordRow>({ name: 'sb_after', ...sql })).rows.map(toChange);
    },
    async snapshotPage(viewer, after, head, limit) {
      const sql = named(SNAPSHOT_SQL, { after, head, limit, ...visibilityParams(viewer) });
      return (await q.query<RecordRow>({ name: 'sb_snapshot', ...sql })).rows.map(toChange);
    },
    async snapshotTotal(viewer, head) {
      const sql = named(COUNT_SQL, { head, ...visibilityParams(viewer) });
      return (await q.query<{ n: number }>(sql)).rows[0]?.n ?? 0;
    },
  };
}

/** A record in its latest state, or null. */
async function recordOn(q: Queryable, entity: Entity, id: string): Promise<StoredRecord | null> {
  const r = await q.query<RecordRow>({
    name: 'sb_get',
    text: 'SELECT * FROM records WHERE entity = $1 AND id = $2',
    values: [entity, id],
  });
  const row = r.rows[0];
  return row ? toRecord(row) : null;
}

/** Team and assignee of a conversation, or null when there is none. */
async function scopeOn(q: Queryable, convId: string): Promise<ConversationScope | null> {
  const r = await q.query<{ team_id: string | null; assignee_id: string | null }>(
    "SELECT team_id, assignee_id FROM records WHERE entity = 'conversation' AND id = $1",
    [convId],
  );
  const s = r.rows[0];
  return s ? { teamId: s.team_id, assigneeId: s.assignee_id } : null;
}

/** Conversations whose team or assignee changed after `cursor`, with the fields that did. */
async function scopeMovesAfterOn(
  q: Queryable,
  cursor: number,
): Promise<Map<string, Set<'teamId' | 'assigneeId'>>> {
  const r = await q.query<{ conv: string; field: 'teamId' | 'assigneeId' }>(
    `SELECT d->>'recordId' AS conv, d->>'field' AS field
         FROM (SELECT data::jsonb AS d FROM records WHERE seq > $1 AND entity = 'fieldChange') x
         WHERE d->>'entity' = 'conversation' AND d->>'field' IN ('teamId', 'assigneeId') AND d->>'outcome' = 'won'`,
    [cursor],
  );
  const moves = new Map<string, Set<'teamId' | 'assigneeId'>>();
  for (const row of r.rows) {
    let fields = moves.get(row.conv);
    if (!fields) moves.set(row.conv, (fields = new Set()));
    fields.add(row.field);
  }
  return moves;
}

/** Every team and assignee a conversation was ever given (from its field history). */
async function pastScopesOn(
  q: Queryable,
  convId: string,
): Promise<{ teamIds: Set<string>; assigneeIds: Set<string> }> {
  const r = await q.query<{ data: string }>(
    `SELECT r.data FROM field_history h
         JOIN records r ON r.entity = 'fieldChange' AND r.id = h.change_id
         WHERE h.entity = 'conversation' AND h.record_id = $1 AND h.field IN ('teamId', 'assigneeId') AND h.outcome = 'won'`,
    [convId],
  );
  const teamIds = new Set<string>();
  const assigneeIds = new Set<string>();
  for (const { data } of r.rows) {
    const fc = JSON.parse(data) as FieldChangeData;
    if (typeof fc.value !== 'string') continue;
    (fc.field === 'teamId' ? teamIds : assigneeIds).add(fc.value);
  }
  return { teamIds, assigneeIds };
}

/** A records row as the store's record (data and clocks parsed). */
export function toRecord(r: RecordRow): StoredRecord {
  return {
    entity: r.entity,
    id: r.id,
    data: JSON.parse(r.data) as Record<string, unknown>,
    clocks: JSON.parse(r.clocks) as Record<string, Hlc>,
    deleted: r.deleted,
    seq: Number(r.seq),
    convId: r.conv_id,
  };
}

function toChange(r: RecordRow): Change {
  return {
    seq: Number(r.seq),
    entity: r.entity,
    id: r.id,
    data: r.deleted ? null : (JSON.parse(r.data) as Record<string, unknown>),
    clocks: JSON.parse(r.clocks) as Record<string, Hlc>,
    deleted: r.deleted,
  };
}
