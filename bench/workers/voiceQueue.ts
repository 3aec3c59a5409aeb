// Bench worker for voice.queue_to_ring_p95_ms and voice.calls_per_s: Debian's Kamailio with
// queues (deploy/kamailio/switchboard.cfg, WITH_QUEUES), a relay in this process connected to it
// over evapi, agents connected on sync sockets and registered as SIP phones (tests/support/sipTcp,
// over TCP on loopback) that answer at once, and a caller placing calls to the queue.
// queue_to_ring: INVITE sent → the chosen agent's phone receives it (the relay deciding), p95 of
// 40 calls one at a time after a warm-up. calls_per_s: CALLS calls, CONCURRENT at a time, each
// answered and hung up; every call must be answered and ring exactly one phone.
// Prints one JSON line: {p50, p95, calls, perSecond, lost, doubled}.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createAdmin, startRelay } from '../../src/relay';
import { kamailioQueuesMissing, startKamailio } from '../../e2e/support/kamailio';
import { header, startSipUa, statusOf } from '../../tests/support/sipTcp';
import { hello, http, login } from '../../tests/integration/relay/helpers';

const AGENTS = 10;
const RING_SAMPLES = 40;
const CALLS = 300;
const CONCURRENT = 10;

async function main(): Promise<void> {
  const missing = kamailioQueuesMissing();
  if (missing) throw new Error(missing);
  const kamailio = await startKamailio({ queues: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-voice-'));
  await createAdmin({ dataDir, email: 'root@bench.test', password: 'root-password-1', name: 'Root' });
  const relay = await startRelay({
    dataDir,
    log: pino({ level: 'silent' }),
    voice: { kamailioEvapi: kamailio.evapiAddress! },
  });
  const closers: (() => void)[] = [];
  try {
    const admin = (await login(relay, 'root@bench.test', 'root-password-1')).accessToken;
    const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Bench' }, admin)).body
      .id;
    const inbox = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Line', channel: 'voice', teamId: team },
        admin,
      )
    ).body.id;
    await http(
      relay,
      'PUT',
      `/v1/admin/inboxes/${inbox}/phone`,
      { addresses: ['support'], waitLimitMs: 600_000 },
      admin,
    );
    const phones: Awaited<ReturnType<typeof startSipUa>>[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const email = `a${i}@bench.test`;
      const id = (
        await http<{ id: string }>(
          relay,
          'POST',
          '/v1/admin/agents',
          { email, password: 'password-123', name: `A${i}`, teamIds: [team] },
          admin,
        )
      ).body.id;
      await http(relay, 'PUT', `/v1/admin/agents/${id}/phone`, { sipUser: `a${i}` }, admin);
      const client = await hello(relay, (await login(relay, email, 'password-123')).accessToken);
      client.send({ t: 'presence', state: 'available' });
      closers.push(() => client.ws.close());
      const ua = await startSipUa({
        user: `a${i}`,
        domain: kamailio.domain,
        proxyPort: kamailio.port,
        password: kamailio.passwordFor(`a${i}`),
        autoAnswer: true,
      });
      if ((await ua.register()) !== 200) throw new Error('register failed');
      closers.push(() => ua.close());
      phones.push(ua);
    }
    const caller = await startSipUa({
      user: '+8613800000000',
      domain: kamailio.domain,
      proxyPort: kamailio.port,
    });
    closers.push(() => caller.close());
    for (let i = 0; i < 200 && !/queue: relay connected/.test(kamailio.log()); i++)
      await new Promise((r) => setTimeout(r, 25));

    const rangAt = (callId: string) =>
      phones.flatMap((p) => p.incoming).filter((c) => header(c.invite, 'Call-ID') === callId);
    const one = async () => {
      const sentAt = performance.now();
      const call = caller.call('support');
      const final = await call.final;
      const rings = rangAt(call.callId);
      if (statusOf(final) === 200) call.bye();
      return {
        ok: statusOf(final) === 200,
        rings: rings.length,
        ringMs: (rings[0]?.receivedAt ?? NaN) - sentAt,
        callId: call.callId,
      };
    };
    const endedAll = async (ids: string[]) => {
      const q = relay.db
        .prepare<[string], string>(
          `SELECT json_extract(data, '$.call.state') FROM records WHERE entity = 'conversation' AND json_extract(data, '$.call.callId') = ?`,
        )
        .pluck();
      for (let i = 0; i < 400 && ids.some((id) => q.get(id) !== 'ended'); i++)
        await new Promise((r) => setTimeout(r, 10));
    };
    for (let i = 0; i < 3; i++) await endedAll([(await one()).callId]); // warm-up
    const ring: number[] = [];
    for (let i = 0; i < RING_SAMPLES; i++) {
      const r = await one();
      ring.push(r.ringMs);
      await endedAll([r.callId]);
    }
    ring.sort((a, b) => a - b);
    const pct = (p: number) => ring[Math.min(ring.length - 1, Math.ceil(p * ring.length) - 1)]!;

    let next = 0;
    let lost = 0;
    let doubled = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        while (next < CALLS) {
          next++;
          const r = await one();
          if (!r.ok) lost++;
          if (r.rings !== 1) doubled++;
          // No wait for the hang-up to be recorded: a call that finds nobody free waits in the queue.
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      JSON.stringify({
        p50: pct(0.5),
        p95: pct(0.95),
        calls: CALLS,
        perSecond: CALLS / seconds,
        lost,
        doubled,
      }) + '\n',
    );
  } finally {
    for (const c of closers) c();
    await relay.close();
    await kamailio.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`voiceQueue bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
