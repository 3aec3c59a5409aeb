import type { AsyncStore, AsyncStoreReads, AsyncTx } from './asyncStore';
import type { OpenSqliteTransaction, SqliteStore } from './sqliteStore';

/**
 * The SQLite store behind the async contract (asyncStore.ts), unchanged underneath: every answer
 * is the synchronous one, resolved. A transaction is opened with BEGIN IMMEDIATE and stays open
 * across the body's awaits; async transactions run one at a time, in the order asked. While one
 * is open a synchronous `store.transaction` throws, so a body should await nothing but its tx
 * (then no timer or socket callback can run in between: the awaits are microtasks only).
 */
export function asyncSqliteStore(store: SqliteStore): AsyncStore {
  let queue: Promise<unknown> = Promise.resolve();

  async function transaction<R>(fn: (tx: AsyncTx) => Promise<R>): Promise<R> {
    const turn = queue.then(() => runOne(store, fn));
    queue = turn.catch(() => undefined);
    return turn;
  }

  return {
    ...readsOf(store),
    transaction,
    onCommit: (listener) => store.onCommit(listener),
    compact: async (retention) => store.compact(retention),
    close: async () => undefined,
  };
}

async function runOne<R>(store: SqliteStore, fn: (tx: AsyncTx) => Promise<R>): Promise<R> {
  const open = store.openTransaction();
  let result: R;
  try {
    result = await fn(txOf(store, open));
  } catch (err) {
    open.rollback();
    throw err;
  }
  open.commit();
  return result;
}

/** The open transaction's view: the store's own reads and writes (they go into the open transaction). */
function txOf(store: SqliteStore, open: OpenSqliteTransaction): AsyncTx {
  const tx: AsyncTx = {
    ...readsOf(store),
    put: async (rec, meta) => store.put(rec, meta),
    putFieldChange: async (fc, convId, meta) => store.putFieldChange(fc, convId, meta),
    requestRouting: (convId) => store.requestRouting(convId),
    appliedMutations: async (ids) => store.appliedMutations(ids),
    keepAppliedMutations: async (rows) => store.keepAppliedMutations(rows),
    async savepoint(fn) {
      const sp = open.savepoint();
      let result;
      try {
        result = await fn(tx);
      } catch (err) {
        sp.rollback();
        throw err;
      }
      sp.release();
      return result;
    },
  };
  return tx;
}

function readsOf(store: SqliteStore): AsyncStoreReads {
  return {
    get: async (entity, id) => store.get(entity, id),
    hasHistory: async (entity, id, field) => store.hasHistory(entity, id, field),
    conversationIdsOfCustomer: async (customerId) => store.conversationIdsOfCustomer(customerId),
    customersMergedInto: async (customerId) => store.customersMergedInto(customerId),
    scopeOf: async (convId) => store.scopeOf(convId),
    head: async () => store.head(),
    scopeMovesAfter: async (cursor) => store.scopeMovesAfter(cursor),
    conversationRecords: async (convId) => store.conversationRecords(convId),
    pastScopes: async (convId) => store.pastScopes(convId),
    floor: async () => store.floor(),
    changesAfter: async (viewer, cursor, limit) => store.changesAfter(viewer, cursor, limit),
    snapshotPage: async (viewer, after, head, limit) => store.snapshotPage(viewer, after, head, limit),
    snapshotTotal: async (viewer, head) => store.snapshotTotal(viewer, head),
  };
}
