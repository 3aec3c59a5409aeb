import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type Relay } from '../../../src/relay';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '../../../src/main/base/logger';
import { EventHub } from '../../../src/main/base/events';
import { SessionService } from '../../../src/main/services/sessionService';
import type { MovedWhileAway } from '../../../src/shared/routing';
import { startChaosProxy, type ChaosProxy } from '../../support/chaosProxy';
import { relayWithTeam, startApp, stopApp, until, type App } from '../store/relayHarness';
import { session, visit, type Visitor } from '../webchat/visitorClient';

// Presence is not ownership. Hana works from home; her Wi-Fi drops for three minutes (the link
// between her app and the relay is cut by a proxy; the relay's clock is moved on by three minutes,
// the team's grace). Her emails and API conversations stay hers; the web chat whose visitor is
// still waiting goes to Omar, who is available; the chat whose visitor left stays with her until
// that visitor comes back while she is still away. When her app reconnects she is told what moved
// and why, and told again after another reconnect until she dismisses it.

const GRACE_MS = 180_000;
let offset = 0;
let relay: Relay;
let dataDir: string;
/** Wen's web chat: still waiting when Hana dropped; Omar's since. */
let wen: { token: string; id: string };
const agentIds: Record<string, string> = {};
let adminToken: string;
let teamId: string;
let proxy: ChaosProxy;
const workspaces: SessionService[] = [];
const apps: App[] = [];
const visitors: Visitor[] = [];
let inbox: { email: string; api: string; chat: string };

async function call(method: string, path: string, body: unknown, token: string) {
  const res = await fetch(new URL(path, relay.url), {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const assigneeOf = (conversationId: string) =>
  relay.db
    .prepare(
      `SELECT json_extract(data, '$.assigneeId') FROM records WHERE entity = 'conversation' AND id = ?`,
    )
    .pluck()
    .get(conversationId) as string | null;

/** An app that takes every offer it gets, and keeps what the relay says moved while it was away. */
async function agentApp(email: string, relayUrl?: string) {
  const app = await startApp(relay, email, relayUrl ? { relayUrl } : {});
  apps.push(app);
  const moved: MovedWhileAway[][] = [];
  app.client.onRouting((e) => {
    if (e.type === 'offer') app.client.replyOffer(e.offer.offerId, true);
    if (e.type === 'moved') moved.push(e.moved);
  });
  await until(() => app.client.state().status === 'online');
  return { app, moved, id: app.store.identity()!.agent.id };
}

async function staffed(): Promise<boolean> {
  const res = await fetch(`${relay.url}/v1/widget/config?inbox=${inbox.chat}`);
  return ((await res.json()) as { online: boolean }).online;
}

beforeAll(async () => {
  const t = await relayWithTeam({ now: () => Date.now() + offset });
  relay = t.relay;
  dataDir = t.dataDir;
  teamId = t.team.id;
  const login = await fetch(new URL('/v1/auth/login', relay.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'admin-pass-1', deviceName: 'admin' }),
  });
  adminToken = ((await login.json()) as { accessToken: string }).accessToken;
  const make = async (name: string, channel: string) =>
    (await t.asAdmin('/v1/admin/inboxes', { name, channel, teamId })).id;
  inbox = {
    email: await make('Email', 'email'),
    api: await make('Orders API', 'api'),
    chat: await make('Web chat', 'chat'),
  };
  await t.agent('hana@example.com', 'Hana');
  await t.agent('omar@example.com', 'Omar');
  await t.agent('sam@example.com', 'Sam');
  proxy = await startChaosProxy({ targetPort: Number(new URL(relay.url).port), seed: 9 });
});

afterAll(async () => {
  for (const v of visitors) v.ws.close();
  for (const a of apps.splice(0)) stopApp(a);
  for (const w of workspaces) await w.close();
  await proxy?.close();
  await relay?.close();
});

describe('routing: presence is not ownership', () => {
  it("a team's grace is set by admins and the team's supervisors, within bounds, on the synced team record", async () => {
    const sam = await call(
      'POST',
      '/v1/auth/login',
      { email: 'sam@example.com', password: 'agent-pass-1', deviceName: 's' },
      '',
    );
    const samToken = sam.body['accessToken'] as string;
    const put = (body: unknown, token = adminToken, id = teamId) =>
      call('PUT', `/v1/admin/teams/${id}/routing`, body, token);
    expect((await put({ awayGraceMs: GRACE_MS }, samToken)).body['error']).toMatchObject({
      code: 'RELAY_ERR_FORBIDDEN',
    });
    for (const bad of [{ awayGraceMs: 1_000 }, { awayGraceMs: 7_200_000 }, { awayGraceMs: 'soon' }, {}]) {
      const r = await put(bad);
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect(r.body['error']).toMatchObject({ code: 'RELAY_ERR_VALIDATION' });
    }
    expect((await put({ awayGraceMs: GRACE_MS }, adminToken, '%E0%A4%A')).status).toBe(400);
    expect((await put({ awayGraceMs: GRACE_MS }, adminToken, 'no-such-team')).status).toBe(404);
    expect((await put({ awayGraceMs: GRACE_MS }, '')).status).toBe(401);
    const ok = await put({ awayGraceMs: GRACE_MS });
    expect(ok).toEqual({ status: 200, body: { awayGraceMs: GRACE_MS } });
    const team = relay.db
      .prepare(
        `SELECT json_extract(data, '$.routing.awayGraceMs') FROM records WHERE entity = 'team' AND id = ?`,
      )
      .pluck()
      .get(teamId);
    expect(team).toBe(GRACE_MS);
    const audit = await fetch(new URL('/v1/admin/audit?action=routing.teamChanged', relay.url), {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(((await audit.json()) as { entries: { target: string }[] }).entries).toEqual([
      expect.objectContaining({ target: teamId, detail: { routing: { awayGraceMs: GRACE_MS } } }),
    ]);
  });

  it('after three minutes offline, email and API work is still hers; the waiting chat moved; she is told on return', async () => {
    const omar = await agentApp('omar@example.com');
    omar.app.client.setPresence({ state: 'away' });
    const hana = await agentApp('hana@example.com', `http://127.0.0.1:${proxy.port}`);
    hana.app.client.setPresence({ state: 'available' });
    await until2(() => staffed());

    // Her morning: three emails, two orders through the API, two web chats.
    const inbound = async (inboxId: string, email: string, subject: string) =>
      (
        await call(
          'POST',
          '/v1/channels/api/messages',
          { inboxId, from: { email }, text: 'hello', subject },
          adminToken,
        )
      ).body['conversationId'] as string;
    const async = [
      await inbound(inbox.email, 'a@example.com', 'Invoice'),
      await inbound(inbox.email, 'b@example.com', 'Refund'),
      await inbound(inbox.email, 'c@example.com', 'Delivery'),
      await inbound(inbox.api, 'order1@example.com', 'Order 1'),
      await inbound(inbox.api, 'order2@example.com', 'Order 2'),
    ];
    const chat = async (name: string) => {
      const token = await session(relay, { inboxId: inbox.chat, name });
      const v = await visit(relay, token);
      visitors.push(v);
      v.send({ t: 'message', text: 'are you there?', clientId: `${name}-1` });
      await v.next('message');
      const id = await until2(
        () =>
          relay.db
            .prepare(
              `SELECT r.id FROM records r JOIN records c ON c.entity = 'customer' AND c.id = json_extract(r.data, '$.customerId')
                WHERE r.entity = 'conversation' AND json_extract(c.data, '$.name') = ?`,
            )
            .pluck()
            .get(name) as string | undefined,
      );
      return { v, id, token };
    };
    const waiting = await chat('Wen (waiting)');
    wen = { token: waiting.token, id: waiting.id };
    Object.assign(agentIds, { hana: hana.id, omar: omar.id });
    const left = await chat('Lee (left)');
    for (const id of [...async, waiting.id, left.id]) await until2(() => assigneeOf(id) === hana.id);
    // Lee closes the chat window; Wen keeps waiting.
    left.v.ws.close();

    // Hana's Wi-Fi drops. The relay sees her go (nobody available for the chat inbox), and Omar
    // comes back from his break.
    proxy.setDown(true);
    await until2(async () => !(await staffed()));
    omar.app.client.setPresence({ state: 'available' });
    await until2(() => staffed());

    // Three minutes later, the team's grace.
    offset += GRACE_MS;
    await until2(() => assigneeOf(waiting.id) === omar.id);
    for (const id of async) expect(assigneeOf(id)).toBe(hana.id);
    expect(assigneeOf(left.id)).toBe(hana.id);
    // Lee comes back to the shop's page while Hana is still offline: now their chat moves too.
    visitors.push(await visit(relay, left.token));
    await until2(() => assigneeOf(left.id) === omar.id);
    for (const id of async) expect(assigneeOf(id)).toBe(hana.id);

    // Back online: told what moved and why; her cache still has her async work as hers.
    proxy.setDown(false);
    await until2(() => hana.moved.length === 1);
    expect(hana.moved[0]).toEqual([
      expect.objectContaining({
        conversationId: waiting.id,
        channel: 'chat',
        customerName: 'Wen (waiting)',
        reason: 'customer-waiting',
      }),
      expect.objectContaining({ conversationId: left.id, customerName: 'Lee (left)' }),
    ]);
    await until2(() => hana.app.client.state().status === 'online');
    for (const id of async)
      expect(hana.app.store.record('conversation', id)?.data['assigneeId']).toBe(hana.id);
    await until2(() => hana.app.store.record('conversation', waiting.id)?.data['assigneeId'] === omar.id);

    // Another drop before she read it: told again.
    proxy.setDown(true);
    await until2(() => hana.app.client.state().status !== 'online');
    proxy.setDown(false);
    await until2(() => hana.moved.length === 2);
    expect(hana.moved[1]).toEqual(hana.moved[0]);

    // Dismissed up to the newest move (as the app does): the relay forgets it.
    expect(hana.app.client.sendMovedSeen(hana.moved[0]!.at(-1)!.movedAt)).toBe(true);
    await until2(
      () =>
        relay.db
          .prepare(`SELECT count(*) FROM meta WHERE key LIKE 'routing.movedWhileAway.%'`)
          .pluck()
          .get() === 0,
    );
  });
});

describe('routing after a relay restart (state rebuilt from the store)', () => {
  it("an absent agent's async work stays; their waiting chat moves after the grace counted from the start; they are told", async () => {
    // Omar takes a new email (he is the least busy), then everyone's apps and the relay stop.
    const mail = (
      await call(
        'POST',
        '/v1/channels/api/messages',
        { inboxId: inbox.email, from: { email: 'd@example.com' }, text: 'hello', subject: 'Warranty' },
        adminToken,
      )
    ).body['conversationId'] as string;
    await until2(() => assigneeOf(mail) === agentIds['omar']);
    expect(assigneeOf(wen.id)).toBe(agentIds['omar']);
    for (const a of apps.splice(0)) stopApp(a);
    await relay.close();

    relay = await startRelay({ dataDir, port: 0, log: createSilentLogger(), now: () => Date.now() + offset });
    // Wen's widget reconnects; Hana is back at work; Omar is not.
    visitors.push(await visit(relay, wen.token));
    const hana = await agentApp('hana@example.com');
    hana.app.client.setPresence({ state: 'available' });
    await until2(() => staffed());
    offset += GRACE_MS;
    await until2(() => assigneeOf(wen.id) === agentIds['hana']);
    expect(assigneeOf(mail)).toBe(agentIds['omar']);

    const omar = await agentApp('omar@example.com');
    await until2(() => omar.moved.length === 1);
    expect(omar.moved[0]).toEqual([
      expect.objectContaining({
        conversationId: wen.id,
        customerName: 'Wen (waiting)',
        reason: 'customer-waiting',
      }),
    ]);
    stopApp(apps.splice(apps.indexOf(omar.app), 1)[0]!);
  });

  it('the workstation keeps the notice for the window; dismissed offline, it stays dismissed when the link returns', async () => {
    await proxy.close();
    proxy = await startChaosProxy({ targetPort: Number(new URL(relay.url).port), seed: 10 });
    const events = new EventHub();
    const heard: MovedWhileAway[][] = [];
    events.subscribe((event, payload) => {
      if (event === 'inbox:movedWhileAway') heard.push(payload as MovedWhileAway[]);
    });
    const w = new SessionService({
      dataDir: mkdtempSync(join(tmpdir(), 'sb-presence-ws-')),
      events,
      log: createSilentLogger(),
      vault: { keychain: null, scryptN: 2 ** 12 },
    });
    workspaces.push(w);
    await w.login({
      relayUrl: `http://127.0.0.1:${proxy.port}`,
      email: 'omar@example.com',
      password: 'agent-pass-1',
      passphrase: 'a passphrase',
    });
    await until2(() => w.listMovedWhileAway().length === 1);
    expect(heard.at(-1)).toEqual(w.listMovedWhileAway());
    const upTo = w.listMovedWhileAway()[0]!.movedAt;

    // Read on a train with no signal: hidden at once, the relay not told yet.
    proxy.setDown(true);
    await until2(() => !w.dismissMovedWhileAway(upTo).sent);
    expect(w.listMovedWhileAway()).toEqual([]);
    const notices = () =>
      relay.db.prepare(`SELECT count(*) FROM meta WHERE key LIKE 'routing.movedWhileAway.%'`).pluck().get();
    expect(notices()).toBe(1);

    // Signal again: the relay's copy is answered as seen and never shown again.
    const shown = heard.length;
    proxy.setDown(false);
    await until2(() => notices() === 0);
    expect(heard.slice(shown).every((m) => m.length === 0)).toBe(true);
    expect(w.listMovedWhileAway()).toEqual([]);
  });
});

/** Polls `check` until it holds (or returns a value); the test timeout is the only limit. */
async function until2<T>(check: () => T | Promise<T>): Promise<NonNullable<T>> {
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 20));
  }
}
