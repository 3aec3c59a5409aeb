import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers';

// The relay as operators run it: the built CLI in its own process (`node scripts/build.mjs` first).
const RELAY = resolve('dist/relay/relay.cjs');
const METRICS_TOKEN = 'scraper-token-0123456789';
const running = new Set<ChildProcess>();

afterEach(async () => {
  await Promise.all([...running].map(stop));
});

function requireBuilt(): void {
  if (!existsSync(RELAY)) throw new Error(`${RELAY} is missing: run "node scripts/build.mjs" first.`);
}

/** Runs a relay command to completion. */
function relayCli(args: string[], env: Record<string, string> = {}) {
  requireBuilt();
  return spawnSync(process.execPath, [RELAY, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Starts `relay serve` and waits for its URL; rejects with its stderr if it exits first. */
async function serve(args: string[], env: Record<string, string> = {}) {
  requireBuilt();
  const p = spawn(process.execPath, [RELAY, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(p);
  let out = '';
  let err = '';
  p.stderr.on('data', (b: Buffer) => (err += b.toString()));
  /** Resolves once stderr has shown `text` (stdout and stderr arrive in either order). */
  const stderrShows = (text: string) =>
    new Promise<void>((ok, fail) => {
      const check = () => {
        if (!err.includes(text)) return;
        p.stderr.off('data', check);
        ok();
      };
      p.stderr.on('data', check);
      p.once('exit', () => fail(new Error(`relay exited without printing "${text}": ${err}`)));
      check();
    });
  const url = await new Promise<string>((ok, fail) => {
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /relay listening on (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    p.once('exit', (code) => fail(new Error(`relay exited with ${code}: ${err}`)));
  });
  return { url, proc: p, stderr: () => err, stderrShows };
}

function stop(p: ChildProcess): Promise<void> {
  running.delete(p);
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;

async function loginToken(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, deviceName: 'transport test' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

describe('relay/transport', () => {
  it('keeps its data folder, database, keys and logs to its own user', async () => {
    const data = join(tempDir(), 'relay');
    const r = await serve(['--data', data]);
    const files = ['relay.db', 'relay.db-wal', 'relay.db-shm', 'relay.secret', 'logs/relay.log'];
    for (const f of files) expect([f, mode(join(data, f))]).toEqual([f, 0o600]);
    for (const d of ['', 'attachments', 'logs']) expect([d, mode(join(data, d))]).toEqual([d, 0o700]);
    await stop(r.proc);
  });

  it('repairs a world-readable data folder left by an older version', async () => {
    const data = join(tempDir(), 'relay');
    const admin = relayCli(['admin', 'create', '--data', data, '--email', 'it@t.test', '--name', 'IT'], {
      RELAY_ADMIN_PASSWORD: 'it-password-1',
    });
    expect(admin.status, admin.stderr).toBe(0);
    // What the demo folder looked like: every file 0644 and every folder 0755.
    writeFileSync(join(data, 'recording.key'), randomBytes(32));
    writeFileSync(join(data, 'webchat.key'), randomBytes(32));
    mkdirSync(join(data, 'recordings'));
    mkdirSync(join(data, 'attachments'));
    chmodSync(data, 0o755);
    for (const e of readdirSync(data, { withFileTypes: true }))
      chmodSync(join(data, e.name), e.isDirectory() ? 0o755 : 0o644);
    expect(mode(join(data, 'relay.db'))).toBe(0o644);

    const r = await serve(['--data', data]);
    expect(mode(data)).toBe(0o700);
    for (const f of [
      'relay.db',
      'relay.db-wal',
      'relay.db-shm',
      'relay.secret',
      'recording.key',
      'webchat.key',
    ])
      expect([f, mode(join(data, f))]).toEqual([f, 0o600]);
    for (const d of ['recordings', 'attachments', 'logs'])
      expect([d, mode(join(data, d))]).toEqual([d, 0o700]);
    // Its data is intact: the admin still signs in.
    await loginToken(r.url, 'it@t.test', 'it-password-1');
  });

  it('serves /metrics only with the metrics token or an admin token', async () => {
    const data = join(tempDir(), 'relay');
    for (const [email, role] of [
      ['it@t.test', 'admin'],
      ['ag@t.test', 'agent'],
    ] as const) {
      const r = relayCli(
        ['admin', 'create', '--data', data, '--email', email, '--name', email, '--role', role],
        {
          RELAY_ADMIN_PASSWORD: 'password-123',
        },
      );
      expect(r.status, r.stderr).toBe(0);
    }
    const { url } = await serve(['--data', data], { RELAY_METRICS_TOKEN: METRICS_TOKEN });
    const metrics = (token?: string) =>
      fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    const anonymous = await metrics();
    expect(anonymous.status).toBe(401);
    const body = (await anonymous.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RELAY_ERR_UNAUTHORIZED');
    expect(body.error.message).toContain('metrics token');
    expect((await metrics('wrong-token-0123456789')).status).toBe(401);
    expect((await metrics(await loginToken(url, 'ag@t.test', 'password-123'))).status).toBe(403);

    for (const token of [METRICS_TOKEN, await loginToken(url, 'it@t.test', 'password-123')]) {
      const ok = await metrics(token);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('relay_log_position');
    }
  });

  it('refuses plain HTTP off loopback unless told --insecure-http, and then warns', async () => {
    const data = join(tempDir(), 'relay');
    const refused = relayCli(['serve', '--data', data, '--host', '0.0.0.0', '--port', '0']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('Refusing to serve plain HTTP on 0.0.0.0');
    expect(refused.stderr).toContain('--insecure-http');
    expect(refused.stdout).not.toContain('relay listening');

    // Loopback needs no flag; any address in 127.0.0.0/8 is loopback.
    const local = await serve(['--data', data, '--host', '127.0.0.2']);
    expect(local.stderr()).not.toContain('WARNING');
    await stop(local.proc);

    const r = await serve(['--data', data, '--host', '0.0.0.0', '--insecure-http']);
    await r.stderrShows('WARNING: serving plain HTTP off loopback');
    const port = new URL(r.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const log = readFileSync(join(data, 'logs', 'relay.log'), 'utf8');
    expect(log).toMatch(/"level":40.*serving plain HTTP off loopback/);
  });
});
