import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedInboxCache } from '../bench/workers/lib/inboxCache';
import type { Page } from '@playwright/test';
import { expect, startHost, stopHost, test, type RunningHost } from './fixtures';

// An agent whose offline cache holds 20,000 open conversations (the relay is unreachable): the
// inbox stays a short DOM however far it scrolls, and the keyboard reaches every row.
const TOTAL = 20_000;
const PASSPHRASE = 'large inbox passphrase';
let host: RunningHost;

test.beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-e2e-inbox-'));
  await seedInboxCache(dataDir, TOTAL, PASSPHRASE);
  host = await startHost(dataDir, { SWITCHBOARD_CACHE_PASSPHRASE: PASSPHRASE });
});

test.afterAll(async () => {
  await stopHost(host);
});

/** 1-based position of the focused row (the listitem around the focused button). */
const focusedRow = async (page: Page) =>
  Number(await page.locator(':focus').locator('..').getAttribute('aria-posinset'));

test('a 20,000-conversation inbox keeps a short DOM while scrolling, and the keyboard reaches every row', async ({
  page,
}) => {
  await page.goto(host.url);
  const list = page.getByRole('list', { name: 'Conversations' });
  await expect(list.getByRole('button').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('status', { name: 'Conversations found' })).toHaveText('20,000 conversations');
  const rows = list.getByRole('listitem');
  expect(await rows.count()).toBeLessThan(40);
  await expect(rows.first()).toHaveAttribute('aria-setsize', String(TOTAL));

  // Scrolling far down with the wheel brings rows from the middle; the DOM stays as short.
  await list.hover();
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 100_000);
  await expect
    .poll(async () =>
      Number(await list.getByRole('button').last().locator('..').getAttribute('aria-posinset')),
    )
    .toBeGreaterThan(1_000);
  expect(await rows.count()).toBeLessThan(40);

  // Keyboard: End goes to the last conversation (scrolling there), arrows move one row, Home back.
  await list.getByRole('button').last().focus();
  await page.keyboard.press('End');
  await expect.poll(() => focusedRow(page)).toBe(TOTAL);
  await expect(page.locator(':focus')).toBeInViewport();
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => focusedRow(page)).toBe(TOTAL - 1);
  await page.keyboard.press('Home');
  await expect.poll(() => focusedRow(page)).toBe(1);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => focusedRow(page)).toBe(3);
  expect(await rows.count()).toBeLessThan(40);

  // Enter opens the focused conversation; it is marked as the current row.
  const third = page.locator(':focus');
  const rowText = (await third.textContent())!;
  await page.keyboard.press('Enter');
  await expect(third).toHaveAttribute('aria-current', 'true');
  const conversation = page.getByRole('article');
  const heading = conversation.getByRole('heading', { level: 2 });
  await expect(heading).toBeVisible();
  expect(rowText).toContain(await heading.textContent());

  // A change (this conversation leaves "open") refreshes the list in place: one fewer, same scroll.
  await list.hover();
  await page.mouse.wheel(0, 300);
  const scroller = list.locator('..');
  const before = await scroller.evaluate((el) => el.scrollTop);
  expect(before).toBeGreaterThan(0);
  await conversation.getByLabel('Status', { exact: true }).selectOption('pending');
  await expect(page.getByRole('status', { name: 'Conversations found' })).toHaveText('19,999 conversations');
  expect(await scroller.evaluate((el) => el.scrollTop)).toBe(before);
});
