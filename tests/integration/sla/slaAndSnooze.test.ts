// SLAs and snoozes run on the relay (issue #13): a conversation a customer starts gets due times
// from its inbox's policy (business hours in the team's zone, weekends and holidays closed); the
// relay marks a breach at the due instant with no app connected; an agent's reply clears the first
// response; a snoozed conversation wakes at its time with every app closed, also across a relay
// restart; a customer's new message reopens a snoozed or resolved conversation. The relay's wall
// clock is the test's (RelayOptions.now), moved by hand; the tests wait for a run of the relay's
// timer (its /metrics counter) after moving it, never for a length of time.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import type { ConversationData } from '../../../src/shared/sync/entities';
import { ADMIN, hello, http, login, mutation, startTestRelay, tempDir } from '../relay/helpers';
import { waitFor } from '../sync/waitFor';
import { session, visit } from '../webchat/visitorClient';

const H = 3_600_000;
let clock = Date.parse('2026-03-06T09:30:00Z'); // Friday 17:30 in Shanghai
let relay: Relay & { dataDir: string };
let inboxId: string;
let chatInboxId: string;
// The API inbox's webhook (a real receiver on 127.0.0.1): without one, agents' replies are refused.
let receiver: Server;
const dataDir = tempDir('sb-sla-');
const start = () =>
  startTestRelay({
    dataDir,
    now: () => clock,
    sla: { tickMs: 20 },
    webhook: { allowPrivateNetworks: true },
  });

/** A fresh admin token (tokens expire on the relay's clock, which the tests move by days). */
const admin = async () => (await login(relay, ADMIN.email, ADMIN.password)).accessToken;

const conv = (id: string) => {
  const json = relay.db
    .prepare(`SELECT data FROM records WHERE entity = 'conversation' AND id = ?`)
    .pluck()
    .get(id) as string;
  return JSON.parse(json) as ConversationData;
};

async function timerRuns(): Promise<number> {
  const res = await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${await admin()}` } });
  return Number(/^relay_conversation_timer_runs_total (\d+)$/m.exec(await res.text())?.[1]);
}

/** Moves the relay's clock and waits until its timer has run at least once at the new time. */
async function setClock(ms: number): Promise<void> {
  const before = await timerRuns();
  clock = ms;
  await waitFor(
    async () => (await timerRuns()) > before,
    () => 'a run of the relay timer',
  );
}

async function customerWrites(email: string, text: string) {
  const r = await http<{ conversationId: string; newConversation: boolean }>(
    relay,
    'POST',
    '/v1/channels/api/messages',
    { inboxId, from: { name: email, email }, text },
    await admin(),
  );
  expect(r.status).toBe(201);
  return r.body;
}

// An agent acts after what it saw: its clock is ahead of the relay's last write, as a person's is.
let agentWall = 0;
/** Pushes one mutation as the admin, with a clock just after the relay's, and checks it applied. */
async function push(name: string, args: unknown) {
  agentWall = Math.max(agentWall, clock) + 1;
  const c = await hello(relay, await admin());
  c.send({ t: 'push', batch: 1, mutations: [mutation(name, args, agentWall)] });
  const r = await c.next('pushResult');
  c.ws.close();
  await c.closed;
  expect(r.results[0]?.status, JSON.stringify(r.results[0])).toBe('applied');
  return r.results[0];
}

beforeAll(async () => {
  relay = await start();
  const t = await admin();
  const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Shanghai' }, t)).body
    .id;
  inboxId = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Orders', channel: 'api', teamId: team },
      t,
    )
  ).body.id;
  chatInboxId = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Chat', channel: 'chat', teamId: team },
      t,
    )
  ).body.id;
  receiver = createServer((req, res) => void req.resume().on('end', () => res.writeHead(200).end('{}')));
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hook = await http(
    relay,
    'PUT',
    `/v1/admin/inboxes/${inboxId}/webhook`,
    { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` },
    t,
  );
  expect(hook.status).toBe(200);
  const sla = await http(
    relay,
    'PUT',
    `/v1/admin/inboxes/${inboxId}/sla`,
    {
      firstResponseMinutes: 60,
      resolutionMinutes: 8 * 60,
      timeZone: 'Asia/Shanghai',
      hours: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '18:00' })),
      holidays: ['2026-03-09'],
    },
    t,
  );
  expect(sla.status).toBe(200);
});

afterAll(async () => {
  await relay?.close();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

describe('relay/sla: due times and breaches on real conversations', () => {
  let id: string;

  it('a new conversation gets its due times in business time: past the weekend and the holiday', async () => {
    id = (await customerWrites('wei@example.cn', 'Where is my order?')).conversationId;
    const c = conv(id);
    // 30 min left on Friday; Saturday, Sunday and Monday (a holiday) closed; Tuesday 09:30.
    expect(c.slaFirstResponseDueAt).toBe('2026-03-10T01:30:00.000Z');
    // 8 h: 30 min on Friday and 7 h 30 on Tuesday, until 16:30.
    expect(c.slaResolutionDueAt).toBe('2026-03-10T08:30:00.000Z');
    expect(c.slaDueAt).toBe(c.slaFirstResponseDueAt);
    // An app sees it on the synced record.
    const app = await hello(relay, await admin());
    const f = await app.next('changes', (x) => x.changes.some((ch) => ch.id === id));
    expect(f.changes.find((ch) => ch.id === id)?.data?.['slaDueAt']).toBe('2026-03-10T01:30:00.000Z');
    app.ws.close();
  });

  it('breaches at the due instant, not a second before, with no app connected', async () => {
    await setClock(Date.parse('2026-03-10T01:29:59Z'));
    expect(conv(id).slaFirstResponseBreaches).toBeUndefined();
    await setClock(Date.parse('2026-03-10T01:30:00Z'));
    await waitFor(
      () => conv(id).slaFirstResponseBreaches === 1,
      () => 'the first-response breach',
    );
    expect(conv(id).slaFirstResponseBreachedAt).toBe('2026-03-10T01:30:00.000Z');
    // Marked once, however many runs pass.
    await setClock(Date.parse('2026-03-10T01:45:00Z'));
    expect(conv(id).slaFirstResponseBreaches).toBe(1);
    expect(conv(id).slaResolutionBreaches).toBeUndefined();
  });

  it("an agent's reply clears the first response; the resolution target still runs and breaches", async () => {
    expect(
      (await push('message.send', { id: crypto.randomUUID(), conversationId: id, body: 'On its way.' }))
        ?.status,
    ).toBe('applied');
    const c = conv(id);
    expect(c.slaFirstResponseDueAt).toBeNull();
    expect(c.slaDueAt).toBe('2026-03-10T08:30:00.000Z');
    await setClock(Date.parse('2026-03-10T08:30:00Z'));
    await waitFor(
      () => conv(id).slaResolutionBreaches === 1,
      () => 'the resolution breach',
    );
    expect(conv(id).slaFirstResponseBreaches).toBe(1);
  });

  it('a reply in time means no breach; the customer writing again starts a new first response', async () => {
    const other = (await customerWrites('li@example.cn', 'Invoice please')).conversationId;
    expect(conv(other).slaFirstResponseDueAt).toBe('2026-03-10T09:30:00.000Z'); // 16:30 + 1 h
    await setClock(Date.parse('2026-03-10T09:00:00Z'));
    await push('message.send', { id: crypto.randomUUID(), conversationId: other, body: 'Sent.' });
    await setClock(Date.parse('2026-03-10T10:00:00Z')); // 18:00: the old due time has passed
    expect(conv(other).slaFirstResponseBreaches).toBeUndefined();
    // After hours: the new first response is due an hour after Wednesday's opening.
    expect((await customerWrites('li@example.cn', 'Got it, one more question')).conversationId).toBe(other);
    expect(conv(other).slaFirstResponseDueAt).toBe('2026-03-11T02:00:00.000Z');
  });

  it('a resolve clears the due times', async () => {
    await push('conversation.setStatus', { id, status: 'resolved' });
    const c = conv(id);
    expect([c.slaDueAt, c.slaFirstResponseDueAt, c.slaResolutionDueAt]).toEqual([null, null, null]);
  });
});

describe('relay/sla: snoozes wake on the relay, and customers reopen conversations', () => {
  it('a snoozed conversation wakes at its time with every app closed', async () => {
    const id = (await customerWrites('ana@example.com', 'Call me next week')).conversationId;
    const wake = clock + 2 * H;
    expect(
      (
        await push('conversation.setStatus', {
          id,
          status: 'snoozed',
          snoozedUntil: new Date(wake).toISOString(),
        })
      )?.status,
    ).toBe('applied');
    await setClock(wake - 1_000);
    expect(conv(id).status).toBe('snoozed');
    await setClock(wake);
    await waitFor(
      () => conv(id).status === 'open',
      () => 'the snoozed conversation to wake',
    );
    expect(conv(id).snoozedUntil).toBeNull();
  });

  it('a snooze that came due while the relay was down wakes when it starts again', async () => {
    const id = (await customerWrites('omar@example.com', 'Later, please')).conversationId;
    const wake = clock + H;
    await push('conversation.setStatus', {
      id,
      status: 'snoozed',
      snoozedUntil: new Date(wake).toISOString(),
    });
    expect(conv(id).status).toBe('snoozed');
    await relay.close();
    clock = wake + 6 * H;
    relay = await start();
    await waitFor(
      () => conv(id).status === 'open',
      () => 'the snooze to wake after the restart',
    );
  });

  it("a customer's new message reopens a snoozed conversation, and a resolved one, in place", async () => {
    const id = (await customerWrites('zoe@example.com', 'Hello')).conversationId;
    await push('conversation.setStatus', {
      id,
      status: 'snoozed',
      snoozedUntil: new Date(clock + 48 * H).toISOString(),
    });
    expect(conv(id).status).toBe('snoozed');
    expect(await customerWrites('zoe@example.com', 'Any news?')).toMatchObject({
      conversationId: id,
      newConversation: false,
    });
    expect(conv(id)).toMatchObject({ status: 'open', snoozedUntil: null });

    await push('conversation.setStatus', { id, status: 'resolved' });
    expect(conv(id).status).toBe('resolved');
    await setClock(clock + 24 * H);
    expect(await customerWrites('zoe@example.com', 'It broke again')).toMatchObject({
      conversationId: id,
      newConversation: false,
    });
    const c = conv(id);
    expect(c.status).toBe('open');
    // Reopened: both clocks start again from this message.
    expect(c.slaFirstResponseDueAt).not.toBeNull();
    expect(c.slaResolutionDueAt).not.toBeNull();
  });

  it('a web chat visitor writing again after a resolve reopens the same chat', async () => {
    const v = await visit(relay, await session(relay, { inboxId: chatInboxId, name: 'Lu Visitor' }));
    v.send({ t: 'message', text: 'Is the store open on Sunday?', clientId: 'w1' });
    const first = (await v.next('message'))['message'] as { id: string };
    const convOf = (messageId: string) =>
      relay.db
        .prepare(
          `SELECT json_extract(data, '$.conversationId') FROM records WHERE entity = 'message' AND id = ?`,
        )
        .pluck()
        .get(messageId) as string;
    const id = convOf(first.id);
    await push('conversation.setStatus', { id, status: 'resolved' });
    expect(conv(id).status).toBe('resolved');
    v.send({ t: 'message', text: 'One more thing', clientId: 'w2' });
    const second = (await v.next('message', (f) => (f['message'] as { id: string }).id !== first.id))[
      'message'
    ] as { id: string };
    expect(convOf(second.id)).toBe(id);
    expect(conv(id).status).toBe('open');
    v.ws.close();
  });
});
