import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { createWebhookOutbox } from '../../../src/relay/channels/api/webhookOutbox';
import { createIntake } from '../../../src/relay/channels/email/intake';
import { createOutbox } from '../../../src/relay/channels/email/outbox';
import { createInbound, type InboundMessage, type InboundResult } from '../../../src/relay/channels/inbound';
import { HlcClock } from '../../../src/shared/sync/hlc';
import {
  createAttachmentStore,
  resolveAttachmentOptions,
} from '../../../src/relay/channels/webchat/attachments';
import type { EmailAccount } from '../../../src/relay/channels/email/settings';
import type { AsyncStore } from '../../../src/relay/data/asyncStore';
import { createSqliteInboundData, type InboundData } from '../../../src/relay/data/inboundData';
import { createPgInboundData } from '../../../src/relay/data/postgres/pgInboundData';
import { openMemoryDatabase } from '../../../src/relay/data/db';
import { createSqliteEmailData, MailSeen, type EmailData } from '../../../src/relay/data/emailData';
import type { IdentityData } from '../../../src/relay/data/identityData';
import { createPgEmailData } from '../../../src/relay/data/postgres/pgEmailData';
import { createPgIdentity } from '../../../src/relay/data/postgres/pgIdentity';
import { createPgStore } from '../../../src/relay/data/postgres/pgStore';
import { createPgWebhookData } from '../../../src/relay/data/postgres/pgWebhookData';
import { asyncSqliteStore } from '../../../src/relay/data/sqliteAsync';
import { createSqliteIdentity } from '../../../src/relay/data/sqliteIdentity';
import { createStore } from '../../../src/relay/data/sqliteStore';
import { createSqliteWebhookData, type WebhookData } from '../../../src/relay/data/webhookData';
import { mailServersMissing, startMailServers, type MailServers } from '../../support/mail';
import { postgresMissing, startPostgres, type RunningPostgres } from '../../support/postgres';
import { tempDir } from '../relay/helpers';

// What must happen once when two relays share one database, on SQLite and on a real PostgreSQL
// through the same bodies: a mail's Message-ID taken in once (its uniqueness in the database
// decides between two takers that both found it new), an email reply handed to SMTP once (real
// Postfix) and a webhook reply POSTed once (a real receiver) when two outboxes read its row at
// the same moment: claiming a row is a conditional update only one of them wins. On PostgreSQL
// the two relays have a pool each; on SQLite (one process owns the file) they share it.

const now = () => Date.now();
const log = pino({ level: 'silent' });
const SYSTEM = { mutationId: null, agentId: null };
const SHOP = { address: 'shop@shop.test', password: 'shop-pass-1' };
const ANN = { address: 'ann@customer.test', password: 'ann-pass-1' };

/** One relay process on the database: its store, identity, inbound reads and the channels' tables. */
type Relay = {
  store: AsyncStore;
  identity: IdentityData;
  inbound: InboundData;
  email: EmailData;
  webhook: WebhookData;
};
type TwoRelays = { one: Relay; two: Relay; dispose(): Promise<void> };

/** A promise both sides wait on until `n` have arrived: so two relays hold the same row as read. */
function barrier(n: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return () => {
    if (++arrived >= n) open();
    return opened;
  };
}

async function until<T>(what: string, f: () => T | Promise<T>, tries = 400): Promise<NonNullable<T>> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Inbound on `r` (channels/inbound.ts) that waits at `meet` before it takes a message in. */
function racingInbound(r: Relay, meet: () => Promise<void>): ReturnType<typeof createInbound> {
  const inbound = createInbound({
    data: r.inbound,
    identity: r.identity,
    relayClock: new HlcClock('relay', now),
    now,
    route: () => {},
  });
  return {
    ...inbound,
    receive: async (m: InboundMessage): Promise<InboundResult> => {
      await meet();
      return inbound.receive(m);
    },
  };
}

/** An inbox of `channel`, and a customer's conversation in it with an agent's reply (direction out). */
async function world(r: Relay, channel: 'email' | 'api') {
  const teamId = uuidv7();
  const inboxId = uuidv7();
  await r.identity.insertTeam({ id: teamId, name: 'Shop', created_at: now() });
  await r.identity.insertInbox({ id: inboxId, name: 'Shop', channel, team_id: teamId });
  const customerId = uuidv7();
  const conversationId = uuidv7();
  const messageId = uuidv7();
  const at = new Date().toISOString();
  await r.store.transaction(async (tx) => {
    const put = (
      entity: 'customer' | 'conversation' | 'message',
      id: string,
      data: object,
      convId: string | null,
    ) =>
      tx.put(
        { entity, id, data: data as Record<string, unknown>, clocks: {}, deleted: false, convId },
        SYSTEM,
      );
    await put('customer', customerId, { name: 'Ann', emails: [ANN.address], phones: [] }, null);
    await put(
      'conversation',
      conversationId,
      { inboxId, teamId, channel, customerId, status: 'open', subject: 'Order 7', assigneeId: null },
      conversationId,
    );
    await put(
      'message',
      messageId,
      {
        conversationId,
        customerId,
        direction: 'out',
        authorId: null,
        body: 'It ships today.',
        createdAt: at,
      },
      conversationId,
    );
  });
  return { inboxId, conversationId, messageId, customerId };
}

/** The delivery state the message record carries now. */
async function deliveryOf(store: AsyncStore, messageId: string): Promise<unknown> {
  return ((await store.get('message', messageId))?.data['delivery'] as { state?: string } | undefined)?.state;
}

/** EmailData whose first due read waits at `meet`, so two outboxes hold the same rows as read. */
function meetingAt(data: EmailData, meet: () => Promise<void>): EmailData {
  let first = true;
  return {
    ...data,
    outboxDue: async (limit) => {
      const rows = await data.outboxDue(limit);
      if (first) {
        first = false;
        await meet();
      }
      return rows;
    },
  };
}

function channelsOnce(make: () => Promise<TwoRelays>, mailMissing: string | null) {
  it('takes a Message-ID in once: of two relays that both found it new, one keeps it, the other rolls back', async () => {
    const { one, two, dispose } = await make();
    try {
      const w = await world(one, 'email');
      const headerId = '<order-7@customer.test>';
      const meet = barrier(2);
      const take = async (r: Relay) => {
        // As the intake does: the cheap check outside, the claim inside the transaction.
        expect(await r.email.conversationOfHeader(w.inboxId, headerId)).toBeNull();
        await meet();
        const messageId = uuidv7();
        try {
          await r.store.transaction(async (tx) => {
            await tx.put(
              {
                entity: 'message',
                id: messageId,
                data: { conversationId: w.conversationId, direction: 'in', body: 'Where is order 7?' },
                clocks: {},
                deleted: false,
                convId: w.conversationId,
              },
              SYSTEM,
            );
            // Through the connection of a transaction another room opened (the inbound path's).
            await r.email.within(tx).claimHeader({
              inbox_id: w.inboxId,
              header_id: headerId,
              conversation_id: w.conversationId,
              message_id: messageId,
              created_at: now(),
            });
          });
          return { messageId, kept: true };
        } catch (err) {
          if (!(err instanceof MailSeen)) throw err;
          return { messageId, kept: false };
        }
      };
      const results = await Promise.all([take(one), take(two)]);
      expect(results.filter((r) => r.kept)).toHaveLength(1);
      const winner = results.find((r) => r.kept)!;
      const loser = results.find((r) => !r.kept)!;
      expect(await two.store.get('message', winner.messageId)).not.toBeNull();
      expect(await one.store.get('message', loser.messageId)).toBeNull();
      expect(await two.email.conversationOfHeader(w.inboxId, headerId)).toBe(w.conversationId);
      // (On SQLite the statement runs, and throws, before the promise exists: inside the inbound
      // path's synchronous transaction a throw must roll it back.)
      await expect(
        Promise.resolve().then(() =>
          one.email.claimHeader({
            inbox_id: w.inboxId,
            header_id: headerId,
            conversation_id: w.conversationId,
            message_id: null,
            created_at: now(),
          }),
        ),
      ).rejects.toBeInstanceOf(MailSeen);
    } finally {
      await dispose();
    }
  });

  it("keeps the channels' rows as stored, and finds replies no relay queued (a crash between commit and queue)", async () => {
    const { one, two, dispose } = await make();
    try {
      const mailbox = await world(one, 'email');
      const api = await world(one, 'api');
      const account = {
        inbox_id: mailbox.inboxId,
        address: SHOP.address,
        from_name: 'Shop',
        imap_host: '127.0.0.1',
        imap_port: 143,
        imap_tls: 'none' as const,
        imap_user: SHOP.address,
        imap_password: Buffer.from([0, 1, 2, 255]),
        folder: 'INBOX',
        smtp_host: '127.0.0.1',
        smtp_port: 25,
        smtp_tls: 'starttls' as const,
        smtp_user: null,
        smtp_password: null,
        import_days: 14,
        updated_at: 1_733_300_000_000,
        updated_by: null,
      };
      await one.email.saveAccount(account);
      expect(await two.email.account(mailbox.inboxId)).toEqual(account);
      expect(await two.email.accountInboxIds()).toEqual([mailbox.inboxId]);
      await one.email.setPosition(mailbox.inboxId, 'INBOX', '7', 41);
      await one.email.setImportSince(mailbox.inboxId, 'INBOX', 1_733_000_000_000);
      expect(await two.email.syncState(mailbox.inboxId, 'INBOX')).toEqual({
        uid_validity: '7',
        last_uid: 41,
        import_since: 1_733_000_000_000,
      });
      // An email reply with a thread but no outbox row, an API reply in an inbox with a webhook.
      await one.email.keepThread({
        conversation_id: mailbox.conversationId,
        inbox_id: mailbox.inboxId,
        token: 'tok7',
        customer_address: ANN.address,
        subject: 'Order 7',
        cc: '[]',
      });
      await one.webhook.saveWebhook({
        inbox_id: api.inboxId,
        url: 'https://hooks.shop.test/in',
        secret: Buffer.from('sealed'),
        from_seq: 0,
        updated_at: 1,
        updated_by: null,
      });
      expect(await two.email.unqueuedReplies()).toEqual([
        { id: mailbox.messageId, conv_id: mailbox.conversationId, inbox_id: mailbox.inboxId },
      ]);
      expect(await two.webhook.unqueuedReplies()).toEqual([
        { id: api.messageId, conv_id: api.conversationId, inbox_id: api.inboxId },
      ]);
      expect(await two.email.conversationOfToken(mailbox.inboxId, 'tok7')).toBe(mailbox.conversationId);
      expect((await two.webhook.webhook(api.inboxId))?.secret).toEqual(Buffer.from('sealed'));
      await one.email.addToOutbox({
        message_id: mailbox.messageId,
        inbox_id: mailbox.inboxId,
        conversation_id: mailbox.conversationId,
        header_id: '<m@shop.test>',
        created_at: 5,
      });
      await one.webhook.addToOutbox({
        message_id: api.messageId,
        inbox_id: api.inboxId,
        conversation_id: api.conversationId,
        next_at: 5,
        created_at: 5,
      });
      expect(await two.email.unqueuedReplies()).toEqual([]);
      expect(await two.webhook.unqueuedReplies()).toEqual([]);
      expect(await two.webhook.outboxSoonest()).toBe(5);
      expect(await two.email.removeAccount(mailbox.inboxId)).toBe(true);
      expect(await two.email.removeAccount(mailbox.inboxId)).toBe(false);
    } finally {
      await dispose();
    }
  });

  it('takes one mail in once when two relays read it from the mailbox at the same moment (the intake)', async () => {
    const { one, two, dispose } = await make();
    try {
      const w = await world(one, 'email');
      const account: EmailAccount = {
        inboxId: w.inboxId,
        address: SHOP.address,
        fromName: 'Shop',
        imap: { host: '127.0.0.1', port: 1, tls: 'none', user: SHOP.address, password: 'x', folder: 'INBOX' },
        smtp: { host: '127.0.0.1', port: 1, tls: 'none', user: null, password: null },
        importDays: 14,
      };
      const raw = Buffer.from(
        [
          `From: Ann <${ANN.address}>`,
          `To: ${SHOP.address}`,
          'Subject: Order 9',
          'Message-ID: <order-9@customer.test>',
          'Date: Fri, 04 Dec 2026 09:00:00 +0000',
          '',
          'Where is order 9?',
          '',
        ].join('\r\n'),
      );
      const meet = barrier(2);
      const intakeOf = (r: Relay) =>
        createIntake({
          data: r.email,
          files: createAttachmentStore(tempDir('sb-intake-'), resolveAttachmentOptions(undefined), now),
          log,
          now,
          ownCopy: async () => undefined,
          bounced: async () => undefined,
          // The real inbound path on this relay's store: both takers meet before it, so each
          // found the Message-ID new; the mail's bookkeeping commits in inbound's transaction.
          inbound: racingInbound(r, meet),
        });
      const position = (uid: number) => (wr: Pick<EmailData, 'setPosition'>) =>
        wr.setPosition(w.inboxId, 'INBOX', '1', uid);
      const outcomes = await Promise.all([
        intakeOf(one).take(account, raw, position(5)),
        intakeOf(two).take(account, raw, position(5)),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['conversation', 'duplicate']);
      const taken = outcomes.find((o) => o.kind === 'conversation') as {
        conversationId: string;
        messageId: string;
      };
      // A new mail (no In-Reply-To) starts a conversation of its own, for the customer found by
      // address (Ann's record, not a second Ann).
      expect(await two.email.conversationOfHeader(w.inboxId, '<order-9@customer.test>')).toBe(
        taken.conversationId,
      );
      expect((await two.store.get('conversation', taken.conversationId))?.data['customerId']).toBe(
        w.customerId,
      );
      expect(await two.store.get('message', taken.messageId)).not.toBeNull();
      const thread = await two.email.thread(taken.conversationId);
      expect(thread).toMatchObject({ customer_address: ANN.address, subject: 'Order 9', cc: '[]' });
      expect(await two.email.syncState(w.inboxId, 'INBOX')).toMatchObject({ last_uid: 5 });
      // One message came in: the loser's was rolled back with its claim (and its conversation).
      const thread9 = await two.store.conversationRecords(taken.conversationId);
      expect(thread9.filter((c) => c.entity === 'message' && c.data?.['direction'] === 'in')).toHaveLength(1);
      expect((await two.store.conversationIdsOfCustomer(w.customerId)).sort()).toEqual(
        [w.conversationId, taken.conversationId].sort(),
      );
    } finally {
      await dispose();
    }
  });

  it('POSTs a webhook reply once when two relays read its row at the same moment', async () => {
    const { one, two, dispose } = await make();
    const hits: string[] = [];
    const receiver: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        hits.push(String(req.headers['idempotency-key']));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const outboxes: ReturnType<typeof createWebhookOutbox>[] = [];
    try {
      const w = await world(one, 'api');
      const meet = barrier(2);
      for (const r of [one, two]) {
        let first = true;
        const data: WebhookData = {
          ...r.webhook,
          outboxDue: async (at, limit) => {
            const rows = await r.webhook.outboxDue(at, limit);
            if (first && rows.length) {
              first = false;
              await meet();
            }
            return rows;
          },
        };
        outboxes.push(
          createWebhookOutbox({
            data,
            store: r.store,
            log,
            now,
            options: { allowPrivateNetworks: true, retryMs: 50 },
            webhook: async (inboxId) => ({ inboxId, url, secret: 'a-secret-of-the-test' }),
          }),
        );
      }
      await outboxes[0]!.enqueue(w.messageId, w.conversationId, w.inboxId);
      outboxes[1]!.kick();
      await until('the reply marked sent', async () => (await deliveryOf(two.store, w.messageId)) === 'sent');
      // Both passes are over (each read the row once and tried to claim it) before counting.
      await new Promise((r) => setTimeout(r, 200));
      expect(hits).toEqual([w.messageId]);
      expect(await one.webhook.outboxRow(w.messageId)).toMatchObject({ state: 'sent', attempts: 1 });
    } finally {
      for (const o of outboxes) o.close();
      await new Promise((r) => receiver.close(r));
      await dispose();
    }
  });

  it("leaves a webhook reply alone while another relay's attempt of it is under way", async () => {
    const { one, two, dispose } = await make();
    const hits: string[] = [];
    const held: ServerResponse[] = [];
    const receiver: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        hits.push(String(req.headers['idempotency-key']));
        held.push(res);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const [first, second] = [one, two].map((r) =>
      createWebhookOutbox({
        data: r.webhook,
        store: r.store,
        log,
        now,
        options: { allowPrivateNetworks: true, retryMs: 50, timeoutMs: 60_000 },
        webhook: async (inboxId) => ({ inboxId, url, secret: 'a-secret-of-the-test' }),
      }),
    );
    try {
      const w = await world(one, 'api');
      await first!.enqueue(w.messageId, w.conversationId, w.inboxId);
      await until('the first attempt', () => hits.length === 1);
      expect(await two.webhook.outboxRow(w.messageId)).toMatchObject({ state: 'sending', attempts: 1 });
      for (let i = 0; i < 5; i++) {
        second!.kick();
        await new Promise((r) => setTimeout(r, 60));
      }
      expect(hits).toEqual([w.messageId]);
      held.shift()!.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      await until('the reply marked sent', async () => (await deliveryOf(two.store, w.messageId)) === 'sent');
      expect(hits).toEqual([w.messageId]);
    } finally {
      first!.close();
      second!.close();
      for (const r of held) r.destroy();
      await new Promise((r) => receiver.close(r));
      await dispose();
    }
  });

  describe.skipIf(mailMissing !== null)('with Dovecot and Postfix', () => {
    let mail: MailServers;
    beforeAll(async () => {
      mail = await startMailServers([SHOP, ANN]);
    }, 60_000);
    afterAll(async () => {
      await mail?.stop();
    });

    it('hands an email reply to SMTP once when two relays read its row at the same moment', async () => {
      const { one, two, dispose } = await make();
      const outboxes: ReturnType<typeof createOutbox>[] = [];
      try {
        const w = await world(one, 'email');
        const account: EmailAccount = {
          inboxId: w.inboxId,
          address: SHOP.address,
          fromName: 'Shop',
          imap: {
            host: '127.0.0.1',
            port: mail.imapPort,
            tls: 'none',
            user: SHOP.address,
            password: SHOP.password,
            folder: 'INBOX',
          },
          smtp: { host: '127.0.0.1', port: mail.smtpPort, tls: 'none', user: null, password: null },
          importDays: 14,
        };
        const meet = barrier(2);
        for (const r of [one, two])
          outboxes.push(
            createOutbox({
              data: meetingAt(r.email, meet),
              store: r.store,
              log,
              now,
              account: async () => account,
              files: { meta: () => null, bytes: () => Buffer.alloc(0) },
            }),
          );
        await outboxes[0]!.enqueue(w.messageId, w.conversationId, w.inboxId);
        outboxes[1]!.kick();
        await until(
          'the reply marked sent',
          async () => (await deliveryOf(two.store, w.messageId)) === 'sent',
          800,
        );
        const row = await one.email.outboxRow(w.messageId);
        expect(row).toMatchObject({ state: 'sent', attempts: 1 });
        const headerId = row!.header_id;
        const got = await until('the mail in the customer mailbox', async () => {
          const all = (await mail.messages(ANN)).filter((m) => m.includes(headerId));
          return all.length ? all : null;
        });
        await new Promise((r) => setTimeout(r, 500));
        expect((await mail.messages(ANN)).filter((m) => m.includes(headerId))).toHaveLength(1);
        expect(got[0]).toContain('It ships today.');
      } finally {
        for (const o of outboxes) o.close();
        await dispose();
      }
    }, 60_000);
  });
}

const mailMissing = mailServersMissing();

describe('relay channels once, on SQLite (one process: both sides share the file)', () => {
  channelsOnce(async () => {
    const db = openMemoryDatabase();
    const store = asyncSqliteStore(createStore(db, now));
    const relay: Relay = {
      store,
      identity: createSqliteIdentity(db, store),
      inbound: createSqliteInboundData(db, store),
      email: createSqliteEmailData(db, store),
      webhook: createSqliteWebhookData(db, store),
    };
    return { one: relay, two: relay, dispose: async () => void db.close() };
  }, mailMissing);
});

const missing = postgresMissing();
if (missing) console.warn(`channels on PostgreSQL skipped: ${missing}`);

describe.skipIf(missing !== null)('relay channels once, on PostgreSQL (two relays: a pool each)', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function relayOn(url: string): Promise<Relay & { close(): Promise<void> }> {
    const store = await createPgStore({ connectionString: url, now });
    return {
      store,
      identity: createPgIdentity(store),
      inbound: createPgInboundData(store),
      email: createPgEmailData(store),
      webhook: createPgWebhookData(store),
      close: () => store.close(),
    };
  }

  channelsOnce(async () => {
    const url = await server.createDatabase();
    const one = await relayOn(url);
    const two = await relayOn(url);
    return {
      one,
      two,
      dispose: async () => {
        await one.close();
        await two.close();
      },
    };
  }, mailMissing);
});
