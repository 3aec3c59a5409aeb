import type { Page } from '@playwright/test';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { openSignedIn, startSeededRelay, type RunningRelay } from './relay';

// Team settings in the app: a supervisor turns call recording on for their team, lowers an agent's
// chat capacity and sets how long live work waits for an agent whose connection dropped; the relay takes both (an admin's workstation
// receives them through sync), the agent's workstation learns its calls are recorded and shows
// the agent no controls, and with the relay gone the settings still open but saving says why not.
test.describe.configure({ mode: 'serial' });

const TEAM = 'Shanghai Support 上海客服';
const CONSENT = '本通话将被录音。This call is recorded for quality and training.';
let relay: RunningRelay;
const hosts: RunningHost[] = [];
test.beforeAll(async () => {
  relay = await startSeededRelay();
});
test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay?.stop();
});

async function openTeamSettings(page: Page, email: string): Promise<void> {
  await openSignedIn(page, relay, email, hosts);
  await page.getByRole('button', { name: 'Supervisor', exact: true }).click();
  await page.getByRole('tab', { name: 'Team settings' }).click();
  await page.getByLabel('Team', { exact: true }).selectOption({ label: TEAM });
}

const recordingForm = (page: Page) => page.getByRole('form', { name: 'Call recording' });
const agentGroup = (page: Page) => page.getByRole('group', { name: 'Alex Agent' });
const graceForm = (page: Page) => page.getByRole('form', { name: "When an agent's connection drops" });
const GRACE_FIELD = 'Seconds a waiting chat or call stays with them';

test('a supervisor turns recording on and sets a chat capacity; the relay, an admin and the agent see it', async ({
  browser,
}) => {
  const supervisor = await (await browser.newContext()).newPage();
  await openTeamSettings(supervisor, 'supervisor@demo.switchboard');

  // A consent text is required: the form says what to do and saves nothing.
  const recording = recordingForm(supervisor);
  await expect(recording.getByLabel('Record calls')).not.toBeChecked();
  await recording.getByLabel('Record calls').check();
  await recording.getByLabel('Consent text the agent announces').fill(' ');
  await recording.getByRole('button', { name: 'Save call recording' }).click();
  await expect(recording.getByRole('alert')).toHaveText(
    'Not saved: correct the fields marked above, then save again.',
  );
  await expect(recording.getByLabel('Consent text the agent announces')).toHaveAccessibleDescription(
    /Write the consent text the agent announces at the start of each call\./,
  );

  await recording.getByLabel('Consent text the agent announces').fill(CONSENT);
  await recording.getByRole('group', { name: 'Who may play recordings' }).getByLabel('Supervisors').check();
  await recording.getByLabel('Delete after a number of days').check();
  await recording.getByLabel('Days to keep recordings').fill('30');
  await recording.getByRole('button', { name: 'Save call recording' }).click();
  await expect(recording.getByRole('status')).toHaveText('Call recording saved.');

  const alex = agentGroup(supervisor);
  await expect(alex.getByLabel('Chats at once')).toHaveValue('5');
  await alex.getByLabel('Skills').fill('lang:zh, product:billing');
  await alex.getByLabel('Chats at once').fill('3');
  await alex.getByRole('button', { name: 'Save Alex Agent' }).click();
  await expect(alex.getByRole('status')).toHaveText('Alex Agent saved.');

  // How long a waiting chat stays with an agent whose Wi-Fi dropped: 3 minutes unless set, 30 s to 1 h.
  const grace = graceForm(supervisor);
  await expect(grace.getByLabel(GRACE_FIELD)).toHaveValue('180');
  await grace.getByLabel(GRACE_FIELD).fill('10');
  await grace.getByRole('button', { name: 'Save connection drop setting' }).click();
  await expect(grace.getByRole('alert')).toHaveText(
    'Not saved: correct the fields marked above, then save again.',
  );
  await expect(grace.getByLabel(GRACE_FIELD)).toHaveAccessibleDescription(
    /Enter the time in whole seconds, from 30 to 3600\./,
  );
  await grace.getByLabel(GRACE_FIELD).fill('240');
  await grace.getByRole('button', { name: 'Save connection drop setting' }).click();
  await expect(grace.getByRole('status')).toHaveText('Connection drop setting saved.');

  // An admin's workstation gets both from the relay through sync.
  const admin = await (await browser.newContext()).newPage();
  await openTeamSettings(admin, 'admin@demo.switchboard');
  const adminRecording = recordingForm(admin);
  await expect(adminRecording.getByLabel('Consent text the agent announces')).toHaveValue(CONSENT, {
    timeout: 30_000,
  });
  await expect(adminRecording.getByLabel('Record calls')).toBeChecked();
  await expect(adminRecording.getByLabel('Days to keep recordings')).toHaveValue('30');
  await expect(agentGroup(admin).getByLabel('Chats at once')).toHaveValue('3');
  await expect(agentGroup(admin).getByLabel('Skills')).toHaveValue('lang:zh, product:billing');
  await expect(graceForm(admin).getByLabel(GRACE_FIELD)).toHaveValue('240');

  // The agent learns its calls are recorded, and what to announce; it gets no controls.
  const agent = await (await browser.newContext()).newPage();
  await openSignedIn(agent, relay, 'agent@demo.switchboard', hosts);
  await agent.getByRole('button', { name: 'Supervisor', exact: true }).click();
  await expect(agent.getByText('Team settings are for supervisors and admins.')).toBeVisible();
  await expect(agent.getByRole('status', { name: 'Call recording' })).toContainText(CONSENT, {
    timeout: 30_000,
  });
  await expect(agent.getByRole('main').getByRole('combobox')).toHaveCount(0);
  await expect(agent.getByRole('main').getByRole('textbox')).toHaveCount(0);
  await expect(agent.getByRole('main').getByRole('checkbox')).toHaveCount(0);
  await expect(agent.getByRole('main').getByRole('button', { name: /^Save/ })).toHaveCount(0);

  // Without the relay the settings still open from the cache, and saving says what to do.
  await relay.proc.kill('SIGTERM');
  await supervisor.getByRole('button', { name: 'Inbox' }).click();
  await supervisor.getByRole('button', { name: 'Supervisor', exact: true }).click();
  await expect(supervisor.getByText('Saving needs a connection to the relay.')).toBeVisible({
    timeout: 30_000,
  });
  await supervisor.getByLabel('Team', { exact: true }).selectOption({ label: TEAM });
  const offline = agentGroup(supervisor);
  await expect(offline.getByLabel('Chats at once')).toHaveValue('3');
  await offline.getByLabel('Chats at once').fill('4');
  await offline.getByRole('button', { name: 'Save Alex Agent' }).click();
  await expect(offline.getByRole('alert')).toHaveText(
    'Not saved: the relay cannot be reached. Your changes are still here; save again when you are back online.',
  );
  await expect(offline.getByLabel('Chats at once')).toHaveValue('4');
});
