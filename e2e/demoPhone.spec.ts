import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { kamailioQueuesMissing } from './support/kamailio';
import { callCard, wrapUp } from './support/phoneHarness';
import { expectMyStatus, setMyStatus } from './support/agentStatus';

// The demo as a newcomer runs it, from the real scripts: `npm start` (scripts/start.mjs, browser
// host, a fresh data folder) starts the embedded relay and the embedded PBX (Kamailio) and signs
// in as the demo agent, whose phone connects by itself; `npm run demo:call` (scripts/demoCall.mjs)
// then calls the demo queue as the seeded customer +8613800000000, and the demo agent's
// workstation rings with her profile. A chat started on the /demo page reaches the same agent.
const missing = kamailioQueuesMissing();
if (missing) process.stdout.write(`demoPhone.spec: the PBX tests are skipped, ${missing}\n`);
test.describe.configure({ mode: 'serial' });

type Proc = { proc: ChildProcess; out: () => string; exited: Promise<number | null> };

function run(script: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const proc = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, out: () => out, exited };
}

const env: NodeJS.ProcessEnv = { ...process.env };
// As on a bare console: npm start makes its own D-Bus session and keyring for the app.
delete env['DBUS_SESSION_BUS_ADDRESS'];
delete env['XDG_DATA_HOME'];

/** npm start as a newcomer runs it, on a fresh data folder; resolves once it has signed in. */
async function npmStart(dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const p = run(
    'scripts/start.mjs',
    [
      ...['--no-build', '--browser', '--data', dataDir, '--relay-port', '0', '--sip-port', '0'],
      ...['--customers', '60', '--conversations', '120', '--port', '0'],
    ],
    { ...env, ...extraEnv },
  );
  await expect
    .poll(() => /Signed in as|Could not|Not signed in/.test(p.out()) || p.proc.exitCode !== null, {
      timeout: 150_000,
    })
    .toBe(true);
  expect(p.out(), p.out()).toContain('Signed in as agent@demo.switchboard');
  return p;
}

async function stop(p: Proc | undefined) {
  if (p && p.proc.exitCode === null) {
    p.proc.kill('SIGTERM');
    await p.exited;
  }
}

test.describe('with the embedded PBX', () => {
  test.skip(!!missing, `the demo's PBX cannot run here: ${missing}`);
  let root: string;
  let start: Proc;
  let hostUrl: string;
  let demoPage: string;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    root = mkdtempSync(join(tmpdir(), 'sb-e2e-demo-'));
    start = await npmStart(join(root, 'demo'));
    const out = start.out();
    expect(out, out).toContain('Embedded PBX (Kamailio)');
    hostUrl = /Open (http:\/\/\S+)/.exec(out)![1]!;
    demoPage = /(http:\/\/\S+\/demo)\b/.exec(out)![1]!;
  });

  test.afterAll(async () => {
    await stop(start);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('npm start gives the demo agent a ready phone; npm run demo:call rings it with the caller profile', async ({
    page,
  }) => {
    test.setTimeout(150_000);
    await page.goto(hostUrl);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    // Nobody typed an account: npm start provisioned it (the password in the keychain) and it connected.
    await expect(page.getByRole('status', { name: 'Phone registration' })).toHaveText('Phone ready', {
      timeout: 20_000,
    });
    await expect(page.getByLabel('SIP address')).toHaveValue('sip:agent@switchboard.test');
    await expect(page.getByText('A password is stored in the system keychain.')).toBeVisible();
    await setMyStatus(page, 'available');

    const call = run(
      'scripts/demoCall.mjs',
      ['--data', join(root, 'demo'), '--to', 'support', '--from', '+8613800000000', '--seconds', '120'],
      env,
    );
    try {
      const card = callCard(page);
      await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Incoming call', {
        timeout: 30_000,
      });
      await expect(
        card.getByRole('region', { name: 'Caller profile' }).getByRole('heading', { name: '陈静' }),
      ).toBeVisible();
      await expect.poll(call.out).toContain('Ringing Alex Agent');
      await card.getByRole('button', { name: 'Answer' }).click();
      await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
      await expect.poll(call.out).toContain('Answered by Alex Agent');
      await card.getByRole('button', { name: 'Hang up' }).click();
      await expect(card).toHaveCount(0);
      expect(await call.exited, call.out()).toBe(0);
      expect(call.out()).toContain('Call over: the agent hung up');
      await wrapUp(page, 'resolved');
    } finally {
      if (call.proc.exitCode === null) call.proc.kill('SIGTERM');
      await call.exited;
    }

    // Again, and this time the customer hangs up with Ctrl+C: the agent's call ends, the relay says so.
    await expectMyStatus(page, 'available');
    const again = run('scripts/demoCall.mjs', ['--data', join(root, 'demo'), '--seconds', '120'], env);
    try {
      const card = callCard(page);
      await card.getByRole('button', { name: 'Answer' }).click({ timeout: 30_000 });
      await expect(card.getByRole('status', { name: 'Call state' })).toHaveText('Connected');
      await expect.poll(again.out).toContain('Answered by Alex Agent');
      again.proc.kill('SIGINT');
      expect(await again.exited, again.out()).toBe(0);
      expect(again.out()).toContain('Ended (hung up by the customer)');
      await expect(card).toHaveCount(0);
      await wrapUp(page, 'resolved');
    } finally {
      if (again.proc.exitCode === null) again.proc.kill('SIGTERM');
      await again.exited;
    }
  });

  test("a chat started on npm start's /demo page is offered to the Available demo agent", async ({
    page,
    browser,
  }) => {
    test.setTimeout(90_000);
    await page.goto(hostUrl);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    await setMyStatus(page, 'available');
    const visitorContext = await browser.newContext();
    try {
      const visitor = await visitorContext.newPage();
      await visitor.goto(demoPage);
      await visitor.getByRole('button', { name: 'Open chat' }).click();
      const widget = visitor.getByRole('dialog', { name: 'Chat with us' });
      await widget.getByLabel('Your name').fill('Newcomer Nina');
      await widget.getByRole('button', { name: 'Start chat' }).click();
      await widget.getByRole('textbox', { name: 'Message' }).fill('Hello, is anyone there?');
      await widget.getByRole('button', { name: 'Send' }).click();
      const offer = page.getByRole('alertdialog', { name: 'New Web chat from Newcomer Nina' });
      await expect(offer).toBeVisible({ timeout: 15_000 });
      await offer.getByRole('button', { name: 'Accept' }).click();
      await expect(widget.getByRole('status', { name: 'Chat status' })).toHaveText(
        'An agent has joined the conversation.',
        { timeout: 15_000 },
      );
    } finally {
      await visitorContext.close();
    }
  });
});

test('without Kamailio, npm start still works and the Phone place says what to install', async ({ page }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'sb-e2e-demo-nopbx-'));
  let p: Proc | undefined;
  try {
    p = await npmStart(join(dir, 'demo'), { KAMAILIO_BIN: join(dir, 'no-kamailio-here') });
    expect(p.out()).toContain('No phone in this demo');
    await page.goto(/Open (http:\/\/\S+)/.exec(p.out())![1]!);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    await expect(
      page.getByText(/The demo has no phone server: the package kamailio is not installed/),
    ).toContainText('sudo apt-get install kamailio kamailio-websocket-modules');
    await expect(page.getByText('No SIP account is set up yet', { exact: false })).toHaveCount(0);
  } finally {
    await stop(p);
    rmSync(dir, { recursive: true, force: true });
  }
});
