import type { Report, ReportQuery } from '../../shared/reports/figures';
import { stmt, type Db } from './statements';

/** Reports kept for offline reading by default (the newest fetched; each can be a few MB). */
export const DEFAULT_CACHED_REPORTS = 12;

/** The cache key of a request: its fields in a fixed order. */
export function reportKey(q: ReportQuery): string {
  return JSON.stringify([q.from, q.to, q.tz, q.groupBy, q.bucket]);
}

export type CachedReport = { report: Report; fetchedAt: string };

/** Keeps a fetched report, dropping the oldest beyond `keep` [keep=DEFAULT_CACHED_REPORTS]. */
export function putReport(db: Db, report: Report, fetchedAt: string, keep = DEFAULT_CACHED_REPORTS): void {
  db.transaction(() => {
    stmt(
      db,
      `INSERT INTO report_cache (query, report, fetched_at) VALUES (?, ?, ?)
       ON CONFLICT (query) DO UPDATE SET report = excluded.report, fetched_at = excluded.fetched_at`,
    ).run(reportKey(report), JSON.stringify(report), fetchedAt);
    stmt(
      db,
      `DELETE FROM report_cache WHERE query NOT IN
         (SELECT query FROM report_cache ORDER BY fetched_at DESC LIMIT ?)`,
    ).run(keep);
  })();
}

type Row = { report: string; fetched_at: string };
const toCached = (r: Row | undefined): CachedReport | null =>
  r ? { report: JSON.parse(r.report) as Report, fetchedAt: r.fetched_at } : null;

/** The last figures fetched for this request, or null. */
export function cachedReport(db: Db, q: ReportQuery): CachedReport | null {
  return toCached(
    stmt(db, 'SELECT report, fetched_at FROM report_cache WHERE query = ?').get(reportKey(q)) as
      Row | undefined,
  );
}

/** The newest report fetched for any request, or null. */
export function latestReport(db: Db): CachedReport | null {
  return toCached(
    stmt(db, 'SELECT report, fetched_at FROM report_cache ORDER BY fetched_at DESC LIMIT 1').get() as
      Row | undefined,
  );
}
