import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NatsConnection } from 'nats';
import type pg from 'pg';
import type { Logger } from '../core/logger';
import type { Database } from '../data/db';
import { methodNotAllowed } from '../core/errors';
import { sendError, sendJson } from './reply';
import { targetOf } from './requestTarget';

/** One dependency the relay needs to serve (its database, NATS): `probe` throws when it cannot. */
export type HealthCheck = { name: string; kind: string; probe(): Promise<void> | void };

/** What /healthz and /readyz report for one check. Failures say only that, the log has the detail. */
export type CheckReport = { kind: string; ok: boolean; ms: number; error?: 'failing' | 'timed out' };

export type Health = {
  /** Answers /healthz and /readyz (GET/HEAD; any other method is a 405); false for every other path. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** From now on /readyz answers 503 "draining" (the relay is closing): balancers stop sending. */
  drain(): void;
  /** Every check once, as /readyz reports them. */
  run(): Promise<{ ready: boolean; checks: Record<string, CheckReport> }>;
};

/**
 * Health and readiness for load balancers and service managers. `/healthz` (liveness) answers 200
 * while the process serves HTTP, with every check's state (`status: ok | degraded`); restarting
 * the relay would not mend a database that is down. `/readyz` answers 200 only when every check
 * passes and 503 otherwise (or while draining), so a balancer sends agents to a relay that can
 * serve them. Each probe gets `timeoutMs` [default 2000]; a check's change of state is logged
 * once, with the error, while the public answer names no address or reason.
 */
export function createHealth(checks: readonly HealthCheck[], o: { log: Logger; timeoutMs?: number }): Health {
  const timeoutMs = o.timeoutMs ?? 2_000;
  const lastOk = new Map<string, boolean>();
  let draining = false;

  async function runOne(c: HealthCheck): Promise<CheckReport> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timed out'>((r) => (timer = setTimeout(() => r('timed out'), timeoutMs)));
    let error: CheckReport['error'];
    try {
      const r = await Promise.race([Promise.resolve().then(() => c.probe()), timeout]);
      if (r === 'timed out') error = 'timed out';
    } catch (err) {
      error = 'failing';
      if (lastOk.get(c.name) !== false) o.log.warn({ err, check: c.name }, 'health check failing');
    } finally {
      clearTimeout(timer);
    }
    const ok = error === undefined;
    if (error === 'timed out' && lastOk.get(c.name) !== false)
      o.log.warn({ check: c.name, timeoutMs }, 'health check timed out');
    if (ok && lastOk.get(c.name) === false) o.log.info({ check: c.name }, 'health check passing again');
    lastOk.set(c.name, ok);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    return { kind: c.kind, ok, ms, ...(error ? { error } : {}) };
  }

  async function run() {
    const reports = await Promise.all(checks.map(runOne));
    const out: Record<string, CheckReport> = {};
    checks.forEach((c, i) => (out[c.name] = reports[i]!));
    return { ready: reports.every((r) => r.ok), checks: out };
  }

  return {
    async handle(req, res) {
      const { path } = targetOf(req);
      if (path !== '/healthz' && path !== '/readyz') return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendError(res, methodNotAllowed(`${req.method} is not allowed on ${path}.`, ['GET', 'HEAD']), o.log);
        return true;
      }
      const { ready, checks: reports } = await run();
      if (path === '/healthz') sendJson(res, 200, { status: ready ? 'ok' : 'degraded', checks: reports });
      else if (draining) sendJson(res, 503, { status: 'draining', checks: reports });
      else sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks: reports });
      return true;
    },
    drain: () => void (draining = true),
    run,
  };
}

/** The SQLite store answers a query on its one connection. */
export function sqliteCheck(db: Database): HealthCheck {
  const q = db.prepare('SELECT 1');
  return { name: 'database', kind: 'sqlite', probe: () => void q.get() };
}

/** The PostgreSQL pool hands out a connection that answers a query. */
export function postgresCheck(pool: pg.Pool): HealthCheck {
  return {
    name: 'database',
    kind: 'postgres',
    probe: async () => void (await pool.query('SELECT 1')),
  };
}

/** The NATS connection is open and the server answers a round trip (a flush). */
export function natsCheck(nc: NatsConnection): HealthCheck {
  return {
    name: 'nats',
    kind: 'nats',
    async probe() {
      if (nc.isClosed()) throw new Error('the NATS connection is closed');
      await nc.flush();
    },
  };
}
