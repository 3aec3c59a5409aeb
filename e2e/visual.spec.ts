import type { Page } from '@playwright/test';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn, startSeededRelay, type RunningRelay } from './relay';

// Visual comparisons of the main screens (inbox with a conversation open, a customer profile, the
// supervisor view, settings) in light and dark, English and 简体中文, at 1280×800 and 1920×1080,
// against the PNGs committed beside this spec (`npx playwright test e2e/visual.spec.ts
// --update-snapshots` rewrites them after an intended change; look at each before committing).
// The data are identical on every run: the relay is seeded with a fixed clock and seed, and the
// page's clock is frozen at the same instant; parts that change by themselves (the app version)
// are masked.
const NOW = '2026-01-15T09:30:00Z';
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay(20, 40, [], ['--now', NOW]);
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay.stop();
});
test.use({ timezoneId: 'UTC', locale: 'en-US' });

/** Goes to place n (Alt+1…5: inbox, phone, customers, supervisor, settings), whatever the language. */
async function place(page: Page, n: number): Promise<void> {
  await page.keyboard.press(`Alt+${n}`);
  await expect(
    page
      .locator('nav li')
      .nth(n - 1)
      .locator('button'),
  ).toHaveAttribute('aria-current', 'page');
}

async function shot(page: Page, name: string): Promise<void> {
  // Let the fonts load and the last frames settle before comparing.
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  await expect(page).toHaveScreenshot(`${name}.png`, {
    animations: 'disabled',
    caret: 'hide',
    mask: [page.getByTestId('app-version')],
    maxDiffPixelRatio: 0.002,
  });
}

for (const language of ['en', 'zh-CN'] as const)
  for (const theme of ['light', 'dark'] as const)
    test(`main screens, ${language}, ${theme}`, async ({ page }) => {
      test.setTimeout(180_000);
      await page.clock.setFixedTime(new Date(NOW));
      await page.setViewportSize(SIZES[0]);
      await openSignedIn(page, relay, 'supervisor@demo.switchboard', hosts);
      // Open the first open conversation and the first customer's profile (in English), then
      // choose the theme and the language.
      await place(page, 1);
      await page.getByRole('list', { name: 'Views' }).getByRole('button', { name: /^Open/ }).click();
      await page.getByRole('list', { name: 'Conversations' }).getByRole('button').first().click();
      await expect(page.getByRole('article').getByRole('heading', { level: 2 })).toBeVisible();
      await place(page, 3);
      await page.getByRole('list', { name: 'Customers' }).getByRole('button').first().click();
      await expect(page.locator('article h2').first()).toBeVisible();
      await place(page, 5);
      await page.locator('select:has(option[value="dark"])').selectOption(theme);
      await page.locator('select:has(option[value="zh-CN"])').selectOption(language);
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        const at = `${language}-${theme}-${size.width}x${size.height}`;
        await place(page, 1);
        await shot(page, `inbox-${at}`);
        await place(page, 3);
        await shot(page, `customer-${at}`);
        await place(page, 4);
        await shot(page, `supervisor-${at}`);
        await place(page, 5);
        await shot(page, `settings-${at}`);
      }
    });
