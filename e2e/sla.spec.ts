import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { DEMO_PASSWORD, openSignedIn, startSeededRelay, type RunningRelay } from './relay';

// SLAs on live data: a supervisor gives the team's email inbox a 20-minute first-response target
// around the clock; a customer then writes in, and the conversation appears in the supervisor's
// inbox under "Due within 30 min" with the time left, set by the relay (not by seeded data).
let relay: RunningRelay;
const hosts: RunningHost[] = [];
const TEAM = 'Shanghai Support 上海客服';
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay?.stop();
});

function inboxId(name: string): string {
  const db = new Database(join(relay.dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id FROM inboxes WHERE name = ?').pluck().get(name) as string;
  } finally {
    db.close();
  }
}

test('a supervisor sets an SLA; a new customer message gets a due time the inbox badge and filter show', async ({
  page,
}) => {
  await openSignedIn(page, relay, 'supervisor@demo.switchboard', hosts);
  await page.getByRole('button', { name: 'Supervisor', exact: true }).click();
  await page.getByRole('tab', { name: 'Team settings' }).click();
  await page.getByLabel('Team', { exact: true }).selectOption({ label: TEAM });
  const form = page.getByRole('form', { name: `SLA of ${TEAM} email` });
  await form.getByLabel('Set due times on this inbox’s conversations').check();
  await form.getByLabel('First response within (business minutes)').fill('0');
  await form.getByRole('button', { name: 'Save SLA' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'Not saved: correct the fields marked above, then save again.',
  );
  await expect(form.getByLabel('First response within (business minutes)')).toHaveAccessibleDescription(
    /Enter whole minutes from 1 to 129600\./,
  );
  await form.getByLabel('First response within (business minutes)').fill('20');
  await form.getByLabel('Resolution within (business minutes)').fill('');
  await form.getByLabel('Around the clock (only holidays stop the clock)').check();
  await form.getByRole('button', { name: 'Save SLA' }).click();
  await expect(form.getByRole('status')).toHaveText('SLA saved. New customer messages get due times by it.');

  const login = await fetch(`${relay.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'admin@demo.switchboard',
      password: DEMO_PASSWORD,
      deviceName: 'mail gateway',
    }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const res = await fetch(`${relay.url}/v1/channels/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({
      inboxId: inboxId(`${TEAM} email`),
      from: { name: 'Ma Lin 马琳', email: `ma.lin.${Date.now()}@example.cn` },
      text: '发票还没收到，请帮忙查一下。',
    }),
  });
  expect(res.status).toBe(201);

  await page.getByRole('button', { name: 'Inbox' }).click();
  await page.getByLabel('SLA', { exact: true }).selectOption({ label: 'Due within 30 min' });
  const row = page.getByRole('button', { name: /Ma Lin 马琳/ });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText(/SLA: (19|20) min left/);
  await page.getByLabel('SLA', { exact: true }).selectOption({ label: 'No SLA' });
  await expect(row).toHaveCount(0);
});
