import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn, startSeededRelay, type RunningRelay } from './relay';
import { myStatus } from './support/agentStatus';

// The command palette (Ctrl+K): places, status (with an away reason), a customer's profile, a
// conversation and a number to dial, all from the keyboard. A seeded relay, the agent's browser host.
let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay.stop();
});

test("Ctrl+K goes to a place, sets a status with a reason, opens a customer's profile and a conversation, dials a number", async ({
  page,
}) => {
  await openSignedIn(page, relay, 'agent@demo.switchboard', hosts);
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const input = palette.getByRole('combobox', { name: 'Search or run a command' });

  // A place, by name; Escape closes and gives focus back.
  await page.getByRole('button', { name: 'Inbox', exact: true }).focus();
  await page.keyboard.press('Control+K');
  await expect(input).toBeFocused();
  await expect(palette.getByRole('option', { name: /Go to Settings/ })).toContainText('Alt+5');
  await input.fill('settings');
  await expect(palette.getByRole('option').first()).toHaveText('Go to SettingsAlt+5');
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);

  // A status with a reason.
  await page.keyboard.press('Control+K');
  await input.fill('lunch');
  await expect(palette.getByRole('option').first()).toHaveText('Set status: Away · Lunch');
  await page.keyboard.press('Enter');
  await expect(myStatus(page)).toHaveAccessibleName(/^My status: Away · Lunch, /);

  // A customer, found by the local search: their profile opens in the Customers place, and is
  // still open after a visit to another place.
  await page.keyboard.press('Control+K');
  await input.fill('Michael Smith');
  const customer = palette.getByRole('group', { name: 'Customers' }).getByRole('option').first();
  await expect(customer).toContainText('Michael Smith');
  await customer.click();
  await expect(page.getByRole('heading', { name: 'Customers', level: 1 })).toBeVisible();
  const profile = page.getByRole('main').getByRole('article').getByRole('heading', { level: 2 });
  await expect(profile).toHaveText('Michael Smith');
  await page.getByRole('button', { name: 'Inbox', exact: true }).click();
  await page.getByRole('button', { name: 'Customers', exact: true }).click();
  await expect(profile).toHaveText('Michael Smith');

  // A recent conversation, by its customer's name.
  await page.keyboard.press('Control+K');
  const recent = palette.getByRole('group', { name: 'Recent conversations' }).getByRole('option');
  await expect(recent.first()).toBeVisible();
  const name = (await recent.nth(1).locator('.palette-label').textContent())!;
  await input.fill(name);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main').getByRole('article').getByRole('heading', { level: 2 })).toHaveText(
    name,
  );

  // A number: with no phone connected, the Phone place opens with it in the dialer.
  await page.keyboard.press('Control+K');
  await input.fill('+1 212 555 0100');
  await expect(palette.getByRole('option').first()).toHaveText('Call +12125550100');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Phone', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Number to call')).toHaveValue('+12125550100');

  // From the person menu too, with its shortcut shown.
  await page.getByRole('button', { name: 'Account: Alex Agent' }).click();
  await expect(page.getByRole('menuitem', { name: /Command palette/ })).toContainText('Ctrl+K');
  await page.getByRole('menuitem', { name: /Command palette/ }).click();
  await expect(input).toBeFocused();
  await page.keyboard.press('Escape');
});
