import type pg from 'pg';

/**
 * Takes a connection from the pool for a transaction. node-postgres drops its own error listener
 * from a checked-out client, and a connection that dies between two queries (while a transaction
 * body awaits something else) then emits an unheard 'error', which would end the process. This
 * listener keeps the error for the next query (which fails with it anyway); `release` hands the
 * connection back, or discards it when it broke. While it is checked out, the client's queries
 * run one after another (inOrder), so a transaction body may start several at once.
 */
export async function checkout(
  pool: pg.Pool,
): Promise<{ client: pg.PoolClient; release(broken?: unknown): void }> {
  const client = await pool.connect();
  let failed: Error | null = null;
  const onError = (err: Error) => (failed = err);
  client.on('error', onError);
  const restore = inOrder(client);
  return {
    client,
    release(broken?: unknown) {
      restore();
      client.off('error', onError);
      const err = failed ?? (broken instanceof Error ? broken : null);
      client.release(err ?? undefined);
    },
  };
}

type QueryArgs = Parameters<pg.PoolClient['query']>;

/**
 * Makes `client.query` start each query only when the one before it has finished, in the order
 * they were called, which is the order node-postgres's own queue would run them in. Callers
 * (`Promise.all` over a transaction's reads and writes) may then start several at once without
 * leaning on that queue, which pg deprecates and pg@9 removes. A failed query does not stop the
 * next one: inside a transaction that one fails on its own ("current transaction is aborted"), as
 * in pg's queue. Returns what puts the client's own `query` back before it goes to the pool.
 * Promise forms only: nothing here passes a callback or a Submittable (a cursor, a stream), whose
 * end this could not await.
 */
function inOrder(client: pg.PoolClient): () => void {
  const own = Object.getOwnPropertyDescriptor(client, 'query');
  const query = client.query as (...args: QueryArgs) => Promise<unknown>;
  let last: Promise<unknown> = Promise.resolve();
  const serial = (...args: QueryArgs): Promise<unknown> => {
    if (typeof args.at(-1) === 'function' || typeof (args[0] as { submit?: unknown }).submit === 'function')
      throw new Error('A transaction connection runs promise queries only (no callback, no Submittable)');
    const mine = last.then(() => query.apply(client, args));
    last = mine.catch(() => undefined);
    return mine;
  };
  client.query = serial as pg.PoolClient['query'];
  return () => {
    if (own) Object.defineProperty(client, 'query', own);
    else delete (client as { query?: unknown }).query;
  };
}
