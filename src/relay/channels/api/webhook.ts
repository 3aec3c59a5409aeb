import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Change } from '../../../shared/sync/entities';
import { outgoingReplies } from '../outgoingReplies';
import type { HlcClock } from '../../../shared/sync/hlc';
import type { Logger } from '../../core/logger';
import type { Database } from '../../data/db';
import type { Store } from '../../data/store';
import type { Accounts } from '../../identity/accounts';
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
  db: Database;
  store: Store;
  auth: Auth;
  accounts: Accounts;
  audit: Audit;
  relayClock: HlcClock;
  log: Logger;
  dataDir: string;
  now: () => number;
  options?: WebhookOptions;
}) {
  const { testTimeoutMs, ...outboxOptions } = d.options ?? {};
  const settings = createWebhookSettings({ db: d.db, dataDir: d.dataDir, now: d.now });
  const outbox = createWebhookOutbox({
    db: d.db,
    store: d.store,
    log: d.log,
    now: d.now,
    options: outboxOptions,
    webhook: (inboxId) => {
      try {
        return settings.get(inboxId);
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
    store: d.store,
    auth: d.auth,
    accounts: d.accounts,
    audit: d.audit,
    relayClock: d.relayClock,
    log: d.log,
    now: d.now,
    allowPrivateNetworks: outboxOptions.allowPrivateNetworks === true,
    ...(testTimeoutMs ? { testTimeoutMs } : {}),
  });
  const replies = outgoingReplies(d.db, d.store, 'api');
  // Replies committed while the relay stopped before queueing them (none but in a crash), in
  // inboxes with a webhook, since it was first set.
  const unqueued = d.db.prepare<[], { id: string; conv_id: string; inbox_id: string }>(
    `SELECT m.id, m.conv_id, w.inbox_id FROM records m
       JOIN records c ON c.entity = 'conversation' AND c.id = m.conv_id
       JOIN api_webhooks w ON w.inbox_id = json_extract(c.data, '$.inboxId')
     WHERE m.entity = 'message' AND m.deleted = 0 AND m.seq > w.from_seq
       AND json_extract(m.data, '$.direction') = 'out' AND json_extract(m.data, '$.delivery') IS NULL
       AND json_extract(c.data, '$.channel') = 'api'
       AND NOT EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.message_id = m.id)`,
  );

  return {
    handle: (req: IncomingMessage, res: ServerResponse) => handle(req, res),

    /** Queues replies the relay stopped before queueing, and sends what is due (attempts cut short too). */
    start(): void {
      for (const m of unqueued.all()) outbox.enqueue(m.id, m.conv_id, m.inbox_id);
      outbox.kick();
    },

    onChanges(changes: readonly Change[]): void {
      for (const r of replies(changes))
        if (!outbox.has(r.messageId)) outbox.enqueue(r.messageId, r.conversationId, r.inboxId);
    },

    close: () => outbox.close(),
  };
}
