import type { Browser, Page } from '@playwright/test';
import { expect } from '../fixtures';
import { DEMO_PASSWORD } from '../relay';
import type { RunningKamailio } from './kamailio';
import { openParty, type PartyServer } from './sipParty';

// Shared by the phone specs: the agent's sign-in, the phone account form, and the far-end parties
// (plain pages running the same sip.js core) with their controls.

export function signInEnv(relayUrl: string, email: string, passphrase: string): Record<string, string> {
  return {
    SWITCHBOARD_RELAY_URL: relayUrl,
    SWITCHBOARD_LOGIN_EMAIL: email,
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
    SWITCHBOARD_CACHE_PASSPHRASE: passphrase,
  };
}

export async function firstCustomerWithPhone(page: Page): Promise<{ name: string; phone: string }> {
  await page.getByRole('button', { name: 'Customers' }).click();
  const list = page.getByRole('list', { name: 'Customers' });
  await expect(list.getByRole('button').first()).toBeVisible();
  const items = await list.getByRole('button').allTextContents();
  const index = items.findIndex((t) => /\+1\d{10}/.test(t));
  expect(index, 'a seeded US customer').toBeGreaterThanOrEqual(0);
  await list.getByRole('button').nth(index).click();
  const name = (await page.getByRole('article').getByRole('heading', { level: 2 }).textContent())!;
  return { name, phone: /\+1\d{10}/.exec(items[index]!)![0] };
}

/** Fills Phone › Phone account through the UI and connects. */
export async function setUpPhone(page: Page, kamailio: RunningKamailio, user: string) {
  await page.getByRole('button', { name: 'Phone', exact: true }).click();
  await page.getByLabel('SIP server (WebSocket URL)').fill(kamailio.wsUrl);
  await page.getByLabel('SIP address').fill(`sip:${user}@${kamailio.domain}`);
  await page.getByLabel('Authentication user').fill(user);
  await page.getByLabel('SIP password').fill('not-in-any-file');
  // INFO so the far end (a browser page) can observe the digits; RFC 4733 is not exposed to JS.
  await page.getByLabel('Key tones (DTMF)').selectOption('info');
  await page.getByRole('button', { name: 'Save phone account' }).click();
  await expect(page.getByText('Phone account saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Connect phone' }).click();
  await expect(page.getByRole('status', { name: 'Phone registration' })).toHaveText('Phone ready');
}

export type Party = { page: Page; close: () => Promise<void> };

export async function startParty(
  browser: Browser,
  parties: PartyServer,
  kamailio: RunningKamailio,
  user: string,
  autoAnswer = false,
  iceTransportPolicy: 'all' | 'relay' = 'all',
): Promise<Party> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await openParty(page, parties);
  if (process.env['PHONE_DEBUG']) page.on('console', (m) => console.log(`${user}: ${m.text()}`));
  await page.evaluate(
    ([server, uri, auto, policy]) =>
      (globalThis as unknown as PartyWindow).party.start(
        {
          server,
          uri,
          authUser: uri,
          password: 'x',
          iceServers: [],
          iceTransportPolicy: policy,
          dtmf: 'info',
        },
        auto === 'yes',
      ),
    [
      kamailio.wsUrl,
      `sip:${user}@${kamailio.domain}`,
      autoAnswer ? 'yes' : 'no',
      iceTransportPolicy,
    ] as const,
  );
  await expect.poll(() => partyState(page).then((s) => s.registration)).toBe('registered');
  return { page, close: () => ctx.close() };
}

export type PartyCall = {
  id: string;
  state: string;
  direction: string;
  remoteUser: string;
  endReason: string | null;
};
export type PartyWindow = {
  party: {
    start: (c: object, auto: boolean) => Promise<void>;
    state: () => { registration: string; reconnected: number; calls: PartyCall[]; dtmf: string };
    live: () => PartyCall[];
    call: (target: string, headers?: string[]) => string;
    hangup: (id: string) => void;
    stats: (id: string) => Promise<{ bytesReceived: number; ice: string; direction: string }>;
  };
};
export const partyState = (p: Page) => p.evaluate(() => (globalThis as unknown as PartyWindow).party.state());
export const partyLive = (p: Page) => p.evaluate(() => (globalThis as unknown as PartyWindow).party.live());
export const partyCall = (p: Page, target: string, headers: string[] = []) =>
  p.evaluate(([t, h]) => (globalThis as unknown as PartyWindow).party.call(t, h), [target, headers] as const);
export const partyStats = (p: Page, id: string) =>
  p.evaluate((i) => (globalThis as unknown as PartyWindow).party.stats(i), id);

/** Bytes of audio the agent's page has received on its calls (every peer connection it made). */
export async function agentBytesReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pcs = (globalThis as unknown as { __pcs?: RTCPeerConnectionLike[] }).__pcs ?? [];
    let total = 0;
    for (const pc of pcs) {
      const stats = await pc.getStats();
      stats.forEach((r: { type: string; kind?: string; bytesReceived?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') total += r.bytesReceived ?? 0;
      });
    }
    return total;
  });
}
type RTCPeerConnectionLike = { getStats: () => Promise<{ forEach: (f: (r: never) => void) => void }> };

export const callCard = (page: Page) => page.getByRole('article', { name: /^Call with/ });

export async function wrapUp(page: Page, disposition: string) {
  const wrap = page.getByRole('form', { name: 'Wrap-up' });
  await wrap.getByLabel('Disposition').selectOption(disposition);
  await wrap.getByRole('button', { name: 'Save wrap-up' }).click();
  await expect(wrap).toHaveCount(0);
}
