import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn, startSeededRelay, type RunningRelay } from './relay';

// The agent's workspace (#14) at a common laptop size: list | conversation | context sidebar side
// by side; with a long thread open the thread is the one thing that scrolls, and the reply box
// stays on screen without scrolling the page.
let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay.stop();
});
test.use({ viewport: { width: 1440, height: 900 } });

test('with a long thread open the composer is in view and the thread is the scroller', async ({ page }) => {
  await openSignedIn(page, relay, 'agent@demo.switchboard', hosts);
  await page.getByRole('button', { name: 'Inbox' }).click();
  const list = page.getByRole('list', { name: 'Conversations' });
  await list.getByRole('button').first().click();
  const article = page.getByRole('article');
  await expect(article.getByRole('heading', { level: 2 })).toBeVisible();

  // Three panes side by side: the list, the conversation and its context sidebar.
  const thread = article.getByRole('list', { name: 'Messages and notes' });
  const sidebar = article.getByRole('complementary', { name: 'Conversation details' });
  await expect(sidebar.getByRole('heading', { name: 'Customer' })).toBeVisible();
  await expect(sidebar.getByLabel('Add a label')).toBeVisible();
  const [listBox, threadBox, sideBox] = await Promise.all([
    list.boundingBox(),
    thread.boundingBox(),
    sidebar.boundingBox(),
  ]);
  expect(listBox!.x + listBox!.width).toBeLessThanOrEqual(threadBox!.x);
  expect(threadBox!.x + threadBox!.width).toBeLessThanOrEqual(sideBox!.x);

  // A long thread: 50 internal notes (added one by one, as an agent would: slow on a busy machine).
  test.setTimeout(180_000);
  await article.getByLabel('Internal note', { exact: true }).check();
  const note = article.getByLabel(/^Internal note \(/);
  for (let i = 1; i <= 50; i++) {
    await note.fill(`Workspace note ${i} of a long thread`);
    await article.getByRole('button', { name: 'Add note' }).click();
    await expect(note).toHaveValue('');
  }
  await expect(thread.getByRole('listitem').filter({ hasText: 'Workspace note 50 of' })).toBeVisible();

  await expect(note).toBeInViewport({ ratio: 1 });
  // The thread scrolls; the page does not.
  const scroll = await thread.evaluate((el) => {
    const page = el.ownerDocument;
    const main = page.getElementById('main')!;
    const doc = page.scrollingElement!;
    return {
      thread:
        el.scrollHeight > el.clientHeight && page.defaultView!.getComputedStyle(el).overflowY === 'auto',
      main: main.scrollHeight - main.clientHeight,
      doc: doc.scrollHeight - doc.clientHeight,
    };
  });
  expect(scroll).toEqual({ thread: true, main: 0, doc: 0 });
  // Read back to the top of the thread: the composer and the header stay where they are.
  await thread.evaluate((el) => el.scrollTo(0, 0));
  await expect(thread.getByRole('listitem').first()).toBeInViewport();
  await expect(note).toBeInViewport({ ratio: 1 });
  await expect(article.getByRole('heading', { level: 2 })).toBeInViewport();
});

test('the list and the sidebar resize by keyboard and hide, and stay so after a reload', async ({ page }) => {
  await openSignedIn(page, relay, 'agent2@demo.switchboard', hosts);
  await page.getByRole('button', { name: 'Inbox' }).click();
  const list = page.getByRole('list', { name: 'Conversations' });
  await list.getByRole('button').first().click();
  const article = page.getByRole('article');
  const sidebar = article.getByRole('complementary', { name: 'Conversation details' });
  await expect(sidebar).toBeVisible();

  const splitter = page.getByRole('separator', { name: 'Resize conversation list' });
  const before = (await list.boundingBox())!.width;
  await splitter.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(splitter).toHaveAttribute('aria-valuenow', '352');
  expect((await list.boundingBox())!.width).toBeGreaterThan(before);

  await article.getByRole('button', { name: 'Hide conversation details' }).click();
  await expect(sidebar).toHaveCount(0);
  const show = article.getByRole('button', { name: 'Show conversation details' });
  await expect(show).toHaveAttribute('aria-expanded', 'false');

  await page.reload();
  await page.getByRole('button', { name: 'Inbox' }).click();
  await expect(page.getByRole('separator', { name: 'Resize conversation list' })).toHaveAttribute(
    'aria-valuenow',
    '352',
  );
  await list.getByRole('button').first().click();
  await expect(
    page.getByRole('article').getByRole('button', { name: 'Show conversation details' }),
  ).toBeVisible();
  await page.getByRole('article').getByRole('button', { name: 'Show conversation details' }).click();
  await expect(page.getByRole('complementary', { name: 'Conversation details' })).toBeVisible();

  // The list hides to a rail whose button brings it back.
  await page.getByRole('button', { name: 'Hide conversation list' }).click();
  await expect(list).toBeHidden();
  await page.getByRole('button', { name: 'Show conversation list' }).click();
  await expect(list).toBeVisible();
});

test('with the relay gone the panes keep the cache, a quiet banner says so, and replies queue', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // A relay of its own: this test stops it.
  const own = await startSeededRelay();
  try {
    await openSignedIn(page, own, 'agent@demo.switchboard', hosts);
    await page.getByRole('button', { name: 'Inbox' }).click();
    // Nothing open yet: the reading pane says how to open one.
    await expect(page.getByText('No conversation open')).toBeVisible();
    const list = page.getByRole('list', { name: 'Conversations' });
    // Filtered to nothing (the demo has chats and emails only), the list says so and offers the way back.
    await page.getByLabel('Channel').selectOption({ label: 'WeChat' });
    await expect(page.getByText('Nothing matches these filters')).toBeVisible();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(list.getByRole('button').first()).toBeVisible();
    await list.getByRole('button').first().click();
    const article = page.getByRole('article');
    await expect(article.getByRole('heading', { level: 2 })).toBeVisible();
    const banner = page.getByRole('status', { name: 'Offline notice' });
    await expect(banner).toHaveCount(0);

    await own.stop();
    await expect(banner).toContainText('Offline: showing what is on this computer; replies are queued', {
      timeout: 30_000,
    });
    // The cache stays on screen: the list, the conversation and its sidebar.
    await expect(list.getByRole('button').first()).toBeVisible();
    await expect(article.getByRole('complementary', { name: 'Conversation details' })).toBeVisible();
    const reply = `Sent while offline ${Date.now()}`;
    await article.getByLabel('Reply to the customer').fill(reply);
    await article.getByRole('button', { name: 'Send' }).click();
    await expect(article.getByRole('listitem').filter({ hasText: reply })).toContainText('Queued');
    await expect(banner).toContainText('1 change waiting to be sent.');
  } finally {
    await own.stop();
  }
});
