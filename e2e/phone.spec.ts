import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_MEDIA_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { expect, startHost, stopHost, test, type RunningHost } from './fixtures';
import { startSeededRelay, type RunningRelay } from './relay';
import { kamailioMissing, kamailioTlsMissing, startKamailio, type RunningKamailio } from './support/kamailio';
import {
  agentBytesReceived,
  agentDtmf,
  agentSdp,
  agentSender,
  callCard,
  fillPhoneAccount,
  firstCustomerWithPhone,
  instrumentAgentPage,
  partyCall,
  partyLive,
  partyState,
  partyStats,
  setUpPhone as setUpPhoneWith,
  signInEnv as phoneSignInEnv,
  startParty as startPartyWith,
  wrapUp,
} from './support/phoneHarness';
import { startPartyServer, type PartyServer } from './support/sipParty';

// The softphone against a real Kamailio (Debian, config deploy/kamailio/switchboard.cfg) that challenges
// REGISTER and calls with digest auth, over ws on loopback (and wss with a certificate made for the
// run, where the tls module is installed): the agent's app (browser host + relay) and plain pages
// running the same sip.js core as the customer and a third party, each a headless Chromium page
// with fake media devices.
const missing = kamailioMissing();
if (missing) process.stdout.write(`phone.spec: skipped, ${missing}\n`);
test.skip(!!missing, `Kamailio is not installed: ${missing}`);
const tlsMissing = missing ? null : kamailioTlsMissing();
if (tlsMissing) process.stdout.write(`phone.spec: the wss test is skipped, ${tlsMissing}\n`);
test.describe.configure({ mode: 'serial' });

let kamailio: RunningKamailio;
let relay: RunningRelay;
let agentHost: RunningHost;
let agentCtx: BrowserContext;
let agent: Page;
let customer: { name: string; phone: string };
let parties: PartyServer;
/** A second workstation (agent2), started by the first test that needs it. */
let agent2Host: RunningHost | undefined;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  kamailio = await startKamailio({ tls: !tlsMissing });
  parties = await startPartyServer();
  relay = await startSeededRelay();
  agentHost = await startHost(undefined, signInEnv('agent@demo.switchboard', 'agent one passphrase'));
  agentCtx = await browser.newContext();
  await instrumentAgentPage(agentCtx);
  agent = await agentCtx.newPage();
  if (process.env['PHONE_DEBUG']) {
    agent.on('console', (m) => console.log(`agent: ${m.text()}`));
    agent.on('pageerror', (e) => console.log(`agent error: ${e.message}`));
  }
  await agent.goto(agentHost.url);
  await expect(agent.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
  customer = await firstCustomerWithPhone(agent);
  await setUpPhone(agent, 'agent1');
});

// A failed test carries the end of Kamailio's log (auth refusals, routing errors) in its report.
// eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
test.afterEach(async ({}, testInfo) => {
  if (kamailio && testInfo.status !== testInfo.expectedStatus)
    await testInfo.attach('kamailio.log', { body: kamailio.log().slice(-30_000), contentType: 'text/plain' });
});

test.afterAll(async () => {
  if (process.env['PHONE_DEBUG']) console.log(kamailio?.log().slice(-6000));
  await agentCtx?.close();
  if (agentHost) await stopHost(agentHost);
  if (agent2Host) await stopHost(agent2Host);
  await relay?.stop();
  await kamailio?.stop();
  await parties?.close();
});

const signInEnv = (email: string, passphrase: string) => phoneSignInEnv(relay.url, email, passphrase);
const setUpPhone = (page: Page, user: string) => setUpPhoneWith(page, kamailio, user);
const startParty = (
  browser: Browser,
  user: string,
  autoAnswer = false,
  policy: 'all' | 'relay' = 'all',
  options: Parameters<typeof startPartyWith>[6] = {},
) => startPartyWith(browser, parties, kamailio, user, autoAnswer, policy, options);

/** agent2's workstation in `browser` (its own browser host, started once), signed in and online. */
async function openAgent2(browser: Browser): Promise<{ page: Page; close: () => Promise<void> }> {
  agent2Host ??= await startHost(undefined, signInEnv('agent2@demo.switchboard', 'agent two passphrase'));
  const ctx = await browser.newContext();
  await instrumentAgentPage(ctx);
  const page = await ctx.newPage();
  if (process.env['PHONE_DEBUG']) page.on('console', (m) => console.log(`agent2: ${m.text()}`));
  await page.goto(agent2Host.url);
  await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
  return { page, close: () => ctx.close() };
}

const setUpPhone2 = (page: Page, fields: Parameters<typeof setUpPhoneWith>[3]) =>
  setUpPhoneWith(page, kamailio, 'agent2', fields);

test('a customer calls: profile before answering, two-way audio, hold, DTMF, hang-up, wrap-up, synced record', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const caller = await startParty(browser, customer.phone);
  try {
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);

    // The profile is on screen while it still rings.
    const card = callCard(agent);
    await expect(card).toBeVisible();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Incoming call');
    const profile = card.getByRole('region', { name: 'Caller profile' });
    await expect(profile.getByRole('heading', { name: customer.name })).toBeVisible();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Incoming call');

    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await expect
      .poll(() => partyLive(caller.page).then((l) => l.map((c) => c.state)))
      .toEqual(['established']);
    const [callerCall] = await partyLive(caller.page);

    // Audio both ways: bytes received on both sides.
    await expect
      .poll(() => partyStats(caller.page, callerCall!.id).then((s) => s.bytesReceived))
      .toBeGreaterThan(0);
    await expect.poll(() => agentBytesReceived(agent)).toBeGreaterThan(0);
    await expect(card.getByRole('alert')).toHaveCount(0);

    // Call quality: a MOS estimated from getStats is shown live.
    await expect(card.getByLabel('Call quality')).toHaveText(/^MOS [1-5]\.\d$/, { timeout: 20_000 });

    // Hold: the customer's side is now receive-only; resume: both ways again.
    await card.getByRole('button', { name: 'Hold' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected · on hold');
    await expect
      .poll(() => partyStats(caller.page, callerCall!.id).then((s) => s.direction))
      .toBe('recvonly');
    await card.getByRole('button', { name: 'Resume' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await expect
      .poll(() => partyStats(caller.page, callerCall!.id).then((s) => s.direction))
      .toBe('sendrecv');

    // DTMF reaches the far end (the keypad opens above the call bar).
    await card.getByRole('button', { name: 'Keypad' }).click();
    await card.getByRole('button', { name: 'Send tone 4' }).click();
    await card.getByRole('button', { name: 'Send tone #' }).click();
    await expect.poll(() => partyState(caller.page).then((s) => s.dtmf)).toBe('4#');

    // Hang up: the call ends on both sides; wrap-up follows.
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await expect.poll(() => partyLive(caller.page).then((l) => l.length)).toBe(0);
    const wrap = agent.getByRole('form', { name: 'Wrap-up' });
    await expect(wrap).toBeVisible();
    const note = `Asked about delivery ${Date.now()}`;
    await wrap.getByLabel('Disposition').selectOption('follow-up');
    await wrap.getByLabel('Call note').fill(note);
    await wrap.getByRole('button', { name: 'Save wrap-up' }).click();
    await expect(wrap).toHaveCount(0);

    // The record is in the customer's timeline here…
    await expectCallInProfile(agent, customer.name, note);

    // …and reaches a second agent of the team through the relay.
    const otherHost = await startHost(
      undefined,
      signInEnv('agent2@demo.switchboard', 'agent two passphrase'),
    );
    const ctx2 = await browser.newContext();
    try {
      const page2 = await ctx2.newPage();
      await page2.goto(otherHost.url);
      await expect(page2.getByRole('status', { name: 'Sync status' })).toHaveText('Online', {
        timeout: 30_000,
      });
      await expectCallInProfile(page2, customer.name, note);
    } finally {
      await ctx2.close();
      await stopHost(otherHost);
    }
  } finally {
    await caller.close();
  }
});

async function expectCallInProfile(page: Page, name: string, note: string) {
  await page.getByRole('button', { name: 'Customers' }).click();
  await page.getByLabel('Search customers and messages').fill(name);
  await page.getByRole('list', { name: 'Search results' }).getByRole('button', { name }).first().click();
  const calls = page.getByRole('article').getByRole('list', { name: 'Calls' });
  await expect(calls.getByRole('listitem').filter({ hasText: note })).toContainText('follow-up', {
    timeout: 30_000,
  });
  await expect(calls.getByRole('listitem').filter({ hasText: note })).toContainText('Incoming call');
  // The call's quality summary is on the record (synced with it).
  await expect(calls.getByRole('listitem').filter({ hasText: note })).toContainText(
    /MOS avg [1-5]\.\d, min [1-5]\.\d/,
  );
}

test('blind transfer: the customer ends up talking to a third party', async ({ browser }) => {
  const caller = await startParty(browser, customer.phone);
  const third = await startParty(browser, '3000', true);
  try {
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    const card = callCard(agent);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await card.getByRole('button', { name: 'Transfer…' }).click();
    await card.getByLabel('Transfer to').fill('3000');
    await card.getByRole('button', { name: 'Transfer', exact: true }).click();
    await expect(card).toHaveCount(0);
    await wrapUp(agent, 'escalated');
    await expect
      .poll(() => partyLive(caller.page).then((l) => l.map((c) => `${c.remoteUser}:${c.state}`)))
      .toEqual(['3000:established']);
    await expect
      .poll(() => partyLive(third.page).then((l) => l.map((c) => c.state)))
      .toEqual(['established']);
    const [c] = await partyLive(third.page);
    await expect.poll(() => partyStats(third.page, c!.id).then((s) => s.bytesReceived)).toBeGreaterThan(0);
  } finally {
    await caller.close();
    await third.close();
  }
});

test('attended transfer: the agent consults a third party, then connects the customer to them', async ({
  browser,
}) => {
  const caller = await startParty(browser, customer.phone);
  const third = await startParty(browser, '3001', true);
  try {
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    const first = callCard(agent);
    await first.getByRole('button', { name: 'Answer' }).click();
    await expect(first.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    const [original] = await partyLive(caller.page);
    await first.getByRole('button', { name: 'Hold' }).click();
    await expect(first.getByRole('status', { name: 'Call state' })).toHaveText('Connected · on hold');

    // A second call while the first is on hold: the consultation.
    await agent.getByRole('button', { name: 'Phone', exact: true }).click();
    await agent.getByLabel('Number to call').fill('3001');
    await agent.getByRole('button', { name: 'Call', exact: true }).click();
    await expect(callCard(agent)).toHaveCount(2);
    await expect
      .poll(() => partyLive(third.page).then((l) => l.map((c) => c.state)))
      .toEqual(['established']);

    await callCard(agent)
      .first()
      .getByRole('button', { name: 'Complete transfer to the other call' })
      .click();
    await expect(callCard(agent)).toHaveCount(0);
    // One wrap-up: the customer's call (the consult leg is part of it).
    await wrapUp(agent, 'escalated');
    // The customer now talks to the third party on a new call that replaced the agent's consult leg.
    await expect
      .poll(() => partyLive(caller.page).then((l) => l.map((c) => `${c.id === original!.id}:${c.state}`)))
      .toEqual(['false:established']);
    await expect
      .poll(() => partyLive(third.page).then((l) => l.map((c) => c.state)))
      .toEqual(['established']);
    const [c] = await partyLive(third.page);
    await expect.poll(() => partyStats(third.page, c!.id).then((x) => x.bytesReceived)).toBeGreaterThan(0);
  } finally {
    await caller.close();
    await third.close();
  }
});

test('Kamailio restarts mid-call: the phone re-registers and tells the agent; no ghost call', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const caller = await startParty(browser, customer.phone);
  try {
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    const card = callCard(agent);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await expect
      .poll(() => partyLive(caller.page).then((l) => l.map((c) => c.state)))
      .toEqual(['established']);

    await kamailio.restart();
    await agent.getByRole('button', { name: 'Phone', exact: true }).click();
    await expect(agent.getByRole('status', { name: 'Phone registration' })).toHaveText(
      'Phone ready · reconnected after losing the phone server',
      { timeout: 30_000 },
    );
    await expect.poll(() => partyState(caller.page).then((s) => s.reconnected)).toBeGreaterThan(0);
    // The old dialog's route died with the server: the agent is told.
    await expect(card.getByRole('alert')).toContainText('phone server restarted', { timeout: 20_000 });

    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    // The BYE could not get through; the customer's side notices the media stop and ends too.
    await expect.poll(() => partyLive(caller.page).then((l) => l.length), { timeout: 30_000 }).toBe(0);
    const wrap = agent.getByRole('form', { name: 'Wrap-up' });
    await wrap.getByLabel('Disposition').selectOption('resolved');
    await wrap.getByRole('button', { name: 'Save wrap-up' }).click();
    await expect(wrap).toHaveCount(0);

    // And the phone still works: a new call connects.
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    await expect(callCard(agent).getByRole('status', { name: 'Call state' })).toHaveText('Incoming call');
    await callCard(agent).getByRole('button', { name: 'Decline' }).click();
    await expect(callCard(agent)).toHaveCount(0);
    await expect.poll(() => partyLive(caller.page).then((l) => l.length)).toBe(0);
  } finally {
    await caller.close();
  }
});

test('hostile caller ids show as plain text and do not break the lookup', async ({ browser }) => {
  const caller = await startParty(browser, '5550100');
  try {
    const script = '<img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>';
    const pai = `P-Asserted-Identity: "${script}${'A'.repeat(3000)}" <sip:${'9'.repeat(300)}@${kamailio.domain}>`;
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`, [pai]);
    const card = callCard(agent);
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Incoming call');
    // The lookup ran and found nobody: the new-customer form, not an error.
    await expect(card.getByRole('form', { name: 'New customer' })).toBeVisible();
    await expect(card.getByText(/^<img src=x onerror=/)).toBeVisible();
    await expect(card.locator('img, script')).toHaveCount(0);
    expect(
      await agent.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned),
    ).toBeUndefined();
    const heading = (await card.getByRole('heading', { level: 2 }).textContent()) ?? '';
    expect(heading.length).toBeLessThanOrEqual(130);
    await card.getByRole('button', { name: 'Decline' }).click();
    await expect(card).toHaveCount(0);
  } finally {
    await caller.close();
  }

  // An unknown but valid number gets the new-customer form prefilled with it, in E.164.
  const stranger = await startParty(browser, '+14155550123');
  try {
    await partyCall(stranger.page, `sip:agent1@${kamailio.domain}`);
    const form = callCard(agent).getByRole('form', { name: 'New customer' });
    await expect(form.getByLabel('Phone number')).toHaveValue('+14155550123');
    await callCard(agent).getByRole('button', { name: 'Decline' }).click();
  } finally {
    await stranger.close();
  }
});

test('a call whose media never flows is flagged to the agent', async ({ browser }) => {
  // The caller may only use TURN relays and has none: SIP reaches "established", ICE never
  // connects, no audio arrives. The agent must be told rather than left with silence.
  const caller = await startParty(browser, customer.phone, false, 'relay');
  try {
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    const card = callCard(agent);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await expect(card.getByRole('alert')).toContainText('No audio is reaching this call', {
      timeout: 20_000,
    });
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await expect.poll(() => partyLive(caller.page).then((l) => l.length)).toBe(0);
    const wrap = agent.getByRole('form', { name: 'Wrap-up' });
    await wrap.getByLabel('Disposition').selectOption('no-answer');
    await wrap.getByRole('button', { name: 'Save wrap-up' }).click();
    await expect(wrap).toHaveCount(0);
  } finally {
    await caller.close();
  }
});

test('a network change restarts ICE on the live call, which keeps its audio', async ({ browser }) => {
  test.setTimeout(90_000);
  const caller = await startParty(browser, customer.phone);
  try {
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    const card = callCard(agent);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    const [c] = await partyLive(caller.page);
    await expect.poll(() => partyStats(caller.page, c!.id).then((s) => s.bytesReceived)).toBeGreaterThan(0);
    const before = await agentUfrag(agent);
    expect(before).not.toBe('');

    // The OS reports the network is back (Wi-Fi to wired, VPN up): the app restarts ICE.
    await agent.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('online')));
    await expect.poll(() => agentUfrag(agent)).not.toBe(before);
    const bytes = await agentBytesReceived(agent);
    await expect.poll(() => agentBytesReceived(agent)).toBeGreaterThan(bytes);
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await expect(card.getByRole('alert')).toHaveCount(0);

    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await wrapUp(agent, 'resolved');
  } finally {
    await caller.close();
  }
});

/** The ICE username fragment of the agent's newest peer connection (it changes on ICE restart). */
function agentUfrag(page: Page): Promise<string> {
  return page.evaluate(() => {
    const pcs =
      (globalThis as unknown as { __pcs?: { localDescription: { sdp: string } | null }[] }).__pcs ?? [];
    const sdp = pcs.at(-1)?.localDescription?.sdp ?? '';
    return /a=ice-ufrag:(\S+)/.exec(sdp)?.[1] ?? '';
  });
}

test('digest auth: a wrong SIP password is refused with what to do; the right one registers', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const { page, close } = await openAgent2(browser);
  try {
    await fillPhoneAccount(page, kamailio, 'agent2', { password: 'not-the-password' });
    await page.getByRole('button', { name: 'Connect phone' }).click();
    const registration = page.getByRole('status', { name: 'Phone registration' });
    await expect(registration).toHaveText('Phone registration failed');
    // Kamailio challenged, sip.js answered with the wrong password, Kamailio challenged again.
    await expect(page.getByRole('alert')).toHaveText(
      'The phone server did not accept the SIP password (401 Unauthorized). Check the authentication ' +
        'user and SIP password under Phone account, save, then connect again.',
    );
    expect(kamailio.log()).toContain('auth failed for agent2 (REGISTER');
    // No retry loop with a refused password: the agent decides what to do.
    await expect(page.getByRole('button', { name: 'Connect phone' })).toBeEnabled();

    // The agent types the right password; it goes to the keychain and the phone registers with it.
    await page.getByLabel('SIP password').fill(kamailio.passwordFor('agent2'));
    await page.getByRole('button', { name: 'Save phone account' }).click();
    await expect(page.getByText('Phone account saved.')).toBeVisible();
    await page.getByRole('button', { name: 'Connect phone' }).click();
    await expect(registration).toHaveText('Phone ready');
    await expect(page.getByRole('alert')).toHaveCount(0);

    // Parties authenticate too: one with a wrong password is refused and cannot call; the agent's
    // own calls are challenged (407) and go through with the keychain's password.
    const impostor = await startParty(browser, '+15550100999', false, 'all', {
      password: 'guessed',
      registration: 'failed',
    });
    await impostor.close();
    const callee = await startParty(browser, '3002', true);
    try {
      await page.getByLabel('Number to call').fill('3002');
      await page.getByRole('button', { name: 'Call', exact: true }).click();
      const card = callCard(page);
      await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
      await expect
        .poll(() => partyLive(callee.page).then((l) => l.map((c) => `${c.remoteUser}:${c.state}`)))
        .toEqual(['agent2:established']);
      await card.getByRole('button', { name: 'Hang up' }).click();
      await expect(card).toHaveCount(0);
      await wrapUp(page, 'resolved');
    } finally {
      await callee.close();
    }
    // Unregister, so the next test's agent2 is the only contact Kamailio knows.
    await page.getByRole('button', { name: 'Disconnect phone' }).click();
    await expect(registration).toHaveText('Phone not connected');
  } finally {
    await close();
  }
});

test('wss: Kamailio over TLS with a certificate made for this run, trusted by its key alone', async ({
  browser,
}) => {
  test.skip(!!tlsMissing, `no wss here: ${tlsMissing}`);
  test.setTimeout(90_000);
  const tls = kamailio.tls!;
  // A browser that does not know the certificate cannot connect: the TLS handshake fails.
  const untrusting = await startParty(browser, '+15550100998', false, 'all', {
    server: tls.wssUrl,
    registration: 'reconnecting',
  });
  await untrusting.close();

  // Chromium launched for this test trusts this certificate's public key and nothing else.
  const trusting = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      ...CHROMIUM_MEDIA_ARGS,
      `--ignore-certificate-errors-spki-list=${tls.spkiSha256}`,
    ],
  });
  try {
    const { page } = await openAgent2(trusting);
    await setUpPhone2(page, { server: tls.wssUrl });
    const caller = await startParty(trusting, customer.phone, false, 'all', { server: tls.wssUrl });
    await partyCall(caller.page, `sip:agent2@${kamailio.domain}`);
    const card = callCard(page);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    const [c] = await partyLive(caller.page);
    await expect.poll(() => partyStats(caller.page, c!.id).then((s) => s.bytesReceived)).toBeGreaterThan(0);
    await expect.poll(() => agentBytesReceived(page)).toBeGreaterThan(0);
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await expect.poll(() => partyLive(caller.page).then((l) => l.length)).toBe(0);
    await wrapUp(page, 'resolved');
    await page.getByRole('button', { name: 'Disconnect phone' }).click();
  } finally {
    await trusting.close();
  }
});

test('DTMF in auto mode goes in-band as RFC 4733 events when the SDP negotiated telephone-event, else as SIP INFO', async ({
  browser,
}) => {
  const registration = agent.getByRole('status', { name: 'Phone registration' });
  const reconnectWith = async (dtmf: 'auto' | 'info') => {
    await fillPhoneAccount(agent, kamailio, 'agent1', { dtmf });
    await agent.getByRole('button', { name: 'Disconnect phone' }).click();
    await agent.getByRole('button', { name: 'Connect phone' }).click();
    // (The note of the Kamailio restart test may still follow: "· reconnected after…".) Reading the
    // account from the keychain, the WebSocket and a digest-challenged REGISTER: slow on a busy CI.
    await expect(registration).toHaveText(/^Phone ready/, { timeout: 15_000 });
  };
  await reconnectWith('auto');
  const caller = await startParty(browser, customer.phone);
  try {
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    const card = callCard(agent);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    // Both offers carry telephone-event, so the answer has it: RFC 4733 is available.
    const sdp = await agentSdp(agent);
    expect(sdp.remote).toMatch(/^a=rtpmap:\d+ telephone-event\/8000\r?$/m);
    expect(sdp.local).toMatch(/^a=rtpmap:\d+ telephone-event\/8000\r?$/m);

    // Keys pressed in quick succession all go out, in order, through the audio sender.
    await card.getByRole('button', { name: 'Keypad' }).click();
    for (const tone of ['1', '2', '3', '#'])
      await card.getByRole('button', { name: `Send tone ${tone}` }).click();
    await expect.poll(() => agentDtmf(agent)).toEqual({ played: '123#', buffer: '' });
    // None of them went as SIP INFO.
    expect((await partyState(caller.page)).dtmf).toBe('');

    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await wrapUp(agent, 'resolved');
  } finally {
    await caller.close();
  }

  // A far end whose SDP has no telephone-event (some desk phones and gateways): auto mode falls
  // back to SIP INFO, and the digits still arrive.
  const callee = await startParty(browser, '3003', true, 'all', { noTelephoneEvent: true });
  try {
    await agent.getByRole('button', { name: 'Phone', exact: true }).click();
    await agent.getByLabel('Number to call').fill('3003');
    await agent.getByRole('button', { name: 'Call', exact: true }).click();
    const card = callCard(agent);
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    expect((await agentSdp(agent)).remote).not.toContain('telephone-event');
    await card.getByRole('button', { name: 'Keypad' }).click();
    await card.getByRole('button', { name: 'Send tone 5' }).click();
    await card.getByRole('button', { name: 'Send tone *' }).click();
    await expect.poll(() => partyState(callee.page).then((s) => s.dtmf)).toBe('5*');
    expect((await agentDtmf(agent)).played).toBe('123#');
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await wrapUp(agent, 'resolved');
  } finally {
    await callee.close();
  }
  // Back to SIP INFO (the first test shows those reach the far end) for the tests after this one.
  await reconnectWith('info');
});

test('audio devices: the selects list the fake devices and the choice survives a reload', async ({
  browser,
}) => {
  const ctx = await browser.newContext();
  // Fake devices cannot be unplugged: hide the ones named in __unplugged from enumerateDevices.
  await ctx.addInitScript(() => {
    const g = globalThis as unknown as {
      __unplugged: string[];
      navigator: { mediaDevices: { enumerateDevices: () => Promise<{ label: string }[]> } };
    };
    g.__unplugged = [];
    const md = g.navigator.mediaDevices;
    const original = md.enumerateDevices.bind(md);
    md.enumerateDevices = async () => (await original()).filter((d) => !g.__unplugged.includes(d.label));
  });
  const plug = (page: Page, unplugged: string[]) =>
    page.evaluate((u) => {
      const g = globalThis as unknown as { __unplugged: string[]; navigator: { mediaDevices: EventTarget } };
      g.__unplugged = u;
      g.navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    }, unplugged);
  try {
    const page = await ctx.newPage();
    await page.goto(agentHost.url);
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    const devices = page.getByRole('region', { name: 'Audio devices' });
    const mic = devices.getByLabel('Microphone');
    const ring = devices.getByLabel('Ringer output');
    await expect.poll(() => mic.locator('option').count()).toBeGreaterThan(1);
    await expect.poll(() => ring.locator('option').count()).toBeGreaterThan(1);
    await expect(devices.getByLabel('Call audio output')).toBeVisible();
    const micLabel = (await mic.locator('option').last().textContent())!;
    const ringLabel = (await ring.locator('option').last().textContent())!;
    await mic.selectOption({ label: micLabel });
    await ring.selectOption({ label: ringLabel });
    await expect(mic.locator('option:checked')).toHaveText(micLabel);

    // Saved through the app's settings, not the page: a reload shows the same choice.
    await page.reload();
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    await expect(devices.getByLabel('Microphone').locator('option:checked')).toHaveText(micLabel);
    await expect(devices.getByLabel('Ringer output').locator('option:checked')).toHaveText(ringLabel);
    await expect(devices.getByRole('status')).toHaveCount(0);

    // The headset is unplugged: the default is used and the agent is told; plugged back: chosen again.
    await plug(page, [micLabel]);
    await expect(devices.getByRole('status')).toHaveText(
      'The chosen Microphone is not connected: using the system default until it is back.',
    );
    await expect(devices.getByLabel('Microphone').locator('option:checked')).toHaveText(
      `${micLabel} (unavailable)`,
    );
    await plug(page, []);
    await expect(devices.getByRole('status')).toHaveCount(0);
    await expect(devices.getByLabel('Microphone').locator('option:checked')).toHaveText(micLabel);

    // Back to the defaults for the other tests.
    await devices.getByLabel('Microphone').selectOption('');
    await devices.getByLabel('Ringer output').selectOption('');
    await expect(devices.getByLabel('Microphone').locator('option:checked')).toHaveText('System default');
  } finally {
    await ctx.close();
  }
});

test('switching the microphone mid-call swaps the track without renegotiation; audio keeps flowing; the next call after a reload uses it', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const devices = agent.getByRole('region', { name: 'Audio devices' });
  const registration = agent.getByRole('status', { name: 'Phone registration' });
  let micLabel = '';
  const caller = await startParty(browser, customer.phone);
  try {
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    let card = callCard(agent);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    const [c] = await partyLive(caller.page);
    await expect.poll(() => partyStats(caller.page, c!.id).then((s) => s.bytesReceived)).toBeGreaterThan(0);
    const before = await agentSender(agent);

    // Settings › Audio devices during the call: another of Chromium's fake microphones.
    await agent.getByRole('button', { name: 'Phone', exact: true }).click();
    const mic = devices.getByLabel('Microphone');
    await expect.poll(() => mic.locator('option').count()).toBeGreaterThan(2);
    const labels = await mic.locator('option').allTextContents();
    micLabel = labels.filter((l) => l !== before.label).at(-1)!;
    await mic.selectOption({ label: micLabel });

    // The call now sends from that microphone: a new track on the same sender, and no new offer.
    await expect.poll(() => agentSender(agent).then((s) => s.label)).toBe(micLabel);
    const after = await agentSender(agent);
    expect(after.trackId).not.toBe(before.trackId);
    expect(after.localDescriptionsSet).toBe(before.localDescriptionsSet);
    expect(after.signalingState).toBe('stable');
    // The far end keeps receiving audio, and the call shows nothing wrong.
    const bytes = await partyStats(caller.page, c!.id).then((s) => s.bytesReceived);
    await expect
      .poll(() => partyStats(caller.page, c!.id).then((s) => s.bytesReceived))
      .toBeGreaterThan(bytes);
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await expect(card.getByRole('alert')).toHaveCount(0);
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await wrapUp(agent, 'resolved');

    // After a reload the choice is still there, and a new call captures from it from the start.
    await agent.reload();
    await agent.getByRole('button', { name: 'Phone', exact: true }).click();
    await expect(devices.getByLabel('Microphone').locator('option:checked')).toHaveText(micLabel);
    await agent.getByRole('button', { name: 'Connect phone' }).click();
    await expect(registration).toHaveText('Phone ready');
    await partyCall(caller.page, `sip:agent1@${kamailio.domain}`);
    card = callCard(agent);
    await card.getByRole('button', { name: 'Answer' }).click();
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    expect((await agentSender(agent)).label).toBe(micLabel);
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await wrapUp(agent, 'resolved');
  } finally {
    await caller.close();
    // Back to the default microphone for the tests after this one.
    if (micLabel) {
      await agent.getByRole('button', { name: 'Phone', exact: true }).click();
      await devices.getByLabel('Microphone').selectOption('');
      await expect(devices.getByLabel('Microphone').locator('option:checked')).toHaveText('System default');
    }
  }
});

// Last: it reloads the agent's page (a `?dial=` link) and reconnects the phone.
test('click-to-dial: a number in the profile calls it; a tel: link asks before calling', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const callee = await startParty(browser, customer.phone, true);
  try {
    await agent.getByRole('button', { name: 'Customers' }).click();
    await agent.getByLabel('Search customers and messages').fill(customer.name);
    await agent
      .getByRole('list', { name: 'Search results' })
      .getByRole('button', { name: customer.name })
      .first()
      .click();
    await agent
      .getByRole('article', { name: `Profile of ${customer.name}` })
      .getByRole('button', { name: `Call ${customer.phone}` })
      .click();
    let card = callCard(agent);
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await expect
      .poll(() => partyLive(callee.page).then((l) => l.map((c) => c.state)))
      .toEqual(['established']);
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await wrapUp(agent, 'resolved');

    // A tel: link opens the app with the number filled in; nothing is dialled until confirmed.
    await agent.goto(
      `${agentHost.origin}/?dial=${encodeURIComponent(`tel:${customer.phone}`)}#k=${agentHost.secret}`,
    );
    await expect(agent.getByText('Number received from a tel: link')).toBeVisible();
    await expect(agent.getByLabel('Number to call')).toHaveValue(customer.phone);
    await agent.getByRole('button', { name: 'Connect phone' }).click();
    await expect(agent.getByRole('status', { name: 'Phone registration' })).toHaveText('Phone ready');
    const confirm = agent.getByRole('group', { name: `Call ${customer.phone}?` });
    await expect(confirm).toBeVisible();
    expect(await partyLive(callee.page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Call now' }).click();
    await expect(confirm).toHaveCount(0);
    card = callCard(agent);
    await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
    await card.getByRole('button', { name: 'Hang up' }).click();
    await expect(card).toHaveCount(0);
    await wrapUp(agent, 'resolved');
  } finally {
    await callee.close();
  }
});
