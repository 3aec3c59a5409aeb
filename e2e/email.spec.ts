import Database from 'better-sqlite3-multiple-ciphers';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startChaosProxy } from '../tests/support/chaosProxy';
import { mailServersMissing, startMailServers, type MailServers } from '../tests/support/mail';
import { expect, stopHost, test, type RunningHost } from './fixtures';
import { DEMO_PASSWORD, openSignedIn, startSeededRelay, type RunningRelay } from './relay';

// A hostile HTML mail (scripts, event handlers, CSS that loads things, a form, frames, remote
// images, a meta refresh) arrives through real Dovecot and renders in the agent's app, in real
// Chromium, with its text readable, nothing executed and nothing fetched: every address in the
// mail points at a counting server on 127.0.0.1, which must see no request at all.

const missing = mailServersMissing();
const SHOP = { address: 'shop@shop.test', password: 'shop-pass-1' };
const ANN = { address: 'ann@customer.test', password: 'ann-pass-1' };

let mail: MailServers;
let relay: RunningRelay;
let counter: Server;
let counterUrl: string;
const requests: string[] = [];
const hosts: RunningHost[] = [];

function readRelay<T>(sql: string, ...params: unknown[]): T {
  const db = new Database(join(relay.dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(sql)
      .pluck()
      .get(...params) as T;
  } finally {
    db.close();
  }
}

test.skip(!!missing, `needs Dovecot and Postfix: ${missing ?? ''}`);

test.beforeAll(async () => {
  counter = createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('x');
  });
  await new Promise<void>((r) => counter.listen(0, '127.0.0.1', () => r()));
  counterUrl = `http://127.0.0.1:${(counter.address() as AddressInfo).port}`;
  mail = await startMailServers([SHOP, ANN]);
  relay = await startSeededRelay();
  const inboxId = readRelay<string>("SELECT id FROM inboxes WHERE channel = 'email' ORDER BY id LIMIT 1");
  const login = await fetch(`${relay.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'admin@demo.switchboard',
      password: DEMO_PASSWORD,
      deviceName: 'e2e setup',
    }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const put = await fetch(`${relay.url}/v1/admin/inboxes/${inboxId}/email`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({
      address: SHOP.address,
      imap: {
        host: '127.0.0.1',
        port: mail.imapPort,
        tls: 'none',
        user: SHOP.address,
        password: SHOP.password,
      },
      smtp: { host: '127.0.0.1', port: mail.smtpPort, tls: 'none' },
    }),
  });
  expect(put.status).toBe(200);
});

test.afterAll(async () => {
  for (const h of hosts) await stopHost(h);
  await relay?.stop();
  await mail?.stop();
  await new Promise((r) => counter?.close(r));
});

test('a hostile HTML mail renders in a sandboxed frame: readable, nothing executed, nothing fetched', async ({
  page,
}) => {
  const u = (p: string) => `${counterUrl}/${p}`;
  const subject = `Your invoice ${Date.now()}`;
  const html = `<html><head>
<meta http-equiv="refresh" content="0;url=${u('refresh')}">
<link rel="stylesheet" href="${u('link.css')}">
<style>@import url(${u('import.css')}); body { background: url(${u('bg.png')}) }</style>
<script src="${u('script.js')}"></script>
<script>parent.document.title = 'pwned'; fetch('${u('fetch')}')</script>
</head><body onload="parent.document.title='pwned'">
<h1>Invoice for Mallory</h1>
<p style="color: #b00; background-image: url(${u('inline.png')}); position: fixed; top: 0">Amount due: 42 EUR</p>
<img src="${u('pixel.gif')}" alt="tracking pixel" onerror="parent.document.title='pwned'">
<img src="x" onerror="parent.document.title='pwned'">
<form action="${u('form')}" method="post"><input name="password" placeholder="Your password"><button>Log in</button></form>
<iframe src="${u('frame')}"></iframe><object data="${u('object')}"></object><embed src="${u('embed')}">
<video poster="${u('poster.png')}"></video><svg><image href="${u('svg.png')}"/></svg>
<a href="javascript:parent.document.title='pwned'">Pay now</a>
</body></html>`;
  const raw = [
    'From: Mallory <mallory@customer.test>',
    `To: ${SHOP.address}`,
    `Subject: ${subject}`,
    `Message-ID: <hostile-${Date.now()}@customer.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
  ].join('\r\n');
  await mail.append(SHOP, raw);

  await openSignedIn(page, relay, 'admin@demo.switchboard', hosts);
  const title = await page.title();
  await page.getByLabel('Show').selectOption({ label: 'All I can see' });
  const row = page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Mallory/ });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await row.click();
  const conversation = page.getByRole('article', { name: 'Conversation with Mallory' });
  const frameEl = conversation.getByTitle(`Email: ${subject}`);
  await expect(frameEl).toBeVisible();
  await expect(frameEl).toHaveAttribute('sandbox', '');
  const frame = frameEl.contentFrame();
  await expect(frame.getByRole('heading', { name: 'Invoice for Mallory' })).toBeVisible();
  await expect(frame.getByText('Amount due: 42 EUR')).toBeVisible();
  // The javascript: link keeps its words and loses its address.
  await expect(frame.getByText('Pay now')).toBeVisible();
  await expect(frame.locator('a[href]')).toHaveCount(0);
  for (const sel of [
    'script',
    'form',
    'input',
    'iframe',
    'object',
    'embed',
    'video',
    'svg',
    'link',
    'meta[http-equiv="refresh"]',
    'img[src^="http"]',
  ])
    await expect(frame.locator(sel)).toHaveCount(0);
  await expect(conversation.getByText('1 remote image blocked to protect your privacy.')).toBeVisible();
  // Give anything that might still load a moment, then count: nothing reached the server.
  await page.waitForTimeout(1_500);
  expect(requests).toEqual([]);
  expect(await page.title()).toBe(title);
});

test("a reply written offline reaches the customer's mailbox once, threaded, after the app reconnects", async ({
  page,
}) => {
  test.setTimeout(120_000);
  // The agent's network runs through a loopback proxy the test can cut.
  const proxy = await startChaosProxy({ targetPort: relay.port, seed: 1 });
  try {
    const stamp = Date.now();
    const messageId = `<order-${stamp}@customer.test>`;
    await mail.append(
      SHOP,
      [
        `From: Ann Lee <${ANN.address}>`,
        `To: ${SHOP.address}`,
        `Subject: Where is order ${stamp}?`,
        `Message-ID: ${messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'It has not arrived yet.',
      ].join('\r\n'),
    );
    await openSignedIn(
      page,
      { ...relay, url: `http://127.0.0.1:${proxy.port}` },
      'admin@demo.switchboard',
      hosts,
    );
    await page.getByLabel('Show').selectOption({ label: 'All I can see' });
    const row = page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Ann Lee/ });
    await expect(row).toBeVisible({ timeout: 30_000 });
    await row.click();
    await expect(page.getByLabel('Reply to the customer')).toHaveAccessibleDescription(
      new RegExp(`by email to ${ANN.address.replace('.', '\\.')}`),
    );

    proxy.setDown(true);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText(/Offline/, {
      timeout: 30_000,
    });
    const reply = `It left our warehouse today (${stamp}).`;
    await page.getByLabel('Reply to the customer').fill(reply);
    await page.getByRole('button', { name: 'Send' }).click();
    const bubble = page.getByRole('article').getByRole('listitem').filter({ hasText: reply });
    await expect(bubble).toContainText('Queued');
    expect(await mail.messages(ANN)).toEqual([]);

    proxy.setDown(false);
    await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Online', { timeout: 30_000 });
    // The relay records the Message-ID it sent once the mail server took the reply.
    await expect
      .poll(
        () =>
          readRelay<string | null>(
            "SELECT state FROM email_outbox WHERE message_id = (SELECT id FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = ?)",
            reply,
          ),
        { timeout: 30_000 },
      )
      .toBe('sent');
    await expect.poll(async () => (await mail.messages(ANN)).length, { timeout: 30_000 }).toBe(1);
    // Once: one hand-off to the mail server, and one message in the thread (the app's outbox pushed
    // it again on reconnect, if at all, under the same id).
    expect(
      readRelay<number>(
        "SELECT attempts FROM email_outbox WHERE message_id = (SELECT id FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = ?)",
        reply,
      ),
    ).toBe(1);
    expect(
      readRelay<number>(
        "SELECT count(*) FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = ?",
        reply,
      ),
    ).toBe(1);
    await expect(bubble).toHaveCount(1);
    const [sent] = await mail.messages(ANN);
    expect(sent).toContain(reply);
    expect(sent).toMatch(new RegExp(`^In-Reply-To: ${messageId}`, 'm'));
    expect(sent).toMatch(new RegExp(`^References:.*${messageId}`, 'm'));
    expect(sent).toMatch(/^From: .*shop@shop\.test/m);
  } finally {
    await proxy.close();
  }
});
