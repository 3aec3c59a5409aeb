import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn, startSeededRelay, type RunningRelay } from './relay';
import { expectMyStatus, myStatus, setMyStatus } from './support/agentStatus';

// The header says one thing each: the agent's routing status (the main control), the health of
// every connection in one indicator that explains itself, and the person signed in.
let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay.stop();
});

test('status with a reason and its time, one connection indicator that explains itself, the person menu', async ({
  page,
}) => {
  await openSignedIn(page, relay, 'agent@demo.switchboard', hosts);
  const header = page.getByRole('banner');

  // Status: Offline at start; Away with a reason; the time in status shows beside it.
  await expectMyStatus(page, 'offline');
  await setMyStatus(page, 'away', 'Lunch');
  await expect(myStatus(page)).toHaveAccessibleName('My status: Away · Lunch, 0 min');
  await expect(myStatus(page)).toContainText('Away · Lunch');
  await myStatus(page).click();
  await expect(page.getByRole('menuitemradio', { name: 'Lunch' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('group', { name: 'Away' }).getByRole('menuitemradio')).toHaveCount(5);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(myStatus(page)).toBeFocused();
  // Kept by the app across a reload of the window.
  await page.reload();
  await expect(myStatus(page)).toHaveAccessibleName(/^My status: Away · Lunch, \d+ min$/);
  await setMyStatus(page, 'available');
  await expectMyStatus(page, 'available');

  // Connections: one indicator in the header, not three words side by side.
  const health = header.getByRole('button', { name: /^Connection health:/ });
  await expect(health).toHaveAccessibleName('Connection health: Connected');
  // Three controls: status, connections, person.
  await expect(header.getByRole('button')).toHaveCount(3);
  await health.hover();
  await expect(page.getByRole('tooltip')).toContainText(
    'The app, the relay and the phone are all connected.',
  );
  await health.click();
  const panel = page.getByRole('dialog', { name: 'Connections' });
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('Relay sync');
  await expect(panel).toContainText('Online');
  await expect(panel).toContainText('Phone not connected');
  await panel.getByRole('button', { name: 'Open Phone' }).click();
  await expect(panel).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Phone', level: 1 })).toBeVisible();

  // The person: name in the header, a menu with Settings and Sign out.
  const person = header.getByRole('button', { name: 'Account: Alex Agent' });
  await person.click();
  await expect(page.getByRole('menu')).toContainText('agent@demo.switchboard');
  await expect(page.getByRole('menuitem', { name: /Settings/ })).toContainText('Alt+5');
  await page.getByRole('menuitem', { name: /Settings/ }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await person.click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(person).toHaveCount(0);
  await expect(page.getByRole('status', { name: 'Sync status' })).toHaveCount(0);
});

test("an away reason reaches the supervisor's live board through the relay", async ({ page, browser }) => {
  await openSignedIn(page, relay, 'agent@demo.switchboard', hosts);
  const ctx = await browser.newContext();
  try {
    const sup = await ctx.newPage();
    await openSignedIn(sup, relay, 'supervisor@demo.switchboard', hosts);
    await sup.getByRole('button', { name: 'Supervisor', exact: true }).click();
    const alex = sup.getByRole('table', { name: 'Agents' }).getByRole('row', { name: 'Alex Agent' });
    await setMyStatus(page, 'away', 'Meeting');
    await expect(alex).toContainText(/Away · Meeting · \d+:\d\d/);
    await setMyStatus(page, 'away', 'Break');
    await expect(alex).toContainText(/Away · Break · \d+:\d\d/);
    await setMyStatus(page, 'available');
    await expect(alex).toContainText(/Available · \d+:\d\d/);
    await expect(alex).not.toContainText('Break');
  } finally {
    await ctx.close();
  }
});

test('reads in 简体中文', async ({ page }) => {
  await openSignedIn(page, relay, 'agent@demo.switchboard', hosts);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Language').selectOption({ label: '简体中文' });
  await expect(page.getByRole('button', { name: /^我的状态：离线，\d+ 分钟$/ })).toBeVisible();
  await expect(page.getByRole('button', { name: '连接状况：已连接' })).toBeVisible();
  await page.getByLabel('语言').selectOption({ label: 'English' });
});
