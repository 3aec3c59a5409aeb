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
  const form = page.getByRole('form', { name: 'Write an email' });
  await expect(form).toContainText(/To \S+@\S+/);
  const subject = `Your refund ${Date.now()}`;
  await form.getByLabel('Subject').fill(subject);
  await form.getByLabel('Message').fill('Your refund was sent today.');
  await form.getByRole('button', { name: 'Send email' }).click();
  await expect(form.getByRole('status')).toContainText('Email queued');

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
