import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, startTestRelay } from './helpers';

// Tight limits so a few requests reach them: sign-ins 3 at once, everything 8 at once; both
// refill so slowly that nothing comes back during the test.
let relay: Relay;
beforeAll(async () => {
  relay = await startTestRelay({
    authRateLimit: { perSecond: 0.001, burst: 3 },
    httpRateLimit: { perSecond: 0.001, burst: 8 },
  });
});
afterAll(async () => {
  await relay.close();
});

const signIn = (password: string) =>
  fetch(`${relay.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.email, password, deviceName: 'laptop' }),
  });

/** A WebSocket upgrade of /v1/sync on a raw socket; answers what the relay wrote back. */
const upgradeSync = () =>
  new Promise<string>((resolve, reject) => {
    const s = connect(relay.port, '127.0.0.1');
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.write(
      'GET /v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
  });

describe('relay/httpRateLimit per source address', () => {
  it('answers sign-ins past the source’s burst with 429 and Retry-After', async () => {
    expect((await signIn('wrong-1')).status).toBe(401);
    expect((await signIn('wrong-2')).status).toBe(401);
    expect((await signIn(ADMIN.password)).status).toBe(200);
    const r = await signIn(ADMIN.password);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('RELAY_ERR_RATE_LIMITED');
  });

  it('limits every route and upgrade of the source once its HTTP burst is spent', async () => {
    // The 4 sign-ins above took 4 of the 8; 4 more reach the limit.
    for (let i = 0; i < 4; i++) expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    const r = await fetch(`${relay.url}/healthz`);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).not.toBeNull();
    const upgrade = await upgradeSync();
    expect(upgrade).toMatch(/^HTTP\/1\.1 429 /);
    expect(upgrade).toMatch(/Retry-After: \d+/);
  });
});
