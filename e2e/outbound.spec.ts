import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn, startSeededRelay, type RunningRelay } from './relay';

// An agent writes to a customer first (#13): Write an email on the customer's profile starts an
// email conversation that is theirs, in their inbox, whose composer says replies go by email to
// the customer's address.
let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay.stop();
});

test('an agent starts an email conversation from a customer profile', async ({ page }) => {
  await openSignedIn(page, relay, 'agent@demo.switchboard', hosts);
  await page.getByRole('button', { name: 'Customers' }).click();
  await page.getByRole('list', { name: 'Customers' }).getByRole('button').first().click();
  // The form opens in a dialog, where its fields have room.
  const profile = page.getByRole('article', { name: /^Profile of / });
  await profile.getByRole('button', { name: 'Write an email' }).click();
  const dialog = page.getByRole('dialog', { name: 'Write an email' });
  const form = dialog.getByRole('form', { name: 'Write an email' });
  await expect(form).toContainText(/To \S+@\S+/);
  const [formBox, subjectBox] = await Promise.all([
    form.boundingBox(),
    form.getByLabel('Subject').boundingBox(),
  ]);
  expect(subjectBox!.width).toBeGreaterThan(formBox!.width * 0.9);
  const subject = `Your refund ${Date.now()}`;
  await form.getByLabel('Subject').fill(subject);
  await form.getByLabel('Message').fill('Your refund was sent today.');
  await form.getByRole('button', { name: 'Send email' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(profile.getByText(/^Email queued/)).toBeVisible();

  await page.getByRole('button', { name: 'Inbox' }).click();
  const list = page.getByRole('list', { name: 'Conversations' });
  // The row shows the latest message (the reply just written), not the subject.
  await list.getByRole('button').filter({ hasText: 'Your refund was sent today.' }).first().click();
  const article = page.getByRole('article');
  await expect(article.getByRole('listitem').filter({ hasText: 'Your refund was sent today.' })).toHaveCount(
    1,
  );
  await expect(page.getByLabel('Reply to the customer')).toHaveAccessibleDescription(
    /Your reply goes by email to \S+@\S+\./,
  );
});

test("New conversation in the inbox's header: find a customer, write to the address picked, or call them", async ({
  page,
}) => {
  await openSignedIn(page, relay, 'agent@demo.switchboard', hosts);
  await page.getByRole('button', { name: 'Customers' }).click();
  const customers = page.getByRole('list', { name: 'Customers' });
  const names = (await customers.getByRole('button').locator('.item-title').allTextContents()).map((n) =>
    n.trim(),
  );
  // A profile with two addresses: the duplicate's moves to it with a merge.
  const [target, duplicate] = [names[2]!, names[3]!];
  await customers.getByRole('button', { name: target }).first().click();
  const profile = page.getByRole('article', { name: `Profile of ${target}` });
  await profile.getByText('Merge a duplicate profile into this one').click();
  await page.getByLabel('Find the duplicate by name, phone or email').fill(duplicate);
  await page.getByRole('button', { name: `Merge ${duplicate} into ${target}…` }).click();
  await page
    .getByRole('alertdialog', { name: 'Confirm the merge' })
    .getByRole('button', { name: 'Merge', exact: true })
    .click();
  await expect(profile.getByRole('list', { name: 'Merged into this profile' })).toContainText(duplicate);

  await page.getByRole('button', { name: 'Inbox' }).click();
  const start = page.getByRole('button', { name: 'New conversation', exact: true });
  await expect(start).toHaveAttribute('title', 'New conversation');
  await expect(start).toHaveAttribute('aria-haspopup', 'dialog');
  await start.click();
  const panel = page.getByRole('dialog', { name: 'New conversation' });
  await panel.getByRole('searchbox', { name: 'Find a customer' }).fill(target);
  await panel
    .getByRole('list', { name: 'Customers found' })
    .getByRole('button', { name: target })
    .first()
    .click();
  const to = panel.getByRole('combobox', { name: 'To' });
  // The merged profile's two addresses (wait for them: the panel reads the customer after the click).
  await expect(to.locator('option')).toHaveCount(2);
  const addresses = await to.locator('option').allTextContents();
  await to.selectOption(addresses[1]!);
  await panel.getByLabel('Subject').fill('Your two accounts');
  await panel.getByLabel('Message').fill('We joined your two profiles into one.');
  await panel.getByRole('button', { name: 'Send email' }).click();

  // The dialog closes and the new conversation opens, its replies going to the address picked.
  await expect(panel).toHaveCount(0);
  await expect(start).toHaveAttribute('aria-expanded', 'false');
  await expect(
    page
      .getByRole('article')
      .getByRole('listitem')
      .filter({ hasText: 'We joined your two profiles into one.' }),
  ).toHaveCount(1);
  const picked = addresses[1]!.replace(/[.+]/g, '\\$&');
  await expect(page.getByLabel('Reply to the customer')).toHaveAccessibleDescription(
    new RegExp(`^Your reply goes by email to ${picked}\\.`),
  );

  // A call: with no phone connected, the Phone place opens with the customer's number to dial.
  await start.click();
  await panel.getByRole('searchbox', { name: 'Find a customer' }).fill(target);
  await panel
    .getByRole('list', { name: 'Customers found' })
    .getByRole('button', { name: target })
    .first()
    .click();
  const call = panel.getByRole('button', { name: /^Call \+/ }).first();
  const number = ((await call.textContent()) ?? '').trim();
  await call.click();
  await expect(page.getByLabel('Number to call')).toHaveValue(number);
});
