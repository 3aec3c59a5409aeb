import type { BrowserContext, Page } from '@playwright/test';
import { expect, startHost, stopHost, test, type RunningHost } from './fixtures';
import { DEMO_PASSWORD, startSeededRelay, type RunningRelay } from './relay';
import { kamailioQueuesMissing, startKamailio, type RunningKamailio } from './support/kamailio';
import {
  callCard,
  firstCustomerWithPhone,
  instrumentAgentPage,
  partyCall,
  partyLive,
  setUpPhone,
  signInEnv,
  startParty,
  wrapUp,
  type PartyWindow,
} from './support/phoneHarness';
import { startPartyServer, type PartyServer } from './support/sipParty';
import { expectMyStatus, setMyStatus } from './support/agentStatus';

// Calls through the queue, end to end: Kamailio (deploy/kamailio/switchboard.cfg, WITH_QUEUES)
// holds a customer's call to `support-line` while the relay's routing engine picks an agent; the
// agents' workstations (browser host + headless Chromium, sip.js registered at Kamailio) ring in
// the order the relay decides. The customer is a sip.js page with fake media.
const missing = kamailioQueuesMissing();
if (missing) process.stdout.write(`voiceQueue.spec: skipped, ${missing}\n`);
test.skip(!!missing, `Kamailio with queues cannot run here: ${missing}`);
test.describe.configure({ mode: 'serial' });

type Agent = { page: Page; ctx: BrowserContext; host: RunningHost; name: string };
let kamailio: RunningKamailio;
let relay: RunningRelay;
let parties: PartyServer;
const agents: Agent[] = [];
let customer: { name: string; phone: string };

async function api(path: string, method: string, token: string | null, body?: unknown) {
  const res = await fetch(new URL(path, relay.url), {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  kamailio = await startKamailio({ queues: true });
  parties = await startPartyServer();
  relay = await startSeededRelay(20, 40, ['--kamailio-evapi', kamailio.evapiAddress!]);
  // The queue: a voice inbox of the demo agents' team, reached at sip:support-line@…, with a short
  // wait (the seed's own demo queue, `support`, waits two minutes).
  const admin = String(
    (
      await api('/v1/auth/login', 'POST', null, {
        email: 'admin@demo.switchboard',
        password: DEMO_PASSWORD,
        deviceName: 'e2e setup',
      })
    )['accessToken'],
  );
  const people = (await api('/v1/admin/agents', 'GET', admin))['people'] as {
    id: string;
    email: string;
    teams: { id: string }[];
  }[];
  const one = people.find((p) => p.email === 'agent@demo.switchboard')!;
  const two = people.find((p) => p.email === 'agent2@demo.switchboard')!;
  const inbox = await api('/v1/admin/inboxes', 'POST', admin, {
    name: 'Support line',
    channel: 'voice',
    teamId: one.teams[0]!.id,
  });
  const inboxId = String(inbox['id']);
  await api(`/v1/admin/inboxes/${inboxId}/phone`, 'PUT', admin, {
    addresses: ['support-line'],
    waitLimitMs: 6_000,
  });
  await api(`/v1/admin/inboxes/${inboxId}/routing`, 'PUT', admin, {
    strategy: 'least-busy',
    requiredSkills: [],
    offerTimeoutMs: 20_000,
    overflow: null,
  });
  await api(`/v1/admin/agents/${one.id}/phone`, 'PUT', admin, { sipUser: 'agent1' });
  await api(`/v1/admin/agents/${two.id}/phone`, 'PUT', admin, { sipUser: 'agent2' });
  for (const [email, pass, user] of [
    ['agent@demo.switchboard', 'agent one passphrase', 'agent1'],
    ['agent2@demo.switchboard', 'agent two passphrase', 'agent2'],
  ] as const) {
    const host = await startHost(undefined, signInEnv(relay.url, email, pass));
    const ctx = await browser.newContext();
    await instrumentAgentPage(ctx);
    const page = await ctx.newPage();
    await page.goto(host.url);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    await setUpPhone(page, kamailio, user);
    agents.push({ page, ctx, host, name: user });
  }
  customer = await firstCustomerWithPhone(agents[0]!.page);
});

test.afterAll(async () => {
  if (process.env['PHONE_DEBUG']) {
    const { readFileSync } = await import('node:fs');
    console.log(kamailio?.log().slice(-8000));
    console.log(
      readFileSync(`${relay.dataDir}/logs/relay.log`, 'utf8')
        .split('\n')
        .filter((l) => /voice|evapi/.test(l))
        .join('\n'),
    );
  }
  for (const a of agents) {
    await a.ctx.close();
    await stopHost(a.host);
  }
  await relay?.stop();
  await kamailio?.stop();
  await parties?.close();
});

const incoming = (a: Agent) => callCard(a.page).getByRole('status', { name: 'Call state' });

test('a queued call rings an available agent with the caller profile, then the next on decline; away agents are skipped until one is available; past the limit a callback is offered', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  for (const a of agents) await setMyStatus(a.page, 'available');
  const caller = await startParty(browser, parties, kamailio, customer.phone, false, 'all', {});
  try {
    await partyCall(caller.page, `sip:support-line@${kamailio.domain}`);
    // Exactly one of the two rings first, with the customer's profile.
    await expect
      .poll(async () => (await Promise.all(agents.map((a) => callCard(a.page).count()))).join())
      .toMatch(/^(1,0|0,1)$/);
    const firstIdx = (await callCard(agents[0]!.page).count()) === 1 ? 0 : 1;
    const first = agents[firstIdx]!;
    const second = agents[1 - firstIdx]!;
    await expect(incoming(first)).toHaveText('Incoming call');
    await expect(
      callCard(first.page)
        .getByRole('region', { name: 'Caller profile' })
        .getByRole('heading', { name: customer.name }),
    ).toBeVisible();
    await callCard(first.page).getByRole('button', { name: 'Decline' }).click();
    // The other one rings; the caller is still waiting, never told "busy".
    await expect(incoming(second)).toHaveText('Incoming call');
    await expect(
      callCard(second.page)
        .getByRole('region', { name: 'Caller profile' })
        .getByRole('heading', { name: customer.name }),
    ).toBeVisible();
    expect((await partyLive(caller.page)).length).toBe(1);
    await expectMyStatus(first.page, 'available');
    await callCard(second.page).getByRole('button', { name: 'Answer' }).click();
    await expect(incoming(second)).toHaveText('Connected');
    const [live] = await partyLive(caller.page);
    await caller.page.evaluate((i) => (globalThis as unknown as PartyWindow).party.hangup(i), live!.id);
    await wrapUp(second.page, 'resolved');
    await expectMyStatus(second.page, 'available');

    // Both away: the call waits; the first agent to become available rings.
    for (const a of agents) await setMyStatus(a.page, 'away');
    await partyCall(caller.page, `sip:support-line@${kamailio.domain}`);
    await expect.poll(() => partyLive(caller.page).then((l) => l.length)).toBe(1);
    for (const a of agents) await expect(callCard(a.page)).toHaveCount(0);
    await setMyStatus(second.page, 'available');
    await expect(incoming(second)).toHaveText('Incoming call');

    // She declines and nobody else is available: past the queue's limit the caller is told so and
    // a callback task is offered to her, an ordinary offer.
    await callCard(second.page).getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => partyLive(caller.page).then((l) => l.length), { timeout: 15_000 }).toBe(0);
    const offer = second.page.getByRole('alertdialog', { name: new RegExp(customer.name) });
    await expect(offer).toBeVisible({ timeout: 15_000 });
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect(offer).toHaveCount(0);

    // One click on the callback task calls the customer back from her softphone: their phone rings.
    const task = second.page.getByRole('article', { name: `Conversation with ${customer.name}` });
    await expect(task.getByRole('group', { name: 'Callback request' })).toContainText(customer.phone);
    await task.getByRole('button', { name: 'Call back' }).click();
    await expect
      .poll(() => partyLive(caller.page).then((l) => l.filter((c) => c.direction === 'in').length))
      .toBe(1);
  } finally {
    await caller.close();
  }
});
