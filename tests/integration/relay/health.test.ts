// /healthz and /readyz as a load balancer and a service manager read them: ready while the store
// (and NATS, where the relay uses it) answers, 503 naming the failing dependency when it does not,
// and 503 "draining" once the relay is closing. Real SQLite, PostgreSQL and nats-server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'nats';
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createHealth, natsCheck, postgresCheck, type Health } from '../../../src/relay/http/health';
import { natsMissing, startNats } from '../../support/nats';
import { postgresMissing, startPostgres } from '../../support/postgres';
import { startTestRelay } from './helpers';

const silent = pino({ level: 'silent' });

async function get(url: string) {
  const res = await fetch(url);
  return {
    status: res.status,
    body: (await res.json()) as {
      status: string;
      checks: Record<string, { ok: boolean; kind: string; error?: string }>;
    },
  };
}

/** Serves one Health on a free port, the way the relay's first route does. */
async function serve(health: Health): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    void health.handle(req, res).then((done) => done || res.writeHead(404).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('relay/http/health', () => {
  it('the relay on SQLite is live and ready, reporting its database', async () => {
    const relay = await startTestRelay();
    try {
      const live = await get(`${relay.url}/healthz`);
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ status: 'ok', checks: { database: { kind: 'sqlite', ok: true } } });
      const ready = await get(`${relay.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');
    } finally {
      await relay.close();
    }
  });

  it('answers another method on /healthz and /readyz with 405 and what is allowed', async () => {
    const relay = await startTestRelay();
    try {
      for (const path of ['/healthz', '/readyz']) {
        const r = await fetch(`${relay.url}${path}`, { method: 'POST', body: '{}' });
        expect(r.status).toBe(405);
        expect(r.headers.get('allow')).toBe('GET, HEAD');
        expect(((await r.json()) as { error: { message: string } }).error.message).toContain(path);
      }
      expect((await fetch(`${relay.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
    } finally {
      await relay.close();
    }
  });

  const missing = postgresMissing() ?? natsMissing();
  if (missing) console.warn(`health checks on PostgreSQL and NATS skipped: ${missing}`);
  const servers: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it.skipIf(missing !== null)(
    'reports PostgreSQL and NATS: 503 naming the one that stopped, without its address',
    async () => {
      const pgServer = await startPostgres({ maxConnections: 20 });
      const nats = await startNats();
      servers.push(pgServer, nats);
      const pool = new pg.Pool({ connectionString: await pgServer.createDatabase(), max: 2 });
      pool.on('error', () => undefined);
      const nc = await connect({ servers: nats.url, reconnect: false });
      const health = createHealth([postgresCheck(pool), natsCheck(nc)], { log: silent, timeoutMs: 3_000 });
      const { url, server } = await serve(health);
      try {
        let r = await get(`${url}/readyz`);
        expect(r.status).toBe(200);
        expect(r.body.checks).toMatchObject({
          database: { kind: 'postgres', ok: true },
          nats: { kind: 'nats', ok: true },
        });

        await nats.stop();
        await nc.closed();
        r = await get(`${url}/readyz`);
        expect(r.status).toBe(503);
        expect(r.body.status).toBe('not ready');
        expect(r.body.checks['nats']).toMatchObject({ ok: false, error: 'failing' });
        expect(r.body.checks['database']!.ok).toBe(true);
        // Liveness stays 200: restarting the relay would not bring NATS back.
        const live = await get(`${url}/healthz`);
        expect(live.status).toBe(200);
        expect(live.body.status).toBe('degraded');

        await pgServer.stop();
        r = await get(`${url}/readyz`);
        expect(r.status).toBe(503);
        expect(r.body.checks['database']).toMatchObject({ kind: 'postgres', ok: false });
        expect(JSON.stringify(r.body)).not.toContain(String(pgServer.port));

        health.drain();
        expect((await get(`${url}/readyz`)).body.status).toBe('draining');
      } finally {
        server.close();
        await pool.end().catch(() => undefined);
      }
    },
  );
});
