import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { expect, startHost, stopHost, test } from './fixtures';
import { DEMO_PASSWORD, startSeededRelay, type RunningRelay } from './relay';
import { setMyStatus } from './support/agentStatus';

// A customer writes in through the API channel; the relay offers the conversation to the agent
// who is available; the agent hears and sees the offer, accepts, and the conversation opens.
let relay: RunningRelay;
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  await relay.stop();
});

function chatInboxOf(email: string): string {
  const db = new Database(join(relay.dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT i.id FROM inboxes i JOIN team_members m ON m.team_id = i.team_id JOIN agents a ON a.id = m.agent_id
         WHERE a.email = ? AND i.channel = 'chat' LIMIT 1`,
      )
      .pluck()
      .get(email) as string;
  } finally {
    db.close();
  }
}

test('an available agent is offered a new chat, accepts it and the conversation opens', async ({ page }) => {
  const host = await startHost(undefined, {
    SWITCHBOARD_RELAY_URL: relay.url,
    SWITCHBOARD_LOGIN_EMAIL: 'agent@demo.switchboard',
    SWITCHBOARD_LOGIN_PASSWORD: DEMO_PASSWORD,
    SWITCHBOARD_CACHE_PASSPHRASE: 'routing e2e passphrase',
  });
  try {
    await page.goto(host.url);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    await setMyStatus(page, 'available');

    const login = await fetch(`${relay.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'admin@demo.switchboard',
        password: DEMO_PASSWORD,
        deviceName: 'order system',
      }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const text = `Where is order #${Date.now()}? <img src=x onerror=alert(1)>`;
    const res = await fetch(`${relay.url}/v1/channels/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        inboxId: chatInboxOf('agent@demo.switchboard'),
        from: { name: 'Zhou <b>Min</b>', email: `zhou.${Date.now()}@example.cn` },
        text,
      }),
    });
    expect(res.status).toBe(201);

    const offer = page.getByRole('alertdialog', { name: 'New Web chat from Zhou <b>Min</b>' });
    await expect(offer).toBeVisible({ timeout: 15_000 });
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect(offer).toBeHidden();
    const conversation = page.getByRole('article', { name: 'Conversation with Zhou <b>Min</b>' });
    await expect(conversation.getByRole('listitem').filter({ hasText: text })).toBeVisible({
      timeout: 15_000,
    });
    // Names and messages are text: nothing was rendered as markup.
    await expect(page.locator('main img, main b')).toHaveCount(0);

    // Views: the accepted chat is the agent's own, not unassigned; the channel filter keeps it.
    const list = page.getByRole('list', { name: 'Conversations' });
    const mine = list.getByRole('button', { name: /Zhou <b>Min<\/b>/ });
    await page.getByLabel('Show').selectOption({ label: 'Assigned to me' });
    await expect(mine).toBeVisible();
    await page.getByLabel('Channel').selectOption({ label: 'Web chat' });
    await expect(mine).toBeVisible();
    await page.getByLabel('Show').selectOption({ label: 'Unassigned' });
    await expect(mine).toHaveCount(0);
    await page.getByLabel('Show').selectOption({ label: 'Assigned to me' });
    await page.getByLabel('Channel').selectOption({ label: 'All channels' });

    // A draft survives moving to another conversation and back; Ctrl+Enter sends it.
    await mine.click();
    await page.getByLabel('Reply to the customer').fill('Checking your order now');
    await page.getByLabel('Show').selectOption({ label: 'All I can see' });
    await list.getByRole('button').filter({ hasNotText: 'Zhou' }).first().click();
    await expect(page.getByLabel('Reply to the customer')).toHaveValue('');
    await list.getByRole('button', { name: /Zhou <b>Min<\/b>/ }).click();
    await expect(page.getByLabel('Reply to the customer')).toHaveValue('Checking your order now');
    await page.getByLabel('Reply to the customer').press('Control+Enter');
    await expect(
      conversation.getByRole('listitem').filter({ hasText: 'Checking your order now' }),
    ).toBeVisible();
    await expect(page.getByLabel('Reply to the customer')).toHaveValue('');

    // Snoozing asks until when, then says so.
    await conversation.getByLabel('Status', { exact: true }).selectOption('snoozed');
    await conversation.getByLabel('Snooze until').fill('2030-01-02T09:30');
    await conversation.getByRole('button', { name: 'Snooze' }).click();
    await expect(conversation.getByText(/Snoozed until/)).toBeVisible();
    await expect(conversation.getByLabel('Status', { exact: true })).toHaveValue('snoozed');
  } finally {
    await stopHost(host);
  }
});
