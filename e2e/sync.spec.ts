import type { Page } from '@playwright/test';
import { startChaosProxy, type ChaosProxy } from '../tests/support/chaosProxy';
import { expect, startHost, stopHost, test, type RunningHost } from './fixtures';
import { DEMO_PASSWORD, startSeededRelay, type RunningRelay } from './relay';

// Two agents of one team on two workstations (browser hosts), one relay. The first agent's
// network runs through a loopback proxy that the test can cut.
let relay: RunningRelay;
let proxy: ChaosProxy;
test.beforeAll(async () => {
  relay = await startSeededRelay();
  proxy = await startChaosProxy({ targetPort: relay.port, seed: 1 }); // no faults: a plain cable
});
test.afterAll(async () => {
  await proxy.close();
  await relay.stop();
});

async function signIn(page: Page, relayUrl: string, email: string) {
  await page.getByRole('button', { name: 'Inbox' }).click();
  await page.getByLabel('Relay server').fill(relayUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Without a system keychain (as in CI) the app asks for a passphrase instead of storing the key in clear.
  const passphrase = page.getByLabel('Passphrase for the offline cache');
  const signedIn = page.getByRole('status', { name: 'Sync status' });
  await expect(passphrase.or(signedIn)).toBeVisible();
  if (await passphrase.isVisible()) {
    await expect(page.getByRole('alert')).toContainText('passphrase');
    await passphrase.fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await expect(signedIn).toHaveText(/Online/, { timeout: 30_000 });
}

test('sign in, see synced conversations, reply offline: queued, then delivered once', async ({
  page,
  browser,
}) => {
  const host: RunningHost = await startHost();
  let other: RunningHost | null = null;
  try {
    await page.goto(host.url);
    await signIn(page, `http://127.0.0.1:${proxy.port}`, 'agent@demo.switchboard');
    const list = page.getByRole('list', { name: 'Conversations' });
    await expect(list.getByRole('button').first()).toBeVisible();
    await list.getByRole('button').first().click();
    const conversation = page.getByRole('article');
    const customer = (await conversation.getByRole('heading', { level: 2 }).textContent())!;
    // The composer says where the reply goes out (a demo conversation is a chat or an email).
    await expect(page.getByLabel('Reply to the customer')).toHaveAccessibleDescription(
      /Your reply goes (to the customer by web chat|by email to \S+@\S+)\./,
    );

    // The network drops: the agent keeps working.
    proxy.setDown(true);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText(/Offline/, {
      timeout: 30_000,
    });
    const reply = `Your parcel ships today <b>not bold</b> ${Date.now()}`;
    await page.getByLabel('Reply to the customer').fill(reply);
    await page.getByRole('button', { name: 'Send' }).click();
    const bubble = conversation.getByRole('listitem').filter({ hasText: reply });
    await expect(bubble).toContainText('Queued');
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Offline · 1 change waiting');
    // Markup in a message is shown as text, never rendered.
    await expect(conversation.locator('b')).toHaveCount(0);

    proxy.setDown(false);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    await expect(bubble).not.toContainText('Queued');

    // A colleague at another branch sees the reply exactly once.
    other = await startHost(undefined, {
      SWITCHBOARD_RELAY_URL: relay.url,
      SWITCHBOARD_LOGIN_EMAIL: 'agent2@demo.switchboard',
      SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
      SWITCHBOARD_CACHE_PASSPHRASE: 'another correct horse',
    });
    const ctx = await browser.newContext();
    const page2 = await ctx.newPage();
    await page2.goto(other.url);
    await expect(page2.getByRole('status', { name: 'Sync status' })).toHaveText('Online', {
      timeout: 30_000,
    });
    await page2.getByLabel('Filter by status').selectOption('');
    await page2
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button', { name: customer })
      .first()
      .click();
    await expect(page2.getByRole('article').getByRole('listitem').filter({ hasText: reply })).toHaveCount(1);
    await ctx.close();
  } finally {
    await stopHost(host);
    if (other) await stopHost(other);
  }
});
