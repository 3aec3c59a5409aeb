import { writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import DatabaseCtor from 'better-sqlite3-multiple-ciphers';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ROOT_ADMIN, startRelayProcess, type RelayProcess } from '../../support/relayProcess';
import { freePort, mailServersMissing, startMailServers, type MailServers } from '../../support/mail';
import { hello, http, login, mutation, tempDir } from '../relay/helpers';

// The email channel across relay crashes (SIGKILL, a real relay process): a reply whose SMTP
// hand-off was accepted but never recorded is not sent twice, and a large mailbox imports each
// mail exactly once when the relay dies in the middle of the first import.

const missing = mailServersMissing();
if (missing) console.warn(`email restart tests skipped: ${missing}`);

const SHOP = { address: 'shop@shop.test', password: 'shop-pass-1' };
const BEN = { address: 'ben@customer.test', password: 'ben-pass-1' };

let mail: MailServers;
const relays: RelayProcess[] = [];

async function until<T>(what: string, f: () => T | Promise<T>, tries = 1200): Promise<NonNullable<T>> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Reads the relay's database from outside its process (WAL: readers never block it). */
function query<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new DatabaseCtor(join(dataDir, 'relay.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

async function relayWith(options: object, dataDir?: string): Promise<RelayProcess> {
  const file = join(tempDir('sb-mailopts-'), 'mail.json');
  writeFileSync(file, JSON.stringify(options));
  const r = await startRelayProcess(['--mail-options', file], dataDir ? { dataDir } : {});
  relays.push(r);
  return r;
}

async function emailInbox(relay: RelayProcess, smtpPort: number, importDays = 30) {
  const token = (await login(relay, ROOT_ADMIN.email, ROOT_ADMIN.password)).accessToken;
  const team = (await http<{ id: string }>(relay, 'POST', '/v1/admin/teams', { name: 'Mail' }, token)).body
    .id;
  const inbox = (
    await http<{ id: string }>(
      relay,
      'POST',
      '/v1/admin/inboxes',
      { name: 'Shop', channel: 'email', teamId: team },
      token,
    )
  ).body.id;
  const put = await http(
    relay,
    'PUT',
    `/v1/admin/inboxes/${inbox}/email`,
    {
      address: SHOP.address,
      imap: {
        host: '127.0.0.1',
        port: mail.imapPort,
        tls: 'none',
        user: SHOP.address,
        password: SHOP.password,
      },
      smtp: { host: '127.0.0.1', port: smtpPort, tls: 'none' },
      importDays,
    },
    token,
  );
  if (put.status !== 200) throw new Error(JSON.stringify(put.body));
  return { token, inbox };
}

/**
 * An SMTP hop between the relay and Postfix that, once Postfix has accepted a message (the 250
 * after the end of DATA), kills the relay before that answer reaches it: "handed to SMTP" happened,
 * "recorded" never did.
 */
async function killingSmtpHop(target: number, victim: () => RelayProcess | null) {
  const port = await freePort();
  let armed = true;
  const server: Server = createServer((client: Socket) => {
    const up = connect(target, '127.0.0.1');
    let afterData = false;
    // The end of DATA may arrive split across chunks: look at the stream's last bytes.
    let tail = '';
    client.on('data', (b) => {
      tail = (tail + b.toString('latin1')).slice(-5);
      if (tail === '\r\n.\r\n') afterData = true;
      up.write(b);
    });
    up.on('data', (b) => {
      if (armed && afterData && b.toString('latin1').startsWith('250')) {
        armed = false;
        victim()?.proc.kill('SIGKILL');
        client.destroy();
        up.end('QUIT\r\n');
        return;
      }
      client.write(b);
    });
    const close = () => (client.destroy(), up.destroy());
    client.on('error', close);
    up.on('error', close);
    client.on('close', () => up.end());
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { port, close: () => new Promise<void>((r) => server.close(() => r())), fired: () => !armed };
}

describe.skipIf(missing)('relay/channels/email across relay crashes (Dovecot + Postfix)', () => {
  beforeAll(async () => {
    mail = await startMailServers([SHOP, BEN]);
  }, 60_000);

  afterAll(async () => {
    for (const r of relays) await r.stop();
    await mail?.stop();
  });

  it('a relay killed between the SMTP hand-off and recording it sends no duplicate', async () => {
    let current: RelayProcess | null = null;
    const hop = await killingSmtpHop(mail.smtpPort, () => current);
    const opts = {
      mailbox: { pollIntervalMs: 300, retryMs: 200 },
      outbox: { confirmWindowMs: 3_000, retryMs: 200 },
    };
    current = await relayWith(opts);
    const dataDir = current.dataDir;
    const { token } = await emailInbox(current, hop.port);
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mail.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const first = await t.sendMail({
      from: BEN.address,
      to: SHOP.address,
      subject: 'Refund',
      text: 'Please refund order 77.',
    });
    const conv = await until(
      'the conversation',
      () =>
        query<{ c: string }>(
          dataDir,
          "SELECT json_extract(data, '$.conversationId') AS c FROM records WHERE entity = 'message' AND json_extract(data, '$.body') = 'Please refund order 77.'",
        )[0]?.c,
    );
    const agent = await hello(current, token);
    const replyId = uuidv7();
    agent.send({
      t: 'push',
      batch: 1,
      mutations: [mutation('message.send', { id: replyId, conversationId: conv, body: 'Refunded.' })],
    });
    const dead = current;
    await until('the relay killed mid-send', () => hop.fired() && !dead.alive());
    expect(query<{ state: string }>(dataDir, 'SELECT state FROM email_outbox')).toEqual([
      { state: 'sending' },
    ]);

    // Back up on the same data; the reply in doubt is settled by the shop's own copy.
    current = await relayWith(opts, dataDir);
    await until(
      'the reply recorded as sent',
      () =>
        query<{ state: string }>(
          dataDir,
          "SELECT json_extract(data, '$.delivery.state') AS state FROM records WHERE entity = 'message' AND id = ?",
          replyId,
        )[0]?.state === 'sent',
    );
    // Past the confirm window, and the outbox has nothing left to do.
    await new Promise((r) => setTimeout(r, 4_000));
    const inBox = await mail.messages(BEN);
    expect(inBox).toHaveLength(1);
    const got = await simpleParser(inBox[0]!);
    expect(got.messageId).toBe(`<${replyId}@shop.test>`);
    expect(got.inReplyTo).toBe(first.messageId);
    expect(query(dataDir, 'SELECT state, attempts FROM email_outbox')).toEqual([
      { state: 'sent', attempts: 1 },
    ]);
    await hop.close();
  }, 120_000);

  it('imports a 2,000-mail mailbox once, old mail not at all, and a crash mid-import repeats nothing', async () => {
    const N = 2_000;
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: mail.imapPort,
      secure: false,
      doSTARTTLS: false,
      auth: { user: SHOP.address, pass: SHOP.password },
      logger: false,
    });
    await c.connect();
    const old = new Date(Date.now() - 200 * 86_400_000);
    for (let i = 0; i < 5; i++)
      await c.append(
        'INBOX',
        `From: old${i}@customer.test\r\nTo: ${SHOP.address}\r\nSubject: Old ${i}\r\nMessage-ID: <old-${i}@customer.test>\r\n\r\nLong ago ${i}\r\n`,
        [],
        old,
      );
    for (let i = 0; i < N; i++)
      await c.append(
        'INBOX',
        `From: Bulk ${i % 50} <bulk${i % 50}@customer.test>\r\nTo: ${SHOP.address}\r\nSubject: Question ${i}\r\nMessage-ID: <bulk-${i}@customer.test>\r\n\r\nQuestion number ${i}\r\n`,
      );
    await c.logout();

    const opts = { mailbox: { pollIntervalMs: 300, retryMs: 200, batchSize: 50 } };
    const first = await relayWith(opts);
    const dataDir = first.dataDir;
    await emailInbox(first, mail.smtpPort, 30);
    const bulk = () =>
      query<{ n: number; d: number }>(
        dataDir,
        `SELECT count(*) AS n, count(DISTINCT json_extract(data, '$.email.messageId')) AS d FROM records
         WHERE entity = 'message' AND json_extract(data, '$.body') LIKE 'Question number %'`,
      )[0]!;
    await until('part of the import', () => bulk().n >= 200);
    first.proc.kill('SIGKILL');
    await until('the relay gone', () => !first.alive());
    expect(bulk().n).toBeLessThan(N);

    await relayWith(opts, dataDir);
    await until('the whole import', () => bulk().n >= N, 6_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(bulk()).toEqual({ n: N, d: N });
    expect(
      query<{ n: number }>(
        dataDir,
        "SELECT count(*) AS n FROM records WHERE entity = 'message' AND json_extract(data, '$.body') LIKE 'Long ago %'",
      )[0]!.n,
    ).toBe(0);
  }, 600_000);
});
