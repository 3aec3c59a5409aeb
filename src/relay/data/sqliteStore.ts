import type { Change, Entity, FieldChangeData } from '../../shared/sync/entities';
import type { Hlc } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import type { AppliedMutation } from './asyncStore';
import { committedRecord, createCommitNotifier } from './commits';
import type { Database } from './db';
import { createReportFacts } from './reportFacts';
import type { CommitListener, Store, StoredRecord, StoreOptions, WriteMeta } from './store';
import { VISIBLE_SQL, visibilityParams, type ConversationScope, type Viewer } from './visibility';

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

type Row = {
  entity: Entity;
  id: string;
  data: string;
  clocks: string;
  deleted: number;
  seq: number;
  conv_id: string | null;
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
  const now = o.now;
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

  // Derived in the same transaction as the record, like field history: reports never lag the data.
  const facts = createReportFacts(db);
  const notes = createCommitNotifier(o.onListenerError);
  // better-sqlite3 makes a nested call a savepoint; one wrapper serves every transaction.
  const run = db.transaction((fn: () => unknown) => fn());
  let depth = 0;
  let openAsync = false;

  function transaction<R>(fn: () => R, mode?: 'immediate'): R {
    if (openAsync)
      throw new Error(
        'A synchronous store transaction cannot run while an async one is open (sqliteAsync.ts); use its tx.',
      );
    // Inside a bare db.transaction this one would "commit" before the outer one did.
    if (depth === 0 && db.inTransaction)
      throw new Error(
        'A store transaction cannot run inside a bare db.transaction; make that one store.transaction.',
      );
    const mark = notes.mark();
    depth += 1;
    let result: R;
    try {
      result = (mode === 'immediate' ? run.immediate(fn) : run(fn)) as R;
    } catch (err) {
      depth -= 1;
      notes.rollBackTo(mark);
      throw err;
    }
    depth -= 1;
    if (depth === 0) notes.committed(head());
    return result;
  }

  function openTransaction(): OpenSqliteTransaction {
    if (depth > 0 || db.inTransaction)
      throw new Error('An async store transaction cannot nest in another one.');
    db.exec('BEGIN IMMEDIATE');
    const mark = notes.mark();
    depth = 1;
    openAsync = true;
    let savepoints = 0;
    const end = () => {
      depth = 0;
      openAsync = false;
    };
    return {
      savepoint() {
        const name = `async_sp_${++savepoints}`;
        const at = notes.mark();
        db.exec(`SAVEPOINT ${name}`);
        return {
          release: () => db.exec(`RELEASE ${name}`),
          rollback() {
            db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
            notes.rollBackTo(at);
          },
        };
      },
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
        notes.committed(head());
      },
      rollback() {
        if (db.inTransaction) db.exec('ROLLBACK');
        end();
        notes.rollBackTo(mark);
      },
    };
  }

  function head(): number {
    return q.head.get() ?? 0;
  }

  /** Writes a record's new whole state and appends it to the log; returns its position. */
  function put(rec: Omit<StoredRecord, 'seq'>, meta: WriteMeta): number {
    if (depth === 0) throw new Error('Store writes run inside store.transaction.');
    const conv = rec.entity === 'conversation' ? rec.data : null;
    const teamId = conv ? ((conv['teamId'] as string | null | undefined) ?? null) : null;
    const assigneeId = conv ? ((conv['assigneeId'] as string | null | undefined) ?? null) : null;
    if (conv && !notes.hasScopeMove(rec.id)) {
      const before = q.scope.get(rec.id);
      if (before && (before.team_id !== teamId || before.assignee_id !== assigneeId))
        notes.scopeMoved(rec.id, { teamId: before.team_id, assigneeId: before.assignee_id });
    }
    const seq = Number(
      q.appendLog.run(rec.entity, rec.id, meta.mutationId, meta.agentId, now()).lastInsertRowid,
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
    facts.apply(rec);
    if (notes.listening()) notes.wrote(committedRecord(rec, seq, data, clocks));
    return seq;
  }

  /** Keeps one value a field was given, as a synced fieldChange record; returns its position. */
  function putFieldChange(fc: FieldChangeData, convId: string | null, meta: WriteMeta): number {
    const id = uuidv7(now());
    q.history.run(id, fc.entity, fc.recordId, fc.field, fc.clock, fc.outcome);
    return put({ entity: 'fieldChange', id, data: fc, clocks: {}, deleted: false, convId }, meta);
  }

  return {
    transaction,
    openTransaction,
    appliedMutations(ids: readonly string[]): Map<string, AppliedMutation> {
      const out = new Map<string, AppliedMutation>();
      for (const id of ids) {
        const r = q.applied.get(id);
        if (r) out.set(id, { id, ...r });
      }
      return out;
    },
    keepAppliedMutations(rows: readonly AppliedMutation[]): void {
      if (depth === 0) throw new Error('Store writes run inside store.transaction.');
      for (const r of rows) q.keepApplied.run(r);
    },
    onCommit: (listener: CommitListener) => notes.subscribe(listener),
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
    head,
    requestRouting(convId: string): void {
      notes.requestRouting(convId);
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
      const floor = head() - retention;
      const prior = Number(q.floor.get() ?? 0);
      if (floor <= prior) return prior;
      db.transaction(() => {
        q.dropLog.run(floor);
        q.dropTombstones.run(floor);
        q.setFloor.run(String(floor));
      })();
      return floor;
    },
  };
}
