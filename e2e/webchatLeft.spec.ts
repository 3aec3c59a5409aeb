import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, stopHost, test } from './fixtures';
import { startSeededRelay, type RunningRelay } from './relay';
import {
  acceptChat,
  chatInboxOf,
  signInAvailable,
  startShopSite,
  startVisitorChat,
  type ShopSite,
} from './support/webchatVisitor';

// Channel truth for web chat (#13): the visitor closes the page and is not back within the grace
// (visitorGoneMs, short here); the agent's composer then says the visitor left and what to do
// instead, and offers no Send; once the visitor comes back, the reply goes out and reaches them.
let relay: RunningRelay;
let site: ShopSite;
let siteUrl: string;

test.beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-e2e-webchat-left-'));
  const options = join(dir, 'webchat.json');
  writeFileSync(options, JSON.stringify({ visitorGoneMs: 1_000 }));
  relay = await startSeededRelay(20, 40, ['--webchat', options]);
  site = await startShopSite(relay, chatInboxOf(relay));
  siteUrl = site.url;
});
test.afterAll(async () => {
  await site.close();
  await relay.stop();
});

test('a visitor who left cannot be replied to until they are back, and the composer says what to do', async ({
  page,
  browser,
}) => {
  const host = await signInAvailable(page, relay.url, 'webchat left e2e passphrase');
  const visitorContext = await browser.newContext();
  try {
    const name = `Leaving visitor ${Date.now()}`;
    let customer = await visitorContext.newPage();
    let widget = await startVisitorChat(customer, siteUrl, name, 'Is this in stock?');
    const conversation = await acceptChat(page, name);
    const composer = conversation.getByLabel('Reply to the customer');
    await expect(composer).toHaveAccessibleDescription(/by web chat/, { timeout: 15_000 });

    // The visitor closes the page and does not come back within the grace.
    await customer.close();
    await expect(conversation.getByRole('alert')).toHaveText(
      /The visitor left the chat.*by email or call them.*internal note/,
      { timeout: 15_000 },
    );
    await composer.fill('It is, shall I reserve one?');
    await expect(conversation.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
    await expect(conversation.getByRole('button', { name: 'Write a note instead' })).toBeVisible();

    // Back on the shop's page: the chat is live again and the reply reaches them.
    customer = await visitorContext.newPage();
    await customer.goto(siteUrl);
    await customer.getByRole('button', { name: 'Open chat' }).click();
    widget = customer.getByRole('dialog', { name: 'Chat with us' });
    await expect(composer).toHaveAccessibleDescription(/by web chat/, { timeout: 15_000 });
    await conversation.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(
      widget.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({
        hasText: 'It is, shall I reserve one?',
      }),
    ).toBeVisible({ timeout: 15_000 });
  } finally {
    await visitorContext.close();
    await stopHost(host);
  }
});
