import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Change } from '../../../shared/sync/entities';
import { outgoingReplies } from '../outgoingReplies';
import type { Accounts } from '../../identity/accounts';
import type { Audit } from '../../identity/audit';
import type { Auth } from '../../identity/auth';
import type { Database } from '../../data/db';
import type { Logger } from '../../core/logger';
import type { Store } from '../../data/store';
import type { createInbound } from '../inbound';
import type { MailConnectOptions } from './connect';
import { createIntake } from './intake';
import {
  createAttachmentStore,
  resolveAttachmentOptions,
  type AttachmentOptions,
} from '../webchat/attachments';
import { runMailbox, type MailboxOptions } from './mailbox';
import { createOutbox, type OutboxOptions } from './outbox';
import { createEmailSettings, type EmailAccount, type EmailSettings } from './settings';
import { createRemoteImagesRoute, type RemoteImageOptions } from './remoteImages';
import { createEmailSettingsHttp } from './settingsHttp';

/** The email channel's limits (all optional, each with its default where it is used). */
export type EmailOptions = {
  mailbox?: MailboxOptions;
  outbox?: OutboxOptions;
  connect?: MailConnectOptions;
  /** Limits of files kept from mail: as web chat files (10 MiB, 5 per message, sniffed types). */
  attachments?: AttachmentOptions;
  /** Fetching a mail's remote images when an agent allows them (limits; private hosts refused). */
  remoteImages?: RemoteImageOptions;
};

const ms = z.number().int().min(1).max(86_400_000);
/** The shape of `relay serve --mail-options file.json`. */
export const emailOptionsSchema = z
  .object({
    mailbox: z
      .object({
        pollIntervalMs: ms,
        retryMs: ms,
        maxRetryMs: ms,
        batchSize: z.number().int().min(1).max(1000),
        connectTimeoutMs: ms,
        socketTimeoutMs: ms,
      })
      .partial()
      .strict()
      .optional(),
    outbox: z
      .object({
        confirmWindowMs: ms,
        retryMs: ms,
        maxAttempts: z.number().int().min(1).max(100),
        connectTimeoutMs: ms,
        socketTimeoutMs: ms,
      })
      .partial()
      .strict()
      .optional(),
    connect: z.object({ connectTimeoutMs: ms, socketTimeoutMs: ms }).partial().strict().optional(),
    remoteImages: z
      .object({
        maxImages: z.number().int().min(0).max(200),
        maxBytes: z
          .number()
          .int()
          .min(1)
          .max(50 * 1024 * 1024),
        timeoutMs: ms,
        maxRedirects: z.number().int().min(0).max(10),
        allowPrivateHosts: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

/**
 * The email channel: per-inbox mailbox accounts (admin routes), one reader per account turning
 * mail into conversations, and the outbox sending agents' replies. `onChanges` sees every
 * committed change and queues agents' new messages on email conversations.
 */
export function createEmailChannel(d: EmailChannelDeps) {
  const settings = createEmailSettings({ db: d.db, dataDir: d.dataDir, now: d.now });
  const account = (inboxId: string) => openAccount(d, settings, inboxId);
  const c: EmailChannelContext = { d, account, ...createMailParts(d, account), readers: new Map() };
  const { outbox } = c;
  const replies = outgoingReplies(d.db, d.store, 'email');
  const unqueued = unqueuedRepliesStatement(d.db);
  const admin = createEmailSettingsHttp({
    settings,
    auth: d.auth,
    accounts: d.accounts,
    audit: d.audit,
    db: d.db,
    log: d.log,
    ...(d.options?.connect ? { connect: d.options.connect } : {}),
    onChanged: (inboxId) =>
      void restartReader(c, inboxId).catch((err: unknown) =>
        d.log.error({ err, inbox: inboxId }, 'mailbox restart failed'),
      ),
  });
  const remoteImages = createRemoteImagesRoute({
    store: d.store,
    auth: d.auth,
    accounts: d.accounts,
    audit: d.audit,
    log: d.log,
    ...(d.options?.remoteImages ? { options: d.options.remoteImages } : {}),
  });

  return {
    handle: async (req: IncomingMessage, res: ServerResponse) =>
      (await remoteImages(req, res)) || admin(req, res),

    /** Starts every configured mailbox, and queues replies written while the relay was down. */
    start(): void {
      for (const id of settings.inboxIds()) startReader(c, id);
      for (const m of unqueued.all()) outbox.enqueue(m.id, m.conv_id, m.inbox_id);
      outbox.kick();
    },

    onChanges(changes: readonly Change[]): void {
      for (const r of replies(changes))
        if (!outbox.has(r.messageId)) outbox.enqueue(r.messageId, r.conversationId, r.inboxId);
    },

    status: (inboxId: string) => c.readers.get(inboxId)?.status() ?? null,

    close: () => closeChannel(c),
  };
}

type EmailChannelDeps = {
  db: Database;
  store: Store;
  inbound: ReturnType<typeof createInbound>;
  auth: Auth;
  accounts: Accounts;
  audit: Audit;
  log: Logger;
  dataDir: string;
  now: () => number;
  options?: EmailOptions;
};

type MailAccountOf = (inboxId: string) => EmailAccount | null;

/** What the channel's module functions share: its deps, accounts, mail parts and running readers. */
type EmailChannelContext = {
  d: EmailChannelDeps;
  account: MailAccountOf;
  intake: ReturnType<typeof createIntake>;
  outbox: ReturnType<typeof createOutbox>;
  /** The running reader of each inbox, by inbox id. */
  readers: Map<string, ReturnType<typeof runMailbox>>;
};

/** An inbox's mail account, or null (logged) when its passwords cannot be opened. */
function openAccount(d: EmailChannelDeps, settings: EmailSettings, inboxId: string): EmailAccount | null {
  try {
    return settings.get(inboxId);
  } catch (err) {
    d.log.error(
      { err, inbox: inboxId },
      'mailbox password cannot be opened (is email.key the one it was sealed with?); an admin must set it again',
    );
    return null;
  }
}

/** The mail's file store, the outbox sending replies, and the intake turning mail into conversations. */
function createMailParts(d: EmailChannelDeps, account: MailAccountOf) {
  const files = createAttachmentStore(d.dataDir, resolveAttachmentOptions(d.options?.attachments), d.now);
  const outbox = createOutbox({
    files,
    db: d.db,
    store: d.store,
    log: d.log,
    now: d.now,
    account,
    ...(d.options?.outbox ? { options: d.options.outbox } : {}),
  });
  const intake = createIntake({
    db: d.db,
    files,
    log: d.log,
    inbound: d.inbound,
    now: d.now,
    ownCopy: (inboxId, headerId) => outbox.ownCopy(inboxId, headerId),
    bounced: (inboxId, headerId, reason) => outbox.bounced(inboxId, headerId, reason),
  });
  return { outbox, intake };
}

/** Agents' email replies not yet in the outbox (written while the relay was down), with their inbox. */
function unqueuedRepliesStatement(db: Database) {
  return db.prepare<[], { id: string; conv_id: string; inbox_id: string }>(
    `SELECT r.id, r.conv_id, t.inbox_id FROM records r JOIN email_threads t ON t.conversation_id = r.conv_id
     WHERE r.entity = 'message' AND r.deleted = 0 AND json_extract(r.data, '$.direction') = 'out'
       AND json_extract(r.data, '$.delivery') IS NULL
       AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.message_id = r.id)`,
  );
}

/** Starts reading the inbox's mailbox, unless its account cannot be opened. */
function startReader(c: EmailChannelContext, inboxId: string): void {
  const a = c.account(inboxId);
  if (!a) return;
  const { d } = c;
  c.readers.set(
    inboxId,
    runMailbox({
      account: a,
      db: d.db,
      intake: c.intake,
      log: d.log,
      now: d.now,
      ...(d.options?.mailbox ? { options: d.options.mailbox } : {}),
    }),
  );
}

/** Stops the inbox's reader and starts it again with its current account (after an admin's change). */
async function restartReader(c: EmailChannelContext, inboxId: string): Promise<void> {
  const r = c.readers.get(inboxId);
  c.readers.delete(inboxId);
  await r?.stop();
  startReader(c, inboxId);
  c.outbox.kick();
}

async function closeChannel(c: EmailChannelContext): Promise<void> {
  c.outbox.close();
  await Promise.all([...c.readers.values()].map((r) => r.stop()));
  c.readers.clear();
}
