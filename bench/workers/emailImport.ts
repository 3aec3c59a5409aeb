// email.import_1k_s: 1,000 mails waiting in a real Dovecot mailbox on 127.0.0.1 become
// conversations on a relay (in-process, its own SQLite file): timed from the admin saving the
// mailbox account (tested on save) until the 1,000th message is committed. Prints
// {"mails", "ms"} as JSON. Needs Dovecot and Postfix (tests/support/mail.ts) and root.
import { performance } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ImapFlow } from 'imapflow';
import { createAdmin, startRelay } from '../../src/relay';
import { mailServersMissing, startMailServers } from '../../tests/support/mail';

const N = 1_000;
const SHOP = { address: 'shop@shop.test', password: 'shop-pass-1' };
const ADMIN = { email: 'root@bench.test', password: 'bench-password-1', name: 'Root' };

async function main(): Promise<void> {
  const missing = mailServersMissing();
  if (missing) throw new Error(`email.import_1k_s needs the mail servers: ${missing}`);
  const mail = await startMailServers([SHOP]);
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-email-'));
  await createAdmin({ dataDir, ...ADMIN });
  const relay = await startRelay({ dataDir, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  try {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: mail.imapPort,
      secure: false,
      doSTARTTLS: false,
      auth: { user: SHOP.address, pass: SHOP.password },
      logger: false,
    });
    await c.connect();
    for (let i = 0; i < N; i++)
      await c.append(
        'INBOX',
        `From: Customer ${i % 100} <c${i % 100}@customer.test>\r\nTo: ${SHOP.address}\r\nSubject: Question ${i}\r\nMessage-ID: <bench-${i}@customer.test>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Question <b>${i}</b>: where is my order?</p>\r\n`,
      );
    await c.logout();
    const call = async (method: string, path: string, body: unknown, token?: string) => {
      const r = await fetch(relay.url + path, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      const j = (await r.json()) as Record<string, unknown>;
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(j)}`);
      return j;
    };
    const token = String(
      (
        await call('POST', '/v1/auth/login', {
          email: ADMIN.email,
          password: ADMIN.password,
          deviceName: 'bench',
        })
      )['accessToken'],
    );
    const team = String((await call('POST', '/v1/admin/teams', { name: 'Mail' }, token))['id']);
    const inbox = String(
      (await call('POST', '/v1/admin/inboxes', { name: 'Shop', channel: 'email', teamId: team }, token))[
        'id'
      ],
    );
    const count = relay.db.prepare("SELECT count(*) FROM records WHERE entity = 'message'").pluck();
    const before = count.get() as number;
    const started = performance.now();
    await call(
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
        smtp: { host: '127.0.0.1', port: mail.smtpPort, tls: 'none' },
      },
      token,
    );
    const deadline = Date.now() + 300_000;
    while ((count.get() as number) - before < N) {
      if (Date.now() > deadline)
        throw new Error(`only ${(count.get() as number) - before} of ${N} mails imported`);
      await new Promise((r) => setTimeout(r, 20));
    }
    process.stdout.write(JSON.stringify({ mails: N, ms: performance.now() - started }) + '\n');
  } finally {
    await relay.close();
    await mail.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
