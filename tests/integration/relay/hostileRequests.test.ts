// The requests of issue 9 that stopped the relay or got a 500, sent to a real relay process: each
// must get its own 4xx with a machine code, the process must live, and an app must still sync.
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ROOT_ADMIN, startRelayProcess, type RelayProcess } from '../../support/relayProcess';
import { drain, hello, login, mutation } from './helpers';

let relay: RelayProcess;
let adminToken = '';

beforeAll(async () => {
  relay = await startRelayProcess();
  adminToken = (await login(relay, ROOT_ADMIN.email, ROOT_ADMIN.password)).accessToken;
});
afterAll(async () => {
  await relay?.stop();
});

/** Sends `text` as it is (no client normalizes the target) and answers the status and body. */
function raw(text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const s = netConnect(relay.port, '127.0.0.1');
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0);
      resolve({ status, body: got.slice(got.indexOf('\r\n\r\n') + 4) });
    });
    s.end(text);
  });
}

const request = (method: string, target: string, token?: string) =>
  raw(
    `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n` +
      (token ? `Authorization: Bearer ${token}\r\n` : '') +
      '\r\n',
  );

const upgrade = (target: string) =>
  raw(
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );

async function expectRefused(r: { status: number; body: string }, what: string) {
  expect(r.status, `${what}: ${r.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(r.status, `${what}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
  expect(relay.alive(), `the relay died on ${what}:\n${relay.stderr()}`).toBe(true);
  expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
}

describe('relay/server hostile requests (issue 9)', () => {
  it.each(['//', '//:0x/', '//[::1/v1/widget/socket', '//relay:99999/v1/sync', '/v1/sync/%zz'])(
    'refuses the upgrade of %s with a 4xx and keeps serving',
    async (target) => {
      await expectRefused(await upgrade(target), `upgrade ${target}`);
    },
  );

  it.each([
    ['GET', '//'],
    ['GET', '//updates/stable/latest.yml'],
    ['GET', `//v1/recordings/${uuidv7()}`],
    ['GET', '/updates/stable/%E0%A4%A'],
    ['POST', '/v1/devices/%E0%A4%A/revoke'],
    ['GET', '/v1/recordings/%zz'],
    ['PUT', `/v1/recordings/%zz?call=${uuidv7()}`],
  ])('answers %s %s with a 4xx and a RELAY_ERR code', async (method, target) => {
    for (const token of [undefined, adminToken]) {
      const r = await request(method, target, token);
      await expectRefused(r, `${method} ${target}`);
      expect(r.body).toMatch(/RELAY_ERR_[A-Z_]+/);
    }
  });

  it.each([
    ['GET', '/v1/admin/updates/%E0'],
    ['DELETE', '/v1/admin/updates/stable/%E0'],
    ['PUT', '/v1/admin/teams/%E0/members/%E0'],
    ['PUT', '/v1/admin/teams/%E0/recording'],
    ['PUT', '/v1/admin/inboxes/%E0/routing'],
    ['PUT', '/v1/admin/agents/%E0/routing'],
    ['POST', '/v1/admin/conversations/%E0/assign'],
    ['GET', '/v1/admin/inboxes/%E0/webchat'],
    ['GET', '/v1/admin/inboxes/%E0/api-keys'],
    ['DELETE', '/v1/admin/api-keys/%E0'],
    ['GET', '/v1/attachments/%E0'],
    ['GET', '/v1/widget/attachments/%E0'],
  ])('answers admin and file route %s %s with bad escapes with a 4xx', async (method, target) => {
    for (const token of [undefined, adminToken]) {
      const r = await request(method, target, token);
      await expectRefused(r, `${method} ${target}`);
      expect(r.body).toMatch(/RELAY_ERR_[A-Z_]+/);
    }
  });

  it('refuses a push nested 200,000 levels deep with a 4xx code, then the app syncs', async () => {
    const c = await hello(relay, adminToken);
    await drain(c);
    const depth = 200_000;
    const m = mutation('customer.create', { id: uuidv7(), fields: { name: 'deep' } });
    const deep = JSON.stringify({ t: 'push', batch: 1, mutations: [{ ...m, args: '@' }] }).replace(
      '"@"',
      '['.repeat(depth) + ']'.repeat(depth),
    );
    c.send(deep);
    const err = await c.next('error');
    expect(err.code).not.toBe('RELAY_ERR_INTERNAL');
    expect(err.code).toMatch(/^RELAY_ERR_/);
    expect(relay.alive()).toBe(true);

    // The same connection and a new one both still sync: a push is applied and fanned out.
    const id = uuidv7();
    c.send({
      t: 'push',
      batch: 2,
      mutations: [mutation('customer.create', { id, fields: { name: 'After' } })],
    });
    const r = await c.next('pushResult', (f) => f.batch === 2);
    expect(r.results[0]!.status).toBe('applied');
    const fresh = await hello(relay, adminToken);
    const { changes } = await drain(fresh);
    expect(changes.some((ch) => ch.id === id && ch.data?.['name'] === 'After')).toBe(true);
    c.ws.close();
    fresh.ws.close();
  });

  it('still serves and syncs after all of the above', async () => {
    expect(relay.alive(), relay.stderr()).toBe(true);
    const again = await login(relay, ROOT_ADMIN.email, ROOT_ADMIN.password);
    const c = await hello(relay, again.accessToken);
    await drain(c);
    const id = uuidv7();
    c.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('customer.create', { id, fields: { name: 'Last' } })],
    });
    expect((await c.next('pushResult')).results[0]!.status).toBe('applied');
    c.ws.close();
  });
});
