import { readFileSync } from 'node:fs';
import { startChaosProxy } from '../tests/support/chaosProxy';
import { expect, stopHost, test } from './fixtures';
import { startSeededRelay, type RunningRelay } from './relay';
import {
  acceptChat,
  chatInboxOf,
  readRelay as readFrom,
  signInAvailable,
  startShopSite,
  startVisitorChat,
  type ShopSite,
} from './support/webchatVisitor';

// A customer on a web page (its own origin) opens the embedded widget and writes; the relay routes
// the chat to the available agent, who accepts, replies and resolves; the customer sees the reply,
// answers the CSAT prompt, and the score is stored on the relay. Hostile names and messages stay text.
let relay: RunningRelay;
let site: ShopSite;
let siteUrl: string;
let inboxId: string;

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Resolves once the relay says an agent of the chat inbox is there (the widget then offers a live chat). */
async function agentThere(there = true): Promise<void> {
  await expect
    .poll(async () => {
      const r = await fetch(`${relay.url}/v1/widget/config?inbox=${inboxId}`);
      return ((await r.json()) as { online: boolean }).online;
    })
    .toBe(there);
}

const readRelay = <T>(sql: string, ...params: unknown[]): T => readFrom<T>(relay, sql, ...params);

test.beforeAll(async () => {
  relay = await startSeededRelay();
  inboxId = chatInboxOf(relay);
  // `/` embeds the widget in the browser's language; `/zh-TW` asks for Traditional Chinese.
  site = await startShopSite(relay, inboxId);
  siteUrl = site.url;
});
test.afterAll(async () => {
  await site.close();
  await relay.stop();
});

test('a visitor chats through the widget, the agent replies and resolves, and the CSAT score reaches the relay', async ({
  page,
  browser,
}) => {
  const host = await signInAvailable(page, relay.url, 'webchat e2e passphrase');
  const visitorContext = await browser.newContext();
  try {
    await agentThere();

    const customer = await visitorContext.newPage();
    const name = `Mallory <img src=x onerror="window.__pwned=1"> ${Date.now()}`;
    const hostile = `Hi <script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> where is my order?`;
    const widget = await startVisitorChat(customer, siteUrl, name, hostile);
    const messages = widget.getByRole('log', { name: 'Messages' });
    await expect(messages.getByRole('listitem').filter({ hasText: hostile })).toBeVisible();

    const conversation = await acceptChat(page, name);
    await expect(conversation.getByRole('listitem').filter({ hasText: hostile })).toBeVisible({
      timeout: 15_000,
    });
    await expect(widget.getByRole('status', { name: 'Chat status' })).toHaveText(
      'An agent has joined the conversation.',
    );

    // Typing shows both ways.
    await widget.getByRole('textbox', { name: 'Message' }).fill('one more thing');
    await expect(conversation.getByRole('status', { name: 'Customer activity' })).toHaveText(
      'The customer is typing…',
      { timeout: 15_000 },
    );
    await conversation.getByLabel('Reply to the customer').fill('Let me check');
    await expect(widget.getByText('The agent is typing…')).toBeVisible({ timeout: 15_000 });

    // The agent answers with a canned reply: `/` searches them, picking one fills the composer.
    const reply = 'Hello! Thanks for contacting us. How can I help you today?';
    const composer = conversation.getByLabel('Reply to the customer');
    await composer.fill('/hel');
    await conversation
      .getByRole('region', { name: 'Canned replies' })
      .getByRole('button', { name: '/hello · Greeting' })
      .click();
    await expect(composer).toHaveValue(reply);
    await conversation.getByRole('button', { name: 'Send' }).click();
    await expect(messages.getByRole('listitem').filter({ hasText: reply })).toBeVisible({ timeout: 15_000 });

    // A reload resumes the session: the whole conversation, each message once.
    await customer.reload();
    await customer.getByRole('button', { name: 'Open chat' }).click();
    await expect(messages.getByRole('listitem')).toHaveText([hostile, reply], { timeout: 15_000 });

    await conversation.getByLabel('Status', { exact: true }).selectOption('resolved');
    const csat = widget.getByRole('group', { name: 'How did we do?' });
    await expect(csat).toBeVisible({ timeout: 15_000 });
    await csat.getByRole('button', { name: 'Rate 4 out of 5' }).click();
    await expect(widget.getByRole('status', { name: 'Chat status' })).toHaveText(
      'Thank you for your feedback!',
    );
    await expect
      .poll(() =>
        readRelay<number | null>(
          `SELECT json_extract(c.data, '$.csatScore') FROM records c JOIN records p
             ON p.entity = 'customer' AND p.id = json_extract(c.data, '$.customerId')
           WHERE c.entity = 'conversation' AND json_extract(p.data, '$.name') = ?`,
          name,
        ),
      )
      .toBe(4);
    // The score syncs to the agent's app.
    await expect(conversation.getByText('Customer rating: 4 / 5')).toBeVisible({ timeout: 15_000 });

    // Hostile input stayed text on both sides: no element was made from it, no handler ran.
    await expect(
      customer.locator('[data-switchboard-webchat] img, [data-switchboard-webchat] script'),
    ).toHaveCount(0);
    await expect(page.locator('main img, main script')).toHaveCount(0);
    expect(await customer.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  } finally {
    await visitorContext.close();
    await stopHost(host);
  }
});

test('a reply written while the agent is offline shows as queued and reaches the visitor once', async ({
  page,
  browser,
}) => {
  // The agent's workstation reaches the relay through a loopback proxy the test can cut.
  const proxy = await startChaosProxy({ targetPort: relay.port, seed: 2 });
  const host = await signInAvailable(page, `http://127.0.0.1:${proxy.port}`, 'webchat offline passphrase');
  const visitorContext = await browser.newContext();
  try {
    const sync = page.getByRole('status', { name: 'Sync status' });
    await agentThere();

    const customer = await visitorContext.newPage();
    const name = `Offline visitor ${Date.now()}`;
    const widget = await startVisitorChat(customer, siteUrl, name, 'Is anyone there?');

    const conversation = await acceptChat(page, name);
    await expect(conversation.getByRole('listitem').filter({ hasText: 'Is anyone there?' })).toBeVisible({
      timeout: 15_000,
    });

    proxy.setDown(true);
    await expect(sync).toHaveText(/Offline/, { timeout: 30_000 });
    const reply = `Yes, I am here ${Date.now()}`;
    await conversation.getByLabel('Reply to the customer').fill(reply);
    await conversation.getByRole('button', { name: 'Send' }).click();
    await expect(conversation.getByRole('listitem').filter({ hasText: reply })).toContainText('Queued');
    const messages = widget.getByRole('log', { name: 'Messages' });
    await expect(messages.getByRole('listitem').filter({ hasText: reply })).toHaveCount(0);

    proxy.setDown(false);
    await expect(sync).toHaveText('Online', { timeout: 30_000 });
    await expect(messages.getByRole('listitem').filter({ hasText: reply })).toHaveCount(1, {
      timeout: 15_000,
    });
    await expect(conversation.getByRole('listitem').filter({ hasText: reply })).not.toContainText('Queued');
    // Delivered exactly once: one message on the relay, one bubble after the widget reloads.
    expect(
      readRelay<number>(
        `SELECT count(*) FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = ?`,
        reply,
      ),
    ).toBe(1);
    await customer.reload();
    await customer.getByRole('button', { name: 'Open chat' }).click();
    await expect(messages.getByRole('listitem')).toHaveText(['Is anyone there?', reply], { timeout: 15_000 });
  } finally {
    await visitorContext.close();
    await stopHost(host);
    await proxy.close();
  }
});

test('a visitor attaches files: the agent sees and opens the allowed one, refused ones are explained, hostile names stay text', async ({
  page,
  browser,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const host = await signInAvailable(page, relay.url, 'webchat files passphrase');
  const visitorContext = await browser.newContext({ acceptDownloads: true });
  try {
    await agentThere();

    const customer = await visitorContext.newPage();
    customer.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const name = `File visitor ${Date.now()}`;
    const widget = await startVisitorChat(customer, siteUrl, name, 'I have a photo of the damage');

    const conversation = await acceptChat(page, name);
    await expect(conversation.getByRole('listitem').filter({ hasText: 'I have a photo' })).toBeVisible({
      timeout: 15_000,
    });
    // The agent has the conversation open: the visitor sees their message was read.
    await expect(widget.getByText('Seen', { exact: true })).toBeVisible({ timeout: 15_000 });

    const attach = async (files: { name: string; mimeType: string; buffer: Buffer }[]) => {
      const chooser = customer.waitForEvent('filechooser');
      await widget.getByRole('button', { name: 'Attach files' }).click();
      await (await chooser).setFiles(files);
    };
    const alert = widget.getByRole('alert');

    // Too big (checked in the widget before any upload) and not an allowed type (checked by the relay).
    await attach([{ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(11 * 1024 * 1024, 1) }]);
    await expect(alert).toHaveText(
      '“huge.png” is larger than 10 MB. Attach a smaller file, for example a compressed one or a screenshot.',
    );
    await attach([
      {
        name: 'invoice.png',
        mimeType: 'image/png',
        buffer: Buffer.from('<html><script>alert(1)</script></html>'),
      },
    ]);
    await expect(alert).toHaveText(
      '“invoice.png” cannot be attached. Send an image (PNG, JPEG, GIF or WebP), a PDF or a text file instead.',
    );

    // An allowed image whose name is an HTML payload.
    const hostile = `<img src=x onerror="alert(1);window.__pwned=1">.png`;
    await attach([{ name: hostile, mimeType: 'image/png', buffer: PNG }]);
    const toSend = widget.getByRole('list', { name: 'Files to send' });
    await expect(toSend.getByRole('listitem')).toHaveCount(1);
    await expect(toSend).toContainText(hostile);
    await widget.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(toSend.getByRole('listitem')).toHaveCount(0);
    const mine = widget
      .getByRole('log', { name: 'Messages' })
      .getByRole('button', { name: `Download ${hostile} (${PNG.length} B)` });
    await expect(mine).toBeVisible();

    // The agent sees it on the message, by name and size, and opens it through the app.
    const file = conversation
      .getByRole('list', { name: 'Attachments' })
      .getByRole('button', { name: `Download ${hostile} (${PNG.length} B)` });
    await expect(file).toBeVisible({ timeout: 15_000 });
    await expect(file).toContainText(hostile);
    const download = page.waitForEvent('download');
    await file.click();
    const saved = await download;
    expect(readFileSync((await saved.path())!).equals(PNG)).toBe(true);

    // The visitor downloads their own file too.
    const own = customer.waitForEvent('download');
    await mine.click();
    expect(readFileSync((await (await own).path())!).equals(PNG)).toBe(true);

    // The agent sends a file back; the visitor sees it on the agent's message and downloads it.
    const manual = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
    const agentChooser = page.waitForEvent('filechooser');
    await conversation.getByRole('button', { name: 'Attach a file' }).click();
    await (
      await agentChooser
    ).setFiles([{ name: 'manual.pdf', mimeType: 'application/pdf', buffer: manual }]);
    const theirs = widget
      .getByRole('log', { name: 'Messages' })
      .getByRole('button', { name: `Download manual.pdf (${manual.length} B)` });
    await expect(theirs).toBeVisible({ timeout: 15_000 });
    await expect(
      conversation.getByRole('button', { name: `Download manual.pdf (${manual.length} B)` }),
    ).toBeVisible();
    const fromAgent = customer.waitForEvent('download');
    await theirs.click();
    expect(readFileSync((await (await fromAgent).path())!).equals(manual)).toBe(true);

    // The agent replies; the visitor, with the chat open, has seen it: the agent's app says so.
    await conversation.getByLabel('Reply to the customer').fill('Thanks, I can see the photo.');
    await conversation.getByRole('button', { name: 'Send' }).click();
    await expect(widget.getByRole('log', { name: 'Messages' })).toContainText(
      'Thanks, I can see the photo.',
      {
        timeout: 15_000,
      },
    );
    await expect(
      conversation.getByRole('listitem').filter({ hasText: 'Thanks, I can see the photo.' }),
    ).toContainText('Seen by the customer', { timeout: 15_000 });

    // The payload never became markup on either side.
    await expect(customer.locator('[data-switchboard-webchat] img')).toHaveCount(0);
    await expect(page.locator('main img')).toHaveCount(0);
    expect(await customer.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  } finally {
    await visitorContext.close();
    await stopHost(host);
  }
});

test('with no agent there, the widget takes a message for later, in the visitor’s language', async ({
  page,
}) => {
  await agentThere(false);
  await page.goto(`${siteUrl}zh-TW`);
  await page.getByRole('button', { name: '開啟聊天' }).click();
  const widget = page.getByRole('dialog', { name: '聯絡我們' });
  const form = widget.getByRole('form', { name: '留言' });
  await expect(form).toBeVisible();
  await expect(widget.getByRole('button', { name: '開始聊天' })).toBeHidden();
  const text = `請回電給我 ${Date.now()}`;
  await form.getByLabel('姓名').fill('陳小明');
  await form.getByLabel('電子郵件地址').fill('not an email');
  await form.getByLabel('留言內容').fill(text);
  await form.getByRole('button', { name: '送出留言' }).click();
  await expect(form.getByRole('status')).toHaveText('請填寫姓名、有效的電子郵件和留言內容後重新送出。');
  await form.getByLabel('電子郵件地址').fill('ming@example.tw');
  await form.getByRole('button', { name: '送出留言' }).click();
  await expect(form.getByRole('status')).toHaveText(
    '謝謝您，陳小明。我們會在 24 小時內以電子郵件回覆到 ming@example.tw。',
  );
  // It waits in the inbox as a pending conversation for an agent to pick up.
  expect(
    readRelay<string>(
      `SELECT json_extract(c.data, '$.status') FROM records m JOIN records c
         ON c.entity = 'conversation' AND c.id = json_extract(m.data, '$.conversationId')
       WHERE m.entity = 'message' AND json_extract(m.data, '$.body') = ?`,
      text,
    ),
  ).toBe('pending');
});
