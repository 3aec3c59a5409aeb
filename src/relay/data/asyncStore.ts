import type { Change, Entity, FieldChangeData } from '../../shared/sync/entities';
import type { CommitListener, StoredRecord, WriteMeta } from './store';
import type { ConversationScope, Viewer } from './visibility';

// The relay's store as an asynchronous contract: the same questions as Store (store.ts), each
// answered by a promise, so a store on a network database (PostgreSQL, postgres/pgStore.ts) can
// implement it. The SQLite store satisfies it through a thin adapter (sqliteAsync.ts). A caller
// ported to this contract runs unchanged on either.
//
// What differs from Store: a transaction hands its body a `tx` and every read and write of that
// transaction goes through it (a pooled database gives each transaction its own connection, so a
// write cannot find "the open transaction" the way a single SQLite connection can). Inside a
// transaction, read through its tx. Reads outside one go to the store itself: committed data on
// PostgreSQL (another connection); on SQLite's one connection, also an open transaction's writes.

/** Reads that a transaction and the store both answer (inside a transaction: its own writes too). */
export type AsyncStoreReads = {
  get(entity: Entity, id: string): Promise<StoredRecord | null>;
  hasHistory(entity: Entity, id: string, field: string): Promise<boolean>;
  /** Ids of a customer's conversations. */
  conversationIdsOfCustomer(customerId: string): Promise<string[]>;
  /** Ids of the profiles merged into this one (and not unmerged). */
  customersMergedInto(customerId: string): Promise<string[]>;
  /** Team and assignee of a conversation, or null when there is none. */
  scopeOf(convId: string): Promise<ConversationScope | null>;
  /** The newest log position (0 for an empty log). */
  head(): Promise<number>;
  /** Conversations whose team or assignee changed after `cursor`, with the fields that did. */
  scopeMovesAfter(cursor: number): Promise<Map<string, Set<'teamId' | 'assigneeId'>>>;
  /** A conversation and everything that hangs off it (thread, notes, calls, field history), in log order. */
  conversationRecords(convId: string): Promise<Change[]>;
  /** Every team and assignee a conversation was ever given (from its field history). */
  pastScopes(convId: string): Promise<{ teamIds: Set<string>; assigneeIds: Set<string> }>;
  /** Positions at or below the floor were compacted away; older cursors need a full resync. */
  floor(): Promise<number>;
  /** Up to `limit` visible records changed after `cursor`, each in its latest state, in log order. */
  changesAfter(viewer: Viewer, cursor: number, limit: number): Promise<Change[]>;
  /** One page of the live records at or below `head`, after position `after`. */
  snapshotPage(viewer: Viewer, after: number, head: number, limit: number): Promise<Change[]>;
  snapshotTotal(viewer: Viewer, head: number): Promise<number>;
};

/**
 * A mutation an app pushed, as kept once applied (exactly-once, sync/push.ts): who pushed it, from
 * which device, a hash of its content, and the log position it left the head at.
 */
export type AppliedMutation = {
  id: string;
  agentId: string;
  deviceId: string;
  name: string;
  hash: string;
  seq: number;
  appliedAt: number;
};

/** One open transaction: its reads see its own writes; nothing is told until the outermost commit. */
export type AsyncTx = AsyncStoreReads & {
  /** Writes a record's new whole state and appends it to the log; resolves to its position. */
  put(rec: Omit<StoredRecord, 'seq'>, meta: WriteMeta): Promise<number>;
  /** Keeps one value a field was given, as a synced fieldChange record; resolves to its position. */
  putFieldChange(fc: FieldChangeData, convId: string | null, meta: WriteMeta): Promise<number>;
  /** Asks routing, after the commit, to release and re-offer a conversation (a transfer). */
  requestRouting(convId: string): void;
  /** The mutations among `ids` applied before, by id (one lookup for a whole push). */
  appliedMutations(ids: readonly string[]): Promise<Map<string, AppliedMutation>>;
  /** Keeps mutations as applied, so their ids answer as seen from now on (one write for a group). */
  keepAppliedMutations(rows: readonly AppliedMutation[]): Promise<void>;
  /**
   * Runs `fn` in a savepoint: a throw rolls back its writes (and what they would have told) and
   * rethrows, leaving the transaction open. Await it before the next write of the transaction.
   */
  savepoint<R>(fn: (tx: AsyncTx) => Promise<R>): Promise<R>;
};

export type AsyncStore = AsyncStoreReads & {
  /**
   * Runs `fn` in one transaction and, once it commits, tells every commit listener (of this
   * process) what it wrote, in commit order. Transactions that write are serialized with every
   * other writer of the same log, in this process or another (the PostgreSQL store takes the log
   * lock when it begins), so what `fn` reads is not changed under it before it commits and log
   * positions are commit-ordered. A throw rolls back and rethrows. A body never starts another
   * store transaction (it would wait behind itself); nest with `tx.savepoint`.
   */
  transaction<R>(fn: (tx: AsyncTx) => Promise<R>): Promise<R>;
  /** Subscribes to this process's commits; returns the unsubscribe. */
  onCommit(listener: CommitListener): () => void;
  /**
   * Drops log entries (and the tombstones they carried) beyond the newest `retention` ones;
   * resolves to the new floor.
   */
  compact(retention: number): Promise<number>;
  /** Ends the store's connections (a no-op for a store that does not own its database). */
  close(): Promise<void>;
};
