import type { Change } from '../../shared/sync/entities';
import type { Commit, CommitListener, CommittedRecord, StoredRecord } from './store';
import type { ConversationScope } from './visibility';

/** Where an open transaction's notes stood when a savepoint began, to drop what it rolls back. */
export type CommitMark = { records: number; moves: number; routing: number };

export type CommitNotifier = ReturnType<typeof createCommitNotifier>;

/**
 * What the open transaction wrote, kept in memory until it commits, then told to the store's
 * subscribers: the part of a store that any implementation (SQLite, PostgreSQL) shares. A store
 * calls `wrote` for each record it writes, `mark`/`rollBackTo` around savepoints, and
 * `committed` after its outermost commit (or `rollBackTo` the first mark after a rollback).
 * `onListenerError` gets a listener's throw [default: collected, and the first thrown once every
 * listener was told].
 */
export function createCommitNotifier(onListenerError?: (err: unknown) => void) {
  let records: CommittedRecord[] = [];
  // Scope before the transaction of each conversation whose team or assignee it changed (first wins).
  let moves: [string, ConversationScope][] = [];
  const moved = new Set<string>();
  let routing: string[] = [];
  const listeners = new Set<CommitListener>();
  // Commits made by a listener while others are told wait here, so everyone hears them in order.
  const queue: Commit[] = [];
  let telling = false;

  function tell(commit: Commit): void {
    queue.push(commit);
    if (telling) return;
    telling = true;
    const errors: unknown[] = [];
    try {
      for (let c = queue.shift(); c; c = queue.shift()) {
        for (const l of [...listeners]) {
          try {
            l(c);
          } catch (err) {
            if (onListenerError) onListenerError(err);
            else errors.push(err);
          }
        }
      }
    } finally {
      telling = false;
    }
    if (errors.length > 0) throw errors[0];
  }

  return {
    subscribe(listener: CommitListener): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** Whether anyone listens: without listeners (seeding tools) a store need not note its writes. */
    listening: () => listeners.size > 0,
    /** A record the open transaction wrote, as written. */
    wrote(rec: CommittedRecord): void {
      records.push(rec);
    },
    /** Whether this transaction already noted the conversation's scope before it. */
    hasScopeMove: (convId: string) => moved.has(convId),
    /** The conversation's team or assignee changes in this transaction; `before` is what it was. */
    scopeMoved(convId: string, before: ConversationScope): void {
      moved.add(convId);
      moves.push([convId, before]);
    },
    requestRouting(convId: string): void {
      routing.push(convId);
    },
    mark: (): CommitMark => ({ records: records.length, moves: moves.length, routing: routing.length }),
    /** Forgets what was noted after `m` (its savepoint, or the whole transaction, rolled back). */
    rollBackTo(m: CommitMark): void {
      records.length = m.records;
      for (const [convId] of moves.splice(m.moves)) moved.delete(convId);
      routing.length = m.routing;
    },
    /** The outermost transaction committed, leaving the log at `head`: tells every listener what it wrote. */
    committed(head: number): void {
      if (records.length === 0 && routing.length === 0) return ((moves = []), moved.clear());
      const commit = commitOf(head, records, moves, routing);
      records = [];
      moves = [];
      moved.clear();
      routing = [];
      tell(commit);
    },
  };
}

/** Each record once, in its last state, in log order (what reading the log range back would give). */
function commitOf(
  head: number,
  written: readonly CommittedRecord[],
  moves: readonly [string, ConversationScope][],
  routingRequests: string[],
): Commit {
  const last = new Map<string, number>();
  written.forEach((r, i) => last.set(`${r.change.entity}\u0000${r.change.id}`, i));
  const records =
    last.size === written.length
      ? written
      : written.filter((r, i) => last.get(`${r.change.entity}\u0000${r.change.id}`) === i);
  const scopeMoves = new Map<string, { before: ConversationScope; after: ConversationScope }>();
  for (const [convId, before] of moves) {
    const i = last.get(`conversation\u0000${convId}`);
    const data = i === undefined ? null : written[i]!.change.data;
    const after = scopeOfData(data);
    if (after.teamId !== before.teamId || after.assigneeId !== before.assigneeId)
      scopeMoves.set(convId, { before, after });
  }
  const changes: Change[] = records.map((r) => r.change);
  return {
    head,
    // Positions grow within a transaction and a rolled-back savepoint gives its own back.
    first: written[0]?.change.seq ?? head + 1,
    records,
    changes,
    scopeMoves,
    routingRequests: [...new Set(routingRequests)],
  };
}

/** The scope a conversation's data gives it (a tombstone has none). */
export function scopeOfData(data: Record<string, unknown> | null): ConversationScope {
  return {
    teamId: (data?.['teamId'] as string | null | undefined) ?? null,
    assigneeId: (data?.['assigneeId'] as string | null | undefined) ?? null,
  };
}

/** A record as written, for commit listeners (either store); its JSON is made from the text written to the row. */
export function committedRecord(
  rec: Omit<StoredRecord, 'seq'>,
  seq: number,
  data: string,
  clocks: string,
): CommittedRecord {
  const change: Change = {
    seq,
    entity: rec.entity,
    id: rec.id,
    data: rec.deleted ? null : rec.data,
    clocks: rec.clocks,
    deleted: rec.deleted,
  };
  const json = `{"seq":${seq},"entity":${JSON.stringify(rec.entity)},"id":${JSON.stringify(rec.id)},"data":${rec.deleted ? 'null' : data},"clocks":${clocks},"deleted":${rec.deleted}}`;
  return { change, convId: rec.convId, json };
}
