import type pg from 'pg';

/**
 * Takes a connection from the pool for a transaction. node-postgres drops its own error listener
 * from a checked-out client, and a connection that dies between two queries (while a transaction
 * body awaits something else) then emits an unheard 'error', which would end the process. This
 * listener keeps the error for the next query (which fails with it anyway); `release` hands the
 * connection back, or discards it when it broke.
 */
export async function checkout(
  pool: pg.Pool,
): Promise<{ client: pg.PoolClient; release(broken?: unknown): void }> {
  const client = await pool.connect();
  let failed: Error | null = null;
  const onError = (err: Error) => (failed = err);
  client.on('error', onError);
  return {
    client,
    release(broken?: unknown) {
      client.off('error', onError);
      const err = failed ?? (broken instanceof Error ? broken : null);
      client.release(err ?? undefined);
    },
  };
}
