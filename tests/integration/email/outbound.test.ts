import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ADMIN, hello, http, login, mutation, startTestRelay } from '../relay/helpers';
import { mailServersMissing, startMailServers, type MailServers } from '../../support/mail';
import type { Relay } from '../../../src/relay';

// An agent writes to a customer first (#13): a conversation they start on the email channel, for
// a customer with an address, goes out from the team inbox's address under the conversation's
// subject with a reply token, and the customer's answer joins that conversation. Against Dovecot
// and Postfix on 127.0.0.1, started by the test.

const missing = mailServersMissing();
if (missing) console.warn(`outbound email skipped: ${missing}`);

const SHOP = { address: 'shop@shop.test', password: 'shop-pass-1' };
const ANN = { address: 'ann@customer.test', password: 'ann-pass-1' };
const ANN_WORK = { address: 'ann@work.test', password: 'ann-pass-2' };

let mail: MailServers;
let relay: Relay & { dataDir: string };
let adminToken: string;
let teamId: string;

async function until<T>(what: string, f: () => T | Promise<T>, tries = 400): Promise<NonNullable<T>> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const convByBody = (body: string) =>
  (
    relay.db
      .prepare(
        `SELECT json_extract(data, '$.conversationId') AS c FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = ?`,
      )
      .get(body) as { c: string } | undefined
  )?.c;

describe.skipIf(missing)('relay/channels/email outbound (Dovecot + Postfix)', () => {
  beforeAll(async () => {
    mail = await startMailServers([SHOP, ANN, ANN_WORK]);
    relay = await startTestRelay({
      email: { mailbox: { pollIntervalMs: 300, retryMs: 200 }, outbox: { confirmWindowMs: 2_000 } },
    });
    adminToken = (await login(relay, ADMIN.email, ADMIN.password)).accessToken;
    teamId = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Mail' }, adminToken)).body
      .id;
    const inboxId = (
      await http<{ id: string }>(
        relay,
        'POST',
        '/v1/admin/inboxes',
        { name: 'Shop mail', channel: 'email', teamId },
        adminToken,
      )
    ).body.id;
    const put = await http(
      relay,
      'PUT',
      `/v1/admin/inboxes/${inboxId}/email`,
      {
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
      },
      adminToken,
    );
    expect(put.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await relay?.close();
    await mail?.stop();
  });

  it("sends the agent's first mail to the customer's address and threads the answer into it", async () => {
    const agent = await hello(relay, adminToken);
    const customerId = uuidv7();
    const conv = uuidv7();
    const first = uuidv7();
    agent.send({
      t: 'push',
      batch: 1,
      mutations: [
        mutation('customer.create', { id: customerId, fields: { name: 'Ann Lee', emails: [ANN.address] } }),
        mutation('conversation.create', {
          id: conv,
          customerId,
          channel: 'email',
          subject: 'Your refund',
          teamId,
        }),
        mutation('message.send', { id: first, conversationId: conv, body: 'Your refund was sent today.' }),
      ],
    });
    const r = await agent.next('pushResult', (f) => f.batch === 1);
    expect(r.results.map((x) => x.status)).toEqual(['applied', 'applied', 'applied']);
    const inAnnsBox = await until("the mail in Ann's mailbox", async () => {
      const all = await mail.messages(ANN);
      return all.length > 0 ? all : null;
    });
    const sent = await simpleParser(inAnnsBox[0]!);
    expect(sent.subject).toMatch(/^Your refund \[#[a-z0-9]{10}\]$/);
    expect(sent.from?.value[0]).toMatchObject({ address: SHOP.address });
    expect(sent.inReplyTo).toBeUndefined();
    expect(sent.text?.trim()).toBe('Your refund was sent today.');
    expect(sent.messageId).toBe(`<${first}@shop.test>`);

    // Ann answers from her mail client: the conversation the agent started.
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mail.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await t.sendMail({
      from: `Ann Lee <${ANN.address}>`,
      to: SHOP.address,
      subject: `Re: ${sent.subject ?? ''}`,
      text: 'Got it, thanks.',
      inReplyTo: sent.messageId!,
      references: [sent.messageId!],
    });
    t.close();
    expect(await until('the answer', () => convByBody('Got it, thanks.'))).toBe(conv);
    agent.ws.close();
  });

  it('writes to the address the agent chose, and answers a mail at the address that wrote it', async () => {
    const agent = await hello(relay, adminToken);
    const customerId = uuidv7();
    const conv = uuidv7();
    const first = uuidv7();
    const before = (await mail.messages(ANN)).length;
    agent.send({
      t: 'push',
      batch: 2,
      mutations: [
        mutation('customer.create', {
          id: customerId,
          fields: { name: 'Ann Lee (work)', emails: ['ann@other.test', ANN_WORK.address] },
        }),
        mutation('conversation.create', {
          id: conv,
          customerId,
          channel: 'email',
          subject: 'Your invoice',
          teamId,
          to: ANN_WORK.address,
        }),
        mutation('message.send', { id: first, conversationId: conv, body: 'Your invoice is attached.' }),
      ],
    });
    const r = await agent.next('pushResult', (f) => f.batch === 2);
    expect(r.results.map((x) => x.status)).toEqual(['applied', 'applied', 'applied']);
    const atWork = await until("the mail in Ann's work mailbox", async () => {
      const all = await mail.messages(ANN_WORK);
      return all.length > 0 ? all : null;
    });
    expect((await simpleParser(atWork[0]!)).text?.trim()).toBe('Your invoice is attached.');
    expect((await mail.messages(ANN)).length).toBe(before);

    // Ann writes anew from her work address, the profile's second: the new conversation's address
    // is the one that wrote (not the profile's first), so the agent's reply goes back there.
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mail.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await t.sendMail({
      from: `Ann Lee <${ANN_WORK.address}>`,
      to: SHOP.address,
      subject: 'Another thing',
      text: 'A new question.',
    });
    t.close();
    const asked = await until('the new mail', () => convByBody('A new question.'));
    expect(asked).not.toBe(conv);
    const data = JSON.parse(
      relay.db
        .prepare("SELECT data FROM records WHERE entity='conversation' AND id=?")
        .pluck()
        .get(asked) as string,
    ) as { to?: string; customerId: string };
    expect(data).toMatchObject({ to: ANN_WORK.address, customerId });
    const reply = uuidv7();
    agent.send({
      t: 'push',
      batch: 3,
      mutations: [
        mutation('message.send', { id: reply, conversationId: asked, body: 'Here is the answer.' }),
      ],
    });
    expect((await agent.next('pushResult', (f) => f.batch === 3)).results[0]?.status).toBe('applied');
    const work = await until("the reply in Ann's work mailbox", async () => {
      const all = await mail.messages(ANN_WORK);
      return all.length > 1 ? all : null;
    });
    expect((await simpleParser(work.at(-1)!)).text?.trim()).toBe('Here is the answer.');
    expect((await mail.messages(ANN)).length).toBe(before);
    agent.ws.close();
  });
});
