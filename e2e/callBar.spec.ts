import type { BrowserContext, Locator, Page } from '@playwright/test';
import { expect, startHost, stopHost, test, type RunningHost } from './fixtures';
import { startSeededRelay, type RunningRelay } from './relay';
import { setMyStatus } from './support/agentStatus';
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
  type Party,
} from './support/phoneHarness';
import { startPartyServer, type PartyServer } from './support/sipParty';

// The call bar: a fixed row of the frame in every place. A ringing call, a live call and its
// wrap-up never move what the agent is working on, nor take the keyboard from the reply they
// type. Real Kamailio, the agent's app in headless Chromium, a sip.js caller page.
const missing = kamailioMissing();
test.skip(!!missing, `Kamailio is not installed: ${missing}`);
test.describe.configure({ mode: 'serial' });

let kamailio: RunningKamailio;
let relay: RunningRelay;
let host: RunningHost;
let ctx: BrowserContext;
let agent: Page;
let parties: PartyServer;
let caller: Party;
let customer: { name: string; phone: string };

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  kamailio = await startKamailio();
  parties = await startPartyServer();
  relay = await startSeededRelay();
  host = await startHost(undefined, signInEnv(relay.url, 'agent@demo.switchboard', 'agent one passphrase'));
  ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await instrumentAgentPage(ctx);
  agent = await ctx.newPage();
  await agent.goto(host.url);
  await expect(agent.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
  customer = await firstCustomerWithPhone(agent);
  await setUpPhone(agent, kamailio, 'agent1');
  await setMyStatus(agent, 'available');
  caller = await startParty(browser, parties, kamailio, customer.phone, false, 'all', {});
});

test.afterAll(async () => {
  await caller?.close();
  await ctx?.close();
  if (host) await stopHost(host);
  await relay?.stop();
  await kamailio?.stop();
  await parties?.close();
});

const bar = (page: Page) => page.getByRole('region', { name: 'Calls' });
const box = async (l: Locator) => {
  const b = await l.boundingBox();
  expect(b).not.toBeNull();
  return b;
};

test('is in every place, idle, saying whether the phone can take calls', async () => {
  for (const place of ['Inbox', 'Phone', 'Customers', 'Supervisor', 'Settings']) {
    await agent.getByRole('button', { name: place, exact: true }).click();
    await expect(bar(agent)).toContainText('No calls · the phone is ready');
  }
});

test('from the inbox with a conversation open: ringing, live and wrap-up move nothing', async () => {
  await agent.getByRole('button', { name: 'Inbox', exact: true }).click();
  await agent.getByRole('list', { name: 'Conversations' }).getByRole('button').first().click();
  const heading = agent.getByRole('main').getByRole('article').getByRole('heading', { level: 2 });
  const reply = agent.getByLabel('Reply to the customer');
  await reply.click();
  await reply.pressSequentially('One moment');
  const before = { heading: await box(heading), reply: await box(reply) };

  // Ringing: who is calling, the profile above the bar, Answer and Decline; the reply keeps focus.
  await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
  const card = callCard(agent);
  await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Incoming call');
  await expect(card.getByRole('heading', { name: customer.name, level: 2 })).toBeVisible();
  await expect(card).toContainText(/open conversation/);
  await expect(
    card.getByRole('region', { name: 'Caller profile' }).getByRole('heading', { name: customer.name }),
  ).toBeVisible();
  await expect(reply).toBeFocused();
  await reply.pressSequentially(', please');
  await expect(reply).toHaveValue('One moment, please');
  expect(await box(heading)).toEqual(before.heading);
  expect(await box(reply)).toEqual(before.reply);

  // Live: timer, mute, hold, keypad, transfer and quality in the bar.
  await card.getByRole('button', { name: 'Answer' }).click();
  await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
  await expect(card.getByLabel('Call duration')).toHaveText(/^\d+:\d\d$/);
  await expect(card.getByLabel('Call quality')).toBeVisible();
  await card.getByRole('button', { name: 'Mute' }).click();
  await expect(card.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected · muted');
  await card.getByRole('button', { name: 'Unmute' }).click();
  await card.getByRole('button', { name: 'Hold' }).click();
  await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected · on hold');
  await card.getByRole('button', { name: 'Resume' }).click();
  await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
  await card.getByRole('button', { name: 'Keypad' }).click();
  await expect(card.getByRole('group', { name: 'Keypad' }).getByRole('button')).toHaveCount(12);
  await agent.keyboard.press('Escape');
  await expect(card.getByRole('group', { name: 'Keypad' })).toHaveCount(0);
  await card.getByRole('button', { name: 'Transfer…' }).click();
  await expect(card.getByLabel('Transfer to')).toBeFocused();
  await agent.keyboard.press('Escape');
  await card.getByRole('button', { name: 'Quality details' }).click();
  const quality = card.getByRole('region', { name: 'Quality details' });
  await expect(quality).toContainText('Over the call');
  await expect(quality).toContainText(/MOS avg [1-5]\.\d, min [1-5]\.\d/, { timeout: 20_000 });
  await agent.keyboard.press('Escape');
  await expect(quality).toHaveCount(0);
  expect(await box(heading)).toEqual(before.heading);
  expect(await box(reply)).toEqual(before.reply);

  // Hung up: the wrap-up opens above the bar; the page stays where it was.
  await card.getByRole('button', { name: 'Hang up' }).click();
  await expect(card).toHaveCount(0);
  await expect(agent.getByRole('form', { name: 'Wrap-up' })).toBeVisible();
  expect(await box(heading)).toEqual(before.heading);
  expect(await box(reply)).toEqual(before.reply);
  await wrapUp(agent, 'resolved');
  await expect(bar(agent)).toContainText('No calls');
});

test('from settings: a ringing call moves nothing; Decline ends it', async () => {
  await agent.getByRole('button', { name: 'Settings', exact: true }).click();
  const heading = agent.getByRole('heading', { name: 'Settings', level: 1 });
  const language = agent.getByLabel('Language');
  const before = { heading: await box(heading), language: await box(language) };
  await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
  const card = callCard(agent);
  await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Incoming call');
  expect(await box(heading)).toEqual(before.heading);
  expect(await box(language)).toEqual(before.language);
  await card.getByRole('button', { name: 'Decline' }).click();
  await expect(card).toHaveCount(0);
  expect(await box(heading)).toEqual(before.heading);
});
