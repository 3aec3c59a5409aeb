import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { ADMIN, http, startTestRelay } from './helpers';

// Password guessing through a real relay, from distinct loopback source addresses (all of 127/8
// is loopback on Linux): the client socket is bound to the address it speaks from.
let relay: Relay & { dataDir: string };
let now = Date.now();
const VICTIM = { email: 'mei@relay.test', password: 'victim-password-1' };

beforeAll(async () => {
  relay = await startTestRelay({
    loginThrottle: { maxFailures: 3, maxFailuresPerSource: 6, windowMs: 15 * 60_000 },
    now: () => now,
  });
  const admin = await attempt('127.0.0.1', ADMIN.email, ADMIN.password);
  const token = (admin.body as { accessToken: string }).accessToken;
  await http(relay, 'POST', '/v1/admin/agents', { ...VICTIM, name: 'Mei 美' }, token);
});
afterAll(async () => {
  await relay.close();
});

type Answer = {
  status: number;
  retryAfter: string | undefined;
  body: { accessToken?: string; error?: { code: string; message: string } };
};

function attempt(from: string, email: string, password: string): Promise<Answer> {
  const payload = JSON.stringify({ email, password, deviceName: 'laptop' });
  return new Promise((resolve, reject) => {
    const req = request(
      `${relay.url}/v1/auth/login`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const ATTACKER = '127.0.0.2';
const VICTIM_DESK = '127.0.0.3';

describe('relay/auth sign-in throttle', () => {
  it('an attacker at another address cannot lock a colleague out', async () => {
    for (let i = 0; i < 3; i++)
      expect((await attempt(ATTACKER, VICTIM.email, `guess-${i}`)).status).toBe(401);
    // The attacker is stopped, even with the right password, and told when to retry.
    const stopped = await attempt(ATTACKER, VICTIM.email, VICTIM.password);
    expect(stopped.status).toBe(429);
    expect(Number(stopped.retryAfter)).toBeGreaterThan(0);
    expect(stopped.body.error).toMatchObject({
      code: 'RELAY_ERR_RATE_LIMITED',
      message: expect.stringContaining('try again in 15 min'),
    });
    // The victim, at their own desk, signs in as usual.
    const mine = await attempt(VICTIM_DESK, VICTIM.email, VICTIM.password);
    expect(mine.status).toBe(200);
    expect(mine.body.accessToken).toBeTruthy();
  });

  it('one address trying many accounts is throttled by address', async () => {
    // Three more failures on other accounts bring the attacker's address to its limit of six.
    for (const who of ['a@relay.test', 'b@relay.test', 'ghost@relay.test'])
      expect((await attempt(ATTACKER, who, 'guess')).status).toBe(401);
    const r = await attempt(ATTACKER, ADMIN.email, ADMIN.password);
    expect(r.status).toBe(429);
    expect(r.body.error?.message).toMatch(/from this address/);
    expect((await attempt(VICTIM_DESK, ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  it('the window passes, and every refusal is audited with its address', async () => {
    now += 15 * 60_000;
    expect((await attempt(ATTACKER, VICTIM.email, VICTIM.password)).status).toBe(200);
    const rows = relay.db
      .prepare("SELECT ip, target FROM audit_log WHERE action = 'auth.signInThrottled'")
      .all() as { ip: string; target: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.ip === ATTACKER)).toBe(true);
  });
});
