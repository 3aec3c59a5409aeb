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
import { createEmailSettings } from './settings';
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
export function createEmailChannel(d: {
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
}) {
  const settings = createEmailSettings({ db: d.db, dataDir: d.dataDir, now: d.now });
  const account = (inboxId: string) => {
    try {
      return settings.get(inboxId);
    } catch (err) {
      d.log.error(
        { err, inbox: inboxId },
        'mailbox password cannot be opened (is email.key the one it was sealed with?); an admin must set it again',
      );
      return null;
    }
  };
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
  const readers = new Map<string, ReturnType<typeof runMailbox>>();
  const replies = outgoingReplies(d.db, d.store, 'email');
  const unqueued = d.db.prepare<[], { id: string; conv_id: string; inbox_id: string }>(
    `SELECT r.id, r.conv_id, t.inbox_id FROM records r JOIN email_threads t ON t.conversation_id = r.conv_id
     WHERE r.entity = 'message' AND r.deleted = 0 AND json_extract(r.data, '$.direction') = 'out'
       AND json_extract(r.data, '$.delivery') IS NULL
       AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.message_id = r.id)`,
  );

  function startReader(inboxId: string): void {
    const a = account(inboxId);
    if (!a) return;
    readers.set(
      inboxId,
      runMailbox({
        account: a,
        db: d.db,
        intake,
        log: d.log,
        now: d.now,
        ...(d.options?.mailbox ? { options: d.options.mailbox } : {}),
      }),
    );
  }

  async function restart(inboxId: string): Promise<void> {
    const r = readers.get(inboxId);
    readers.delete(inboxId);
    await r?.stop();
    startReader(inboxId);
    outbox.kick();
  }

  const admin = createEmailSettingsHttp({
    settings,
    auth: d.auth,
    accounts: d.accounts,
    audit: d.audit,
    db: d.db,
    log: d.log,
    ...(d.options?.connect ? { connect: d.options.connect } : {}),
    onChanged: (inboxId) =>
      void restart(inboxId).catch((err: unknown) =>
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
      for (const id of settings.inboxIds()) startReader(id);
      for (const m of unqueued.all()) outbox.enqueue(m.id, m.conv_id, m.inbox_id);
      outbox.kick();
    },

    onChanges(changes: readonly Change[]): void {
      for (const r of replies(changes))
        if (!outbox.has(r.messageId)) outbox.enqueue(r.messageId, r.conversationId, r.inboxId);
    },

    status: (inboxId: string) => readers.get(inboxId)?.status() ?? null,

    async close(): Promise<void> {
      outbox.close();
      await Promise.all([...readers.values()].map((r) => r.stop()));
      readers.clear();
    },
  };
}
