import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, http, login, startTestRelay } from './helpers';

let relay: Relay & { dataDir: string };
let now = Date.now();

beforeAll(async () => {
  relay = await startTestRelay({ loginThrottle: { maxFailures: 3, windowMs: 15 * 60_000 }, now: () => now });
});
afterAll(async () => {
  await relay.close();
});

const attempt = (email: string, password: string) =>
  http<{ error?: { code: string; message: string } }>(relay, 'POST', '/v1/auth/login', {
    email,
    password,
    deviceName: 'x',
  });

describe('relay/auth sign-in throttle', () => {
  it('refuses an account after repeated wrong passwords, even the right one, until the window passes', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt(ADMIN.email, `guess-${i}`)).status).toBe(401);
    const locked = await attempt(ADMIN.email, ADMIN.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({
      code: 'RELAY_ERR_RATE_LIMITED',
      message: expect.stringContaining('try again in'),
    });
    // Other accounts are not affected, and unknown emails are throttled alike (nothing to learn).
    for (let i = 0; i < 3; i++) await attempt('ghost@relay.test', `guess-${i}`);
    expect((await attempt('ghost@relay.test', 'again')).status).toBe(429);
    now += 15 * 60_000;
    const pair = await login(relay, ADMIN.email, ADMIN.password);
    expect(pair.agent.email).toBe(ADMIN.email);
  });

  it('a successful sign-in clears the count', async () => {
    for (let i = 0; i < 2; i++) await attempt(ADMIN.email, `guess-${i}`);
    await login(relay, ADMIN.email, ADMIN.password);
    for (let i = 0; i < 2; i++) expect((await attempt(ADMIN.email, `guess-${i}`)).status).toBe(401);
    expect((await attempt(ADMIN.email, ADMIN.password)).status).toBe(200);
  });
});
