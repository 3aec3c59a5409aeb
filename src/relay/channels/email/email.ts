import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Change } from '../../../shared/sync/entities';
import { outgoingReplies, type OutgoingReply } from '../outgoingReplies';
import type { Audit } from '../../identity/audit';
import type { Auth } from '../../identity/auth';
import type { Directory } from '../../identity/directory';
import type { AsyncStoreReads } from '../../data/asyncStore';
import type { EmailData } from '../../data/emailData';
import type { IdentityReads } from '../../data/identityData';
import type { Logger } from '../../core/logger';
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
  const settings = createEmailSettings({ data: d.data, dataDir: d.dataDir, now: d.now });
  const account = (inboxId: string) => openAccount(d, settings, inboxId);
  const c: EmailChannelContext = { d, account, ...createMailParts(d, account), readers: new Map() };
  const { outbox } = c;
  const replies = outgoingReplies(d.records, d.identity, 'email');
  const admin = createEmailSettingsHttp({
    settings,
    auth: d.auth,
    identity: d.identity,
    directory: d.directory,
    audit: d.audit,
    log: d.log,
    ...(d.options?.connect ? { connect: d.options.connect } : {}),
    onChanged: (inboxId) =>
      void restartReader(c, inboxId).catch((err: unknown) =>
        d.log.error({ err, inbox: inboxId }, 'mailbox restart failed'),
      ),
  });
  const remoteImages = createRemoteImagesRoute({
    records: d.records,
    auth: d.auth,
    directory: d.directory,
    audit: d.audit,
    log: d.log,
    ...(d.options?.remoteImages ? { options: d.options.remoteImages } : {}),
  });
  const enqueue = (r: OutgoingReply) =>
    outbox
      .enqueue(r.messageId, r.conversationId, r.inboxId)
      .catch((err: unknown) => d.log.error({ err, message: r.messageId }, 'email reply not queued'));

  return {
    handle: async (req: IncomingMessage, res: ServerResponse) =>
      (await remoteImages(req, res)) || admin(req, res),

    /** Starts every configured mailbox, and queues replies written while the relay was down. */
    async start(): Promise<void> {
      for (const id of await settings.inboxIds()) await startReader(c, id);
      for (const m of await d.data.unqueuedReplies())
        await enqueue({ messageId: m.id, conversationId: m.conv_id, inboxId: m.inbox_id });
      outbox.kick();
    },

    /** Queues agents' new replies on email conversations (a second queueing of one does nothing). */
    onChanges(changes: readonly Change[]): void {
      replies(changes).then(
        (rs) => {
          for (const r of rs) void enqueue(r);
        },
        (err: unknown) => d.log.error({ err }, 'email replies not read from the commit'),
      );
    },

    status: (inboxId: string) => c.readers.get(inboxId)?.status() ?? null,

    close: () => closeChannel(c),
  };
}

type EmailChannelDeps = {
  /** The store as the channel reads records (committed data). */
  records: Pick<AsyncStoreReads, 'get' | 'scopeOf'>;
  data: EmailData;
  identity: Pick<IdentityReads, 'inbox'>;
  directory: Pick<Directory, 'oversees' | 'teamIdsOf'>;
  inbound: ReturnType<typeof createInbound>;
  auth: Auth;
  audit: Audit;
  log: Logger;
  dataDir: string;
  now: () => number;
  options?: EmailOptions;
};

type MailAccountOf = (inboxId: string) => Promise<EmailAccount | null>;

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
async function openAccount(
  d: EmailChannelDeps,
  settings: EmailSettings,
  inboxId: string,
): Promise<EmailAccount | null> {
  try {
    return await settings.get(inboxId);
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
    data: d.data,
    store: d.records,
    log: d.log,
    now: d.now,
    account,
    ...(d.options?.outbox ? { options: d.options.outbox } : {}),
  });
  const intake = createIntake({
    data: d.data,
    files,
    log: d.log,
    inbound: d.inbound,
    now: d.now,
    ownCopy: (inboxId, headerId) => outbox.ownCopy(inboxId, headerId),
    bounced: (inboxId, headerId, reason) => outbox.bounced(inboxId, headerId, reason),
  });
  return { outbox, intake };
}

/** Starts reading the inbox's mailbox, unless its account cannot be opened. */
async function startReader(c: EmailChannelContext, inboxId: string): Promise<void> {
  const a = await c.account(inboxId);
  if (!a) return;
  const { d } = c;
  c.readers
    .get(inboxId)
    ?.stop()
    .catch(() => undefined);
  c.readers.set(
    inboxId,
    runMailbox({
      account: a,
      data: d.data,
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
  await startReader(c, inboxId);
  c.outbox.kick();
}

async function closeChannel(c: EmailChannelContext): Promise<void> {
  c.outbox.close();
  await Promise.all([...c.readers.values()].map((r) => r.stop()));
  c.readers.clear();
}
