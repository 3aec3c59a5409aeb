import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn, startSeededRelay, type RunningRelay } from './relay';
import { myStatus } from './support/agentStatus';
import { kamailioMissing, startKamailio } from './support/kamailio';
import { callCard, partyCall, setUpPhone, startDemoCaller, wrapUp } from './support/phoneHarness';
import { startPartyServer } from './support/sipParty';

// axe-core over every place and the frame's menus, popover and dialog, the inbox's keyboard
// shortcuts, and the call bar with a ringing and a live call and its popovers, in both themes: no
// violations of WCAG 2.x A/AA. Signed in against a seeded relay, as an admin (every place).
let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay.stop();
});

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('every place, the header menus, the connection popover and the command palette', async ({ page }) => {
  test.setTimeout(180_000);
  await openSignedIn(page, relay, 'agent@demo.switchboard', hosts);
  const found: Record<string, string[]> = {};
  for (const theme of ['Light', 'Dark']) {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Theme').selectOption({ label: theme });
    for (const place of ['Inbox', 'Phone', 'Customers', 'Supervisor', 'Settings']) {
      await page.getByRole('button', { name: place, exact: true }).click();
      await expect(page.getByRole('heading', { name: place, level: 1 })).toBeVisible();
      found[`${theme} ${place}`] = await violations(page);
    }
    await myStatus(page).click();
    await expect(page.getByRole('menu')).toBeVisible();
    found[`${theme} status menu`] = await violations(page);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Connection health/ }).click();
    await expect(page.getByRole('dialog', { name: 'Connections' })).toBeVisible();
    found[`${theme} connections`] = await violations(page);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Account: Alex Agent' }).click();
    await expect(page.getByRole('menu')).toBeVisible();
    found[`${theme} person menu`] = await violations(page);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+K');
    await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeVisible();
    found[`${theme} palette`] = await violations(page);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Inbox', exact: true }).click();
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    found[`${theme} keyboard shortcuts`] = await violations(page);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);
  }
  expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
});

test("the inbox's designed states (nothing open, filtered to nothing, offline) and the email dialogs", async ({
  page,
}) => {
  test.setTimeout(120_000);
  // A relay of its own: this test stops it to see the offline banner.
  const own = await startSeededRelay();
  try {
    await openSignedIn(page, own, 'agent2@demo.switchboard', hosts);
    const found: Record<string, string[]> = {};
    const themes = ['Light', 'Dark'];
    const states = async (label: string) => {
      for (const theme of themes) {
        await page.getByRole('button', { name: 'Settings', exact: true }).click();
        await page.getByLabel('Theme').selectOption({ label: theme });
        await page.getByRole('button', { name: 'Inbox', exact: true }).click();
        await expect(page.getByText('No conversation open')).toBeVisible();
        found[`${theme} ${label} nothing open`] = await violations(page);
        await page.getByLabel('Channel').selectOption({ label: 'WeChat' });
        await expect(page.getByRole('button', { name: 'Clear filters' })).toBeVisible();
        found[`${theme} ${label} no match`] = await violations(page);
        await page.getByRole('button', { name: 'Clear filters' }).click();
        if (label !== 'online') continue;
        // The email dialogs: New conversation (a customer chosen) and Write an email on a profile.
        await page.getByRole('button', { name: 'New conversation', exact: true }).click();
        const start = page.getByRole('dialog', { name: 'New conversation' });
        await start.getByRole('searchbox', { name: 'Find a customer' }).fill('a');
        await start.getByRole('list', { name: 'Customers found' }).getByRole('button').first().click();
        await expect(start.getByLabel('Subject')).toBeVisible();
        found[`${theme} new conversation`] = await violations(page);
        await page.keyboard.press('Escape');
        await page.getByRole('button', { name: 'Customers', exact: true }).click();
        await page.getByRole('list', { name: 'Customers' }).getByRole('button').first().click();
        await expect(page.getByRole('button', { name: 'Write an email' })).toBeVisible();
        found[`${theme} profile`] = await violations(page);
        await page.getByRole('button', { name: 'Write an email' }).click();
        await expect(
          page.getByRole('dialog', { name: 'Write an email' }).getByLabel('Subject'),
        ).toBeVisible();
        found[`${theme} write an email`] = await violations(page);
        await page.keyboard.press('Escape');
      }
    };
    await states('online');
    await own.stop();
    await page.getByRole('button', { name: 'Inbox', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Offline notice' })).toBeVisible({ timeout: 30_000 });
    await states('offline');
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
  } finally {
    await own.stop();
  }
});

test('the Admin place (people and the audit log), as an admin, in both themes', async ({ page }) => {
  test.setTimeout(120_000);
  await openSignedIn(page, relay, 'admin@demo.switchboard', hosts);
  const found: Record<string, string[]> = {};
  for (const theme of ['Light', 'Dark']) {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByLabel('Theme').selectOption({ label: theme });
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
    found[`${theme} Admin`] = await violations(page);
  }
  expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
});

test.describe('the call bar', () => {
  const missing = kamailioMissing();
  test.skip(!!missing, `Kamailio is not installed: ${missing}`);

  test('ringing, live, the caller profile, keypad, transfer and quality popovers, the wrap-up', async ({
    page,
    browser,
  }) => {
    test.setTimeout(180_000);
    const kamailio = await startKamailio();
    const parties = await startPartyServer();
    const caller = await startDemoCaller(browser, parties, kamailio);
    try {
      await openSignedIn(page, relay, 'agent@demo.switchboard', hosts);
      await setUpPhone(page, kamailio, 'agent');
      const found: Record<string, string[]> = {};
      const card = callCard(page);
      const theme = async (label: string) => {
        await page.getByRole('button', { name: 'Settings', exact: true }).click();
        await page.getByLabel('Theme').selectOption({ label });
        await page.getByRole('button', { name: 'Inbox', exact: true }).click();
      };
      for (const label of ['Light', 'Dark']) {
        await theme(label);
        await partyCall(caller.page, `sip:agent@${kamailio.domain}`);
        await expect(page.getByRole('region', { name: 'Caller profile' })).toBeVisible();
        found[`${label} ringing with the caller profile`] = await violations(page);
        await card.getByRole('button', { name: 'Answer' }).click();
        await expect(card.getByLabel('Call quality')).toBeVisible();
        found[`${label} live call`] = await violations(page);
        await card.getByRole('button', { name: 'Keypad' }).click();
        await expect(card.getByRole('group', { name: 'Keypad' })).toBeVisible();
        found[`${label} keypad`] = await violations(page);
        await page.keyboard.press('Escape');
        await card.getByRole('button', { name: 'Transfer…' }).click();
        await expect(card.getByLabel('Transfer to')).toBeFocused();
        found[`${label} transfer`] = await violations(page);
        await page.keyboard.press('Escape');
        await card.getByRole('button', { name: 'Quality details' }).click();
        await expect(page.getByRole('region', { name: 'Quality details' })).toBeVisible();
        found[`${label} quality details`] = await violations(page);
        await page.keyboard.press('Escape');
        await card.getByRole('button', { name: 'Hang up' }).click();
        await expect(page.getByRole('form', { name: 'Wrap-up' })).toBeVisible();
        found[`${label} wrap-up`] = await violations(page);
        await wrapUp(page, 'resolved');
      }
      expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
    } finally {
      await caller.close();
      await parties.close();
      await kamailio.stop();
    }
  });
});
