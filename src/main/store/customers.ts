import type { CustomerData } from '../../shared/sync/entities';
import { stmt, type Db } from './statements';

export type Customer = { id: string } & CustomerData;
type CustomerRow = { id: string; data: string };

const toCustomer = (r: CustomerRow): Customer => ({ ...(JSON.parse(r.data) as CustomerData), id: r.id });

/** Customers as the agent sees them now (optimistic), newest first. Defaults: limit 200, offset 0. */
export function listCustomers(db: Db, opts: { limit?: number; offset?: number } = {}): Customer[] {
  const rows = stmt(
    db,
    `SELECT id, data FROM records WHERE entity = 'customer' AND data IS NOT NULL AND deleted = 0
       AND json_extract(data, '$.mergedInto') IS NULL
     ORDER BY sort_at DESC, id DESC LIMIT ? OFFSET ?`,
  ).all(opts.limit ?? 200, opts.offset ?? 0) as CustomerRow[];
  return rows.map(toCustomer);
}

export function getCustomer(db: Db, id: string): Customer | null {
  const r = stmt(
    db,
    `SELECT id, data FROM records WHERE entity = 'customer' AND id = ? AND data IS NOT NULL AND deleted = 0`,
  ).get(id) as CustomerRow | undefined;
  return r ? toCustomer(r) : null;
}

/** The query behind mergedInto(); its plan is pinned by a test (index customers_merged_into). */
export const MERGED_INTO_SQL = `SELECT id, data FROM records
  WHERE json_extract(data, '$.mergedInto') = ? AND json_extract(data, '$.mergedInto') IS NOT NULL
    AND entity = 'customer' AND deleted = 0`;

/** Profiles merged into this one (their conversations and calls belong to its timeline). */
export function mergedInto(db: Db, id: string): Customer[] {
  // Few rows: sorted here so the index, not the (entity, id) key, drives the query.
  const rows = stmt(db, MERGED_INTO_SQL).all(id) as CustomerRow[];
  return rows.map(toCustomer).sort((a, b) => a.id.localeCompare(b.id));
}

/** The customer and the profiles merged into it: whose conversations and calls a profile shows. */
export function profileIds(db: Db, id: string): string[] {
  return [id, ...mergedInto(db, id).map((c) => c.id)];
}
