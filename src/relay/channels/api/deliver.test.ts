import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook, signWebhook } from './deliver';
import { isPrivateAddress } from '../../core/publicAddress';

// One attempt against a real HTTP server on 127.0.0.1: what each answer comes to, and what is signed.
let url = '';
let last: { headers: IncomingMessage['headers']; body: string } | null = null;
const held: ServerResponse[] = [];
const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (b: Buffer) => parts.push(b));
  req.on('end', () => {
    last = { headers: req.headers, body: Buffer.concat(parts).toString('utf8') };
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
    if (status === 0) return void held.push(res);
    if (status === 301) return void res.writeHead(301, { location: 'https://elsewhere.test/h' }).end();
    res
      .writeHead(status, { 'content-type': 'text/plain' })
      .end(status === 400 ? 'bad   order\nid' : 'x'.repeat(5000));
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/h`;
});
afterAll(async () => {
  for (const r of held) r.destroy();
  await new Promise((r) => server.close(r));
});

const post = (status: number, timeoutMs?: number) =>
  postWebhook({
    url: `${url}?status=${status}`,
    secret: 'a-secret-of-16-chars',
    body: '{"type":"message.created"}',
    idempotencyKey: 'm1',
    nowMs: 1_700_000_000_123,
    allowPrivateNetworks: true,
    ...(timeoutMs ? { timeoutMs } : {}),
  });

describe('relay/channels/api/deliver', () => {
  it('signs `${timestamp}.${body}` with the secret and sends the key and the timestamp', async () => {
    expect((await post(204)).outcome).toBe('delivered');
    expect(last!.headers['x-switchboard-timestamp']).toBe('1700000000');
    expect(last!.headers['idempotency-key']).toBe('m1');
    expect(last!.headers['x-switchboard-signature']).toBe(
      signWebhook('a-secret-of-16-chars', 1_700_000_000, '{"type":"message.created"}'),
    );
    expect(signWebhook('s', 1, 'b')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('retries 5xx, 408 and 429; refuses other 4xx and redirects, with what the receiver said', async () => {
    for (const s of [500, 502, 408, 429]) expect((await post(s)).outcome, String(s)).toBe('retry');
    const bad = await post(400);
    expect(bad).toEqual({ outcome: 'refused', reason: 'The webhook answered 400 Bad Request: bad order id' });
    expect((await post(404)).outcome).toBe('refused');
    // A long answer is cut, not kept whole.
    expect((await post(410)).reason.length).toBeLessThan(400);
    const moved = await post(301);
    expect(moved.outcome).toBe('refused');
    expect(moved.reason).toMatch(/redirect to https:\/\/elsewhere\.test\/h.*final URL/);
  });

  it('retries when nobody answers in time or nothing listens', async () => {
    expect(await post(0, 200)).toEqual({
      outcome: 'retry',
      reason: 'The webhook did not answer within 0.2 s.',
    });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const nobody = await postWebhook({
      url: `http://127.0.0.1:${port}/h`,
      secret: 's',
      body: '{}',
      idempotencyKey: 'k',
      nowMs: 0,
      allowPrivateNetworks: true,
    });
    expect(nobody.outcome).toBe('retry');
    expect(nobody.reason).toMatch(/could not be reached \(ECONNREFUSED\)/);
    // A port fetch never connects to is refused at once, saying so.
    const reserved = await postWebhook({
      url: 'http://127.0.0.1:6000/h',
      secret: 's',
      body: '{}',
      idempotencyKey: 'k',
      nowMs: 0,
      allowPrivateNetworks: true,
    });
    expect(reserved).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/port 6000.*use another/),
    });
  });

  it('refuses loopback, private and metadata hosts unless private networks are allowed, sending nothing', async () => {
    const before = last;
    last = null;
    const to = (u: string) => postWebhook({ url: u, secret: 's', body: '{}', idempotencyKey: 'k', nowMs: 0 });
    const port = new URL(url).port;
    for (const u of [
      `http://127.0.0.1:${port}/h`,
      `http://[::1]:${port}/h`,
      `http://[::ffff:127.0.0.1]:${port}/h`,
      `http://[::127.0.0.1]:${port}/h`,
      `http://[2002:7f00:1::]:${port}/h`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/h',
      'http://192.168.0.10/h',
    ]) {
      const a = await to(u);
      expect(a.outcome, u).toBe('refused');
      expect(a.reason, u).toMatch(/private or reserved address.*public addresses only.*allowPrivateNetworks/);
    }
    // A name is checked where the socket connects: localhost resolves to loopback, so it is refused too.
    const named = await to(`http://localhost:${port}/h`);
    expect(named.outcome).toBe('refused');
    expect(named.reason).toMatch(/localhost is (127\.0\.0\.1|::1), a private or reserved address/);
    expect(last).toBeNull();
    last = before;
  });

  it('tells private from public addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.20.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '::7f00:1',
      '64:ff9b:1::a9fe:a9fe',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      '2002:7f00:1::',
      'not-an-ip',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(a), a).toBe(false);
  });
});
