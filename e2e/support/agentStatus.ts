import { expect, type Page } from '@playwright/test';

// The header's status menu, driven as a person would: open it, pick a status by its name.
const LABELS = {
  available: 'Available',
  away: 'Away',
  offline: 'Offline',
  busy: 'Busy',
  'after-call-work': 'After-call work',
} as const;
type State = keyof typeof LABELS;

/** The header's status control (its name reads "My status: <status>, <time in status>"). */
export const myStatus = (page: Page) => page.getByRole('button', { name: /^My status/ });

/** Chooses a status (and, for away, a reason such as 'Lunch') in the header's status menu. */
export async function setMyStatus(
  page: Page,
  state: 'available' | 'away' | 'offline',
  reason?: string,
): Promise<void> {
  await myStatus(page).click();
  await page.getByRole('menuitemradio', { name: reason ?? LABELS[state], exact: true }).click();
  await expect(page.getByRole('menu')).toHaveCount(0);
}

/** Waits until the header shows `state` as the agent's status. */
export function expectMyStatus(page: Page, state: State, options?: { timeout?: number }): Promise<void> {
  return expect(myStatus(page)).toHaveAccessibleName(
    new RegExp(`^My status: ${LABELS[state]}(,| ·)`),
    options,
  );
}
