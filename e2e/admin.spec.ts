import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { DEMO_PASSWORD, openSignedIn, startSeededRelay, type RunningRelay } from './relay';

// The Admin place: an admin disables an agent; the agent's workstation is signed out at once and
// says why; the audit view shows who did it; re-enabled, resetting the password makes the agent
// choose a new one on the sign-in screen. Agents see no Admin place.
test.describe.configure({ mode: 'serial' });

const REASON = 'Laptop reported stolen 笔记本被盗';
let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay?.stop();
});

/** Presses Sign in, giving the cache passphrase if this host has no keychain (as in CI). */
async function submitSignIn(page: Page, expectation: () => Promise<void>) {
  await page.getByRole('button', { name: 'Sign in' }).click();
  const passphrase = page.getByLabel('Passphrase for the offline cache');
  if (await passphrase.isVisible().catch(() => false)) {
    await passphrase.fill('agent@demo.switchboard passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await expectation();
}

test('an admin disables an agent: the agent is signed out with the reason, and the audit log shows it', async ({
  browser,
}) => {
  const agent = await (await browser.newContext()).newPage();
  await openSignedIn(agent, relay, 'agent@demo.switchboard', hosts);
  // Agents have no Admin place.
  await expect(agent.getByRole('button', { name: 'Admin' })).toHaveCount(0);

  const admin = await (await browser.newContext()).newPage();
  await openSignedIn(admin, relay, 'admin@demo.switchboard', hosts);
  await admin.keyboard.press('Alt+6');
  await expect(admin.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
  const alex = admin.getByRole('group', { name: 'Alex Agent', exact: true });
  await expect(alex).toContainText('agent@demo.switchboard');

  await alex.getByRole('button', { name: 'Disable Alex Agent' }).click();
  await alex.getByLabel('Reason for disabling Alex Agent').fill(REASON);
  await alex.getByRole('button', { name: 'Disable and sign out Alex Agent' }).click();
  await expect(alex.getByRole('status')).toHaveText('Alex Agent was disabled and signed out.');
  await expect(alex).toContainText(`Disabled: ${REASON}`);

  // The agent's workstation: signed out, on the sign-in screen, with the admin's reason.
  await expect(agent.getByRole('heading', { name: 'Sign in' })).toBeVisible({ timeout: 30_000 });
  await expect(agent.getByRole('alert')).toContainText(
    `You were signed out: This account was disabled by an admin (${REASON})`,
  );

  // Signing in again is refused with the same reason.
  await agent.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  const passphrase = agent.getByLabel('Passphrase for the offline cache');
  const refused = agent.getByRole('alert').filter({ hasText: /^This account was disabled by an admin/ });
  await expect(passphrase.or(refused).first()).toBeVisible();
  await submitSignIn(agent, async () => {
    await expect(refused.last()).toContainText(REASON);
  });

  // The audit view shows who did it, filtered by action.
  const audit = admin.getByRole('form', { name: 'Audit log filters' });
  await audit.getByLabel('Action').fill('account.disabled');
  await audit.getByRole('button', { name: 'Show' }).click();
  const rows = admin.getByRole('table', { name: 'Audit log' }).getByRole('row');
  await expect(rows).toHaveCount(2); // header + one line
  await expect(rows.nth(1)).toContainText('admin@demo.switchboard');
  await expect(rows.nth(1)).toContainText(REASON);

  // Export CSV saves a file with that line.
  const download = admin.waitForEvent('download');
  await audit.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^switchboard-audit-.*\.csv$/);
  expect(readFileSync(await file.path(), 'utf8')).toContain('account.disabled');

  // Re-enabled and the password reset: the agent must choose a new one at sign-in.
  await alex.getByRole('button', { name: 'Enable Alex Agent' }).click();
  await expect(alex.getByRole('status')).toHaveText('Alex Agent can sign in again.');
  await alex.getByRole('button', { name: 'Reset the password of Alex Agent' }).click();
  const reset = (await alex.getByRole('status').textContent()) ?? '';
  const temporary = /Temporary password for Alex Agent: (\S+)/.exec(reset)?.[1];
  expect(temporary).toBeTruthy();

  await agent.getByLabel('Password', { exact: true }).fill(temporary!);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await expect(
    agent.getByText('An admin reset your password. Choose a new one to sign in.').first(),
  ).toBeVisible();
  await expect(agent.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await agent.getByLabel('Password', { exact: true }).fill(temporary!);
  await agent.getByLabel('New password', { exact: true }).fill('alex-new-password-1');
  await agent.getByLabel('Confirm the new password').fill('alex-new-password-1');
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await expect(agent.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
});
