import { expect, startHost, stopHost, test } from './fixtures';
import { DEMO_PASSWORD, startSeededRelay, type RunningRelay } from './relay';
import { setMyStatus } from './support/agentStatus';

// The demo as a newcomer meets it: a relay seeded like `npm start`'s, its /demo page with the
// widget, and the demo agent set to Available. The newcomer's chat is the first in its queue
// (the seed leaves open work within capacity and nobody waiting in a chat queue), so it is
// offered to the demo agent at once rather than behind hundreds of seeded chats.
let relay: RunningRelay;

test.beforeAll(async () => {
  relay = await startSeededRelay(500, 2000);
});
test.afterAll(async () => {
  await relay.stop();
});

test("a chat started on the relay's /demo page is offered to the Available demo agent", async ({
  page,
  browser,
}) => {
  const host = await startHost(undefined, {
    SWITCHBOARD_RELAY_URL: relay.url,
    SWITCHBOARD_LOGIN_EMAIL: 'agent@demo.switchboard',
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
    SWITCHBOARD_CACHE_PASSPHRASE: 'demo e2e passphrase',
  });
  const visitorContext = await browser.newContext();
  try {
    await page.goto(host.url);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    await setMyStatus(page, 'available');

    const visitor = await visitorContext.newPage();
    await visitor.goto(`${relay.url}/demo`);
    await expect(visitor.getByRole('heading', { name: 'Harbour Shop' })).toBeVisible();
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const widget = visitor.getByRole('dialog', { name: 'Chat with us' });
    await widget.getByLabel('Your name').fill('Newcomer Nina');
    await widget.getByRole('button', { name: 'Start chat' }).click();
    await widget.getByRole('textbox', { name: 'Message' }).fill('Hello, is anyone there?');
    await widget.getByRole('button', { name: 'Send' }).click();

    const offer = page.getByRole('alertdialog', { name: 'New Web chat from Newcomer Nina' });
    await expect(offer).toBeVisible({ timeout: 15_000 });
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect(
      page
        .getByRole('article', { name: 'Conversation with Newcomer Nina' })
        .getByRole('listitem')
        .filter({ hasText: 'Hello, is anyone there?' }),
    ).toBeVisible({ timeout: 15_000 });
    await expect(widget.getByRole('status', { name: 'Chat status' })).toHaveText(
      'An agent has joined the conversation.',
    );
  } finally {
    await visitorContext.close();
    await stopHost(host);
  }
});

test('the /demo page answers GET and HEAD only', async () => {
  expect((await fetch(`${relay.url}/demo`, { method: 'HEAD' })).status).toBe(200);
  expect((await fetch(`${relay.url}/demo`, { method: 'POST' })).status).toBe(405);
});
