import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedInboxCache } from '../bench/workers/lib/inboxCache';
import { expect, startHost, stopHost, test, type RunningHost } from './fixtures';

// An agent offline with a cache whose newest conversation has a 250-message thread: it opens at
// its newest messages, and "Show earlier" reaches back to the first.
const MESSAGES = 250;
const PASSPHRASE = 'long thread passphrase';
let host: RunningHost;

test.beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-e2e-thread-'));
  // Ten conversations of ten customers: all the history is the newest one's (the first row).
  await seedInboxCache(dataDir, 10, PASSPHRASE, MESSAGES);
  host = await startHost(dataDir, { SWITCHBOARD_CACHE_PASSPHRASE: PASSPHRASE });
});

test.afterAll(async () => {
  await stopHost(host);
});

test('a long thread opens at its newest message and Show earlier reaches its first', async ({ page }) => {
  await page.goto(host.url);
  const list = page.getByRole('list', { name: 'Conversations' });
  await list.getByRole('button').first().click({ timeout: 30_000 });
  const thread = page.getByRole('article').getByRole('list', { name: 'Messages and notes' });
  const messages = thread.getByRole('listitem').filter({ hasText: /^Message \d+ about order 9:/ });
  await expect(messages.last()).toContainText(`Message ${MESSAGES - 1} about order 9:`);
  await expect(messages.last()).toBeInViewport();
  await expect(messages).toHaveCount(100);
  await expect(thread.getByText('Message 0 about order 9:', { exact: false })).toHaveCount(0);

  await thread.getByRole('button', { name: 'Show earlier messages (150 not shown)' }).click();
  await expect(messages).toHaveCount(200);
  await thread.getByRole('button', { name: 'Show earlier messages (50 not shown)' }).click();
  await expect(messages).toHaveCount(MESSAGES);
  await expect(messages.first()).toContainText('Message 0 about order 9:');
  await expect(thread.getByRole('button', { name: /Show earlier/ })).toHaveCount(0);
});
