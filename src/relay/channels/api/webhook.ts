import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Change } from '../../../shared/sync/entities';
import { outgoingReplies, type OutgoingReply } from '../outgoingReplies';
import type { HlcClock } from '../../../shared/sync/hlc';
import type { Logger } from '../../core/logger';
import type { AsyncStore } from '../../data/asyncStore';
import type { IdentityReads } from '../../data/identityData';
import type { WebhookData } from '../../data/webhookData';
import type { Directory } from '../../identity/directory';
import type { Audit } from '../../identity/audit';
import type { Auth } from '../../identity/auth';
import { createWebhookHttp } from './webhookHttp';
import { createWebhookOutbox, type WebhookOutboxOptions } from './webhookOutbox';
import { createWebhookSettings } from './webhookSettings';

/** The API webhook's limits (all optional, each with its default where it is used). */
export type WebhookOptions = WebhookOutboxOptions & {
  /** How long the test on save waits for the receiver's answer. Default 10 s. */
  testTimeoutMs?: number;
};

const ms = z.number().int().min(1).max(86_400_000);
/** The shape of `relay serve --webhook-options file.json`. */
export const webhookOptionsSchema = z
  .object({
    retryMs: ms,
    maxRetryMs: ms,
    maxAttempts: z.number().int().min(1).max(100),
    timeoutMs: ms,
    testTimeoutMs: ms,
    allowPrivateNetworks: z.boolean(),
  })
  .partial()
  .strict();

/**
 * The API channel's way back: per-inbox webhooks (admin routes) and the outbox POSTing agents'
 * replies on API conversations to them, signed. `onChanges` sees every committed change and
 * queues agents' new messages on API conversations.
 */
export function createApiWebhook(d: {
  /** The store as the channel reads and writes records (SQLite or PostgreSQL). */
  records: Pick<AsyncStore, 'get' | 'head' | 'transaction'>;
  data: WebhookData;
  identity: Pick<IdentityReads, 'inbox'>;
  auth: Auth;
  directory: Pick<Directory, 'oversees'>;
  audit: Audit;
  relayClock: HlcClock;
  log: Logger;
  dataDir: string;
  now: () => number;
  options?: WebhookOptions;
  /** This process is the only one on its database (SQLite; see WebhookOutbox `onlyRelay`). */
  onlyRelay?: boolean;
}) {
  const { testTimeoutMs, ...outboxOptions } = d.options ?? {};
  const settings = createWebhookSettings({ data: d.data, dataDir: d.dataDir, now: d.now });
  const outbox = createWebhookOutbox({
    data: d.data,
    store: d.records,
    log: d.log,
    now: d.now,
    options: outboxOptions,
    ...(d.onlyRelay ? { onlyRelay: true } : {}),
    webhook: async (inboxId) => {
      try {
        return await settings.get(inboxId);
      } catch (err) {
        d.log.error(
          { err, inbox: inboxId },
          'webhook secret cannot be opened (is webhook.key the one it was sealed with?); an admin must set it again',
        );
        return null;
      }
    },
  });
  const handle = createWebhookHttp({
    settings,
    store: d.records,
    auth: d.auth,
    directory: d.directory,
    audit: d.audit,
    relayClock: d.relayClock,
    log: d.log,
    now: d.now,
    allowPrivateNetworks: outboxOptions.allowPrivateNetworks === true,
    ...(testTimeoutMs ? { testTimeoutMs } : {}),
  });
  const replies = outgoingReplies(d.records, d.identity, 'api');
  const enqueue = (r: OutgoingReply) =>
    outbox
      .enqueue(r.messageId, r.conversationId, r.inboxId)
      .catch((err: unknown) => d.log.error({ err, message: r.messageId }, 'webhook reply not queued'));

  return {
    handle: (req: IncomingMessage, res: ServerResponse) => handle(req, res),

    /**
     * Queues replies the relay stopped before queueing (none but in a crash: in inboxes with a
     * webhook, since it was first set), and sends what is due (attempts cut short too).
     */
    async start(): Promise<void> {
      for (const m of await d.data.unqueuedReplies())
        await enqueue({ messageId: m.id, conversationId: m.conv_id, inboxId: m.inbox_id });
      outbox.kick();
    },

    /** Queues agents' new replies on API conversations (a second queueing of one does nothing). */
    onChanges(changes: readonly Change[]): void {
      replies(changes).then(
        (rs) => {
          for (const r of rs) void enqueue(r);
        },
        (err: unknown) => d.log.error({ err }, 'webhook replies not read from the commit'),
      );
    },

    close: () => outbox.close(),
  };
}
