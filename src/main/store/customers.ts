import type { CustomerData } from '../../shared/sync/entities';
import { stmt, type Db } from './db';

export type Customer = { id: string } & CustomerData;
type CustomerRow = { id: string; data: string };

const toCustomer = (r: CustomerRow): Customer => ({ ...(JSON.parse(r.data) as CustomerData), id: r.id });

/** Customers as the agent sees them now (optimistic), newest first. Defaults: limit 200, offset 0. */
export function listCustomers(db: Db, opts: { limit?: number; offset?: number } = {}): Customer[] {
  const rows = stmt(
    db,
    `SELECT id, data FROM records WHERE entity = 'customer' AND data IS NOT NULL AND deleted = 0
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
