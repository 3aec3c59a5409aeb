import type { CannedReplyView } from '../../shared/views';
import { stmt, type Db } from './statements';

export const SEARCH_CANNED_SQL = `SELECT id, data FROM records
  WHERE entity = 'cannedReply' AND deleted = 0 AND data IS NOT NULL
    AND (instr(lower(json_extract(data, '$.shortCode')), @q) > 0
      OR instr(lower(json_extract(data, '$.title')), @q) > 0
      OR instr(lower(json_extract(data, '$.body')), @q) > 0)
  ORDER BY json_extract(data, '$.shortCode') LIMIT @limit`;

/** Canned replies in the cache matching `q` in short code, title or body (case-insensitive). Default 8. */
export function searchCannedReplies(db: Db, q: string, limit = 8): CannedReplyView[] {
  const rows = stmt(db, SEARCH_CANNED_SQL).all({ q: q.trim().toLowerCase(), limit }) as {
    id: string;
    data: string;
  }[];
  return rows.map((r) => {
    const d = JSON.parse(r.data) as Partial<Record<'shortCode' | 'title' | 'body', unknown>>;
    const s = (v: unknown) => (typeof v === 'string' ? v : '');
    return { id: r.id, shortCode: s(d.shortCode), title: s(d.title), body: s(d.body) };
  });
}
