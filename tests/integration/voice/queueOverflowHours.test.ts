import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { kamailioQueuesMissing, startKamailio, type RunningKamailio } from '../../../e2e/support/kamailio';
import { header, startSipUa, statusOf } from '../../support/sipTcp';
import { ADMIN, hello, http, login, startTestRelay, type Client } from '../relay/helpers';

// Overflow and opening hours of call queues, through a real Kamailio (WITH_QUEUES) and a real
// relay: a call nobody in its queue takes moves to the overflow queue, whose agent rings; a call
// outside the queue's opening hours is refused with a reason and becomes a callback task.

const missing = kamailioQueuesMissing();
if (missing) console.warn(`voice overflow/hours tests skipped: ${missing}`);

let kamailio: RunningKamailio;
let relay: Relay & { dataDir: string };
let admin: string;
const inbox: Record<'sales' | 'support' | 'night', string> = { sales: '', support: '', night: '' };
const team: Record<'sales' | 'support', string> = { sales: '', support: '' };
let bob: { id: string; client: Client; ua: Awaited<ReturnType<typeof startSipUa>> };
let caller: Awaited<ReturnType<typeof startSipUa>>;

async function until<T>(what: string, f: () => T | undefined | null | false): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Conv = {
  inboxId: string;
  teamId: string;
  kind?: string;
  callback?: { closed?: boolean; number: string };
  call: { state: string; overflowedFrom?: string };
};
const conversation = (callId: string) => {
  const r = relay.db
    .prepare<[string], { data: string }>(
      `SELECT data FROM records WHERE entity = 'conversation' AND json_extract(data, '$.call.callId') = ?`,
    )
    .get(callId);
  return r ? (JSON.parse(r.data) as Conv) : null;
};

const convId = (callId: string) =>
  relay.db
    .prepare<[string], { id: string }>(
      `SELECT id FROM records WHERE entity = 'conversation' AND json_extract(data, '$.call.callId') = ?`,
    )
    .get(callId)?.id;

const setPhone = (id: string, phone: Record<string, unknown>) =>
  http<{ error?: { code: string; message: string } }>(
    relay,
    'PUT',
    `/v1/admin/inboxes/${id}/phone`,
    phone,
    admin,
  );

describe.skipIf(missing !== null)('voice queue overflow and opening hours through Kamailio', () => {
  beforeAll(async () => {
    kamailio = await startKamailio({ queues: true });
    relay = await startTestRelay({ voice: { kamailioEvapi: kamailio.evapiAddress! } });
    admin = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    for (const name of ['sales', 'support'] as const)
      team[name] = (
        await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: `Team ${name}` }, admin)
      ).body.id;
    for (const [name, t] of [
      ['sales', team.sales],
      ['support', team.support],
      ['night', team.support],
    ] as const)
      inbox[name] = (
        await http<{ id: string }>(
          relay,
          'POST',
          '/v1/admin/inboxes',
          { name: `${name} line`, channel: 'voice', teamId: t },
          admin,
        )
      ).body.id;
    const email = 'bob@overflow.test';
    const id = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/agents',
        { email, password: 'password-123', name: 'Bob', teamIds: [team.support] },
        admin,
      )
    ).body.id;
    await http(relay, 'PUT', `/v1/admin/agents/${id}/phone`, { sipUser: 'bob' }, admin);
    const client = await hello(relay, (await login(relay, email, 'password-123')).accessToken);
    const ua = await startSipUa({
      user: 'bob',
      domain: kamailio.domain,
      proxyPort: kamailio.port,
      password: kamailio.passwordFor('bob'),
    });
    expect(await ua.register()).toBe(200);
    bob = { id, client, ua };
    caller = await startSipUa({ user: '+8613800000001', domain: kamailio.domain, proxyPort: kamailio.port });
    await until('the relay connected to Kamailio', () => /queue: relay connected/.test(kamailio.log()));
  }, 30_000);

  afterAll(async () => {
    bob?.client.ws.close();
    bob?.ua.close();
    caller?.close();
    await relay?.close();
    await kamailio?.stop();
  });

  it('refuses overflow and hours settings that cannot work, each with what to fix', async () => {
    const base = { addresses: ['sales'], waitLimitMs: 20_000 };
    const refused = async (phone: Record<string, unknown>) => {
      const r = await setPhone(inbox.sales, phone);
      expect(r.status).toBe(422);
      expect(r.body.error?.code).toBe('RELAY_ERR_VALIDATION');
      return r.body.error?.message ?? '';
    };
    expect(await refused({ ...base, overflowToInboxId: inbox.support })).toMatch(/both or neither/);
    expect(await refused({ ...base, overflowToInboxId: inbox.support, overflowAfterMs: 30_000 })).toMatch(
      /shorter than waitLimitMs/,
    );
    expect(await refused({ ...base, overflowToInboxId: inbox.sales, overflowAfterMs: 1_000 })).toMatch(
      /itself/,
    );
    expect(
      await refused({
        ...base,
        overflowToInboxId: '0190a0b0-0000-7000-8000-000000000000',
        overflowAfterMs: 1_000,
      }),
    ).toMatch(/no inbox/);
    expect(
      await refused({ ...base, hours: { timeZone: 'Mars/Olympus', weekly: [], closedDates: [] } }),
    ).toMatch(/time zone/);
    expect(
      await refused({
        ...base,
        hours: { timeZone: 'UTC', weekly: [{ day: 1, open: '18:00', close: '09:00' }], closedDates: [] },
      }),
    ).toMatch(/before close/);
  });

  it('a call nobody in its queue takes overflows: the other team’s agent rings and it is their team’s now', async () => {
    expect(
      (
        await setPhone(inbox.sales, {
          addresses: ['sales'],
          waitLimitMs: 20_000,
          overflowToInboxId: inbox.support,
          overflowAfterMs: 1_500,
        })
      ).status,
    ).toBe(200);
    expect((await setPhone(inbox.support, { addresses: ['support'], waitLimitMs: 20_000 })).status).toBe(200);
    bob.client.send({ t: 'presence', state: 'available' });
    await new Promise((r) => setTimeout(r, 100));
    const call = caller.call('sales');
    await until('queued in sales', () => conversation(call.callId)?.inboxId === inbox.sales);
    // Bob is not in the sales team: nothing rings until the call overflows to support.
    const c = await until('bob rings', () =>
      bob.ua.incoming.find((x) => header(x.invite, 'Call-ID') === call.callId),
    );
    expect(conversation(call.callId)).toMatchObject({
      inboxId: inbox.support,
      teamId: team.support,
    });
    c.answer();
    expect(statusOf(await call.final)).toBe(200);
    await until('talking', () => conversation(call.callId)?.call.state === 'talking');
    // The call's history says where it came from.
    const history = relay.db
      .prepare<[string], { data: string }>(
        `SELECT data FROM records WHERE entity = 'fieldChange' AND json_extract(data, '$.field') = 'call'
           AND json_extract(data, '$.value.callId') = ? ORDER BY seq`,
      )
      .all(call.callId)
      .map((r) => (JSON.parse(r.data) as { value: { state: string; overflowedFrom?: string } }).value);
    expect(history.some((v) => v.state === 'queued' && v.overflowedFrom === inbox.sales)).toBe(true);
    call.bye();
    await until('ended', () => conversation(call.callId)?.call.state === 'ended');
  });

  it('outside opening hours the caller is told so by a SIP reason and a callback task appears', async () => {
    // Closed today in the team's zone (a closed date), whatever the weekly hours say.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now());
    const allWeek = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: '00:00', close: '24:00' }));
    expect(
      (
        await setPhone(inbox.night, {
          addresses: ['night'],
          waitLimitMs: 20_000,
          hours: { timeZone: 'Asia/Shanghai', weekly: allWeek, closedDates: [today] },
        })
      ).status,
    ).toBe(200);
    bob.client.send({ t: 'presence', state: 'available' });
    const call = caller.call('night');
    const final = await call.final;
    expect(statusOf(final)).toBe(480);
    expect(header(final, 'Reason')).toMatch(/Closed now/);
    const conv = await until('a callback task', () =>
      conversation(call.callId)?.kind === 'callback' ? conversation(call.callId) : null,
    );
    expect(conv.callback).toMatchObject({ closed: true, number: '+8613800000001' });
    // Nobody's phone rang for it: the callback is offered as ordinary work instead.
    expect(bob.ua.incoming.some((x) => header(x.invite, 'Call-ID') === call.callId)).toBe(false);
    const offer = await bob.client.next('offer', (f) => f.offer.conversationId === convId(call.callId));
    expect(offer.offer.channel).toBe('voice');
    bob.client.send({ t: 'offerReply', offerId: offer.offer.offerId, accept: false });
    // Open again (no closed date): the next call queues and rings.
    await setPhone(inbox.night, {
      addresses: ['night'],
      waitLimitMs: 20_000,
      hours: { timeZone: 'Asia/Shanghai', weekly: allWeek, closedDates: [] },
    });
    const next = caller.call('night');
    const c = await until('bob rings', () =>
      bob.ua.incoming.find((x) => header(x.invite, 'Call-ID') === next.callId),
    );
    c.decline(486);
    next.cancel();
  });
});
