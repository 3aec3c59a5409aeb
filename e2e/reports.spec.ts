import { readFileSync } from 'node:fs';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn, startSeededRelay, type RunningRelay } from './relay';

// Supervisor › Reports: a supervisor opens the reports of their teams (the demo's last 30 days),
// sees the chart (a named image) with its table and the figures per agent, exports the CSV (the
// relay's file), and once the relay is gone still reads the last figures, marked offline.

let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay(20, 60);
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay?.stop();
});

test('a supervisor reads a report, exports it as CSV, and reads it offline after the relay stops', async ({
  page,
}) => {
  await openSignedIn(page, relay, 'supervisor@demo.switchboard', hosts);
  await page.getByRole('button', { name: 'Supervisor', exact: true }).click();
  await page.getByRole('tab', { name: 'Reports' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Reports' });

  // The last 30 days by team: the demo's history is spread over a month.
  const options = panel.getByRole('form', { name: 'Report options' });
  const today = await panel.getByLabel('To (date)').inputValue();
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  await options.getByLabel('From (date)').fill(from);
  await options.getByLabel('Group by').selectOption({ label: 'Team' });
  await options.getByRole('button', { name: 'Show' }).click();
  await expect(panel.getByRole('status').first()).toHaveText(/^Figures from .+\.$/);

  await expect(panel.getByRole('img', { name: 'Chart: Conversations by Day' })).toBeVisible();
  const byDay = panel.getByRole('table', { name: 'Conversations by Day' });
  await expect(byDay.getByRole('row')).toHaveCount(31); // a header and 30 days
  const byTeam = panel.getByRole('table', { name: 'Figures by Team' });
  // Only the supervisor's own teams (Shanghai and London, not Sales), and a total line.
  await expect(byTeam.getByRole('rowheader', { name: 'Sales' })).toHaveCount(0);
  await expect(byTeam.getByRole('rowheader', { name: 'London Support' })).toBeVisible();
  const total = Number(await byTeam.getByRole('row').last().getByRole('cell').first().textContent());
  expect(total).toBeGreaterThan(0);

  // Another figure on the chart: its table follows.
  await panel.getByLabel('Figure to chart').selectOption({ label: 'Avg first response' });
  await expect(panel.getByRole('img', { name: 'Chart: Avg first response by Day' })).toBeVisible();
  await expect(panel.getByRole('table', { name: 'Avg first response by Day' })).toBeVisible();

  // Export CSV: the relay's file, one line per team and day.
  const download = page.waitForEvent('download');
  await options.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^switchboard-report-team-.*\.csv$/);
  const csv = readFileSync(await file.path(), 'utf8').replace(/^\ufeff/, '');
  expect(csv.split('\r\n')[0]).toMatch(/^group,group_name,bucket_start,bucket_end,volume,/);
  expect(csv).toContain('London Support');
  expect(csv).not.toContain('Sales');
  await expect(panel.getByText(/^Saved switchboard-report-team-.*\.csv\.$/)).toBeVisible();

  // The relay stops: the same report still reads, from the figures last fetched, marked offline.
  await relay.stop();
  await options.getByRole('button', { name: 'Show' }).click();
  await expect(panel.getByRole('status').first()).toHaveText(/^Figures from .+, offline\.$/);
  await expect(panel.getByRole('table', { name: 'Figures by Team' })).toBeVisible();
  expect(Number(await byTeam.getByRole('row').last().getByRole('cell').first().textContent())).toBe(total);
  await expect(panel.getByRole('img', { name: /^Chart: / })).toBeVisible();
  // An export needs the relay (it records each one) and says so.
  await options.getByRole('button', { name: 'Export CSV' }).click();
  await expect(panel.getByRole('alert')).toHaveText(/back online/);
});
