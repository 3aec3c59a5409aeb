import type { Page } from '@playwright/test';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn as openApp, startSeededRelay, type RunningRelay } from './relay';

// The agent's conversation view: labels added and removed (markup in a label stays text), a note
// that @mentions a colleague shows them a notice at their own workstation, and the inbox's
// keyboard shortcuts with their help dialog. Two agents of one team, two browser hosts, one relay.
let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay.stop();
});

async function openSignedIn(page: Page, email: string): Promise<void> {
  // Markup in a label must never run: every dialog (alert) is recorded, and none may appear.
  page.on('dialog', (d) => {
    alerts.push(d.message());
    void d.dismiss();
  });
  await openApp(page, relay, email, hosts);
  await page.getByRole('button', { name: 'Inbox' }).click();
}

const alerts: string[] = [];
test.afterEach(() => {
  expect(alerts).toEqual([]);
});

const list = (page: Page) => page.getByRole('list', { name: 'Conversations' });

async function openFirstConversation(page: Page) {
  await list(page).getByRole('button').first().click();
  const article = page.getByRole('article');
  await expect(article.getByRole('heading', { level: 2 })).toBeVisible();
  return article;
}

test('an agent adds and removes labels; markup in a label is shown as text', async ({ page }) => {
  await openSignedIn(page, 'agent@demo.switchboard');
  const article = await openFirstConversation(page);
  const labels = article.getByRole('list', { name: 'Labels' });

  const markup = '<img src=x onerror=alert(1)>';
  for (const label of [markup, 'Callback tomorrow']) {
    await article.getByLabel('Add a label').fill(label);
    await article.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(labels.getByRole('listitem').filter({ hasText: label })).toHaveCount(1);
  }
  await expect(article.getByLabel('Add a label')).toHaveValue('');
  await expect(article.locator('img')).toHaveCount(0);
  await expect(article.getByRole('button', { name: `Remove label ${markup}` })).toBeVisible();
  // The inbox row shows the new labels too.
  await expect(list(page).locator('[aria-current="true"]')).toContainText('Callback tomorrow');

  await article.getByRole('button', { name: 'Remove label Callback tomorrow' }).click();
  await expect(labels.getByRole('listitem').filter({ hasText: 'Callback tomorrow' })).toHaveCount(0);
  await expect(labels.getByRole('listitem').filter({ hasText: markup })).toHaveCount(1);

  // A label too long is refused with a reason, before anything is queued.
  await article.getByLabel('Add a label').fill('x'.repeat(65));
  await article.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(article.getByRole('alert')).toContainText('at most 64 characters');
  await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online');
});

test('a note that @mentions a colleague shows them a notice that opens the conversation', async ({
  browser,
}) => {
  const alex = await (await browser.newContext()).newPage();
  const li = await (await browser.newContext()).newPage();
  await openSignedIn(alex, 'agent@demo.switchboard');
  await openSignedIn(li, 'agent2@demo.switchboard');

  // Alex looks elsewhere (Customers); 李娜 writes a note naming Alex in a conversation.
  await alex.getByRole('button', { name: 'Customers' }).click();
  const article = await openFirstConversation(li);
  const customer = (await article.getByRole('heading', { level: 2 }).textContent())!;
  await article.getByLabel('Internal note', { exact: true }).check();
  await article.getByLabel(/^Internal note \(/).fill('@Alex Agent can you call them back?');
  await article.getByRole('button', { name: 'Add note' }).click();
  await expect(article.getByRole('listitem').filter({ hasText: 'can you call them back?' })).toContainText(
    'Mentions: Alex Agent',
  );

  const notices = alex.getByRole('region', { name: 'Mentions of you' });
  await expect(notices).toContainText(`李娜 mentioned you in ${customer}`, { timeout: 30_000 });
  await notices.getByRole('button', { name: 'Open conversation' }).click();
  await expect(alex.getByRole('article').getByRole('heading', { level: 2 })).toHaveText(customer);
  await expect(
    alex.getByRole('article').getByRole('listitem').filter({ hasText: 'can you call them back?' }),
  ).toHaveCount(1);
  await expect(notices.getByRole('button')).toHaveCount(0);
  // The author is not told about their own mention.
  await expect(li.getByRole('region', { name: 'Mentions of you' }).getByRole('button')).toHaveCount(0);
});

test('keyboard shortcuts: help dialog with ?, next and previous, focus the note box', async ({ page }) => {
  await openSignedIn(page, 'agent@demo.switchboard');
  await expect(list(page).getByRole('button').nth(2)).toBeVisible();
  const helpButton = page.getByRole('button', { name: 'Keyboard shortcuts' });

  // ? opens the help; Escape closes it and focus goes back where it was.
  await helpButton.focus();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('row', { name: /Next conversation/ })).toContainText('j');
  await expect(help.getByRole('row', { name: /Send the reply or note/ })).toContainText('Ctrl+Enter');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(helpButton).toBeFocused();
  // ...and from its button.
  await helpButton.click();
  await expect(help).toBeVisible();
  await help.getByRole('button', { name: 'Close' }).click();
  await expect(help).toBeHidden();
  await expect(helpButton).toBeFocused();

  // j opens the first conversation, j the next, k goes back.
  const current = list(page).locator('[aria-current="true"]');
  await page.keyboard.press('j');
  await expect(current).toHaveCount(1);
  const heading = page.getByRole('article').getByRole('heading', { level: 2 });
  await expect(heading).toBeVisible();
  const first = (await heading.textContent())!;
  const firstRow = await current.locator('xpath=..').getAttribute('aria-posinset');
  await page.keyboard.press('j');
  await expect(current.locator('xpath=..')).toHaveAttribute('aria-posinset', String(Number(firstRow) + 1));
  await page.keyboard.press('k');
  await expect(current.locator('xpath=..')).toHaveAttribute('aria-posinset', firstRow!);
  await expect(heading).toHaveText(first);

  // n focuses the note box; keys typed there are text, not shortcuts.
  await page.keyboard.press('n');
  const note = page.getByLabel(/^Internal note \(/);
  await expect(note).toBeFocused();
  await page.keyboard.type('jk?');
  await expect(note).toHaveValue('jk?');
  await expect(help).toBeHidden();
  await expect(current.locator('xpath=..')).toHaveAttribute('aria-posinset', firstRow!);
  // r switches to the reply box.
  await note.fill('');
  await helpButton.focus();
  await page.keyboard.press('r');
  await expect(page.getByLabel('Reply to the customer')).toBeFocused();
  // Alt+1…5 still move between places.
  await page.keyboard.press('Escape');
  await helpButton.focus();
  await page.keyboard.press('Alt+3');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Customers');
});
