import type { IncomingMessage, ServerResponse } from 'node:http';
import { RELAY_ERR } from '../../shared/sync/protocol';
import {
  AUDIT,
  AUDIT_CSV_HEADER,
  auditCsvRows,
  clientIp,
  csvCell,
  type Audit,
  type AuditQuery,
} from './audit';
import type { Auth, Principal } from './auth';
import { methodNotAllowed, RelayError } from '../core/errors';
import { sendError, sendJson } from '../http/reply';
import type { Logger } from '../core/logger';
import { targetOf } from '../http/requestTarget';
import { RELAY_ROUTES as R } from '../../shared/relayRoutes';

export type AuditHttpOptions = {
  /** Entries per page of `GET /v1/admin/audit` when `limit` is absent. Default 100. */
  defaultPageSize?: number;
  /** Largest `limit` accepted. Default 1,000. */
  maxPageSize?: number;
  /** Most lines in one CSV export; the file says when it was cut. Default 100,000. */
  maxExportRows?: number;
};

/** Parses a time filter: ISO 8601 or ms since the epoch. */
function time(name: string, v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const ms = /^\d{1,15}$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms))
    throw new RelayError(RELAY_ERR.VALIDATION, `${name} must be an ISO time or milliseconds, not "${v}".`);
  return ms;
}

function int(name: string, v: string | null, max: number): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v) || Number(v) < 1 || Number(v) > max)
    throw new RelayError(RELAY_ERR.VALIDATION, `${name} must be a whole number from 1 to ${max}.`);
  return Number(v);
}

/** The filters of a request's query string. */
function filters(req: IncomingMessage, limit: number, maxLimit: number): AuditQuery {
  const qs = targetOf(req).query;
  const text = (k: string) => {
    const v = qs.get(k)?.trim();
    if (v && v.length > 254) throw new RelayError(RELAY_ERR.VALIDATION, `${k} is too long.`);
    return v ? v : undefined;
  };
  const q: AuditQuery = { limit: int('limit', qs.get('limit'), maxLimit) ?? limit };
  const actor = text('actor');
  const action = text('action');
  const since = time('since', qs.get('since'));
  const until = time('until', qs.get('until'));
  const cursor = int('cursor', qs.get('cursor'), Number.MAX_SAFE_INTEGER);
  if (actor !== undefined) q.actor = actor;
  if (action !== undefined) q.action = action;
  if (since !== undefined) q.since = since;
  if (until !== undefined) q.until = until;
  if (cursor !== undefined) q.cursor = cursor;
  return q;
}

/**
 * `GET /v1/admin/audit?actor=&action=&since=&until=&limit=&cursor=` (a page, newest first) and
 * `GET /v1/admin/audit.csv` (every matching line, same filters), admins only.
 * [defaultPageSize=100] [maxPageSize=1000] [maxExportRows=100000]
 */
export function createAuditHttp(d: { audit: Audit; auth: Auth; log: Logger; options?: AuditHttpOptions }) {
  const pageSize = d.options?.defaultPageSize ?? 100;
  const maxPage = d.options?.maxPageSize ?? 1000;
  const maxRows = d.options?.maxExportRows ?? 100_000;

  async function admin(req: IncomingMessage): Promise<Principal> {
    const p = await d.auth.authenticateRequest(req);
    if (p.role !== 'admin') throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may read the audit log.');
    return p;
  }

  async function exportCsv(req: IncomingMessage, res: ServerResponse, p: Principal): Promise<void> {
    const q = filters(req, maxPage, maxPage);
    q.limit = maxPage;
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="switchboard-audit.csv"',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    // A BOM so spreadsheet programs read the file as UTF-8 (names in Chinese).
    res.write('\ufeff' + AUDIT_CSV_HEADER.map(csvCell).join(',') + '\r\n');
    let rows = 0;
    for (;;) {
      const page = await d.audit.query(q);
      const room = maxRows - rows;
      res.write(auditCsvRows(page.entries.slice(0, room)));
      rows += Math.min(room, page.entries.length);
      if (page.nextCursor === null) break;
      if (rows >= maxRows) {
        res.write(csvCell(`cut at ${maxRows} lines; narrow the filters for older lines`) + '\r\n');
        break;
      }
      q.cursor = page.nextCursor;
    }
    res.end();
    d.audit.record({
      actorId: p.agentId,
      action: AUDIT.AUDIT_EXPORTED,
      detail: { rows, filters: { ...q, limit: undefined, cursor: undefined } },
      ip: clientIp(req),
    });
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = targetOf(req).path;
    if (path !== R.audit.pattern && path !== R.auditCsv.pattern) return false;
    try {
      if (req.method !== 'GET') throw methodNotAllowed(`${req.method} is not allowed on ${path}.`, ['GET']);
      const p = await admin(req);
      if (path === R.auditCsv.pattern) await exportCsv(req, res, p);
      else sendJson(res, 200, await d.audit.query(filters(req, pageSize, maxPage)));
    } catch (err) {
      sendError(res, err, d.log);
    }
    return true;
  };
}
