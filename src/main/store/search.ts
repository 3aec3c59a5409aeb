import type { Entity } from '../../shared/sync/entities';
import { stmt, type Db } from './statements';
import { toFtsQuery } from './searchIndex';

/** A search result: a customer, or a message/note with the conversation it belongs to. */
export type SearchHit =
  | { entity: 'customer'; id: string; name: string; company: string }
  | { entity: 'message' | 'note'; id: string; conversationId: string; body: string };

/**
 * Full-text search over customers (name, phones, emails, company) and messages and notes (body),
 * Chinese included; newest first (every word must match). Default limit 50.
 * Newest first rather than by bm25 rank: an agent looks for the recent exchange, and ordering by
 * rowid lets FTS5 stop after `limit` matches instead of ranking every match (p95 at 1M messages:
 * 174 ms by rank, 7 ms by rowid).
 */
export function search(db: Db, query: string, opts: { limit?: number } = {}): SearchHit[] {
  const fts = toFtsQuery(query);
  if (!fts) return [];
  const rows = stmt(
    db,
    `SELECT r.entity, r.id, r.data FROM search s JOIN records r ON r.rowid = s.rowid
     WHERE search MATCH ? ORDER BY s.rowid DESC LIMIT ?`,
  ).all(fts, opts.limit ?? 50) as { entity: Entity; id: string; data: string }[];
  // A merged profile is found through the one it was merged into (its phones and emails are there).
  const live = rows.map((r) => ({ ...r, d: JSON.parse(r.data) as Record<string, unknown> }));
  return live.flatMap(({ d, ...r }): SearchHit[] => {
    if (r.entity === 'customer' && d['mergedInto']) return [];
    const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
    return [
      r.entity === 'customer'
        ? { entity: 'customer', id: r.id, name: s('name'), company: s('company') }
        : {
            entity: r.entity as 'message' | 'note',
            id: r.id,
            conversationId: s('conversationId'),
            body: s('body'),
          },
    ];
  });
}
