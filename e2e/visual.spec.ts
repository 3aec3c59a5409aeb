import type { Locator, Page } from '@playwright/test';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn, startSeededRelay, type RunningRelay } from './relay';
import { kamailioMissing, startKamailio, type RunningKamailio } from './support/kamailio';
import { partyCall, setUpPhone, startDemoCaller } from './support/phoneHarness';
import { startPartyServer, type PartyServer } from './support/sipParty';

// Visual comparisons of the main screens (inbox with a conversation open, a customer profile, the
// supervisor view, settings, a ringing call over the inbox and a live call) in light and dark, English and 简体中文, at 1280×800 and 1920×1080,
// against the PNGs committed beside this spec (`npx playwright test e2e/visual.spec.ts
// --update-snapshots` rewrites them after an intended change; look at each before committing).
// The data are identical on every run: the relay is seeded with a fixed clock and seed, and the
// page's clock is frozen at the same instant; parts that change by themselves (the app version, a
// live call's measured quality) are masked. The caller is the seeded demo caller, always the same
// customer (real Kamailio and a sip.js caller page; skipped without Kamailio).
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

async function shot(page: Page, name: string, mask: Locator[] = []): Promise<void> {
  // Let the fonts load and the last frames settle before comparing.
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  await expect(page).toHaveScreenshot(`${name}.png`, {
    animations: 'disabled',
    caret: 'hide',
    mask: [page.getByTestId('app-version'), ...mask],
    maxDiffPixelRatio: 0.002,
  });
}

/** Opens the first open conversation in the inbox (in English). */
async function openFirstConversation(page: Page): Promise<void> {
  await place(page, 1);
  await page.getByRole('list', { name: 'Views' }).getByRole('button', { name: /^Open/ }).click();
  await page.getByRole('list', { name: 'Conversations' }).getByRole('button').first().click();
  await expect(page.getByRole('article').getByRole('heading', { level: 2 })).toBeVisible();
}

/** Chooses the theme and the language in Settings. */
async function choose(page: Page, theme: 'light' | 'dark', language: 'en' | 'zh-CN'): Promise<void> {
  await place(page, 5);
  await page.locator('select:has(option[value="dark"])').selectOption(theme);
  await page.locator('select:has(option[value="zh-CN"])').selectOption(language);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
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
      await openFirstConversation(page);
      await place(page, 3);
      await page.getByRole('list', { name: 'Customers' }).getByRole('button').first().click();
      await expect(page.locator('article h2').first()).toBeVisible();
      await choose(page, theme, language);
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

/** The call bar's words the call shots use, by language. */
const CALL_WORDS = {
  en: {
    calls: 'Calls',
    profile: 'Caller profile',
    answer: 'Answer',
    hangUp: 'Hang up',
    timer: 'Call duration',
    quality: 'Call quality',
  },
  'zh-CN': {
    calls: '通话',
    profile: '来电者资料',
    answer: '接听',
    hangUp: '挂断',
    timer: '通话时长',
    quality: '通话质量',
  },
} as const;

test.describe('calls', () => {
  const missing = kamailioMissing();
  test.skip(!!missing, `Kamailio is not installed: ${missing}`);
  let kamailio: RunningKamailio;
  let parties: PartyServer;
  test.beforeAll(async () => {
    kamailio = await startKamailio();
    parties = await startPartyServer();
  });
  test.afterAll(async () => {
    await kamailio?.stop();
    await parties?.close();
  });

  for (const language of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const)
      test(`a ringing call over the inbox and a live call, ${language}, ${theme}`, async ({
        page,
        browser,
      }) => {
        test.setTimeout(180_000);
        // A relay of its own: an earlier test's call would show in the caller's history.
        const own = await startSeededRelay(20, 40, [], ['--now', NOW]);
        const caller = await startDemoCaller(browser, parties, kamailio);
        try {
          await page.clock.setFixedTime(new Date(NOW));
          await page.setViewportSize(SIZES[0]);
          await openSignedIn(page, own, 'supervisor@demo.switchboard', hosts);
          await openFirstConversation(page);
          await setUpPhone(page, kamailio, 'supervisor');
          await choose(page, theme, language);
          await place(page, 1);
          await partyCall(caller.page, `sip:supervisor@${kamailio.domain}`);
          const w = CALL_WORDS[language];
          const card = page.getByRole('region', { name: w.calls, exact: true }).getByRole('article');
          // The screen-pop has found the caller's profile (the popover above the bar).
          await expect(
            page.getByRole('region', { name: w.profile }).getByRole('heading', { name: '陈静' }),
          ).toBeVisible();
          for (const size of SIZES) {
            await page.setViewportSize(size);
            await shot(page, `ringing-${language}-${theme}-${size.width}x${size.height}`);
          }
          await card.getByRole('button', { name: w.answer }).click();
          await expect(card.getByLabel(w.timer)).toBeVisible();
          for (const size of SIZES) {
            await page.setViewportSize(size);
            await shot(page, `live-call-${language}-${theme}-${size.width}x${size.height}`, [
              card.getByLabel(w.quality).locator('..'),
            ]);
          }
          await card.getByRole('button', { name: w.hangUp }).click();
          await expect(card).toHaveCount(0);
        } finally {
          await caller.close();
          await own.stop();
        }
      });
});
