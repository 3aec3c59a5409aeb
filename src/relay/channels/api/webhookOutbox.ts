import type { MessageData } from '../../../shared/sync/entities';
import type { Logger } from '../../core/logger';
import type { Database } from '../../data/db';
import type { Store } from '../../data/store';
import {
  createOutboxWorker,
  markDelivery,
  recordState,
  retryWait,
  type Backoff,
  type OutboxWorker,
} from '../outbox/outbox';
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

type Deps = {
  db: Database;
  store: Store;
  log: Logger;
  now: () => number;
  webhook: (inboxId: string) => Webhook | null;
  options?: WebhookOutboxOptions;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
};

/** What the outbox's functions share: its deps, its limits, its statements and its worker. */
type Ctx = Deps & {
  o: WebhookOutboxOptions;
  backoff: Backoff;
  maxAttempts: number;
  q: ReturnType<typeof statements>;
  inFlight: AbortController;
  worker: () => OutboxWorker;
};

function statements(db: Database) {
  return {
    add: db.prepare(
      `INSERT OR IGNORE INTO webhook_outbox (message_id, inbox_id, conversation_id, state, next_at, created_at, updated_at)
       VALUES (?, ?, ?, 'queued', ?, ?, ?)`,
    ),
    get: db.prepare<[string], Row>('SELECT * FROM webhook_outbox WHERE message_id = ?'),
    due: db.prepare<[number], Row>(
      `SELECT * FROM webhook_outbox WHERE state IN ('queued', 'sending') AND next_at <= ?
       ORDER BY next_at, created_at LIMIT 50`,
    ),
    soonest: db
      .prepare<[], number | null>(
        "SELECT min(next_at) FROM webhook_outbox WHERE state IN ('queued', 'sending')",
      )
      .pluck(),
    set: db.prepare(
      'UPDATE webhook_outbox SET state = ?, reason = ?, attempts = ?, next_at = ?, updated_at = ? WHERE message_id = ?',
    ),
  };
}

function set(c: Ctx, r: Row, state: Row['state'], reason: string | null, nextAt = r.next_at): void {
  recordState(c, r.message_id, state, reason, () =>
    c.q.set.run(state, reason, r.attempts, nextAt, c.now(), r.message_id),
  );
}

/** The event for a reply, from its records as they are now; null when the message is gone. */
function eventOf(store: Store, r: Row): WebhookEvent | null {
  const msg = store.get('message', r.message_id);
  if (!msg || msg.deleted) return null;
  const m = msg.data as MessageData;
  const conv = store.get('conversation', r.conversation_id)?.data ?? {};
  const customer = store.get('customer', m.customerId)?.data ?? {};
  const agent = m.authorId ? store.get('agent', m.authorId)?.data : undefined;
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

/** POSTs a reply once (claimed as `sending` first) and records the receiver's answer. */
async function send(c: Ctx, r: Row): Promise<void> {
  const hook = c.webhook(r.inbox_id);
  const event = eventOf(c.store, r);
  if (!hook) return set(c, r, 'refused', 'The inbox has no webhook; an admin sets one.');
  if (!event) return set(c, r, 'refused', 'The message is gone.');
  r = { ...r, attempts: r.attempts + 1 };
  set(c, r, 'sending', null);
  const a = await postWebhook({
    url: hook.url,
    secret: hook.secret,
    body: JSON.stringify(event),
    idempotencyKey: r.message_id,
    nowMs: c.now(),
    signal: c.inFlight.signal,
    allowPrivateNetworks: c.o.allowPrivateNetworks === true,
    ...(c.o.timeoutMs ? { timeoutMs: c.o.timeoutMs } : {}),
  });
  // Stopped in the middle: the row stays `sending`, so the next start makes the attempt again.
  if (c.worker().isClosed()) return;
  if (a.outcome === 'delivered') set(c, r, 'sent', null);
  else if (a.outcome === 'refused') set(c, r, 'refused', a.reason);
  else if (r.attempts >= c.maxAttempts)
    set(c, r, 'refused', `Gave up after ${r.attempts} attempts. ${a.reason}`);
  else set(c, r, 'queued', a.reason, c.now() + retryWait(r.attempts, c.backoff));
  c.log[a.outcome === 'delivered' ? 'info' : 'warn'](
    { message: r.message_id, inbox: r.inbox_id, attempt: r.attempts, outcome: a.outcome, reason: a.reason },
    'webhook delivery',
  );
}

/**
 * The API channel's outbox: an agent's reply on an API conversation is recorded (queued) when it
 * is committed, then POSTed to its inbox's webhook (deliver.ts) until the receiver takes it (2xx:
 * sent) or refuses it (4xx but 408 and 429: refused, with its words); other failures wait
 * `retryMs` doubling to `maxRetryMs`, with jitter, up to `maxAttempts`. Each attempt is marked
 * `sending` (committed) before the request, so an attempt the relay stopped in the middle of is
 * made again after a restart with the same Idempotency-Key, and a reply recorded as sent is never
 * sent again. The delivery state is written onto the message record, so apps show it. The queue,
 * the passes and the delivery marks are the outbox core's (channels/outbox).
 */
export function createWebhookOutbox(d: Deps) {
  const o = d.options ?? {};
  const q = statements(d.db);
  const c: Ctx = {
    ...d,
    o,
    backoff: {
      retryMs: o.retryMs ?? 30_000,
      maxRetryMs: o.maxRetryMs ?? 3_600_000,
      random: d.random ?? Math.random,
    },
    maxAttempts: o.maxAttempts ?? 10,
    q,
    inFlight: new AbortController(),
    worker: () => worker,
  };
  const worker = createOutboxWorker<Row>({
    log: d.log,
    what: 'webhook outbox',
    now: d.now,
    due: () => q.due.all(d.now()),
    visit: (r) => send(c, r),
    nextDue: () => q.soonest.get(),
  });

  return {
    /** Records an agent's reply (queued) and starts sending; a second call for it does nothing. */
    enqueue(messageId: string, conversationId: string, inboxId: string): void {
      const now = d.now();
      d.store.transaction(() => {
        if (q.add.run(messageId, inboxId, conversationId, now, now, now).changes === 0) return;
        markDelivery(d, messageId, 'queued');
      });
      worker.kick();
    },
    has: (messageId: string) => q.get.get(messageId) !== undefined,
    kick: worker.kick,
    /** Stops sending; an attempt under way is dropped unanswered and made again on the next start. */
    close(): void {
      worker.close();
      c.inFlight.abort();
    },
  };
}

export type WebhookOutbox = ReturnType<typeof createWebhookOutbox>;
