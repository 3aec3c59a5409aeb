import type { IncomingMessage, ServerResponse } from 'node:http';
import { reportCsv } from '../../shared/reports/csv';
import { reportQuerySchema, type Report, type ReportQuery } from '../../shared/reports/figures';
import { bucketBounds, daysBetween } from '../../shared/zonedTime';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { describeIssues, methodNotAllowed, RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Database } from '../data/db';
import {
  createReportQueries,
  DEFAULT_FIRST_RESPONSE_SEC,
  DEFAULT_SERVICE_LEVEL_SEC,
  type ReportQueries,
  type Targets,
} from '../data/reportQueries';
import type { Accounts } from '../identity/accounts';
import { AUDIT, clientIp, type Audit } from '../identity/audit';
import type { Auth, Principal } from '../identity/auth';
import { sendError, sendJson } from './reply';
import { targetOf } from './requestTarget';
import { RELAY_ROUTES as R } from '../../shared/relayRoutes';

export type ReportsOptions = {
  /** Longest range of a day-by-day report, in days. Default 92 (a quarter). */
  maxDays?: number;
  /** Longest range of an hour-by-hour report, in days. Default 31. */
  maxHourDays?: number;
  /** Service-level targets by channel, in seconds. Default DEFAULT_SERVICE_LEVEL_SEC (calls 20, chats 60). */
  serviceLevelSec?: Targets;
  /** First-response targets by channel (the SLA where a conversation has none), in seconds. Default DEFAULT_FIRST_RESPONSE_SEC. */
  firstResponseSec?: Targets;
};

/**
 * Whose conversations a viewer's reports cover: admins every team's (null), supervisors their
 * own teams'. Agents get no reports: the figures compare colleagues, so they are for those who
 * oversee the team (an agent's own figures are in their queue and history).
 */
function scopeOf(p: Principal, accounts: Accounts): string[] | null {
  if (p.role === 'admin') return null;
  if (p.role === 'supervisor') return accounts.teamIdsOf(p.agentId);
  throw new RelayError(
    RELAY_ERR.FORBIDDEN,
    'Reports are for supervisors and admins; ask your supervisor for your team’s figures.',
  );
}

/**
 * `GET /v1/reports?from=YYYY-MM-DD&to=YYYY-MM-DD&tz=<IANA>&groupBy=agent|team|queue|channel&bucket=hour|day`
 * (JSON) and `GET /v1/reports.csv` (the same figures as a file; each export is in the audit log).
 * `from` is inclusive and `to` exclusive, both local days in `tz`.
 * [maxDays=92] [maxHourDays=31] [serviceLevelSec={voice:20,chat:60}] [firstResponseSec=DEFAULT_FIRST_RESPONSE_SEC]
 */
export function createReportsHttp(d: ReportsHttpDeps) {
  const targets = {
    serviceLevelSec: d.options?.serviceLevelSec ?? DEFAULT_SERVICE_LEVEL_SEC,
    firstResponseSec: d.options?.firstResponseSec ?? DEFAULT_FIRST_RESPONSE_SEC,
  };
  const c: ReportsContext = {
    d,
    maxDays: d.options?.maxDays ?? 92,
    maxHourDays: d.options?.maxHourDays ?? 31,
    targets,
    queries: createReportQueries(d.db, targets),
  };

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = targetOf(req).path;
    if (path !== R.reports.pattern && path !== R.reportsCsv.pattern) return false;
    try {
      if (req.method !== 'GET') throw methodNotAllowed(`${req.method} is not allowed on ${path}.`, ['GET']);
      const p = await d.auth.authenticateRequest(req);
      const q = parseReportQuery(c, req);
      const r = report(c, p, q);
      if (path === R.reports.pattern) {
        sendJson(res, 200, r);
        return true;
      }
      sendReportCsv(c, req, res, p, r);
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}

type ReportsHttpDeps = {
  db: Database;
  auth: Auth;
  accounts: Accounts;
  audit: Audit;
  log: Logger;
  now: () => number;
  options?: ReportsOptions;
};

/** What the report routes share: their deps, range limits, targets and queries. */
type ReportsContext = {
  d: ReportsHttpDeps;
  maxDays: number;
  maxHourDays: number;
  targets: { serviceLevelSec: Targets; firstResponseSec: Targets };
  queries: ReportQueries;
};

/** The report query of a request's search parameters, its range within the limits (else VALIDATION). */
function parseReportQuery(c: ReportsContext, req: IncomingMessage): ReportQuery {
  const qs = targetOf(req).query;
  const raw: Record<string, string> = {};
  for (const [k, v] of qs) raw[k] ??= v;
  const r = reportQuerySchema.safeParse(raw);
  if (!r.success) throw new RelayError(RELAY_ERR.VALIDATION, describeIssues(r.error.issues));
  const days = daysBetween(r.data.from, r.data.to);
  const limit = r.data.bucket === 'hour' ? c.maxHourDays : c.maxDays;
  if (days > limit)
    throw new RelayError(
      RELAY_ERR.VALIDATION,
      `A report by ${r.data.bucket} covers at most ${limit} days; pick a shorter range${r.data.bucket === 'hour' ? ' or group by day' : ''}.`,
    );
  return r.data;
}

/** The report of `q` for principal `p`, from report_facts. */
function report(c: ReportsContext, p: Principal, q: ReportQuery): Report {
  const teams = scopeOf(p, c.d.accounts);
  const bounds = bucketBounds(q.from, q.to, q.tz, q.bucket);
  const now = c.d.now();
  const rows = c.queries.sums(q.groupBy, bounds, teams, now);
  const names = c.queries.names(q.groupBy);
  const keys = [...new Set(rows.map((r) => r.group))];
  return {
    ...q,
    generatedAt: new Date(now).toISOString(),
    buckets: bounds.map(([s, e]) => ({ start: new Date(s).toISOString(), end: new Date(e).toISOString() })),
    groups: keys
      .map((key) => ({ key, name: names.get(key) ?? key }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    rows,
    targets: c.targets,
    notes: [],
  };
}

/** Sends the report as a CSV file, and records the export in the audit log. */
function sendReportCsv(
  c: ReportsContext,
  req: IncomingMessage,
  res: ServerResponse,
  p: Principal,
  r: Report,
): void {
  const csv = reportCsv(r);
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="switchboard-report-${r.groupBy}-${r.from}.csv"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(csv);
  // Figures about people leave the relay as a file: who took which, and how much.
  c.d.audit.record({
    actorId: p.agentId,
    action: AUDIT.REPORT_EXPORTED,
    target: r.groupBy,
    detail: { from: r.from, to: r.to, tz: r.tz, bucket: r.bucket, rows: r.rows.length },
    ip: clientIp(req),
  });
}
