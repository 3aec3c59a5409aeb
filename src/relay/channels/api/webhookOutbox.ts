import type { DeliveryState, MessageData } from '../../../shared/sync/entities';
import { guarded } from '../../core/guard';
import type { Logger } from '../../core/logger';
import type { Database } from '../../data/db';
import type { Store } from '../../data/store';
import { postWebhook } from './deliver';
import type { Webhook } from './webhookSettings';

/** Limits of webhook delivery; every one has a default. */
export type WebhookOutboxOptions = {
  /** First wait after a failed attempt (5xx, 408, 429, no answer); doubles per attempt, with jitter. Default 30 s. */
  retryMs?: number;
  /** The longest wait between attempts. Default 1 h. */
  maxRetryMs?: number;
  /** Attempts before a reply that keeps failing counts as refused. Default 10. */
  maxAttempts?: number;
  /** How long one attempt waits for the receiver's answer. Default 10 s. */
  timeoutMs?: number;
  /** Webhooks may be on loopback and private networks (an on-premises receiver). Default false. */
  allowPrivateNetworks?: boolean;
};

type Row = {
  message_id: string;
  inbox_id: string;
  conversation_id: string;
  state: 'queued' | 'sending' | 'sent' | 'refused';
  attempts: number;
  next_at: number;
};

/** What the receiver gets for an agent's reply (README: API channel). */
export type WebhookEvent = {
  type: 'message.created';
  /** The message's id, also the Idempotency-Key header: the same on every attempt. */
  id: string;
  inboxId: string;
  conversationId: string;
  /** The poster's own id for the conversation, as it gave it (`externalId`), else null. */
  externalId: string | null;
  customer: { id: string; name: string };
  message: {
    id: string;
    body: string;
    createdAt: string;
    author: { id: string | null; name: string };
    attachments: { id: string; name: string; size: number; type: string }[];
  };
};

const SYSTEM = { mutationId: null, agentId: null };

/**
 * The API channel's outbox: an agent's reply on an API conversation is recorded (queued) when it
 * is committed, then POSTed to its inbox's webhook (deliver.ts) until the receiver takes it (2xx:
 * sent) or refuses it (4xx but 408 and 429: refused, with its words); other failures wait
 * `retryMs` doubling to `maxRetryMs`, with jitter, up to `maxAttempts`. Each attempt is marked
 * `sending` (committed) before the request, so an attempt the relay stopped in the middle of is
 * made again after a restart with the same Idempotency-Key, and a reply recorded as sent is never
 * sent again. The delivery state is written onto the message record, so apps show it.
 */
export function createWebhookOutbox(d: {
  db: Database;
  store: Store;
  log: Logger;
  now: () => number;
  webhook: (inboxId: string) => Webhook | null;
  options?: WebhookOutboxOptions;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
}) {
  const o = d.options ?? {};
  const retryMs = o.retryMs ?? 30_000;
  const maxRetryMs = o.maxRetryMs ?? 3_600_000;
  const maxAttempts = o.maxAttempts ?? 10;
  const random = d.random ?? Math.random;
  const q = {
    add: d.db.prepare(
      `INSERT OR IGNORE INTO webhook_outbox (message_id, inbox_id, conversation_id, state, next_at, created_at, updated_at)
       VALUES (?, ?, ?, 'queued', ?, ?, ?)`,
    ),
    get: d.db.prepare<[string], Row>('SELECT * FROM webhook_outbox WHERE message_id = ?'),
    due: d.db.prepare<[number], Row>(
      `SELECT * FROM webhook_outbox WHERE state IN ('queued', 'sending') AND next_at <= ?
       ORDER BY next_at, created_at LIMIT 50`,
    ),
    soonest: d.db
      .prepare<[], number | null>(
        "SELECT min(next_at) FROM webhook_outbox WHERE state IN ('queued', 'sending')",
      )
      .pluck(),
    set: d.db.prepare(
      'UPDATE webhook_outbox SET state = ?, reason = ?, attempts = ?, next_at = ?, updated_at = ? WHERE message_id = ?',
    ),
  };

  /** Writes the delivery state onto the message record, so apps show it. */
  function mark(messageId: string, state: DeliveryState, reason?: string | null): void {
    const rec = d.store.get('message', messageId);
    if (!rec) return;
    const delivery = {
      state,
      at: new Date(d.now()).toISOString(),
      ...(reason ? { reason: reason.slice(0, 500) } : {}),
    };
    d.store.put({ ...rec, data: { ...rec.data, delivery } }, SYSTEM);
  }

  function set(r: Row, state: Row['state'], reason: string | null, nextAt = r.next_at): void {
    d.store.transaction(() => {
      q.set.run(state, reason, r.attempts, nextAt, d.now(), r.message_id);
      if (state !== 'sending') mark(r.message_id, state, reason);
    });
  }

  /** The event for a reply, from its records as they are now; null when the message is gone. */
  function eventOf(r: Row): WebhookEvent | null {
    const msg = d.store.get('message', r.message_id);
    if (!msg || msg.deleted) return null;
    const m = msg.data as MessageData;
    const conv = d.store.get('conversation', r.conversation_id)?.data ?? {};
    const customer = d.store.get('customer', m.customerId)?.data ?? {};
    const agent = m.authorId ? d.store.get('agent', m.authorId)?.data : undefined;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      type: 'message.created',
      id: r.message_id,
      inboxId: r.inbox_id,
      conversationId: r.conversation_id,
      externalId: typeof conv['externalId'] === 'string' ? conv['externalId'] : null,
      customer: { id: m.customerId, name: str(customer['name']) },
      message: {
        id: r.message_id,
        body: m.body,
        createdAt: m.createdAt,
        author: { id: m.authorId, name: str(agent?.['name']) },
        attachments: (m.attachments ?? []).map((a) => ({
          id: a.id,
          name: a.name,
          size: a.size,
          type: a.type,
        })),
      },
    };
  }

  /** The wait before attempt `attempts + 1`: retryMs doubling to maxRetryMs, half of it jitter. */
  const backoff = (attempts: number) => {
    const full = Math.min(maxRetryMs, retryMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(full / 2 + (full / 2) * random());
  };

  let closed = false;
  const inFlight = new AbortController();

  async function send(r: Row): Promise<void> {
    const hook = d.webhook(r.inbox_id);
    const event = eventOf(r);
    if (!hook) return set(r, 'refused', 'The inbox has no webhook; an admin sets one.');
    if (!event) return set(r, 'refused', 'The message is gone.');
    r = { ...r, attempts: r.attempts + 1 };
    set(r, 'sending', null);
    const a = await postWebhook({
      url: hook.url,
      secret: hook.secret,
      body: JSON.stringify(event),
      idempotencyKey: r.message_id,
      nowMs: d.now(),
      signal: inFlight.signal,
      allowPrivateNetworks: o.allowPrivateNetworks === true,
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    });
    // Stopped in the middle: the row stays `sending`, so the next start makes the attempt again.
    if (closed) return;
    if (a.outcome === 'delivered') set(r, 'sent', null);
    else if (a.outcome === 'refused') set(r, 'refused', a.reason);
    else if (r.attempts >= maxAttempts)
      set(r, 'refused', `Gave up after ${r.attempts} attempts. ${a.reason}`);
    else set(r, 'queued', a.reason, d.now() + backoff(r.attempts));
    d.log[a.outcome === 'delivered' ? 'info' : 'warn'](
      { message: r.message_id, inbox: r.inbox_id, attempt: r.attempts, outcome: a.outcome, reason: a.reason },
      'webhook delivery',
    );
  }

  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  async function work(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        for (const r of q.due.all(d.now())) {
          if (closed) return;
          await send(r);
        }
      } while (again && !closed);
      const soonest = closed ? null : q.soonest.get();
      if (timer) clearTimeout(timer);
      timer = null;
      if (soonest !== null && soonest !== undefined) {
        timer = setTimeout(kick, Math.max(50, soonest - d.now()));
        timer.unref();
      }
    } finally {
      running = false;
    }
  }

  const kick = guarded(d.log, 'webhook outbox', () => work());

  return {
    /** Records an agent's reply (queued) and starts sending; a second call for it does nothing. */
    enqueue(messageId: string, conversationId: string, inboxId: string): void {
      const now = d.now();
      d.store.transaction(() => {
        if (q.add.run(messageId, inboxId, conversationId, now, now, now).changes === 0) return;
        mark(messageId, 'queued');
      });
      kick();
    },
    has: (messageId: string) => q.get.get(messageId) !== undefined,
    kick,
    /** Stops sending; an attempt under way is dropped unanswered and made again on the next start. */
    close(): void {
      closed = true;
      inFlight.abort();
      if (timer) clearTimeout(timer);
    },
  };
}

export type WebhookOutbox = ReturnType<typeof createWebhookOutbox>;
