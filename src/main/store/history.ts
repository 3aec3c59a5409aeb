import type { Entity, FieldChangeData } from '../../shared/sync/entities';
import { stmt, type Db } from './statements';

export type FieldChange = { id: string } & FieldChangeData;

/**
 * Every value a record's fields held, as the relay recorded them (winners and overwritten or
 * losing values), oldest first; narrowed to one field when `field` is given.
 */
export function fieldHistory(db: Db, entity: Entity, recordId: string, field?: string): FieldChange[] {
  const rows = stmt(
    db,
    `SELECT id, data FROM records WHERE entity = 'fieldChange' AND parent_id = ? AND data IS NOT NULL ORDER BY sort_at, id`,
  ).all(recordId) as { id: string; data: string }[];
  return rows
    .map((r) => ({ ...(JSON.parse(r.data) as FieldChangeData), id: r.id }))
    .filter((c) => c.entity === entity && (field === undefined || c.field === field))
    .sort((a, b) => (a.clock < b.clock ? -1 : a.clock > b.clock ? 1 : 0));
}
