import type { Change, Entity, FieldChangeData } from '../../shared/sync/entities';
import { uuidv7 } from '../../shared/sync/ids';
import type { AppliedMutation } from './asyncStore';
import { committedRecord, createCommitNotifier, type CommitNotifier } from './commits';
import type { Database } from './db';
import { createReportFacts, type ReportFacts } from './reportFacts';
import { sqliteStatements, toChange, toRecord, type SqliteStatements } from './sqliteStatements';
import type { CommitListener, Store, StoredRecord, StoreOptions, WriteMeta } from './store';
import { visibilityParams, type ConversationScope, type Viewer } from './visibility';

/** The SQLite store: the Store contract, plus the hook its async adapter (sqliteAsync.ts) needs. */
export type SqliteStore = Store & {
  /** The mutations among `ids` applied before (the applied_mutations table of push), by id. */
  appliedMutations(ids: readonly string[]): Map<string, AppliedMutation>;
  keepAppliedMutations(rows: readonly AppliedMutation[]): void;
  /**
   * Opens a transaction that stays open across awaits, for the async adapter only. While it is
   * open, writes go into it and a synchronous `transaction` from elsewhere is refused (it would
   * otherwise become a savepoint of a transaction it knows nothing of).
   */
  openTransaction(): OpenSqliteTransaction;
};

/** A transaction opened by openTransaction; commit tells the commit listeners, as `transaction` does. */
export type OpenSqliteTransaction = {
  savepoint(): { release(): void; rollback(): void };
  commit(): void;
  rollback(): void;
};

/**
 * The relay's store on its SQLite database (the embedded default). It lives here, not beside the
 * contract in store.ts, so that the contract imports no implementation.
 */
export function createStore(db: Database, now: () => number, o: Omit<StoreOptions, 'now'> = {}): SqliteStore {
  return createSqliteStore(db, { now, ...o });
}

/**
 * The Store (store.ts) on SQLite: records, the ordered change log and field history. Every write
 * appends to the log and stamps the record with the new position, inside `transaction`, which
 * tells commit listeners what was written once the outermost transaction commits.
 */
export function createSqliteStore(db: Database, o: StoreOptions): SqliteStore {
  const q = sqliteStatements(db);
  const c: SqliteStoreContext = {
    db,
    q,
    now: o.now,
    // Derived in the same transaction as the record, like field history: reports never lag the data.
    facts: createReportFacts(db),
    notes: createCommitNotifier(o.onListenerError),
    run: transactionRunner(db),
    depth: 0,
    openAsync: false,
  };
  const head = () => headOf(q);
  return {
    transaction: (fn, mode) => runTransaction(c, fn, mode),
    openTransaction: () => openTransaction(c),
    appliedMutations: (ids) => appliedMutations(q, ids),
    keepAppliedMutations(rows: readonly AppliedMutation[]): void {
      requireTransaction(c);
      for (const r of rows) q.keepApplied.run(r);
    },
    onCommit: (listener: CommitListener) => c.notes.subscribe(listener),
    put: (rec, meta) => putRecord(c, rec, meta),
    putFieldChange: (fc, convId, meta) => putFieldChange(c, fc, convId, meta),
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
    head,
    requestRouting(convId: string): void {
      c.notes.requestRouting(convId);
    },
    scopeMovesAfter: (cursor) => scopeMovesAfter(q, cursor),
    /** A conversation and everything that hangs off it (thread, notes, calls, field history), in log order. */
    conversationRecords(convId: string): Change[] {
      return q.ofConversation.all(convId).map(toChange);
    },
    pastScopes: (convId) => pastScopes(q, convId),
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
    compact: (retention) => compactLog(db, q, retention),
  };
}

/** What the store's module functions share: its statements, clock, derived facts, notes and nesting. */
type SqliteStoreContext = {
  db: Database;
  q: SqliteStatements;
  now: () => number;
  facts: ReportFacts;
  notes: CommitNotifier;
  /** Runs a function in a transaction, or in a savepoint when one is open. */
  run: ReturnType<typeof transactionRunner>;
  /** How many store transactions are open, one inside the other (0: none). */
  depth: number;
  /** An async transaction (openTransaction) is open. */
  openAsync: boolean;
};

/** Runs a function in a transaction: better-sqlite3 makes a nested call a savepoint, so one wrapper serves all. */
function transactionRunner(db: Database) {
  return db.transaction((fn: () => unknown) => fn());
}

/** The position of the newest log entry (0 while the log is empty). */
function headOf(q: SqliteStatements): number {
  return q.head.get() ?? 0;
}

/** Throws unless a store transaction is open: every write runs in one. */
function requireTransaction(c: SqliteStoreContext): void {
  if (c.depth === 0) throw new Error('Store writes run inside store.transaction.');
}

/**
 * Runs `fn` in a transaction (a savepoint when nested) and, once the outermost one commits, tells
 * the commit listeners; refused while an async transaction is open or inside a bare db.transaction.
 */
function runTransaction<R>(c: SqliteStoreContext, fn: () => R, mode?: 'immediate'): R {
  if (c.openAsync)
    throw new Error(
      'A synchronous store transaction cannot run while an async one is open (sqliteAsync.ts); use its tx.',
    );
  // Inside a bare db.transaction this one would "commit" before the outer one did.
  if (c.depth === 0 && c.db.inTransaction)
    throw new Error(
      'A store transaction cannot run inside a bare db.transaction; make that one store.transaction.',
    );
  const mark = c.notes.mark();
  c.depth += 1;
  let result: R;
  try {
    result = (mode === 'immediate' ? c.run.immediate(fn) : c.run(fn)) as R;
  } catch (err) {
    c.depth -= 1;
    c.notes.rollBackTo(mark);
    throw err;
  }
  c.depth -= 1;
  if (c.depth === 0) c.notes.committed(headOf(c.q));
  return result;
}

/** Begins an async transaction (BEGIN IMMEDIATE) that stays open until its commit or rollback. */
function openTransaction(c: SqliteStoreContext): OpenSqliteTransaction {
  const { db, notes } = c;
  if (c.depth > 0 || db.inTransaction)
    throw new Error('An async store transaction cannot nest in another one.');
  db.exec('BEGIN IMMEDIATE');
  const mark = notes.mark();
  c.depth = 1;
  c.openAsync = true;
  let savepoints = 0;
  const end = () => {
    c.depth = 0;
    c.openAsync = false;
  };
  return {
    savepoint: () => openSavepoint(c, `async_sp_${++savepoints}`),
    commit() {
      try {
        db.exec('COMMIT');
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        end();
        notes.rollBackTo(mark);
        throw err;
      }
      end();
      notes.committed(headOf(c.q));
    },
    rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
      end();
      notes.rollBackTo(mark);
    },
  };
}

/** A savepoint named `name` in the open async transaction; its rollback drops the notes written since. */
function openSavepoint(c: SqliteStoreContext, name: string): { release(): void; rollback(): void } {
  const at = c.notes.mark();
  c.db.exec(`SAVEPOINT ${name}`);
  return {
    release: () => c.db.exec(`RELEASE ${name}`),
    rollback() {
      c.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      c.notes.rollBackTo(at);
    },
  };
}

/** Writes a record's new whole state and appends it to the log; returns its position. */
function putRecord(c: SqliteStoreContext, rec: Omit<StoredRecord, 'seq'>, meta: WriteMeta): number {
  requireTransaction(c);
  const { q, notes } = c;
  const conv = rec.entity === 'conversation' ? rec.data : null;
  const teamId = conv ? ((conv['teamId'] as string | null | undefined) ?? null) : null;
  const assigneeId = conv ? ((conv['assigneeId'] as string | null | undefined) ?? null) : null;
  if (conv && !notes.hasScopeMove(rec.id)) {
    const before = q.scope.get(rec.id);
    if (before && (before.team_id !== teamId || before.assignee_id !== assigneeId))
      notes.scopeMoved(rec.id, { teamId: before.team_id, assigneeId: before.assignee_id });
  }
  const seq = Number(
    q.appendLog.run(rec.entity, rec.id, meta.mutationId, meta.agentId, c.now()).lastInsertRowid,
  );
  const data = JSON.stringify(rec.data);
  const clocks = JSON.stringify(rec.clocks);
  q.upsert.run({
    entity: rec.entity,
    id: rec.id,
    data,
    clocks,
    deleted: rec.deleted ? 1 : 0,
    seq,
    conv_id: rec.convId,
    team_id: teamId,
    assignee_id: assigneeId,
  });
  c.facts.apply(rec);
  if (notes.listening()) notes.wrote(committedRecord(rec, seq, data, clocks));
  return seq;
}

/** Keeps one value a field was given, as a synced fieldChange record; returns its position. */
function putFieldChange(
  c: SqliteStoreContext,
  fc: FieldChangeData,
  convId: string | null,
  meta: WriteMeta,
): number {
  const id = uuidv7(c.now());
  c.q.history.run(id, fc.entity, fc.recordId, fc.field, fc.clock, fc.outcome);
  return putRecord(c, { entity: 'fieldChange', id, data: fc, clocks: {}, deleted: false, convId }, meta);
}

/** The mutations among `ids` applied before, by id. */
function appliedMutations(q: SqliteStatements, ids: readonly string[]): Map<string, AppliedMutation> {
  const out = new Map<string, AppliedMutation>();
  for (const id of ids) {
    const r = q.applied.get(id);
    if (r) out.set(id, { id, ...r });
  }
  return out;
}

/** Conversations whose team or assignee changed after `cursor`, with the fields that did. */
function scopeMovesAfter(q: SqliteStatements, cursor: number): Map<string, Set<'teamId' | 'assigneeId'>> {
  const moves = new Map<string, Set<'teamId' | 'assigneeId'>>();
  for (const r of q.scopeMovesAfter.all(cursor)) {
    let fields = moves.get(r.conv);
    if (!fields) moves.set(r.conv, (fields = new Set()));
    fields.add(r.field as 'teamId' | 'assigneeId');
  }
  return moves;
}

/** Every team and assignee a conversation was ever given (from its field history). */
function pastScopes(q: SqliteStatements, convId: string): { teamIds: Set<string>; assigneeIds: Set<string> } {
  const teamIds = new Set<string>();
  const assigneeIds = new Set<string>();
  for (const json of q.accessHistory.all(convId)) {
    const fc = JSON.parse(json) as FieldChangeData;
    if (typeof fc.value !== 'string') continue;
    (fc.field === 'teamId' ? teamIds : assigneeIds).add(fc.value);
  }
  return { teamIds, assigneeIds };
}

/**
 * Drops log entries (and the tombstones they carried) beyond the newest `retention` ones.
 * Records themselves stay: their seq is their latest position, so live state is never lost.
 */
function compactLog(db: Database, q: SqliteStatements, retention: number): number {
  const floor = headOf(q) - retention;
  const prior = Number(q.floor.get() ?? 0);
  if (floor <= prior) return prior;
  db.transaction(() => {
    q.dropLog.run(floor);
    q.dropTombstones.run(floor);
    q.setFloor.run(String(floor));
  })();
  return floor;
}
