import pg from 'pg';
import type { FieldChangeData } from '../../../shared/sync/entities';
import { uuidv7 } from '../../../shared/sync/ids';
import type { AsyncStore, AsyncTx } from '../asyncStore';
import { committedRecord, createCommitNotifier, type CommitNotifier } from '../commits';
import type { StoredRecord, WriteMeta } from '../store';
import { appliedMutationsOn } from './pgApplied';
import { checkout } from './checkout';
import { migratePostgres } from './migrations';
import { floorOn, headOn, readsOn } from './pgReads';

/**
 * The advisory lock every writer of the log holds from BEGIN to COMMIT, in every relay process.
 * Positions are taken under it and it is released only after the commit is visible, so a reader
 * that has seen position N has seen every position below N that will ever commit.
 */
export const LOG_LOCK_ID = 0x5342_4c4f_47; // 'SBLOG'

export type PgStoreOptions = {
  /** A connection string (`postgres://user@host:port/db`). */
  connectionString: string;
  /** Relay time in ms. */
  now: () => number;
  /** Connections in this process's pool. [default: 10] */
  poolSize?: number;
  /** Runs pending migrations before the store is handed out. [default: true] */
  migrate?: boolean;
  /** Where a commit listener's throw goes. [default: the first one is thrown to the writer] */
  onListenerError?: (err: unknown) => void;
  /** Where an idle pooled connection's error goes (the pool drops that connection). [default: ignored] */
  onPoolError?: (err: Error) => void;
};

/**
 * The PostgreSQL store, with what other repositories on the same database need (identity,
 * postgres/pgIdentity.ts): its pool, and a transaction whose connection they may write through
 * so their rows commit with its records.
 */
export type PgStore = AsyncStore & {
  pool: pg.Pool;
  /** `transaction`, with the transaction's connection: a query on `client` is part of it. */
  transactionWith<R>(fn: (tx: AsyncTx, client: pg.PoolClient) => Promise<R>): Promise<R>;
};

/**
 * The AsyncStore (asyncStore.ts) on PostgreSQL, pooled (node-postgres). Several relay processes
 * may share one database. Every transaction takes the log lock (LOG_LOCK_ID) when it begins, so
 * writers are serialized across processes as SQLite's one connection serializes them: what a
 * transaction reads stays true until it commits, and log positions are commit-ordered. Within
 * this process transactions also wait their turn before taking a connection, so a queue of
 * writers does not hold the pool that readers need. Commit listeners hear this process's commits;
 * other processes' commits reach it through fan-out pokes (notify.ts) and a read of the log.
 */
export async function createPgStore(o: PgStoreOptions): Promise<PgStore> {
  const pool = new pg.Pool({ connectionString: o.connectionString, max: o.poolSize ?? 10 });
  pool.on('error', (err) => o.onPoolError?.(err));
  if (o.migrate ?? true) {
    try {
      await migratePostgres(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
  }
  const notes = createCommitNotifier(o.onListenerError);
  let turn: Promise<unknown> = Promise.resolve();

  function transactionWith<R>(fn: (tx: AsyncTx, client: pg.PoolClient) => Promise<R>): Promise<R> {
    const mine = turn.then(() => runOne(pool, notes, o.now, fn));
    turn = mine.catch(() => undefined);
    return mine;
  }

  async function compact(retention: number): Promise<number> {
    const run = async (): Promise<number> => {
      const { client, release } = await checkout(pool);
      let broken: unknown = null;
      try {
        try {
          await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOG_LOCK_ID})`);
          const head = await headOn(client);
          const prior = await floorOn(client);
          const floor = head - retention;
          if (floor <= prior) {
            await client.query('COMMIT');
            return prior;
          }
          await client.query('DELETE FROM log WHERE seq <= $1', [floor]);
          await client.query('DELETE FROM records WHERE deleted AND seq <= $1', [floor]);
          await client.query('DELETE FROM scope_moves WHERE seq <= $1', [floor]);
          await client.query(
            "INSERT INTO meta (key, value) VALUES ('log_floor', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [String(floor)],
          );
          await client.query('COMMIT');
          return floor;
        } catch (err) {
          await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
          throw err;
        }
      } finally {
        release(broken);
      }
    };
    const mine = turn.then(run);
    turn = mine.catch(() => undefined);
    return mine;
  }

  return {
    ...readsOn(pool),
    pool,
    transaction: (fn) => transactionWith((tx) => fn(tx)),
    transactionWith,
    onCommit: (listener) => notes.subscribe(listener),
    compact,
    close: () => pool.end(),
  };
}

const connections = new WeakMap<AsyncTx, pg.PoolClient>();

/**
 * The connection of an open transaction of a PostgreSQL store (its `tx`, or a savepoint's): a
 * repository's rows written through it commit with the transaction's records, when the
 * transaction was opened by another room (the inbound path's, say). Throws for any other `tx`.
 */
export function connectionOf(tx: AsyncTx): pg.PoolClient {
  const client = connections.get(tx);
  if (!client) throw new Error('Not a transaction of a PostgreSQL store.');
  return client;
}

/** One transaction, start to commit, under the log lock; then tells this process's listeners. */
async function runOne<R>(
  pool: pg.Pool,
  notes: CommitNotifier,
  now: () => number,
  fn: (tx: AsyncTx, client: pg.PoolClient) => Promise<R>,
): Promise<R> {
  const { client, release } = await checkout(pool);
  const mark = notes.mark();
  let lastSeq = 0;
  let result: R;
  let broken: unknown = null;
  try {
    const tx = txOn(client, notes, now, (seq) => (lastSeq = Math.max(lastSeq, seq)));
    connections.set(tx, client);
    try {
      // Inside the try: a lock wait that fails (lock_timeout, cancel) leaves the transaction open.
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOG_LOCK_ID})`);
      result = await fn(tx, client);
      await client.query('COMMIT');
    } catch (err) {
      notes.rollBackTo(mark);
      await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
      throw err;
    }
  } finally {
    // A connection whose ROLLBACK failed is in an unknown state: the pool must not hand it out again.
    release(broken);
  }
  notes.committed(lastSeq || (await headOn(pool)));
  return result;
}

let savepoints = 0;

function txOn(
  client: pg.PoolClient,
  notes: CommitNotifier,
  now: () => number,
  wrote: (seq: number) => void,
): AsyncTx {
  async function put(rec: Omit<StoredRecord, 'seq'>, meta: WriteMeta): Promise<number> {
    const conv = rec.entity === 'conversation' ? rec.data : null;
    const teamId = conv ? ((conv['teamId'] as string | null | undefined) ?? null) : null;
    const assigneeId = conv ? ((conv['assigneeId'] as string | null | undefined) ?? null) : null;
    const data = JSON.stringify(rec.data);
    const clocks = JSON.stringify(rec.clocks);
    const r = await client.query<{
      seq: string;
      had: boolean;
      team_id: string | null;
      assignee_id: string | null;
    }>({
      name: 'sb_put',
      text: PUT_SQL,
      values: [
        rec.entity,
        rec.id,
        meta.mutationId,
        meta.agentId,
        now(),
        data,
        clocks,
        rec.deleted,
        rec.convId,
        teamId,
        assigneeId,
      ],
    });
    const row = r.rows[0]!;
    const seq = Number(row.seq);
    if (conv && row.had && !notes.hasScopeMove(rec.id)) {
      if (row.team_id !== teamId || row.assignee_id !== assigneeId)
        notes.scopeMoved(rec.id, { teamId: row.team_id, assigneeId: row.assignee_id });
    }
    wrote(seq);
    if (notes.listening()) notes.wrote(committedRecord(rec, seq, data, clocks));
    return seq;
  }

  const tx: AsyncTx = {
    ...readsOn(client),
    put,
    async putFieldChange(fc: FieldChangeData, convId: string | null, meta: WriteMeta): Promise<number> {
      const id = uuidv7(now());
      await client.query({
        name: 'sb_history',
        text: 'INSERT INTO field_history (change_id, entity, record_id, field, clock, outcome) VALUES ($1, $2, $3, $4, $5, $6)',
        values: [id, fc.entity, fc.recordId, fc.field, fc.clock, fc.outcome],
      });
      return put({ entity: 'fieldChange', id, data: fc, clocks: {}, deleted: false, convId }, meta);
    },
    requestRouting: (convId) => notes.requestRouting(convId),
    ...appliedMutationsOn(client),
    async savepoint(fn) {
      const name = `sb_sp_${++savepoints}`;
      const at = notes.mark();
      await client.query(`SAVEPOINT ${name}`);
      let result;
      try {
        result = await fn(tx);
      } catch (err) {
        notes.rollBackTo(at);
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw err;
      }
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    },
  };
  return tx;
}

// One round trip per write: the record's scope before (for scope moves; every sub-statement of
// one statement sees the same snapshot, so `old` is the row as it was), the next position (the
// counter row, advanced under the log lock), the log entry, the record's new state and, when a
// conversation's scope changed, the scope it had (migration 007, for other relays' fan-out).
const PUT_SQL = `WITH old AS (SELECT team_id, assignee_id FROM records WHERE entity = $1::text AND id = $2::text),
  s AS (UPDATE log_head SET seq = seq + 1 RETURNING seq),
  l AS (INSERT INTO log (seq, entity, record_id, mutation_id, agent_id, at)
        SELECT s.seq, $1::text, $2::text, $3::text, $4::text, $5::bigint FROM s),
  r AS (INSERT INTO records (entity, id, data, clocks, deleted, seq, conv_id, team_id, assignee_id)
        SELECT $1::text, $2::text, $6::text, $7::text, $8::boolean, s.seq, $9::text, $10::text, $11::text FROM s
        ON CONFLICT (entity, id) DO UPDATE SET data = excluded.data, clocks = excluded.clocks,
          deleted = excluded.deleted, seq = excluded.seq, conv_id = excluded.conv_id,
          team_id = excluded.team_id, assignee_id = excluded.assignee_id
        RETURNING seq),
  m AS (INSERT INTO scope_moves (seq, conv_id, team_id, assignee_id)
        SELECT s.seq, $2::text, old.team_id, old.assignee_id FROM s, old WHERE $1::text = 'conversation'
          AND (old.team_id IS DISTINCT FROM $10::text OR old.assignee_id IS DISTINCT FROM $11::text))
SELECT r.seq::text AS seq, EXISTS (SELECT 1 FROM old) AS had,
  (SELECT team_id FROM old) AS team_id, (SELECT assignee_id FROM old) AS assignee_id FROM r`;
