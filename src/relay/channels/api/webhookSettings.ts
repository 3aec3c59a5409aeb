import type { InboxWebhookView } from '../../../shared/relayRoutes';
import type { WebhookRepo } from '../../data/webhookData';
import { createSealer } from '../../data/sealing';

/** An inbox's webhook, secret in clear: only inside the relay process, never answered or logged. */
export type Webhook = { inboxId: string; url: string; secret: string };

/** What admins read back: the URL and that a secret is set, never the secret. */
export type WebhookView = InboxWebhookView;

export const WEBHOOK_KEY_FILE = 'webhook.key';

export type WebhookSettings = ReturnType<typeof createWebhookSettings>;

/**
 * Per-inbox API webhooks in the relay database (table `api_webhooks`), the signing secret sealed
 * with AES-256-GCM under `<data>/webhook.key` (see sealing.ts), bound to its inbox.
 */
export function createWebhookSettings(d: { data: WebhookRepo; dataDir: string; now: () => number }) {
  const sealer = createSealer(d.dataDir, WEBHOOK_KEY_FILE, 'switchboard/api-webhook-secret/v1');

  return {
    /** The webhook with its secret opened (rejects when webhook.key is not the one it was sealed with). */
    async get(inboxId: string): Promise<Webhook | null> {
      const r = await d.data.webhook(inboxId);
      return r ? { inboxId: r.inbox_id, url: r.url, secret: sealer.open(r.inbox_id, r.secret) } : null;
    },

    async view(inboxId: string): Promise<WebhookView | null> {
      const r = await d.data.webhook(inboxId);
      if (!r) return null;
      return {
        inboxId: r.inbox_id,
        url: r.url,
        secretSet: true,
        updatedAt: new Date(r.updated_at).toISOString(),
        updatedBy: r.updated_by,
      };
    },

    /**
     * Stores a tested webhook (the caller checked the inbox and the input); `head` is the log's
     * head now, kept from the first save (replies older than it are not sent on a restart's scan).
     */
    save(w: Webhook, actorId: string | null, head: number): Promise<void> {
      return d.data.saveWebhook({
        inbox_id: w.inboxId,
        url: w.url,
        secret: sealer.seal(w.inboxId, w.secret),
        from_seq: head,
        updated_at: d.now(),
        updated_by: actorId,
      });
    },

    remove: (inboxId: string): Promise<boolean> => d.data.removeWebhook(inboxId),
  };
}
