import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { expect, startHost, stopHost, test } from './fixtures';
import { DEMO_PASSWORD, startSeededRelay, type RunningRelay } from './relay';
import { setMyStatus } from './support/agentStatus';

// Channel truth for web chat (#13): the visitor closes the page and is not back within the grace
// (visitorGoneMs, short here); the agent's composer then says the visitor left and what to do
// instead, and offers no Send; once the visitor comes back, the reply goes out and reaches them.
let relay: RunningRelay;
let site: Server;
let siteUrl: string;
let inboxId: string;

test.beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-e2e-webchat-left-'));
  const options = join(dir, 'webchat.json');
  writeFileSync(options, JSON.stringify({ visitorGoneMs: 1_000 }));
  relay = await startSeededRelay(20, 40, ['--webchat', options]);
  const db = new Database(join(relay.dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    inboxId = db
      .prepare(
        `SELECT i.id FROM inboxes i JOIN team_members m ON m.team_id = i.team_id JOIN agents a ON a.id = m.agent_id
         WHERE a.email = ? AND i.channel = 'chat' LIMIT 1`,
      )
      .pluck()
      .get('agent@demo.switchboard') as string;
  } finally {
    db.close();
  }
  site = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!doctype html><html><head><title>Demo shop</title></head><body><h1>Demo shop</h1><script src="${relay.url}/widget.js" data-inbox="${inboxId}"></script></body></html>`,
      ),
  );
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
});
test.afterAll(async () => {
  await new Promise((r) => site.close(r));
  await relay.stop();
});

test('a visitor who left cannot be replied to until they are back, and the composer says what to do', async ({
  page,
  browser,
}) => {
  const host = await startHost(undefined, {
    SWITCHBOARD_RELAY_URL: relay.url,
    SWITCHBOARD_LOGIN_EMAIL: 'agent@demo.switchboard',
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
    SWITCHBOARD_CACHE_PASSPHRASE: 'webchat left e2e passphrase',
  });
  const visitorContext = await browser.newContext();
  try {
    await page.goto(host.url);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    await setMyStatus(page, 'available');

    const name = `Leaving visitor ${Date.now()}`;
    let customer = await visitorContext.newPage();
    await customer.goto(siteUrl);
    await customer.getByRole('button', { name: 'Open chat' }).click();
    let widget = customer.getByRole('dialog', { name: 'Chat with us' });
    await widget.getByLabel('Your name').fill(name);
    await widget.getByRole('button', { name: 'Start chat' }).click();
    await widget.getByRole('textbox', { name: 'Message' }).fill('Is this in stock?');
    await widget.getByRole('button', { name: 'Send' }).click();
    const offer = page.getByRole('alertdialog', { name: `New Web chat from ${name}` });
    await expect(offer).toBeVisible({ timeout: 15_000 });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const conversation = page.getByRole('article', { name: `Conversation with ${name}` });
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
