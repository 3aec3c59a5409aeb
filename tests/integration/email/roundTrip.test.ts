import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ADMIN, count, hello, http, login, mutation, startTestRelay, twoTeams } from '../relay/helpers';
import { mailServersMissing, startMailServers, type MailServers } from '../../support/mail';
import type { Relay } from '../../../src/relay';

// The email channel against real mail servers from Debian on 127.0.0.1 (Dovecot for IMAP, Postfix
// for SMTP): a customer's mail becomes a conversation, the agent's reply reaches the customer's
// mailbox once with threading headers, the answer joins the same conversation; automatic mail
// and bounces open nothing; the account is tested on save with answers an admin can act on.

const missing = mailServersMissing();
if (missing) console.warn(`email round trip skipped: ${missing}`);

const SHOP = { address: 'shop@shop.test', password: 'shop-pass-1' };
const ANN = { address: 'ann@customer.test', password: 'ann-pass-1' };

let mail: MailServers;
let relay: Relay & { dataDir: string };
let adminToken: string;
let inboxId: string;

async function until<T>(what: string, f: () => T | Promise<T>, tries = 400): Promise<NonNullable<T>> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const account = (over: Record<string, unknown> = {}) => ({
  address: SHOP.address,
  fromName: 'Shop support',
  imap: {
    host: '127.0.0.1',
    port: mail.imapPort,
    tls: 'none',
    user: SHOP.address,
    password: SHOP.password,
    folder: 'INBOX',
  },
  smtp: { host: '127.0.0.1', port: mail.smtpPort, tls: 'none' },
  ...over,
});

/** Mail from Ann to the shop, through Postfix as any mail client would send it. */
async function annWrites(m: {
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  inReplyTo?: string;
  references?: string[];
  from?: string;
}) {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port: mail.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  const info = await t.sendMail({
    from: m.from ?? `Ann Lee <${ANN.address}>`,
    to: SHOP.address,
    subject: m.subject,
    text: m.text,
    ...(m.html ? { html: m.html } : {}),
    ...(m.headers ? { headers: m.headers } : {}),
    ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
    ...(m.references ? { references: m.references } : {}),
  });
  t.close();
  return info.messageId;
}

const messagesIn = (conv: string) =>
  relay.db
    .prepare(
      `SELECT data FROM records WHERE entity = 'message' AND json_extract(data, '$.conversationId') = ? ORDER BY seq`,
    )
    .all(conv)
    .map((r) => JSON.parse((r as { data: string }).data) as Record<string, unknown>);

const convByBody = (body: string) =>
  (
    relay.db
      .prepare(
        `SELECT json_extract(data, '$.conversationId') AS c FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = ?`,
      )
      .get(body) as { c: string } | undefined
  )?.c;

describe.skipIf(missing)('relay/channels/email (Dovecot + Postfix)', () => {
  beforeAll(async () => {
    mail = await startMailServers([SHOP, ANN]);
    relay = await startTestRelay({
      email: {
        mailbox: { pollIntervalMs: 300, retryMs: 200 },
        outbox: { confirmWindowMs: 2_000 },
        // The "remote" images of these tests are served from 127.0.0.1.
        remoteImages: { allowPrivateHosts: true },
      },
    });
    adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Mail' }, adminToken))
      .body.id;
    inboxId = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Shop mail', channel: 'email', teamId: team },
        adminToken,
      )
    ).body.id;
  }, 60_000);

  afterAll(async () => {
    await relay?.close();
    await mail?.stop();
  });

  it('tests the account on save and says what is wrong', async () => {
    const put = (body: unknown) =>
      http<{ error?: { problem?: string; message: string } }>(
        relay,
        'PUT',
        `/v1/admin/inboxes/${inboxId}/email`,
        body,
        adminToken,
      );
    const wrongPass = await put(account({ imap: { ...account().imap, password: 'nope' } }));
    expect(wrongPass.status).toBe(422);
    expect(wrongPass.body.error?.problem).toBe('login-refused');
    expect(wrongPass.body.error?.message).toMatch(/^Login refused/);
    const tls = await put(account({ imap: { ...account().imap, port: mail.imapsPort, tls: 'tls' } }));
    expect(tls.body.error?.problem).toBe('certificate-untrusted');
    expect(tls.body.error?.message).toMatch(/^Certificate not trusted/);
    const folder = await put(account({ imap: { ...account().imap, folder: 'Support' } }));
    expect(folder.body.error?.problem).toBe('no-such-folder');
    expect(folder.body.error?.message).toMatch(/^No such folder/);
    // Nothing refused was stored; the working account is, and its password is never answered.
    expect(count(relay, 'SELECT count(*) FROM email_accounts')).toBe(0);
    const ok = await put(account());
    expect(ok.status).toBe(200);
    const view = await http(relay, 'GET', `/v1/admin/inboxes/${inboxId}/email`, undefined, adminToken);
    expect(JSON.stringify(view.body)).not.toContain(SHOP.password);
    expect(view.body).toMatchObject({ address: SHOP.address, imap: { passwordSet: true } });
    const sealed = relay.db.prepare('SELECT imap_password FROM email_accounts').pluck().get() as Buffer;
    expect(sealed.toString('latin1')).not.toContain(SHOP.password);
    expect(
      count(
        relay,
        "SELECT count(*) FROM audit_log WHERE action = 'email.settingsChanged' AND target = ?",
        inboxId,
      ),
    ).toBe(1);
  });

  it("turns a customer's mail into a conversation, sends the reply once, threads the answer", async () => {
    const firstId = await annWrites({ subject: 'Where is my order?', text: 'Order 1234 has not arrived.' });
    const conv = await until('the conversation', () => convByBody('Order 1234 has not arrived.'));
    const c = JSON.parse(
      relay.db
        .prepare("SELECT data FROM records WHERE entity = 'conversation' AND id = ?")
        .pluck()
        .get(conv) as string,
    ) as Record<string, unknown>;
    expect(c).toMatchObject({ channel: 'email', inboxId, subject: 'Where is my order?' });
    const customer = JSON.parse(
      relay.db
        .prepare("SELECT data FROM records WHERE entity = 'customer' AND id = ?")
        .pluck()
        .get(c['customerId']) as string,
    ) as { emails: string[]; name: string };
    expect(customer).toMatchObject({ name: 'Ann Lee', emails: [ANN.address] });

    // The agent's reply, as the app pushes it when it is back online.
    const agent = await hello(relay, adminToken);
    const replyId = uuidv7();
    agent.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('message.send', { id: replyId, conversationId: conv, body: 'It ships today.' })],
    });
    const inAnnsBox = await until("the reply in Ann's mailbox", async () => {
      const all = await mail.messages(ANN);
      return all.length > 0 ? all : null;
    });
    // Then the same push again (a resend after a lost answer): still one mail.
    agent.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('message.send', { id: replyId, conversationId: conv, body: 'It ships today.' })],
    });
    await until(
      'sent',
      () =>
        (
          messagesIn(conv).find((m) => m['body'] === 'It ships today.')?.['delivery'] as
            { state?: string } | undefined
        )?.state === 'sent',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await mail.messages(ANN)).toHaveLength(1);
    const reply = await simpleParser(inAnnsBox[0]!);
    expect(reply.inReplyTo).toBe(firstId);
    expect(reply.references).toContain(firstId);
    expect(reply.from?.value[0]).toMatchObject({ address: SHOP.address, name: 'Root' });
    expect(reply.text?.trim()).toBe('It ships today.');
    expect(reply.html).toContain('It ships today.');
    expect(reply.messageId).toBe(`<${replyId}@shop.test>`);

    // Ann answers from her mail client: the same conversation.
    await annWrites({
      subject: `Re: ${reply.subject ?? ''}`,
      text: 'Thanks!',
      inReplyTo: reply.messageId!,
      references: [firstId, reply.messageId!],
    });
    expect(await until('the answer', () => convByBody('Thanks!'))).toBe(conv);
    // A client that drops the headers but keeps the subject's token: still the same conversation.
    await annWrites({ subject: reply.subject ?? '', text: 'One more thing.' });
    expect(await until('the headerless answer', () => convByBody('One more thing.'))).toBe(conv);
    // The shop's own copy of the reply opened nothing.
    expect(
      count(
        relay,
        "SELECT count(*) FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = 'It ships today.'",
      ),
    ).toBe(1);
  });

  it('opens nothing for auto-replies, bounces and mail from its own address', async () => {
    const before = count(relay, "SELECT count(*) FROM records WHERE entity = 'conversation'");
    await annWrites({
      subject: 'Out of office',
      text: 'I am away until Monday.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    await annWrites({ subject: 'Holiday', text: 'Away.', headers: { Precedence: 'auto_reply' } });
    await annWrites({ subject: 'Re: hello', text: 'Away too.', headers: { 'X-Autoreply': 'yes' } });
    await annWrites({
      subject: 'Undelivered Mail Returned to Sender',
      text: 'It bounced.',
      from: 'MAILER-DAEMON@customer.test',
    });
    await annWrites({ subject: 'Note to self', text: 'From myself.', from: SHOP.address });
    await annWrites({ subject: 'A real question', text: 'Do you ship to Taipei?' });
    // The mail after them arrived, so they were all read.
    await until('the real question', () => convByBody('Do you ship to Taipei?'));
    expect(count(relay, "SELECT count(*) FROM records WHERE entity = 'conversation'")).toBe(before + 1);
  });

  it("records a refused reply and a bounced one with the mail server's words", async () => {
    // ghost@ is in a domain Postfix serves but has no mailbox: the reply is refused at RCPT.
    await annWrites({ subject: 'From a ghost', text: 'Do I exist?', from: 'Ghost <ghost@customer.test>' });
    const ghostConv = await until('the ghost conversation', () => convByBody('Do I exist?'));
    const agent = await hello(relay, adminToken);
    const toGhost = uuidv7();
    agent.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('message.send', { id: toGhost, conversationId: ghostConv, body: 'Hello ghost' })],
    });
    const refused = await until('refused', () => {
      const d = messagesIn(ghostConv).find((m) => m['body'] === 'Hello ghost')?.['delivery'] as
        { state?: string; reason?: string } | undefined;
      return d?.state === 'refused' ? d : null;
    });
    expect(refused.reason).toMatch(/550|User unknown/i);

    // A reply that was sent, then bounced later: the delivery report names its Message-ID.
    await annWrites({ subject: 'Bounce me', text: 'Please answer me.' });
    const conv = await until('the conversation', () => convByBody('Please answer me.'));
    const replyId = uuidv7();
    agent.send({
      t: 'push',
      batch: 2,
      mutations: [
        mutation('message.send', { id: replyId, conversationId: conv, body: 'Here is the answer.' }),
      ],
    });
    const state = () =>
      messagesIn(conv).find((m) => m['body'] === 'Here is the answer.')?.['delivery'] as
        { state?: string; reason?: string } | undefined;
    await until('sent', () => state()?.state === 'sent');
    const report = [
      'From: Mail Delivery System <MAILER-DAEMON@customer.test>',
      `To: ${SHOP.address}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <report-1@customer.test>',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; ann@customer.test',
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${SHOP.address}`,
      `Message-ID: <${replyId}@shop.test>`,
      '--b1--',
      '',
    ].join('\r\n');
    await mail.append(SHOP, report);
    const bounced = await until('bounced', () => (state()?.state === 'bounced' ? state() : null));
    expect(bounced.reason).toBe('552 5.2.2 Mailbox full');
  });

  it('keeps sniffed, size-limited files of a mail and names the ones it refused', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    );
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mail.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await t.sendMail({
      from: ANN.address,
      to: SHOP.address,
      subject: 'Broken item photo',
      text: 'See the photo.',
      attachments: [
        { filename: 'photo.png', content: png },
        { filename: 'tool.exe', content: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]) },
        { filename: 'fake.png', content: Buffer.from('%PDF-1.4 not a png') },
      ],
    });
    t.close();
    const conv = await until('the conversation', () =>
      messagesIn(convByBody('See the photo.\n\n[Not kept: tool.exe, fake.png]') ?? '').length > 0
        ? convByBody('See the photo.\n\n[Not kept: tool.exe, fake.png]')
        : null,
    );
    const m = messagesIn(conv)[0]!;
    const files = m['attachments'] as { id: string; name: string; type: string; size: number }[];
    expect(files).toEqual([
      { id: expect.any(String), name: 'photo.png', type: 'image/png', size: png.length },
    ]);
    const res = await fetch(`${relay.url}/v1/attachments/${files[0]!.id}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it("fetches a mail's remote images through the relay for an agent who may see it, sniffed and audited", async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    );
    const served: string[] = [];
    const images = createServer((req, res) => {
      served.push(req.url ?? '');
      if (req.url === '/logo.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      else if (req.url === '/moved.png') res.writeHead(302, { location: '/logo.png' }).end();
      else if (req.url === '/page.html')
        res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not an image</html>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
    try {
      await annWrites({
        subject: 'Newsletter',
        text: 'Our news.',
        html: `<p>Our news.</p><img src="${base}/logo.png" alt="logo"><img src="${base}/moved.png"><img src="${base}/page.html"><img src="${base}/logo.png">`,
      });
      const conv = await until('the conversation', () => convByBody('Our news.'));
      const id = (
        relay.db
          .prepare(
            `SELECT id FROM records WHERE entity = 'message' AND json_extract(data, '$.conversationId') = ?`,
          )
          .get(conv) as { id: string }
      ).id;
      expect(served).toEqual([]); // nothing is fetched before someone asks
      const get = (token: string) =>
        http<{ images: { url: string; dataUrl?: string; error?: string }[] }>(
          relay,
          'GET',
          `/v1/messages/${id}/remote-images`,
          undefined,
          token,
        );
      const r = await get(adminToken);
      expect(r.status).toBe(200);
      expect(r.body.images).toEqual([
        { url: `${base}/logo.png`, dataUrl: `data:image/png;base64,${png.toString('base64')}` },
        { url: `${base}/moved.png`, dataUrl: `data:image/png;base64,${png.toString('base64')}` },
        { url: `${base}/page.html`, error: 'not a PNG, JPEG, GIF or WebP image' },
      ]);
      expect(
        count(
          relay,
          `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'email.remoteImagesLoaded' AND target = ?`,
          id,
        ),
      ).toBe(1);
      // An agent of another team learns nothing, not even that the message exists.
      const { b } = await twoTeams(relay);
      expect((await get(b.tokens.accessToken)).status).toBe(404);
      expect(
        (await http(relay, 'GET', '/v1/messages/nope/remote-images', undefined, adminToken)).status,
      ).toBe(404);
    } finally {
      images.close();
    }
  });

  it("sends an agent's file with the reply as a mail attachment, sniffed type and name kept", async () => {
    await annWrites({ subject: 'Invoice please', text: 'Can I have the invoice?' });
    const conv = await until('the conversation', () => convByBody('Can I have the invoice?'));
    const before = (await mail.messages(ANN)).length;
    const pdf = Buffer.from('%PDF-1.4\n% invoice 1234\n%%EOF\n');
    const res = await fetch(`${relay.url}/v1/attachments?conversationId=${conv}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/octet-stream',
        'x-file-name': encodeURIComponent('发票 1234.pdf'),
      },
      body: pdf,
    });
    expect(res.status).toBe(201);
    const { messageId } = (await res.json()) as { messageId: string };
    const sent = await until("the file in Ann's mailbox", async () => {
      const all = await mail.messages(ANN);
      return all.length > before ? all.at(-1) : null;
    });
    const m = await simpleParser(sent);
    expect(m.subject).toMatch(/^Re: Invoice please \[#/);
    expect(m.attachments.map((a) => [a.filename, a.contentType, a.content.equals(pdf)])).toEqual([
      ['发票 1234.pdf', 'application/pdf', true],
    ]);
    await until(
      'sent',
      () =>
        (messagesIn(conv).find((x) => x['attachments'])?.['delivery'] as { state?: string } | undefined)
          ?.state === 'sent',
    );
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
