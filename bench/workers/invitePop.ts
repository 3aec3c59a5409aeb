// Bench worker for screenpop.invite_to_profile_p95_ms: the agent's app (built browser host signed in
// to a seeded relay) in headless Chromium, registered on Debian's Kamailio; a party page calls it as
// a known customer. Times, in the agent's page, the INVITE arriving on the SIP WebSocket → the next
// frame after the caller's profile (its name in "Caller profile") is in the DOM. The caller cancels
// each call while it rings. One warm-up call. Prints one JSON line: {calls, p50, p95}.
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_MEDIA_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { startHost, stopHost } from '../../e2e/fixtures';
import { DEMO_PASSWORD, startSeededRelay } from '../../e2e/relay';
import { kamailioMissing, startKamailio } from '../../e2e/support/kamailio';
import { openParty, startPartyServer } from '../../e2e/support/sipParty';

const CALLS = 30;
type Snap = { id: string; state: string };
type PartyW = {
  party: {
    start: (c: object, auto: boolean) => Promise<void>;
    state: () => { registration: string; calls: Snap[] };
    call: (t: string) => string;
    hangup: (id: string) => void;
  };
};
type AgentW = { __invite: number | null; __pop: number | null; __name: string };

// Runs in the agent's page (plain JS: this file compiles without DOM types). The first INVITE on any
// WebSocket of the page stamps __invite; the frame after the profile heading shows the caller's
// name stamps __pop.
const AGENT_PROBE = `
  window.__invite = null;
  window.__pop = null;
  window.__name = '';
  const Original = window.WebSocket;
  window.WebSocket = class extends Original {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string' && e.data.startsWith('INVITE ') && window.__invite === null)
          window.__invite = performance.now();
      });
    }
  };
  new MutationObserver(() => {
    if (window.__invite === null || window.__pop !== null || !window.__name) return;
    const h = document.querySelector('section[aria-label="Caller profile"] h3');
    if (!h || h.textContent !== window.__name) return;
    window.__pop = -1;
    requestAnimationFrame(() => (window.__pop = performance.now()));
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

async function main(): Promise<void> {
  const missing = kamailioMissing();
  if (missing) throw new Error(missing);
  const kamailio = await startKamailio();
  const server = await startPartyServer();
  const relay = await startSeededRelay();
  const host = await startHost(undefined, {
    SWITCHBOARD_RELAY_URL: relay.url,
    SWITCHBOARD_LOGIN_EMAIL: 'agent@demo.switchboard',
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
    SWITCHBOARD_CACHE_PASSPHRASE: 'bench passphrase',
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...CHROMIUM_MEDIA_ARGS],
  });
  try {
    const agentCtx = await browser.newContext();
    await agentCtx.addInitScript({ content: AGENT_PROBE });
    const agent = await agentCtx.newPage();
    await agent.goto(host.url);
    await agent.getByRole('status', { name: 'Sync status' }).filter({ hasText: 'Online' }).waitFor();
    const customer = await firstCustomerWithPhone(agent);
    await setUpPhone(agent, kamailio.wsUrl, kamailio.domain, kamailio.passwordFor('agent1'));

    const callerPage = await (await browser.newContext()).newPage();
    await openParty(callerPage, server);
    await callerPage.evaluate(
      ([s, u, au, pw]) =>
        (globalThis as unknown as PartyW).party.start(
          { server: s, uri: u, authUser: au, password: pw, iceServers: [], dtmf: 'info' },
          false,
        ),
      [
        kamailio.wsUrl,
        `sip:${customer.phone}@${kamailio.domain}`,
        customer.phone,
        kamailio.passwordFor(customer.phone),
      ] as const,
    );
    await callerPage.waitForFunction('window.party.state().registration === "registered"');

    const card = agent.getByRole('article', { name: /^Call with/ });
    const times: number[] = [];
    for (let i = 0; i <= CALLS; i++) {
      await agent.evaluate((name) => {
        const w = globalThis as unknown as AgentW;
        w.__invite = null;
        w.__pop = null;
        w.__name = name;
      }, customer.name);
      const id = await callerPage.evaluate(
        (t) => (globalThis as unknown as PartyW).party.call(t),
        `sip:agent1@${kamailio.domain}`,
      );
      await agent.waitForFunction(() => ((globalThis as unknown as AgentW).__pop ?? -1) > 0);
      const { invite, pop } = await agent.evaluate(() => {
        const w = globalThis as unknown as AgentW;
        return { invite: w.__invite!, pop: w.__pop! };
      });
      if (i > 0) times.push(pop - invite);
      await callerPage.evaluate((cid) => (globalThis as unknown as PartyW).party.hangup(cid), id);
      await card.waitFor({ state: 'detached' });
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
    process.stdout.write(JSON.stringify({ calls: times.length, p50: pct(50), p95: pct(95) }) + '\n');
  } finally {
    await browser.close();
    await stopHost(host);
    await relay.stop();
    await server.close();
    await kamailio.stop();
  }
}

async function firstCustomerWithPhone(page: Page): Promise<{ name: string; phone: string }> {
  await page.getByRole('button', { name: 'Customers' }).click();
  const list = page.getByRole('list', { name: 'Customers' });
  await list.getByRole('button').first().waitFor();
  const items = await list.getByRole('button').allTextContents();
  const index = items.findIndex((t) => /\+1\d{10}/.test(t));
  if (index < 0) throw new Error('no seeded US customer');
  await list.getByRole('button').nth(index).click();
  const name = (await page.getByRole('article').getByRole('heading', { level: 2 }).textContent())!;
  return { name, phone: /\+1\d{10}/.exec(items[index]!)![0] };
}

async function setUpPhone(page: Page, wsUrl: string, domain: string, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Phone', exact: true }).click();
  await page.getByLabel('SIP server (WebSocket URL)').fill(wsUrl);
  await page.getByLabel('SIP address').fill(`sip:agent1@${domain}`);
  await page.getByLabel('Authentication user').fill('agent1');
  await page.getByLabel('SIP password').fill(password);
  await page.getByRole('button', { name: 'Save phone account' }).click();
  await page.getByText('Phone account saved.').waitFor();
  await page.getByRole('button', { name: 'Connect phone' }).click();
  await page.getByRole('status', { name: 'Phone registration' }).filter({ hasText: 'Phone ready' }).waitFor();
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
