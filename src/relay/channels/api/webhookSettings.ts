import type { InboxWebhookView } from '../../../shared/relayRoutes';
import type { Database } from '../../data/db';
import { createSealer } from '../../data/sealing';

/** An inbox's webhook, secret in clear: only inside the relay process, never answered or logged. */
export type Webhook = { inboxId: string; url: string; secret: string };

/** What admins read back: the URL and that a secret is set, never the secret. */
export type WebhookView = InboxWebhookView;

type Row = {
  inbox_id: string;
  url: string;
  secret: Buffer;
  from_seq: number;
  updated_at: number;
  updated_by: string | null;
};

export const WEBHOOK_KEY_FILE = 'webhook.key';

export type WebhookSettings = ReturnType<typeof createWebhookSettings>;

/**
 * Per-inbox API webhooks in the relay database (table `api_webhooks`), the signing secret sealed
 * with AES-256-GCM under `<data>/webhook.key` (see sealing.ts), bound to its inbox.
 */
export function createWebhookSettings(d: { db: Database; dataDir: string; now: () => number }) {
  const sealer = createSealer(d.dataDir, WEBHOOK_KEY_FILE, 'switchboard/api-webhook-secret/v1');
  const q = {
    get: d.db.prepare<[string], Row>('SELECT * FROM api_webhooks WHERE inbox_id = ?'),
    upsert: d.db.prepare(
      `INSERT INTO api_webhooks (inbox_id, url, secret, from_seq, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (inbox_id) DO UPDATE SET url = excluded.url, secret = excluded.secret,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ),
    remove: d.db.prepare('DELETE FROM api_webhooks WHERE inbox_id = ?'),
  };

  return {
    /** The webhook with its secret opened (throws when webhook.key is not the one it was sealed with). */
    get(inboxId: string): Webhook | null {
      const r = q.get.get(inboxId);
      return r ? { inboxId: r.inbox_id, url: r.url, secret: sealer.open(r.inbox_id, r.secret) } : null;
    },

    view(inboxId: string): WebhookView | null {
      const r = q.get.get(inboxId);
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
    save(w: Webhook, actorId: string | null, head: number): void {
      q.upsert.run(w.inboxId, w.url, sealer.seal(w.inboxId, w.secret), head, d.now(), actorId);
    },

    remove(inboxId: string): boolean {
      return q.remove.run(inboxId).changes > 0;
    },
  };
}
