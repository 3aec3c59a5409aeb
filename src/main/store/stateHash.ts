import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/sync/canonicalJson';
import { stmt, type Db } from './statements';

/** SHA-256 (hex) of the confirmed state, sorted by entity and id, as canonical JSON: equal replicas, equal hashes. */
export function confirmedStateHash(db: Db): string {
  const h = createHash('sha256');
  const rows = stmt(
    db,
    'SELECT entity, id, server_data, server_clocks, server_deleted FROM records WHERE confirmed = 1 ORDER BY entity, id',
  ).iterate() as IterableIterator<{
    entity: string;
    id: string;
    server_data: string | null;
    server_clocks: string;
    server_deleted: number;
  }>;
  for (const r of rows) {
    const data = r.server_data === null ? null : (JSON.parse(r.server_data) as unknown);
    h.update(
      canonicalJson([r.entity, r.id, data, JSON.parse(r.server_clocks), r.server_deleted === 1]) + '\n',
    );
  }
  return h.digest('hex');
}
