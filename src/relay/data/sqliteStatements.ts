import type { Change, Entity } from '../../shared/sync/entities';
import type { Hlc } from '../../shared/sync/hlc';
import type { AppliedMutation } from './asyncStore';
import type { Database } from './db';
import type { StoredRecord } from './store';
import { VISIBLE_SQL } from './visibility';

/** A row of the records table. */
export type Row = {
  entity: Entity;
  id: string;
  data: string;
  clocks: string;
  deleted: number;
  seq: number;
  conv_id: string | null;
};

export type SqliteStatements = ReturnType<typeof sqliteStatements>;

/** The SQLite store's prepared statements (sqliteStore.ts). */
export function sqliteStatements(db: Database) {
  return {
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
    applied: db.prepare<[string], Omit<AppliedMutation, 'id'>>(
      'SELECT agent_id AS agentId, device_id AS deviceId, name, hash, seq, applied_at AS appliedAt FROM applied_mutations WHERE id = ?',
    ),
    keepApplied: db.prepare(
      'INSERT INTO applied_mutations (id, agent_id, device_id, name, hash, seq, applied_at) VALUES (@id, @agentId, @deviceId, @name, @hash, @seq, @appliedAt)',
    ),
    scope: db.prepare<[string], { team_id: string | null; assignee_id: string | null }>(
      "SELECT team_id, assignee_id FROM records WHERE entity = 'conversation' AND id = ?",
    ),
  };
}

/** The stored record of a row. */
export function toRecord(r: Row): StoredRecord {
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

/** The change a row makes in the log: its data is null once deleted. */
export function toChange(r: Row): Change {
  return {
    seq: r.seq,
    entity: r.entity,
    id: r.id,
    data: r.deleted === 1 ? null : (JSON.parse(r.data) as Record<string, unknown>),
    clocks: JSON.parse(r.clocks) as Record<string, Hlc>,
    deleted: r.deleted === 1,
  };
}
