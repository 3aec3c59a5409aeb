import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Relay } from '../../../src/relay';
import { uuidv7 } from '../../../src/shared/sync/ids';
import {
  connect,
  count,
  drain,
  hello,
  login,
  mutation,
  startTestRelay,
  twoTeams,
  type Client,
} from './helpers';

let relay: Relay;
let setup: Awaited<ReturnType<typeof twoTeams>>;
let wall = Date.now();
let good: Client;
const customerId = uuidv7();
const stored = () =>
  count(relay, 'SELECT count(*) FROM records') + count(relay, 'SELECT count(*) FROM applied_mutations');

beforeAll(async () => {
  relay = await startTestRelay({
    maxPayload: 4096,
    maxMutationsPerBatch: 5,
    authTimeoutMs: 300,
    now: () => wall,
  });
  setup = await twoTeams(relay);
  good = await hello(relay, setup.b.tokens.accessToken);
  await drain(good);
  good.send({
    t: 'push',
    batch: 0,
    mutations: [mutation('customer.create', { id: customerId, fields: { name: 'Steady' } })],
  });
  await good.next('pushResult');
});
afterAll(async () => {
  await relay.close();
});

/** The well-behaved client still works: its push is applied and fanned out to it. */
async function goodClientStillWorks(batch: number) {
  good.send({
    t: 'push',
    batch,
    mutations: [mutation('customer.update', { id: customerId, fields: { company: `ok ${batch}` } })],
  });
  const r = await good.next('pushResult', (f) => f.batch === batch);
  expect(r.results[0]!.status).toBe('applied');
}

describe('relay/sync bad input', () => {
  it('answers malformed frames with RELAY_ERR_BAD_FRAME and keeps the connection', async () => {
    const c = await hello(relay, setup.a.tokens.accessToken);
    await drain(c);
    const before = stored();
    c.send('{not json');
    await expect(c.next('error')).resolves.toMatchObject({ code: 'RELAY_ERR_BAD_FRAME' });
    c.send({ t: 'teleport', to: 'mars' });
    await expect(c.next('error', (f) => f.message.includes('teleport'))).resolves.toMatchObject({
      code: 'RELAY_ERR_BAD_FRAME',
    });
    c.send({ t: 'push', batch: 'one', mutations: [] });
    await expect(c.next('error', (f) => f.message.includes('batch'))).resolves.toMatchObject({
      code: 'RELAY_ERR_BAD_FRAME',
    });
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await expect(c.next('error', (f) => f.message.includes('binary'))).resolves.toMatchObject({
      code: 'RELAY_ERR_BAD_FRAME',
    });
    c.send({ t: 'pull', cursor: 0 });
    await drain(c);
    expect(stored()).toBe(before);
    await goodClientStillWorks(1);
    c.ws.close();
  });

  it('rejects unknown mutations, bad args, bad clocks and oversized batches, storing nothing', async () => {
    const c = await hello(relay, setup.a.tokens.accessToken);
    await drain(c);
    const before = stored();
    c.send({
      t: 'push',
      batch: 1,
      mutations: [
        mutation('customer.delete_everything', { id: customerId }),
        mutation('customer.update', { id: customerId, fields: { name: 42 } }),
        mutation('customer.update', { id: customerId, fields: { phones: ['12345'] } }),
        mutation(
          'customer.update',
          { id: customerId, fields: { company: 'from the future' } },
          wall + 11 * 60_000,
        ),
        { ...mutation('customer.update', { id: customerId, fields: { company: 'x' } }), clock: 'yesterday' },
      ],
    });
    const r = await c.next('pushResult', (f) => f.batch === 1);
    expect(r.results.map((x) => (x.status === 'rejected' ? x.code : x.status))).toEqual([
      'RELAY_ERR_UNKNOWN_MUTATION',
      'RELAY_ERR_VALIDATION',
      'RELAY_ERR_VALIDATION',
      'RELAY_ERR_VALIDATION',
      'RELAY_ERR_VALIDATION',
    ]);
    const six = Array.from({ length: 6 }, () =>
      mutation('customer.create', { id: uuidv7(), fields: { name: 'n' } }),
    );
    c.send({ t: 'push', batch: 2, mutations: six });
    await expect(c.next('error', (f) => f.batch === 2)).resolves.toMatchObject({
      code: 'RELAY_ERR_BATCH_TOO_LARGE',
    });
    expect(stored()).toBe(before);
    await goodClientStillWorks(2);
    c.ws.close();
  });

  it('closes oversized frames with 1009 and unaffected others keep going', async () => {
    const c = await hello(relay, setup.a.tokens.accessToken);
    const before = stored();
    c.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('customer.create', { id: uuidv7(), fields: { name: 'x'.repeat(5000) } })],
    });
    expect((await c.closed).code).toBe(1009);
    expect(stored()).toBe(before);
    await goodClientStillWorks(3);
  });

  it('closes 4401 on bad tokens or a non-hello first frame, 4408 without hello, 4400 on another protocol', async () => {
    const forged = await connect(relay);
    forged.send({ t: 'hello', protocol: 1, accessToken: 'eyJ2IjoxfQ.bad', cursor: 0 });
    await expect(forged.next('error')).resolves.toMatchObject({ code: 'RELAY_ERR_UNAUTHORIZED' });
    expect((await forged.closed).code).toBe(4401);

    const rude = await connect(relay);
    rude.send({ t: 'pull', cursor: 0 });
    expect((await rude.closed).code).toBe(4401);

    const silent = await connect(relay);
    expect((await silent.closed).code).toBe(4408);

    const old = await connect(relay);
    old.send({ t: 'hello', protocol: 99, accessToken: setup.a.tokens.accessToken, cursor: 0 });
    await expect(old.next('error')).resolves.toMatchObject({ code: 'RELAY_ERR_PROTOCOL' });
    expect((await old.closed).code).toBe(4400);
    await goodClientStillWorks(4);
  });

  it('closes 4401 with RELAY_ERR_TOKEN_EXPIRED once the access token has expired', async () => {
    const pair = await login(relay, setup.a.tokens.agent.email, 'password-123');
    wall += 16 * 60_000;
    const late = await connect(relay);
    late.send({ t: 'hello', protocol: 1, accessToken: pair.accessToken, cursor: 0 });
    await expect(late.next('error')).resolves.toMatchObject({ code: 'RELAY_ERR_TOKEN_EXPIRED' });
    expect((await late.closed).code).toBe(4401);
  });
});

describe('relay/sync rate limit', () => {
  it('drops frames over the rate with RELAY_ERR_RATE_LIMITED, then closes 4429 if they keep coming', async () => {
    const limited = await startTestRelay({ rateLimit: { perSecond: 0.001, burst: 3 } });
    try {
      const pair = await login(limited, 'root@relay.test', 'root-password-1');
      const c = await hello(limited, pair.accessToken); // frame 1 of the burst
      c.send({ t: 'pull', cursor: 0 });
      c.send({ t: 'pull', cursor: 0 });
      c.send({ t: 'pull', cursor: 0 }); // over the burst
      await expect(c.next('error')).resolves.toMatchObject({ code: 'RELAY_ERR_RATE_LIMITED' });
      for (let i = 0; i < 4; i++) c.send({ t: 'pull', cursor: 0 });
      expect((await c.closed).code).toBe(4429);
      const other = await hello(limited, pair.accessToken);
      expect(other.frames.some((f) => f.t === 'welcome')).toBe(true);
      other.ws.close();
    } finally {
      await limited.close();
    }
  });
});

describe('relay/sync heartbeat', () => {
  it('terminates a connection that stops answering pings', async () => {
    const beating = await startTestRelay({ heartbeatMs: 50 });
    try {
      const pair = await login(beating, 'root@relay.test', 'root-password-1');
      const c = await hello(beating, pair.accessToken);
      const healthy = await hello(beating, pair.accessToken);
      // A client that never answers: ws answers pings itself unless told not to.
      const mute = new WebSocket(beating.wsUrl, { autoPong: false });
      await new Promise((r) => mute.once('open', r));
      mute.send(JSON.stringify({ t: 'hello', protocol: 1, accessToken: pair.accessToken, cursor: 0 }));
      const code = await new Promise<number>((r) => mute.once('close', (n) => r(n)));
      expect(code).toBe(1006);
      expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
      c.ws.close();
      healthy.ws.close();
    } finally {
      await beating.close();
    }
  });
});
