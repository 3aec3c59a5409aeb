import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Entity } from '../../shared/sync/entities';
import type { HlcClock } from '../../shared/sync/hlc';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { routeRegex, type RelayRoute } from '../../shared/relayRoutes';
import { methodNotAllowed, RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { AsyncStore, AsyncStoreReads } from '../data/asyncStore';
import { writeFields, writeFieldsAsync } from '../data/records';
import type { StoredRecord, Store } from '../data/store';
import type { Accounts } from '../identity/accounts';
import type { Directory } from '../identity/directory';
import { clientIp, type Audit, type AuditAction } from '../identity/audit';
import type { Auth, Principal } from '../identity/auth';
import { sendError, sendJson } from './reply';
import { decodeParam, targetOf } from './requestTarget';

// The shape shared by the admin and supervisor routes that act on one team's things (a team's
// routing, a queue's SLA or phone settings, the supervisor's actions): the path picks the route,
// a wrong method is refused, who asks is known before anything is looked up, the answer is JSON.

/** What a team-scoped route needs from the relay. */
export type TeamScopedDeps = {
  store: Store;
  /** The store as the rooms on the asynchronous contract use it (SQLite or PostgreSQL). */
  asyncStore: AsyncStore;
  auth: Auth;
  accounts: Accounts;
  /** The directory on the identity repository, for the rooms on the asynchronous contract. */
  directory: Directory;
  audit: Audit;
  relayClock: HlcClock;
  log: Logger;
  now: () => number;
};

/** One route of a table: what it answers for the signed-in `p`, given the path's parameters (decoded). */
export type ScopedRoute = {
  route: RelayRoute;
  /** The path's matcher [default: routeRegex(route)]. */
  path?: RegExp;
  run: (req: IncomingMessage, p: Principal, params: string[]) => unknown;
};

export type ScopedRoutesOptions = {
  /**
   * A path prefix the table answers for whole: a path under it that no route matches is a 404
   * (before sign-in) instead of passed on [default: none, such paths return false].
   */
  claim?: string;
  /** Who may use the table at all: throws for anyone else, right after sign-in [default: all]. */
  admit?: (p: Principal) => void;
  /** Told of a RelayError answered to a signed-in caller, before it is sent. */
  onRelayError?: (req: IncomingMessage, p: Principal, path: string, err: RelayError) => void;
};

/**
 * An HTTP handler for `routes`: false for a path none of them matches; a matching path with
 * another method is a 405 before anything else; then the caller is authenticated, so a stranger
 * learns nothing about which ids exist; the route's answer is sent as JSON 200 and any error as
 * `{error:{code,message}}`. The first route whose path and method match runs.
 */
export function scopedRoutes(
  d: { auth: Auth; log: Logger },
  routes: readonly ScopedRoute[],
  o: ScopedRoutesOptions = {},
) {
  const table = routes.map((r) => ({ ...r, re: r.path ?? routeRegex(r.route) }));
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const { path } = targetOf(req);
    const matches = table.flatMap((r) => {
      const m = r.re.exec(path);
      return m ? [{ run: r.run, method: r.route.method, raw: m.slice(1) }] : [];
    });
    if (matches.length === 0 && !(o.claim && path.startsWith(o.claim))) return false;
    let p: Principal | null = null;
    try {
      if (matches.length === 0) throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no route ${path}.`);
      const hit = matches.find((x) => x.method === req.method);
      if (!hit)
        throw methodNotAllowed(
          `${req.method ?? 'This method'} is not allowed here.`,
          matches.map((x) => x.method),
        );
      p = await d.auth.authenticateRequest(req);
      o.admit?.(p);
      // targetOf checked that the whole path decodes, so no segment fails here (nor before sign-in).
      sendJson(res, 200, await hit.run(req, p, hit.raw.map(decodeParam)));
    } catch (err) {
      if (p && o.onRelayError && err instanceof RelayError) o.onRelayError(req, p, path, err);
      sendError(res, err, d.log);
    }
    return true;
  };
}

/** Admins, or a supervisor of `teamId`; FORBIDDEN for anyone else. */
export function requireOverseer(accounts: Accounts, p: Principal, teamId: string | null): void {
  if (!accounts.oversees(p, teamId))
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins and the supervisors of this team may do this.');
}

/**
 * The live record `entity`/`id` of a team `p` oversees. Otherwise admins hear that there is
 * none (NOT_FOUND) and everyone else `refusal` (FORBIDDEN), one answer for "not yours" and
 * "none", so a stranger to the team learns nothing about which ids exist.
 */
export function recordInScope(
  d: { store: Store; accounts: Accounts },
  p: Principal,
  entity: Entity,
  id: string,
  refusal: string,
): StoredRecord {
  const rec = d.store.get(entity, id);
  const teamId = (rec?.data['teamId'] as string | null | undefined) ?? null;
  if (rec && !rec.deleted && d.accounts.oversees(p, teamId)) return rec;
  if (p.role === 'admin') throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no ${entity} ${id}.`);
  throw new RelayError(RELAY_ERR.FORBIDDEN, refusal);
}

/** requireOverseer for the rooms on the asynchronous store: the directory on the identity repository. */
export async function requireOverseerAsync(
  directory: Pick<Directory, 'oversees'>,
  p: Principal,
  teamId: string | null,
): Promise<void> {
  if (!(await directory.oversees(p, teamId)))
    throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins and the supervisors of this team may do this.');
}

/** recordInScope for the rooms on the asynchronous store (the same answers, read through `records`). */
export async function recordInScopeAsync(
  d: { records: Pick<AsyncStoreReads, 'get'>; directory: Pick<Directory, 'oversees'> },
  p: Principal,
  entity: Entity,
  id: string,
  refusal: string,
): Promise<StoredRecord> {
  const rec = await d.records.get(entity, id);
  const teamId = (rec?.data['teamId'] as string | null | undefined) ?? null;
  if (rec && !rec.deleted && (await d.directory.oversees(p, teamId))) return rec;
  if (p.role === 'admin') throw new RelayError(RELAY_ERR.NOT_FOUND, `There is no ${entity} ${id}.`);
  throw new RelayError(RELAY_ERR.FORBIDDEN, refusal);
}

/** writeSetting on the asynchronous store: one transaction of `d.asyncStore`. */
export async function writeSettingAsync(
  d: Pick<TeamScopedDeps, 'asyncStore' | 'relayClock' | 'now'>,
  p: Principal,
  entity: Entity,
  id: string,
  fields: Record<string, unknown>,
): Promise<void> {
  const at = new Date(d.now()).toISOString();
  await d.asyncStore.transaction((tx) =>
    writeFieldsAsync(
      tx,
      { entity, id, fields, clock: d.relayClock.now(), convId: null, at },
      { mutationId: null, agentId: p.agentId },
    ),
  );
}

/** Writes `fields` on the synced record `entity`/`id` as `p`, stamped by the relay's clock, in one transaction. */
export function writeSetting(
  d: Pick<TeamScopedDeps, 'store' | 'relayClock' | 'now'>,
  p: Principal,
  entity: Entity,
  id: string,
  fields: Record<string, unknown>,
): void {
  const at = new Date(d.now()).toISOString();
  d.store.transaction(() =>
    writeFields(
      d.store,
      { entity, id, fields, clock: d.relayClock.now(), convId: null, at },
      { mutationId: null, agentId: p.agentId },
    ),
  );
}

/** One audit line for what `p` did through `req`. */
export function auditAs(
  audit: Audit,
  req: IncomingMessage,
  p: Principal,
  action: AuditAction,
  target: string,
  detail: Record<string, unknown>,
): void {
  audit.record({ actorId: p.agentId, action, target, detail, ip: clientIp(req) });
}
