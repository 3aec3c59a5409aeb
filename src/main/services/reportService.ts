import type { ReportAnswer } from '../../shared/reportsApi';
import type { ReportQuery } from '../../shared/reports/figures';
import { RELAY_ROUTES as R, routePath, type RouteResponse } from '../../shared/relayRoutes';
import { LOCAL_ERR, LocalError } from '../base/errors';
import type { LocalStore } from '../store/localStore';
import { cachedReport, latestReport, putReport } from '../store/reportCache';
import { relayJson, relayOk, type RelayFetch } from './relayRequests';

const queryString = (q: ReportQuery) =>
  new URLSearchParams({ from: q.from, to: q.to, tz: q.tz, groupBy: q.groupBy, bucket: q.bucket }).toString();

const offline = (err: unknown) => err instanceof LocalError && err.code === LOCAL_ERR.OFFLINE;

/**
 * Reports of the Supervisor place. The relay computes them for the viewer's scope; each answer is
 * kept in the encrypted cache, so with the relay out of reach the last figures are shown, marked
 * with when they were fetched. A refusal (not a supervisor, a bad range) is never hidden by old
 * figures. CSV exports go through the relay, which records each in its audit log.
 */
export class ReportService {
  constructor(private readonly o: { store: () => LocalStore; relay: RelayFetch; now?: () => number }) {}

  async get(q: ReportQuery): Promise<ReportAnswer> {
    try {
      const report = await relayJson<RouteResponse<typeof R.reports>>(
        this.o.relay,
        R.reports.method,
        routePath(R.reports, {}, queryString(q)),
      );
      const fetchedAt = new Date((this.o.now ?? Date.now)()).toISOString();
      putReport(this.o.store().db, report, fetchedAt);
      return { report, fetchedAt, offline: false };
    } catch (err) {
      if (!offline(err)) throw err;
      const db = this.o.store().db;
      const cached = cachedReport(db, q) ?? latestReport(db);
      if (!cached) throw err;
      return { ...cached, offline: true };
    }
  }

  async csv(q: ReportQuery): Promise<{ name: string; csv: string }> {
    try {
      const res = await relayOk(this.o.relay, routePath(R.reportsCsv, {}, queryString(q)));
      return { name: `switchboard-report-${q.groupBy}-${q.from}-${q.to}.csv`, csv: await res.text() };
    } catch (err) {
      if (!offline(err)) throw err;
      throw new LocalError(
        LOCAL_ERR.OFFLINE,
        'Exporting needs the server (it records every export); try again once you are back online.',
      );
    }
  }
}
