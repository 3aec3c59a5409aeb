import type { Change, Entity } from '../../shared/sync/entities';
import type { Hlc } from '../../shared/sync/hlc';
import type { RecordKey, RecordState } from '../../shared/sync/records';
import { stmt, type Db } from './statements';
import { reindex } from './searchIndex';

export type { RecordKey, RecordState };

/** A row of `records` as stored. */
export type RecordRow = {
  rowid: number;
  entity: Entity;
  id: string;
  confirmed: 0 | 1;
  server_seq: number | null;
  server_data: string | null;
  server_clocks: string;
  server_deleted: 0 | 1;
  data: string | null;
  clocks: string;
  deleted: 0 | 1;
};

export const keyOf = (k: RecordKey): string => `${k.entity}\u0000${k.id}`;

/**
 * Ids of the conversations that may be a customer's (confirmed or optimistic, or touched by a
 * pending change, which a rebase may read as the customer's), by id: the caller keeps those its
 * reading of the records gives the customer. What a merge here moves, as the relay moves those of
 * the source the agent may see.
 */
export function conversationIdsOfCustomer(db: Db, customerId: string): string[] {
  const rows = stmt(
    db,
    `SELECT id FROM records WHERE entity = 'conversation'
       AND (json_extract(data, '$.customerId') = @c OR json_extract(server_data, '$.customerId') = @c
         OR id IN (SELECT id FROM outbox_touches WHERE entity = 'conversation')) ORDER BY id`,
  ).all({ c: customerId }) as { id: string }[];
  return rows.map((r) => r.id);
}

/** The lowest-id live inbox of a team for a channel, as the relay picks a new conversation's inbox. */
export function inboxFor(db: Db, teamId: string, channel: string): string | null {
  const r = stmt(
    db,
    `SELECT id FROM records WHERE entity = 'inbox' AND deleted = 0 AND data IS NOT NULL
       AND json_extract(data, '$.teamId') = ? AND json_extract(data, '$.channel') = ? ORDER BY id LIMIT 1`,
  ).get(teamId, channel) as { id: string } | undefined;
  return r?.id ?? null;
}

function parseState(data: string | null, clocks: string, deleted: number): RecordState | null {
  if (data === null) return null;
  return {
    data: JSON.parse(data) as Record<string, unknown>,
    clocks: JSON.parse(clocks) as Record<string, Hlc>,
    deleted: deleted === 1,
  };
}

/** Reads a record row. */
export function getRow(db: Db, k: RecordKey): RecordRow | undefined {
  return stmt(db, 'SELECT rowid, * FROM records WHERE entity = ? AND id = ?').get(k.entity, k.id) as
    RecordRow | undefined;
}

/** The optimistic current state (what the UI shows), or null when the record is unknown. */
export function currentState(db: Db, k: RecordKey): RecordState | null {
  const r = getRow(db, k);
  return r ? parseState(r.data, r.clocks, r.deleted) : null;
}

/** The relay-confirmed state, or null when the relay has not confirmed this record. */
export function confirmedState(row: RecordRow | undefined): RecordState | null {
  if (!row || row.confirmed === 0) return null;
  return parseState(row.server_data, row.server_clocks, row.server_deleted);
}

/**
 * Stores a change from the relay as the confirmed state. Returns false (and writes nothing) when
 * the row already holds a later log position, so replays and races are harmless.
 */
export function setConfirmed(db: Db, c: Change): boolean {
  const row = getRow(db, c);
  if (row && row.server_seq !== null && row.server_seq > c.seq) return false;
  const data = c.data === null ? null : JSON.stringify(c.data);
  stmt(
    db,
    `INSERT INTO records (entity, id, confirmed, server_seq, server_data, server_clocks, server_deleted)
     VALUES (@entity, @id, 1, @seq, @data, @clocks, @deleted)
     ON CONFLICT (entity, id) DO UPDATE SET confirmed = 1, server_seq = @seq, server_data = @data,
       server_clocks = @clocks, server_deleted = @deleted`,
  ).run({
    entity: c.entity,
    id: c.id,
    seq: c.seq,
    data,
    clocks: JSON.stringify(c.clocks),
    deleted: c.deleted ? 1 : 0,
  });
  return true;
}

/**
 * For a record no pending mutation touches, where a rebase would only copy the confirmed state
 * into the current one: stores the change as both in one statement (instead of three reads, an
 * upsert and an update) and reindexes it. Same guard and result as setConfirmed + rebase.
 * With `deferIndexFrom`, a row at or past that rowid is left for the search backlog.
 */
export function setConfirmedAndCurrent(db: Db, c: Change, deferIndexFrom: number | null = null): boolean {
  const data = c.data === null ? null : JSON.stringify(c.data);
  const clocks = JSON.stringify(c.clocks);
  const deleted = c.deleted ? 1 : 0;
  const row = stmt(
    db,
    `INSERT INTO records (entity, id, confirmed, server_seq, server_data, server_clocks, server_deleted, data, clocks, deleted)
     VALUES (@entity, @id, 1, @seq, @data, @clocks, @deleted, @data, @currentClocks, @currentDeleted)
     ON CONFLICT (entity, id) DO UPDATE SET confirmed = 1, server_seq = @seq, server_data = @data,
       server_clocks = @clocks, server_deleted = @deleted, data = @data, clocks = @currentClocks,
       deleted = @currentDeleted
     WHERE records.server_seq IS NULL OR records.server_seq <= @seq
     RETURNING rowid`,
  ).get({
    entity: c.entity,
    id: c.id,
    seq: c.seq,
    data,
    clocks,
    deleted,
    // As confirmedState + setCurrent: a record without data is current as `null, '{}', 0`.
    currentClocks: data === null ? '{}' : clocks,
    currentDeleted: data === null ? 0 : deleted,
  }) as { rowid: number } | undefined;
  if (!row) return false;
  // Rows in the search backlog are indexed later, all at once, from their data then.
  if (deferIndexFrom === null || row.rowid < deferIndexFrom) {
    reindex(db, row.rowid, c.entity, c.data !== null && !c.deleted ? c.data : null);
  }
  return true;
}

/** Sets the current state (or removes a record that exists only optimistically) and reindexes it. */
export function setCurrent(db: Db, k: RecordKey, s: RecordState | null): void {
  const row = getRow(db, k);
  if (s === null && (!row || row.confirmed === 0)) {
    if (row) {
      stmt(db, 'DELETE FROM records WHERE rowid = ?').run(row.rowid);
      reindex(db, row.rowid, k.entity, null);
    }
    return;
  }
  const data = s ? JSON.stringify(s.data) : null;
  const clocks = s ? JSON.stringify(s.clocks) : '{}';
  const deleted = s?.deleted ? 1 : 0;
  // A rebase often recomputes exactly what is there (a confirmed message replayed on itself):
  // leave the row and its search entry alone then.
  if (row && row.data === data && row.clocks === clocks && row.deleted === deleted) return;
  let rowid: number | bigint;
  if (row) {
    stmt(db, 'UPDATE records SET data = ?, clocks = ?, deleted = ? WHERE rowid = ?').run(
      data,
      clocks,
      deleted,
      row.rowid,
    );
    rowid = row.rowid;
  } else {
    rowid = stmt(db, 'INSERT INTO records (entity, id, data, clocks, deleted) VALUES (?, ?, ?, ?, ?)').run(
      k.entity,
      k.id,
      data,
      clocks,
      deleted,
    ).lastInsertRowid;
  }
  reindex(db, rowid, k.entity, s && !s.deleted ? s.data : null);
}
