import type pg from 'pg';
import type { LeaseTable } from '../leases';

/**
 * Leases on PostgreSQL (migration 004, table routing_lease), by the database's clock so relays
 * with skewed clocks agree. One statement takes or renews: an insert of every name, which on a
 * conflict overwrites the row only when this owner holds it (a renewal: same tenure) or it has run
 * out (a hand-over: tenure + 1). Row locks make two claimants of one free lease take turns (in name
 * order, so two claims never deadlock), and the second sees the first's live lease and leaves it. Runs outside the store's log lock: a
 * lease is not a synced change.
 */
export function createPgLeases(pool: pg.Pool): LeaseTable {
  return {
    async claim(owner, names, ttlMs) {
      if (names.length === 0) return new Map();
      const r = await pool.query<{ queue: string; epoch: string }>(
        `INSERT INTO routing_lease AS l (queue, owner, epoch, expires_at)
           SELECT q, $2, 1, now() + $3 * interval '1 millisecond' FROM unnest($1::text[]) AS q ORDER BY q
         ON CONFLICT (queue) DO UPDATE
           SET owner = EXCLUDED.owner,
               epoch = CASE WHEN l.owner = EXCLUDED.owner AND l.expires_at > now() THEN l.epoch ELSE l.epoch + 1 END,
               expires_at = EXCLUDED.expires_at
           WHERE l.owner = EXCLUDED.owner OR l.expires_at <= now()
         RETURNING queue, epoch`,
        [[...new Set(names)].sort(), owner, Math.max(1, Math.round(ttlMs))],
      );
      return new Map(r.rows.map((row) => [row.queue, Number(row.epoch)]));
    },
    async release(owner, names) {
      if (names.length === 0) return;
      await pool.query(
        `UPDATE routing_lease SET expires_at = now() WHERE owner = $1 AND queue = ANY($2::text[]) AND expires_at > now()`,
        [owner, [...names]],
      );
    },
    async holders(names) {
      const r = await pool.query<{ queue: string; owner: string }>(
        'SELECT queue, owner FROM routing_lease WHERE queue = ANY($1::text[]) AND expires_at > now()',
        [[...names]],
      );
      return new Map(r.rows.map((row) => [row.queue, row.owner]));
    },
  };
}
