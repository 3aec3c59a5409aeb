import type { Entity } from '../../shared/sync/entities';
import type { Mutation, MutationName } from '../../shared/sync/mutations';
import type { RelayErrorCode } from '../../shared/sync/protocol';
import { stmt, type Db } from './statements';
import type { RecordKey } from './records';

/** A row of `outbox` as stored. */
export type OutboxRow = {
  position: number;
  id: string;
  name: MutationName;
  args: string;
  clock: string;
  state: 'pending' | 'sent' | 'acked';
  acked_seq: number | null;
  created_at: string;
};
export type PendingMutation = Mutation & { position: number; state: OutboxRow['state']; createdAt: string };

/** A mutation the relay refused, kept for the UI with the relay's code and reason. */
export type RejectedMutation = Mutation & {
  code: RelayErrorCode | string;
  message: string;
  rejectedAt: string;
};
type RejectedRow = {
  id: string;
  name: MutationName;
  args: string;
  clock: string;
  code: string;
  message: string;
  rejected_at: string;
};

export const toMutation = (r: OutboxRow): Mutation => ({
  id: r.id,
  name: r.name,
  args: JSON.parse(r.args) as never,
  clock: r.clock,
});
const toPending = (r: OutboxRow): PendingMutation => ({
  ...toMutation(r),
  position: r.position,
  state: r.state,
  createdAt: r.created_at,
});

/** Appends a mutation and the records it touches (inside the caller's transaction). */
export function appendOutbox(db: Db, m: Mutation, touches: RecordKey[], now: string): void {
  const { lastInsertRowid } = stmt(
    db,
    'INSERT INTO outbox (id, name, args, clock, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(m.id, m.name, JSON.stringify(m.args), m.clock, now);
  const t = stmt(db, 'INSERT OR IGNORE INTO outbox_touches (position, entity, id) VALUES (?, ?, ?)');
  for (const k of touches) t.run(lastInsertRowid, k.entity, k.id);
}

/** Records that a replay of the mutation at `position` wrote: it touches them from now on too. */
export function addTouches(db: Db, position: number, touches: readonly RecordKey[]): void {
  const t = stmt(db, 'INSERT OR IGNORE INTO outbox_touches (position, entity, id) VALUES (?, ?, ?)');
  for (const k of touches) t.run(position, k.entity, k.id);
}

/** Mutations the relay has not acknowledged yet (the changes at stake if the cache were lost). */
export function unsentCount(db: Db): number {
  return (stmt(db, 'SELECT n FROM temp.outbox_unsent').get() as { n: number }).n;
}

/**
 * Keeps the unsent count in a one-row temp table maintained by temp triggers, so reading it is
 * O(1): counting the outbox after every change made writing or acknowledging n changes O(n²).
 * Temp objects live in memory (temp_store) and per connection; a rolled-back transaction rolls the
 * count back too. Call once per connection after migrations.
 */
export function installUnsentCounter(db: Db): void {
  db.exec(`
    CREATE TEMP TABLE IF NOT EXISTS outbox_unsent (n INTEGER NOT NULL);
    DELETE FROM temp.outbox_unsent;
    INSERT INTO temp.outbox_unsent SELECT count(*) FROM main.outbox WHERE state != 'acked';
    CREATE TEMP TRIGGER IF NOT EXISTS outbox_unsent_ins AFTER INSERT ON main.outbox
      WHEN NEW.state != 'acked' BEGIN UPDATE outbox_unsent SET n = n + 1; END;
    CREATE TEMP TRIGGER IF NOT EXISTS outbox_unsent_del AFTER DELETE ON main.outbox
      WHEN OLD.state != 'acked' BEGIN UPDATE outbox_unsent SET n = n - 1; END;
    CREATE TEMP TRIGGER IF NOT EXISTS outbox_unsent_upd AFTER UPDATE OF state ON main.outbox
      WHEN (OLD.state != 'acked') != (NEW.state != 'acked')
      BEGIN UPDATE outbox_unsent SET n = n + (CASE WHEN NEW.state != 'acked' THEN 1 ELSE -1 END); END;
  `);
}

/** The oldest `limit` unacknowledged mutations, in the order they were made. */
export function outboxHead(db: Db, limit: number): PendingMutation[] {
  return (
    stmt(db, "SELECT * FROM outbox WHERE state != 'acked' ORDER BY position LIMIT ?").all(
      limit,
    ) as OutboxRow[]
  ).map(toPending);
}

/** Records the relay's acceptance; the row stays until the cursor covers `seq` (see migration 001). */
export function markAcked(db: Db, position: number, seq: number): void {
  stmt(db, "UPDATE outbox SET state = 'acked', acked_seq = ? WHERE position = ?").run(seq, position);
}

/** Drops acknowledged mutations whose effect the confirmed state now holds; returns what they touched. */
export function dropAckedThrough(db: Db, cursor: number): RecordKey[] {
  const rows = stmt(db, "SELECT position FROM outbox WHERE state = 'acked' AND acked_seq <= ?").all(
    cursor,
  ) as { position: number }[];
  return rows.flatMap((r) => removeFromOutbox(db, r.position));
}

export function getOutboxRow(db: Db, id: string): OutboxRow | undefined {
  return stmt(db, 'SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
}

export function markSent(db: Db, ids: readonly string[]): void {
  const s = stmt(db, "UPDATE outbox SET state = 'sent' WHERE id = ? AND state = 'pending'");
  for (const id of ids) s.run(id);
}

/** Removes a mutation (its touches go by cascade); returns the records it touched. */
export function removeFromOutbox(db: Db, position: number): RecordKey[] {
  const keys = touchesAt(db, position);
  stmt(db, 'DELETE FROM outbox WHERE position = ?').run(position);
  return keys;
}

export function touchesAt(db: Db, position: number): RecordKey[] {
  return stmt(db, 'SELECT entity, id FROM outbox_touches WHERE position = ?').all(position) as RecordKey[];
}

/** True when some mutation in the outbox touches `k`. */
export function isTouched(db: Db, k: RecordKey): boolean {
  return (
    stmt(db, 'SELECT 1 FROM outbox_touches WHERE entity = ? AND id = ? LIMIT 1').get(k.entity, k.id) !==
    undefined
  );
}

/** True when a pending merge or undo of a merge touches this customer. */
export function isMergePending(db: Db, customerId: string): boolean {
  return (
    stmt(
      db,
      `SELECT 1 FROM outbox_touches t JOIN outbox o ON o.position = t.position
       WHERE t.entity = 'customer' AND t.id = ? AND o.name IN ('customer.merge', 'customer.unmerge') LIMIT 1`,
    ).get(customerId) !== undefined
  );
}

/** Positions of pending mutations touching `k`, oldest first. */
export function positionsTouching(db: Db, k: RecordKey): number[] {
  return (
    stmt(db, 'SELECT position FROM outbox_touches WHERE entity = ? AND id = ? ORDER BY position').all(
      k.entity,
      k.id,
    ) as {
      position: number;
    }[]
  ).map((r) => r.position);
}

export function outboxAt(db: Db, position: number): OutboxRow | undefined {
  return stmt(db, 'SELECT * FROM outbox WHERE position = ?').get(position) as OutboxRow | undefined;
}

/** Every record some pending mutation touches (for a full resync). */
export function allTouched(db: Db): RecordKey[] {
  return stmt(db, 'SELECT DISTINCT entity, id FROM outbox_touches').all() as { entity: Entity; id: string }[];
}

export function insertRejected(db: Db, m: Mutation, code: string, message: string, now: string): void {
  stmt(
    db,
    'INSERT OR REPLACE INTO rejected (id, name, args, clock, code, message, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(m.id, m.name, JSON.stringify(m.args), m.clock, code, message, now);
}

/** Rejected mutations, newest first. */
export function listRejected(db: Db): RejectedMutation[] {
  return (stmt(db, 'SELECT * FROM rejected ORDER BY rejected_at DESC, id DESC').all() as RejectedRow[]).map(
    (r) => ({
      id: r.id,
      name: r.name,
      args: JSON.parse(r.args) as never,
      clock: r.clock,
      code: r.code,
      message: r.message,
      rejectedAt: r.rejected_at,
    }),
  );
}

/** Forgets a rejected mutation once the agent has dealt with it. */
export function dismissRejected(db: Db, id: string): boolean {
  return stmt(db, 'DELETE FROM rejected WHERE id = ?').run(id).changes > 0;
}
