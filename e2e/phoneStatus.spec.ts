import type { BrowserContext, Page } from '@playwright/test';
import { expect, startHost, stopHost, test, type RunningHost } from './fixtures';
import { startSeededRelay, type RunningRelay } from './relay';
import { kamailioMissing, startKamailio, type RunningKamailio } from './support/kamailio';
import {
  callCard,
  firstCustomerWithPhone,
  instrumentAgentPage,
  partyCall,
  setUpPhone,
  signInEnv,
  startParty,
  wrapUp,
  type PartyWindow,
} from './support/phoneHarness';
import { startPartyServer, type PartyServer } from './support/sipParty';
import { expectMyStatus, myStatus, setMyStatus } from './support/agentStatus';

// The agent status that calls cause is undone however the call ends: a declined call and a call
// the caller gave up on leave the agent's status as it was; a chosen Away survives a whole call
// and its wrap-up. Real Kamailio, the agent's app in headless Chromium, a sip.js caller page.
const missing = kamailioMissing();
if (missing) process.stdout.write(`phoneStatus.spec: skipped, ${missing}\n`);
test.skip(!!missing, `Kamailio is not installed: ${missing}`);
test.describe.configure({ mode: 'serial' });

let kamailio: RunningKamailio;
let relay: RunningRelay;
let host: RunningHost;
let ctx: BrowserContext;
let agent: Page;
let parties: PartyServer;
let customerPhone: string;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  kamailio = await startKamailio();
  parties = await startPartyServer();
  relay = await startSeededRelay();
  host = await startHost(undefined, signInEnv(relay.url, 'agent@demo.switchboard', 'agent one passphrase'));
  ctx = await browser.newContext();
  await instrumentAgentPage(ctx);
  agent = await ctx.newPage();
  await agent.goto(host.url);
  await expect(agent.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
  customerPhone = (await firstCustomerWithPhone(agent)).phone;
  await setUpPhone(agent, kamailio, 'agent1');
});

test.afterAll(async () => {
  await ctx?.close();
  if (host) await stopHost(host);
  await relay?.stop();
  await kamailio?.stop();
  await parties?.close();
});

test('after a declined and after a missed call the status is what it was; a call answered while Away shows as on a call, then Away again; Away chosen during a call stays', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  await setMyStatus(agent, 'available');
  await expectMyStatus(agent, 'available');
  const caller = await startParty(browser, parties, kamailio, customerPhone, false, 'all', {});
  try {
    const card = callCard(agent);
    // Declined while it rings.
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Incoming call');
    await card.getByRole('button', { name: 'Decline' }).click();
    await expect(card).toHaveCount(0);
    await expectMyStatus(agent, 'available');

    // Missed: the caller gives up before anyone answers.
    const id = await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Incoming call');
    await caller.page.evaluate((i) => (globalThis as unknown as PartyWindow).party.hangup(i), id);
    await expect(card).toHaveCount(0);
    await expectMyStatus(agent, 'available');

    // Away at lunch, a call straight to the phone answered: on a call while it lasts, then Away
    // at lunch again after the wrap-up.
    await setMyStatus(agent, 'away', 'Lunch');
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await expectMyStatus(agent, 'busy');
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expectMyStatus(agent, 'after-call-work');
    await wrapUp(agent, 'resolved');
    await expect(myStatus(agent)).toHaveAccessibleName(/^My status: Away · Lunch,/);

    // Away chosen during the call stands through the wrap-up and after it.
    await setMyStatus(agent, 'available');
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expectMyStatus(agent, 'busy');
    await setMyStatus(agent, 'away');
    await card.getByRole('button', { name: 'Hang up' }).click();
    await wrapUp(agent, 'resolved');
    await expectMyStatus(agent, 'away');

    // Available: Busy while talking, After-call work while wrapping up, then Available again.
    await setMyStatus(agent, 'available');
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expectMyStatus(agent, 'busy');
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expectMyStatus(agent, 'after-call-work');
    await wrapUp(agent, 'resolved');
    await expectMyStatus(agent, 'available');
  } finally {
    await caller.close();
  }
});

test('a call dialled straight from the Phone place while Offline shows as on a call, then Offline again', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const callee = await startParty(browser, parties, kamailio, '3001', true);
  try {
    await setMyStatus(agent, 'offline');
    await expectMyStatus(agent, 'offline');
    await agent.getByRole('button', { name: 'Phone', exact: true }).click();
    await agent.getByLabel('Number to call').fill('3001');
    await agent.getByRole('button', { name: 'Call', exact: true }).click();
    const card = callCard(agent);
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await expectMyStatus(agent, 'busy');
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expectMyStatus(agent, 'after-call-work');
    await wrapUp(agent, 'resolved');
    await expectMyStatus(agent, 'offline');
  } finally {
    await callee.close();
  }
});
