import type { Page } from '@playwright/test';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn as openApp, startSeededRelay, type RunningRelay } from './relay';

// Two branch offices (two browser hosts, two agents) share one customer view: one agent merges a
// duplicate profile into another, the other branch sees the merge and undoes it.
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
  await openApp(page, relay, email, hosts);
  await page.getByRole('button', { name: 'Customers' }).click();
}

const customerList = (page: Page) => page.getByRole('list', { name: 'Customers' });
const profile = (page: Page, name: string) => page.getByRole('article', { name: `Profile of ${name}` });

test('an agent merges a duplicate profile; the other branch sees it and undoes it', async ({ browser }) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await openSignedIn(a, 'agent@demo.switchboard');
  await openSignedIn(b, 'agent2@demo.switchboard');

  const names = (await customerList(a).getByRole('button').locator('.item-title').allTextContents()).map(
    (n) => n.trim(),
  );
  expect(names.length).toBeGreaterThan(2);
  const [target, duplicate] = [names[0]!, names[1]!];

  // Merge the duplicate into the target, with a confirmation that says what moves.
  await customerList(a).getByRole('button', { name: target }).first().click();
  await profile(a, target).getByText('Merge a duplicate profile into this one').click();
  await a.getByLabel('Find the duplicate by name, phone or email').fill(duplicate);
  await a.getByRole('button', { name: `Merge ${duplicate} into ${target}…` }).click();
  const confirm = a.getByRole('alertdialog', { name: 'Confirm the merge' });
  await expect(confirm).toContainText(`Merge ${duplicate} into ${target}?`);
  await confirm.getByRole('button', { name: 'Merge', exact: true }).click();

  const mergedList = profile(a, target).getByRole('list', { name: 'Merged into this profile' });
  await expect(mergedList).toContainText(duplicate);
  await expect(customerList(a).getByRole('button', { name: duplicate })).toHaveCount(0);

  // The other branch: the duplicate is gone from the list and the target lists it as merged.
  await expect(customerList(b).getByRole('button', { name: duplicate })).toHaveCount(0, { timeout: 30_000 });
  await customerList(b).getByRole('button', { name: target }).first().click();
  await profile(b, target)
    .getByRole('button', { name: `Undo the merge of ${duplicate}` })
    .click();

  // Undone everywhere: the duplicate is a profile of its own again at both branches.
  await expect(customerList(b).getByRole('button', { name: duplicate })).toHaveCount(1);
  await expect(customerList(a).getByRole('button', { name: duplicate })).toHaveCount(1, { timeout: 30_000 });
  await expect(profile(a, target).getByRole('list', { name: 'Merged into this profile' })).toHaveCount(0);
});

test("a conversation shows the customer's history on their other channels, and opens it", async ({
  browser,
}) => {
  const page = await (await browser.newContext()).newPage();
  await openSignedIn(page, 'agent@demo.switchboard');
  await page.getByRole('button', { name: 'Inbox' }).click();
  await page.getByLabel('Filter by status').selectOption('');
  const rows = page.getByRole('list', { name: 'Conversations' }).getByRole('button');
  await expect(rows.first()).toBeVisible();
  // The demo data gives most customers conversations on several channels: find one.
  const history = page.getByRole('list', { name: "Customer's history on other channels" });
  let found = false;
  for (let i = 0; i < 8 && !found; i++) {
    await rows.nth(i).click();
    await expect(page.getByRole('list', { name: 'Messages and notes' })).toBeVisible();
    found = (await history.count()) > 0;
  }
  expect(found, 'a customer with another conversation among the first rows').toBe(true);
  const subject = (await page.getByRole('article').getByRole('heading', { level: 2 }).textContent()) ?? '';
  await history.getByRole('button').first().click();
  // The other conversation opens in the same view.
  await expect(page.getByRole('article').getByRole('heading', { level: 2 })).toBeVisible();
  expect(subject.length).toBeGreaterThan(0);
});
