import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../../src/main/api/dispatcher';
import { createHandlers } from '../../src/main/api/handlers';
import { startBrowserHost, type BrowserHost } from '../../src/main/browserHost/server';
import { createSilentLogger } from '../../src/main/base/logger';
import { createServices, type Services } from '../../src/main/services';

let host: BrowserHost;
let services: Services;

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'sb-renderer-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Switchboard</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {}');
  services = createServices({
    dataDir: mkdtempSync(join(tmpdir(), 'sb-host-')),
    host: 'browser',
    version: '1.2.3',
    runtime: 'Node test',
    log: createSilentLogger(),
  });
  const dispatch = createDispatcher(createHandlers(services), services.log);
  host = await startBrowserHost({ services, dispatch, rendererDir, maxPayload: 64 * 1024 });
});

afterAll(async () => {
  await host.close();
});

type Opened = { ws: WebSocket; next: () => Promise<Record<string, unknown>> };

function connect(protocols: string[], headers: Record<string, string> = {}): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, protocols, { headers });
    const inbox: Record<string, unknown>[] = [];
    const waiters: ((m: Record<string, unknown>) => void)[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as Record<string, unknown>;
      const w = waiters.shift();
      if (w) w(m);
      else inbox.push(m);
    });
    ws.once('open', () =>
      resolve({
        ws,
        next: () => new Promise((r) => (inbox.length ? r(inbox.shift()!) : waiters.push(r))),
      }),
    );
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

const good = () => ['switchboard.v1', `k.${host.secret}`];

describe('browser host (real sockets)', () => {
  it('answers a call from a client holding the secret', async () => {
    const { ws, next } = await connect(good(), { origin: host.origin });
    ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'app:getInfo', args: {} }));
    expect(await next()).toMatchObject({
      type: 'result',
      id: 1,
      result: { ok: true, value: { version: '1.2.3' } },
    });
    ws.close();
  });

  it('refuses a client without the secret, with a wrong secret, or from another origin', async () => {
    await expect(connect(['switchboard.v1'])).rejects.toThrow('HTTP 401');
    await expect(connect(['switchboard.v1', 'k.wrong-secret-wrong-secret'])).rejects.toThrow('HTTP 401');
    await expect(connect(['switchboard.v1', `k.${host.secret}x`])).rejects.toThrow('HTTP 401');
    await expect(connect(good(), { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect(good(), { origin: 'http://127.0.0.1:1' })).rejects.toThrow('HTTP 403');
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    await expect(connect(good(), { host: `rebind.example:${host.port}` })).rejects.toThrow('HTTP 421');
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: host.port, path: '/', headers: { host: 'rebind.example' } }, (res) =>
        resolve(res.statusCode ?? 0),
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });

  it('gives clear errors for unknown channels, malformed arguments and malformed frames, and keeps serving', async () => {
    const { ws, next } = await connect(good());
    ws.send(JSON.stringify({ type: 'call', id: 2, channel: 'fs:readFile', args: { path: '/etc/passwd' } }));
    expect(await next()).toMatchObject({
      id: 2,
      result: { ok: false, error: { code: 'API_ERR_UNKNOWN_CHANNEL' } },
    });
    ws.send(JSON.stringify({ type: 'call', id: 3, channel: 'settings:update', args: { language: 'xx' } }));
    expect(await next()).toMatchObject({
      id: 3,
      result: { ok: false, error: { code: 'API_ERR_INVALID_ARGS' } },
    });
    ws.send('{not json');
    expect(await next()).toMatchObject({
      type: 'error',
      id: null,
      result: { error: { code: 'API_ERR_BAD_FRAME' } },
    });
    ws.send(JSON.stringify({ type: 'call', id: 'x', channel: 1 }));
    expect(await next()).toMatchObject({ type: 'error', result: { error: { code: 'API_ERR_BAD_FRAME' } } });
    ws.send(Buffer.from([0, 1, 2, 3]));
    expect(await next()).toMatchObject({ type: 'error', result: { error: { code: 'API_ERR_BAD_FRAME' } } });
    // The same socket still works afterwards.
    ws.send(JSON.stringify({ type: 'call', id: 4, channel: 'settings:get' }));
    expect(await next()).toMatchObject({ id: 4, result: { ok: true } });
    ws.close();
  });

  it('closes an oversized frame with 1009 and other clients are unaffected', async () => {
    const a = await connect(good());
    const b = await connect(good());
    const closed = new Promise<number>((r) => a.ws.once('close', (code) => r(code)));
    a.ws.send(
      JSON.stringify({ type: 'call', id: 1, channel: 'settings:get', args: { pad: 'x'.repeat(100_000) } }),
    );
    expect(await closed).toBe(1009);
    b.ws.send(JSON.stringify({ type: 'call', id: 9, channel: 'app:getInfo' }));
    expect(await b.next()).toMatchObject({ id: 9, result: { ok: true } });
    b.ws.close();
  });

  it('pushes events to connected clients', async () => {
    const { ws, next } = await connect(good());
    services.agentState.set('away');
    expect(await next()).toMatchObject({
      type: 'event',
      event: 'agent:stateChanged',
      payload: { state: 'away' },
    });
    ws.close();
  });

  it('serves the renderer with a CSP and refuses to leave its folder', async () => {
    const get = (path: string) =>
      new Promise<{ status: number; csp: string | undefined; body: string }>((resolve, reject) => {
        request({ host: '127.0.0.1', port: host.port, path }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              csp: res.headers['content-security-policy'] as string | undefined,
              body,
            }),
          );
        })
          .on('error', reject)
          .end();
      });
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.csp).toContain("script-src 'self'");
    expect((await get('/assets/app.js')).status).toBe(200);
    // Paths without an extension fall back to index.html (single-page app); none reaches /etc.
    for (const path of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fhosts.txt']) {
      const r = await get(path);
      expect(r.body, path).not.toMatch(/root:|localhost/);
      expect([200, 404], path).toContain(r.status);
    }
    expect((await get('/%2e%2e/%2e%2e/etc/ssl/openssl.cnf')).status).toBe(404);
  });
});
