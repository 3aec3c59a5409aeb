import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { HlcClock } from '../../shared/sync/hlc';
import { RELAY_ERR } from '../../shared/sync/protocol';
import type { Accounts } from '../identity/accounts';
import { clientIp, type Audit, type AuditInput } from '../identity/audit';
import type { Auth, Principal } from '../identity/auth';
import type { IdentityData } from '../data/identityData';
import type { Database } from '../data/db';
import { RelayError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { Store } from '../data/store';
import type { SyncHub } from '../sync/hub';
import { readJson } from './reply';
import { requireOverseer } from './teamScopedRoute';

/** What the core HTTP API (routes.ts) is built from. */
export type CoreApiDeps = {
  db: Database;
  store: Store;
  /** Membership changes run in its transactions, with their audit line. */
  identity: IdentityData;
  auth: Auth;
  audit: Audit;
  accounts: Accounts;
  hub: SyncHub;
  metrics: Metrics;
  relayClock: HlcClock;
  log: Logger;
  maxBodyBytes: number;
  maxJsonDepth: number;
  now: () => number;
  /** Bearer token a scraper may read /metrics with (RelayOptions.metricsToken); admins always may. */
  metricsToken?: string | undefined;
};

/** One route of the core API: its method, its path pattern, and what answers it (the reply's JSON). */
export type CoreRoute = [method: string, path: RegExp, handler: Handler];
type Handler = (req: IncomingMessage, params: string[]) => Promise<unknown> | unknown;

/** Who calls, the body they send, and the audit line of what they did: what every core route asks. */
export function createApiContext(d: CoreApiDeps) {
  function caller(req: IncomingMessage): Promise<Principal> {
    return d.auth.authenticateRequest(req);
  }
  return {
    d,
    caller,
    async admin(req: IncomingMessage): Promise<Principal> {
      const p = await caller(req);
      if (p.role !== 'admin') throw new RelayError(RELAY_ERR.FORBIDDEN, 'Only admins may do this.');
      return p;
    },
    /** Admins, or a supervisor who belongs to `teamId`. */
    async overseer(req: IncomingMessage, teamId: string | null): Promise<Principal> {
      const p = await caller(req);
      requireOverseer(d.accounts, p, teamId);
      return p;
    },
    /** One audit line for an action taken through `req`. */
    audit: (req: IncomingMessage, p: Principal, e: Omit<AuditInput, 'actorId' | 'ip'>) =>
      d.audit.record({ ...e, actorId: p.agentId, ip: clientIp(req) }),
    body: <T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> =>
      readJson(req, d.maxBodyBytes, schema, d.maxJsonDepth),
  };
}

export type ApiContext = ReturnType<typeof createApiContext>;
