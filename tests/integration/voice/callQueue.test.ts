import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { kamailioQueuesMissing, startKamailio, type RunningKamailio } from '../../../e2e/support/kamailio';
import { header, startSipUa, statusOf } from '../../support/sipTcp';
import { ADMIN, hello, http, login, startTestRelay, type Client } from '../relay/helpers';

// Calls through a real Kamailio (deploy/kamailio/switchboard.cfg with WITH_QUEUES) and a real
// relay connected to it over evapi: a call to the queue's address waits at Kamailio while the
// relay's routing engine picks an agent, whose SIP phone (a small TCP user agent) then rings.

const missing = kamailioQueuesMissing();
if (missing) console.warn(`voice queue tests skipped: ${missing}`);

type Agent = { id: string; name: string; client: Client; ua: Awaited<ReturnType<typeof startSipUa>> };
let kamailio: RunningKamailio;
let relay: Relay & { dataDir: string };
let admin: string;
let inboxId: string;
const agents: Agent[] = [];
let caller: Awaited<ReturnType<typeof startSipUa>>;
/** A supervisor of the team, connected like an app: what it is sent is what a supervisor sees. */
let supervisor: Client;

async function until<T>(what: string, f: () => T | undefined | null | false): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const conversationOf = (callId: string) =>
  relay.db
    .prepare<[string], { id: string; data: string }>(
      `SELECT id, data FROM records WHERE entity = 'conversation' AND json_extract(data, '$.call.callId') = ?`,
    )
    .get(callId);
const callState = (callId: string) => {
  const r = conversationOf(callId);
  return r
    ? (JSON.parse(r.data) as {
        status: string;
        call: { state: string; endedBy?: string };
        assigneeId: string | null;
        kind?: string;
      })
    : null;
};

/** The call `callId` as it reached this agent's phone, if it did. */
const rung = (a: Agent, callId: string) => a.ua.incoming.find((c) => header(c.invite, 'Call-ID') === callId);

describe.skipIf(missing !== null)('voice queue through Kamailio', () => {
  beforeAll(async () => {
    kamailio = await startKamailio({ queues: true });
    relay = await startTestRelay({
      voice: { kamailioEvapi: kamailio.evapiAddress! },
      ...(process.env['VOICE_DEBUG'] ? { log: (await import('pino')).default({ level: 'debug' }) } : {}),
    });
    admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Phones' }, admin))
      .body.id;
    inboxId = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Support line', channel: 'voice', teamId: team },
        admin,
      )
    ).body.id;
    expect(
      (
        await http(
          relay,
          'PUT',
          `/v1/admin/inboxes/${inboxId}/phone`,
          { addresses: ['support'], waitLimitMs: 7_000 },
          admin,
        )
      ).status,
    ).toBe(200);
    await http(
      relay,
      'PUT',
      `/v1/admin/inboxes/${inboxId}/routing`,
      { strategy: 'least-busy', requiredSkills: [], offerTimeoutMs: 5_000, overflow: null },
      admin,
    );
    for (const name of ['alice', 'bob']) {
      const email = `${name}@voice.test`;
      const id = (
        await http<{ id: string }>(
          relay,
          'POST',
          '/v1/admin/agents',
          { email, password: 'password-123', name, teamIds: [team] },
          admin,
        )
      ).body.id;
      expect(
        (await http(relay, 'PUT', `/v1/admin/agents/${id}/phone`, { sipUser: name }, admin)).status,
      ).toBe(200);
      const client = await hello(relay, (await login(relay, email, 'password-123')).accessToken);
      const ua = await startSipUa({
        user: name,
        domain: kamailio.domain,
        proxyPort: kamailio.port,
        password: kamailio.passwordFor(name),
      });
      expect(await ua.register()).toBe(200);
      agents.push({ id, name, client, ua });
    }
    await http(
      relay,
      'POST',
      '/v1/admin/agents',
      { email: 'sup@voice.test', password: 'password-123', name: 'Sup', role: 'supervisor', teamIds: [team] },
      admin,
    );
    supervisor = await hello(relay, (await login(relay, 'sup@voice.test', 'password-123')).accessToken);
    caller = await startSipUa({ user: '+8613800000000', domain: kamailio.domain, proxyPort: kamailio.port });
    await until('the relay connected to Kamailio', () => /queue: relay connected/.test(kamailio.log()));
  }, 30_000);

  afterAll(async () => {
    if (process.env['VOICE_DEBUG'])
      console.log(
        kamailio.log().slice(-6000),
        agents.map((a) => [a.name, a.ua.incoming.map((c) => c.invite.start)]),
      );
    for (const a of agents) {
      a.client.ws.close();
      a.ua.close();
    }
    caller?.close();
    supervisor?.ws.close();
    await relay?.close();
    await kamailio?.stop();
  });

  const setAll = (state: 'available' | 'away') => {
    for (const a of agents) a.client.send({ t: 'presence', state });
  };

  it('rings an available agent; her decline rings the other, who answers; the caller hangs up', async () => {
    setAll('available');
    await new Promise((r) => setTimeout(r, 100));
    const call = caller.call('support', 'Wang Fang');
    const first = await until('a phone rings', () =>
      agents.map((a) => ({ a, c: rung(a, call.callId) })).find((x) => x.c),
    ).then((x) => ({ a: x.a, c: x.c! }));
    expect(header(first.c.invite, 'From')).toContain('+8613800000000');
    first.c.ring();
    await until('ringing state', () => callState(call.callId)?.call.state === 'ringing');
    const other = agents.find((a) => a !== first.a)!;
    first.c.decline(486);
    const c2 = await until('the other phone rings', () => rung(other, call.callId));
    // Each ring names the call's conversation once (for the agent's app), also after a decline.
    const convOfCall = conversationOf(call.callId)!.id;
    for (const inv of [first.c.invite, c2.invite])
      expect(
        inv.headers.filter(([k]) => k.toLowerCase() === 'x-switchboard-conversation').map(([, v]) => v),
      ).toEqual([convOfCall]);
    // The caller never heard the decline: no final answer yet.
    expect(call.responses.every((r) => statusOf(r) < 200)).toBe(true);
    c2.answer();
    expect(statusOf(await call.final)).toBe(200);
    await until('talking', () => callState(call.callId)?.call.state === 'talking');
    expect(callState(call.callId)?.assigneeId).toBe(other.id);
    expect(await call.reinvite('sendonly')).toBe(200);
    await until('held', () => callState(call.callId)?.call.state === 'held');
    expect(await call.reinvite('sendrecv')).toBe(200);
    await until('talking again', () => callState(call.callId)?.call.state === 'talking');
    call.bye();
    await until('ended by the customer', () => callState(call.callId)?.call.endedBy === 'customer');
    expect(callState(call.callId)?.call.state).toBe('ended');
    // The supervisor's app was sent every state as it happened, in order.
    const convId = conversationOf(call.callId)!.id;
    const seen = await until('the supervisor saw the call end', () => {
      const states: string[] = [];
      for (const f of supervisor.frames)
        if (f.t === 'changes')
          for (const ch of f.changes) {
            const st = (ch.data?.['call'] as { state?: string } | undefined)?.state;
            if (ch.id === convId && st && states.at(-1) !== st) states.push(st);
          }
      return states.at(-1) === 'ended' ? states : null;
    });
    expect(seen).toEqual([
      'queued',
      'offered',
      'ringing',
      'queued',
      'offered',
      'talking',
      'held',
      'talking',
      'ended',
    ]);
  });

  it('rings the least busy agent: with one call each can take two, the second call goes to the other', async () => {
    for (const a of agents)
      expect(
        (await http(relay, 'PUT', `/v1/admin/agents/${a.id}/routing`, { capacity: { call: 2 } }, admin))
          .status,
      ).toBe(200);
    setAll('available');
    await new Promise((r) => setTimeout(r, 100));
    const one = caller.call('support');
    const first = await until('a phone rings', () =>
      agents.map((a) => ({ a, c: rung(a, one.callId) })).find((x) => x.c),
    );
    first.c!.answer();
    await until('talking', () => callState(one.callId)?.call.state === 'talking');
    // Another customer (the first one's last agent would be preferred for them).
    const caller2 = await startSipUa({
      user: '+8613900000000',
      domain: kamailio.domain,
      proxyPort: kamailio.port,
    });
    const two = caller2.call('support');
    const other = agents.find((a) => a !== first.a)!;
    const c2 = await until('the less busy agent rings', () => rung(other, two.callId));
    expect(rung(first.a, two.callId)).toBeUndefined();
    c2.answer();
    await until('talking', () => callState(two.callId)?.call.state === 'talking');
    // The relay can hear "talking" before the caller has its 200 OK: hang up once each has it.
    expect(statusOf(await one.final)).toBe(200);
    expect(statusOf(await two.final)).toBe(200);
    one.bye();
    two.bye();
    await until(
      'both ended',
      () => callState(one.callId)?.call.state === 'ended' && callState(two.callId)?.call.state === 'ended',
    );
    caller2.close();
    for (const a of agents)
      await http(relay, 'PUT', `/v1/admin/agents/${a.id}/routing`, { capacity: { call: 1 } }, admin);
  });

  it('waits while everyone is away and rings the first agent to become available', async () => {
    setAll('away');
    await new Promise((r) => setTimeout(r, 100));
    const call = caller.call('support');
    await until('queued', () => callState(call.callId)?.call.state === 'queued');
    const bob = agents.find((a) => a.name === 'bob')!;
    expect(agents.some((a) => rung(a, call.callId))).toBe(false);
    bob.client.send({ t: 'presence', state: 'available' });
    const c = await until('bob rings', () => rung(bob, call.callId));
    expect(header(c.invite, 'Call-ID')).toBe(call.callId);
    call.cancel();
    await until('abandoned', () => callState(call.callId)?.call.state === 'abandoned');
    expect(callState(call.callId)?.status).toBe('resolved');
    expect(statusOf(await call.final)).toBe(487);
  });

  it('past the queue limit the caller gets 480 with a reason and a callback task is offered', async () => {
    setAll('away');
    await new Promise((r) => setTimeout(r, 100));
    const call = caller.call('support');
    const final = await call.final;
    expect(statusOf(final)).toBe(480);
    expect(header(final, 'Reason')).toMatch(/cause=480/);
    const conv = await until('callback', () =>
      callState(call.callId)?.kind === 'callback' ? conversationOf(call.callId) : null,
    );
    const alice = agents.find((a) => a.name === 'alice')!;
    alice.client.send({ t: 'presence', state: 'available' });
    const offer = await alice.client.next('offer', (f) => f.offer.conversationId === conv.id);
    expect(offer.offer.channel).toBe('voice');
  });

  it('an unknown address gets 404 and a direct call to a registered agent still rings them', async () => {
    expect(statusOf(await caller.call('nobody-here').final)).toBe(404);
    const alice = agents.find((a) => a.name === 'alice')!;
    alice.client.send({ t: 'presence', state: 'away' });
    const call = caller.call('alice');
    (await until('alice rings', () => rung(alice, call.callId))).decline(603);
    expect(statusOf(await call.final)).toBe(603);
  });
});

describe.skipIf(missing !== null)('voice queue without the relay', () => {
  it('refuses a queue call at once with 503 while no relay is connected', async () => {
    const k = await startKamailio({ queues: true });
    const ua = await startSipUa({ user: '+8613800000000', domain: k.domain, proxyPort: k.port });
    try {
      expect(statusOf(await ua.call('support').final)).toBe(503);
    } finally {
      ua.close();
      await k.stop();
    }
  });
});

describe.skipIf(missing !== null)('voice queue across a relay restart', () => {
  it('a call waiting when the relay stops is ended with 480 once it is back, and becomes a callback task', async () => {
    const k = await startKamailio({ queues: true });
    let r = await startTestRelay({ voice: { kamailioEvapi: k.evapiAddress! } });
    const ua = await startSipUa({ user: '+8613700000000', domain: k.domain, proxyPort: k.port });
    try {
      const t = (await login(r, ADMIN.email, ADMIN.password)).accessToken;
      const team = (await http<{ id: string }>(r, 'POST', '/v1/admin/teams', { name: 'Night' }, t)).body.id;
      const inbox = (
        await http<{ id: string }>(
          r,
          'POST',
          '/v1/admin/inboxes',
          { name: 'Night line', channel: 'voice', teamId: team },
          t,
        )
      ).body.id;
      await http(
        r,
        'PUT',
        `/v1/admin/inboxes/${inbox}/phone`,
        { addresses: ['night'], waitLimitMs: 600_000 },
        t,
      );
      await until('the relay connected', () => /queue: relay connected/.test(k.log()));
      const call = ua.call('night');
      const state = (rel: Relay) => {
        const row = rel.db
          .prepare<[string], { data: string }>(
            `SELECT data FROM records WHERE entity = 'conversation' AND json_extract(data, '$.call.callId') = ?`,
          )
          .get(call.callId);
        return row ? (JSON.parse(row.data) as { kind?: string; call: { state: string } }) : null;
      };
      await until('queued', () => state(r)?.call.state === 'queued');
      await r.close();
      r = await startTestRelay({ dataDir: r.dataDir, voice: { kamailioEvapi: k.evapiAddress! } });
      const final = await call.final;
      expect(statusOf(final)).toBe(480);
      expect(state(r)).toMatchObject({ kind: 'callback', call: { state: 'callback' } });
    } finally {
      ua.close();
      await r.close();
      await k.stop();
    }
  });
});
