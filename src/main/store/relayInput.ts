import type { Change } from '../../shared/sync/entities';
import { isHlc, type HlcClock } from '../../shared/sync/hlc';
import type { PushOutcome } from '../../shared/sync/protocol';
import type { Logger } from '../base/logger';
import { deleteMeta, getMeta, setMeta } from './meta';
import * as outbox from './outbox';
import { setConfirmed, setConfirmedAndCurrent, type RecordKey } from './records';
import { indexBacklog, reindex } from './searchIndex';
import { stmt, type Db } from './statements';

/** Changes in one frame from which on new rows are indexed for search afterwards, in the backlog. */
const BULK_PAGE = 100;

/**
 * Stores changes from the relay as confirmed state (inside a transaction). Records no pending
 * mutation touches become current at once; the keys of those that do are answered, to be rebased.
 */
export function confirmChanges(db: Db, changes: readonly Change[], clock: HlcClock | null): RecordKey[] {
  const keys: RecordKey[] = [];
  // A page of a catch-up or snapshot (many changes at once) leaves new rows' search indexing to
  // the backlog, done after catch-up; live changes (a few at a time) are indexed at once.
  const deferFrom = changes.length >= BULK_PAGE ? searchBacklogFrom(db) : null;
  for (const c of changes) {
    for (const h of Object.values(c.clocks)) if (isHlc(h)) clock?.receive(h);
    // Untouched by the outbox (the bulk of an initial sync): confirmed and current in one write.
    if (c.entity === 'conversation' && c.deleted) dropThread(db, c.id);
    if (!outbox.isTouched(db, c)) setConfirmedAndCurrent(db, c, deferFrom);
    else if (setConfirmed(db, c)) keys.push({ entity: c.entity, id: c.id });
    // A pending merge of this conversation's customer moves it too: replay the merge on it.
    const customerId = c.entity === 'conversation' ? c.data?.['customerId'] : undefined;
    if (typeof customerId === 'string' && outbox.isMergePending(db, customerId))
      keys.push({ entity: 'customer', id: customerId });
  }
  return keys;
}

/**
 * Takes the relay's answers to a pushed batch (inside a transaction): applied and duplicate are
 * acknowledged, rejected ones move to the rejected list. Answers the keys to rebase.
 */
export function acknowledgeResults(
  db: Db,
  results: readonly PushOutcome[],
  o: { cursor: number; now: () => string; log: Logger },
): { acked: number; rejected: number; rebase: RecordKey[] } {
  let acked = 0;
  let rejected = 0;
  const rebase: RecordKey[] = [];
  for (const r of results) {
    const row = outbox.getOutboxRow(db, r.id);
    if (!row || row.state === 'acked') continue;
    if (r.status === 'rejected') {
      outbox.insertRejected(db, outbox.toMutation(row), r.code, r.message, o.now());
      rebase.push(...outbox.removeFromOutbox(db, row.position));
      rejected++;
      o.log.warn({ mutation: row.id, name: row.name, code: r.code }, 'relay rejected a mutation');
    } else if (r.seq <= o.cursor) {
      // Its effect already arrived with the changes we hold: replaying it on them was a no-op
      // (mutators are idempotent on their own confirmed effect), so no current state changes.
      outbox.removeFromOutbox(db, row.position);
      acked++;
    } else {
      outbox.markAcked(db, row.position, r.seq);
      acked++;
    }
  }
  return { acked, rejected, rebase };
}

/**
 * A conversation this agent may no longer see (moved to another team, or deleted): its thread,
 * calls and field history leave the cache and the search index with it (inside a transaction).
 */
function dropThread(db: Db, convId: string): void {
  for (const entity of ['message', 'note', 'call', 'fieldChange'] as const) {
    const rows = stmt(db, 'SELECT rowid FROM records WHERE entity = ? AND parent_id = ?').all(
      entity,
      convId,
    ) as { rowid: number }[];
    for (const r of rows) {
      reindex(db, r.rowid, entity, null);
      stmt(db, 'DELETE FROM records WHERE rowid = ?').run(r.rowid);
    }
  }
}

/** Where the search backlog starts, starting one at the next rowid if there is none (inside a transaction). */
function searchBacklogFrom(db: Db): number {
  const held = getMeta(db, 'searchBacklogFrom');
  if (held !== undefined) return Number(held);
  const next = (stmt(db, 'SELECT coalesce(max(rowid), 0) + 1 AS n FROM records').get() as { n: number }).n;
  setMeta(db, 'searchBacklogFrom', String(next));
  return next;
}

/** Indexes up to `limit` records of the search backlog (inside a transaction); true while more remain. */
export function indexSearchBacklog(db: Db, limit: number): boolean {
  const held = getMeta(db, 'searchBacklogFrom');
  if (held === undefined) return false;
  const next = indexBacklog(db, Number(held), limit);
  if (next === null) deleteMeta(db, 'searchBacklogFrom');
  else setMeta(db, 'searchBacklogFrom', String(next));
  return next !== null;
}
