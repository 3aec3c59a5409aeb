import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../src/relay';
import { hello, type Client } from '../relay/helpers';
import { post, relayWithTeam, startApp, stopApp, until, type App } from '../store/relayHarness';

// Queue overflow moves the work, not only the offer. Sales' web chat overflows to Support after
// a minute unanswered. Ana (Sales) is away; a customer writes in and waits. Past the wait the
// relay offers the chat to Bo (Support): his app has the conversation, now Support's, and can
// take it; Ana's view drops it (it is no longer her team's). The move is counted at /metrics.
// The relay's clock is moved on past the wait instead of waiting it out.

const WAIT_MS = 60_000;
let offset = 0;
let relay: Relay;
let adminToken: string;
let sales: { team: string; inbox: string };
let support: { team: string; inbox: string };
let ana: { id: string; client: Client };
let bo: { app: App; id: string; offers: string[] };

async function login(email: string, password: string): Promise<string> {
  const r = await post(relay, '/v1/auth/login', { email, password, deviceName: email });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

async function asAdmin(method: string, path: string, body: unknown): Promise<{ id: string }> {
  const r = await fetch(new URL(path, relay.url), {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as { id: string };
}

const scopeOf = (conversationId: string) =>
  relay.db
    .prepare<[string], { inbox: string; team: string }>(
      `SELECT json_extract(data, '$.inboxId') AS inbox, json_extract(data, '$.teamId') AS team
         FROM records WHERE entity = 'conversation' AND id = ?`,
    )
    .get(conversationId);

beforeAll(async () => {
  const t = await relayWithTeam({ now: () => Date.now() + offset });
  relay = t.relay;
  adminToken = await login('admin@example.com', 'admin-pass-1');
  const salesTeam = t.team.id;
  const supportTeam = (await asAdmin('POST', '/v1/admin/teams', { name: 'Support' })).id;
  const inbox = async (name: string, teamId: string) =>
    (await asAdmin('POST', '/v1/admin/inboxes', { name, channel: 'chat', teamId })).id;
  sales = { team: salesTeam, inbox: await inbox('Sales chat', salesTeam) };
  support = { team: supportTeam, inbox: await inbox('Support chat', supportTeam) };
  await asAdmin('PUT', `/v1/admin/inboxes/${sales.inbox}/routing`, {
    strategy: 'least-busy',
    requiredSkills: [],
    offerTimeoutMs: 30_000,
    overflow: { afterMs: WAIT_MS, toInboxId: support.inbox },
  });
  const anaId = (await t.agent('ana@example.com', 'Ana')).id;
  await asAdmin('POST', '/v1/admin/agents', {
    email: 'bo@example.com',
    password: 'agent-pass-1',
    name: 'Bo',
    teamIds: [supportTeam],
  });
  const client = await hello(relay, await login('ana@example.com', 'agent-pass-1'));
  client.send({ t: 'presence', state: 'away' });
  ana = { id: anaId, client };
  const app = await startApp(relay, 'bo@example.com');
  const offers: string[] = [];
  app.client.onRouting((e) => {
    if (e.type !== 'offer') return;
    offers.push(e.offer.conversationId);
    app.client.replyOffer(e.offer.offerId, true);
  });
  await until(() => app.client.state().status === 'online');
  app.client.setPresence({ state: 'available' });
  bo = { app, id: app.store.identity()!.agent.id, offers };
});

afterAll(async () => {
  ana?.client.ws.close();
  if (bo) stopApp(bo.app);
  await relay?.close();
});

describe('routing: queue overflow moves the conversation to the target team', () => {
  it('a chat waiting past the overflow wait becomes Support’s: offered to Bo, in his app, gone from Ana’s view', async () => {
    const r = await fetch(new URL('/v1/channels/api/messages', relay.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        inboxId: sales.inbox,
        from: { name: 'Lin Mei 林美', email: 'lin@example.cn' },
        text: '我想升级套餐',
      }),
    });
    expect(r.status).toBe(201);
    const { conversationId } = (await r.json()) as { conversationId: string };
    // Ana's team's conversation: she sees it arrive; Bo's app does not have it.
    await ana.client.next('changes', (f) => f.changes.some((c) => c.id === conversationId && !c.deleted));
    expect(bo.app.store.conversation(conversationId)).toBeFalsy();
    expect(bo.offers).not.toContain(conversationId);

    offset += WAIT_MS + 1_000;
    await until(() => bo.offers.includes(conversationId));
    // Bo's app has the whole conversation, as Support's; the relay recorded the move.
    await until(() => bo.app.store.conversation(conversationId)?.teamId === support.team);
    expect(bo.app.store.conversation(conversationId)).toMatchObject({
      inboxId: support.inbox,
      teamId: support.team,
    });
    expect(scopeOf(conversationId)).toEqual({ inbox: support.inbox, team: support.team });
    const history = relay.db
      .prepare<[string], string>(
        `SELECT field FROM field_history WHERE entity = 'conversation' AND record_id = ? AND field IN ('inboxId', 'teamId')`,
      )
      .pluck()
      .all(conversationId);
    expect(new Set(history)).toEqual(new Set(['inboxId', 'teamId']));
    // Ana's view drops it: it is no longer her team's.
    await ana.client.next('changes', (f) => f.changes.some((c) => c.id === conversationId && c.deleted));
    // Bo accepted the offer: it is his now.
    await until(() => bo.app.store.conversation(conversationId)?.assigneeId === bo.id);
    const metrics = await (
      await fetch(new URL('/metrics', relay.url), { headers: { authorization: `Bearer ${adminToken}` } })
    ).text();
    expect(metrics).toMatch(/^relay_routing_overflows_total 1$/m);
  });
});
