import type { Change, Entity, FieldChangeData } from '../../shared/sync/entities';
import type { Hlc } from '../../shared/sync/hlc';
import type { ConversationScope, Viewer } from './visibility';

// The relay's store as a contract: what the rooms above (sync, routing, channels, voice) may ask
// of it. SQLite implements it today (sqliteStore.ts, whose createStore opens one); a PostgreSQL
// store (several relay processes on one database) is the next implementation. Callers depend on
// this type, not on SQL; the contract imports no implementation.

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

export type WriteMeta = { mutationId: string | null; agentId: string | null };

/** One record as a committed transaction wrote it (its latest state in that transaction). */
export type CommittedRecord = {
  change: Change;
  /** Conversation whose visibility the record shares (visibility.ts); null: every agent's. */
  convId: string | null;
  /** `change` as JSON text, made from the text the store wrote, so fan-out does not encode it again. */
  json: string;
};

/**
 * What one transaction committed, as the store tells its subscribers right after the commit:
 * the records it wrote (each once, in its final state, in log order) and what they imply for
 * subscribers that would otherwise read it back.
 */
export type Commit = {
  /** The log position of the last write: the head right after this commit. */
  head: number;
  /** The position of its first write: the positions in between are all this commit's (head + 1 when it wrote none). */
  first: number;
  records: readonly CommittedRecord[];
  /** The same changes, for subscribers that need no visibility (routing, channels). */
  changes: readonly Change[];
  /** Conversations whose team or assignee changed, with their scope before and after. */
  scopeMoves: ReadonlyMap<string, { before: ConversationScope; after: ConversationScope }>;
  /** Conversations handed over (transfers) that routing should release and offer again. */
  routingRequests: readonly string[];
};

/** Hears every commit, in commit order; a commit made while listening is told after this one. */
export type CommitListener = (commit: Commit) => void;

export type Store = {
  /**
   * Runs `fn` in one transaction (a savepoint when nested; `immediate` takes the write lock at
   * the start) and, once the outermost transaction commits, tells every commit listener what it
   * wrote. A throw rolls back `fn`'s writes and what they would have told. Every write of a
   * record runs inside one.
   */
  transaction<R>(fn: () => R, mode?: 'immediate'): R;
  /** Subscribes to commits; returns the unsubscribe. Listener errors go to the store's `onListenerError`. */
  onCommit(listener: CommitListener): () => void;

  /** Writes a record's new whole state and appends it to the log; returns its position. */
  put(rec: Omit<StoredRecord, 'seq'>, meta: WriteMeta): number;
  /** Keeps one value a field was given, as a synced fieldChange record; returns its position. */
  putFieldChange(fc: FieldChangeData, convId: string | null, meta: WriteMeta): number;
  /** Asks routing, after the commit, to release and re-offer a conversation (a transfer). */
  requestRouting(convId: string): void;

  get(entity: Entity, id: string): StoredRecord | null;
  hasHistory(entity: Entity, id: string, field: string): boolean;
  /** Ids of a customer's conversations. */
  conversationIdsOfCustomer(customerId: string): string[];
  /** Ids of the profiles merged into this one (and not unmerged). */
  customersMergedInto(customerId: string): string[];
  /** Team and assignee of a conversation, or null when there is none. */
  scopeOf(convId: string): ConversationScope | null;
  /** The newest log position (0 for an empty log). */
  head(): number;
  /** Conversations whose team or assignee changed after `cursor`, with the fields that did. */
  scopeMovesAfter(cursor: number): Map<string, Set<'teamId' | 'assigneeId'>>;
  /** A conversation and everything that hangs off it (thread, notes, calls, field history), in log order. */
  conversationRecords(convId: string): Change[];
  /** Every team and assignee a conversation was ever given (from its field history). */
  pastScopes(convId: string): { teamIds: Set<string>; assigneeIds: Set<string> };
  /** Positions at or below the floor were compacted away; older cursors need a full resync. */
  floor(): number;
  /** Up to `limit` visible records changed after `cursor`, each in its latest state, in log order. */
  changesAfter(viewer: Viewer, cursor: number, limit: number): Change[];
  /** One page of the live records at or below `head`, after position `after`. */
  snapshotPage(viewer: Viewer, after: number, head: number, limit: number): Change[];
  snapshotTotal(viewer: Viewer, head: number): number;
  /**
   * Drops log entries (and the tombstones they carried) beyond the newest `retention` ones.
   * Records themselves stay: their seq is their latest position, so live state is never lost.
   */
  compact(retention: number): number;
};

export type StoreOptions = {
  /** Relay time in ms. */
  now: () => number;
  /**
   * Where a commit listener's throw goes (the commit stands either way, and the other listeners
   * are still told). [default: the first one is thrown to the writer once every listener ran]
   */
  onListenerError?: (err: unknown) => void;
};
