import type { MessageData } from '../../../shared/sync/entities';
import type { Logger } from '../../core/logger';
import type { AsyncStoreReads } from '../../data/asyncStore';
import type { WebhookData, WebhookOutboxRow } from '../../data/webhookData';
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

type Row = WebhookOutboxRow;

/** How long past an attempt's own timeout its claim holds the row: relays' clocks may differ a little. */
export const CLAIM_GRACE_MS = 5_000;

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
  data: WebhookData;
  /** Where the records a reply's event is made of are read (committed data). */
  store: Pick<AsyncStoreReads, 'get'>;
  log: Logger;
  now: () => number;
  webhook: (inboxId: string) => Promise<Webhook | null>;
  /**
   * This process is the only one on its database (SQLite: one process owns the file), so a row
   * found `sending` is an attempt a stop cut short, made again at once. Otherwise (several relays
   * on PostgreSQL) another relay's attempt may be under way: a claim holds its row until the
   * attempt has surely ended (`timeoutMs` + CLAIM_GRACE_MS), and only then may a relay (any one)
   * make it again. Default false.
   */
  onlyRelay?: boolean;
  options?: WebhookOutboxOptions;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
};

/** What the outbox's functions share: its deps, its limits and its worker. */
type Ctx = Deps & {
  o: WebhookOutboxOptions;
  backoff: Backoff;
  maxAttempts: number;
  /** How long a claim holds its row from the claim (0: only this relay sends, no hold needed). */
  holdMs: number;
  inFlight: AbortController;
  worker: () => OutboxWorker;
};

/**
 * Records a row's new state, only while the row is still as `r` says (its state and attempts
 * when it was read): of two relays that read the same row, one writes. Resolves to whether it did.
 */
function set(
  c: Ctx,
  r: Row,
  state: Row['state'],
  reason: string | null,
  next: { attempts?: number; nextAt?: number } = {},
): Promise<boolean> {
  const change = {
    state,
    reason,
    attempts: next.attempts ?? r.attempts,
    next_at: next.nextAt ?? r.next_at,
    updated_at: c.now(),
  };
  return recordState(c, r.message_id, state, reason, (tx) =>
    tx.setOutbox(r.message_id, change, { state: r.state, attempts: r.attempts }),
  );
}

/** The event for a reply, from its records as they are now; null when the message is gone. */
async function eventOf(store: Pick<AsyncStoreReads, 'get'>, r: Row): Promise<WebhookEvent | null> {
  const msg = await store.get('message', r.message_id);
  if (!msg || msg.deleted) return null;
  const m = msg.data as MessageData;
  const [conv, customer, agent] = await Promise.all([
    store.get('conversation', r.conversation_id),
    store.get('customer', m.customerId),
    m.authorId ? store.get('agent', m.authorId) : null,
  ]);
  const convData = conv?.data ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    type: 'message.created',
    id: r.message_id,
    inboxId: r.inbox_id,
    conversationId: r.conversation_id,
    externalId: typeof convData['externalId'] === 'string' ? convData['externalId'] : null,
    customer: { id: m.customerId, name: str(customer?.data['name']) },
    message: {
      id: r.message_id,
      body: m.body,
      createdAt: m.createdAt,
      author: { id: m.authorId, name: str(agent?.data['name']) },
      attachments: (m.attachments ?? []).map((a) => ({
        id: a.id,
        name: a.name,
        size: a.size,
        type: a.type,
      })),
    },
  };
}

/**
 * POSTs a reply once: claimed as `sending` first (committed, and only if the row is still as
 * read: of two relays one claims it, the other leaves it), then the receiver's answer recorded.
 */
async function send(c: Ctx, r: Row): Promise<void> {
  const hook = await c.webhook(r.inbox_id);
  const event = await eventOf(c.store, r);
  if (!hook) return void (await set(c, r, 'refused', 'The inbox has no webhook; an admin sets one.'));
  if (!event) return void (await set(c, r, 'refused', 'The message is gone.'));
  const nextAt = c.holdMs ? c.now() + c.holdMs : r.next_at;
  const claimed: Row = { ...r, state: 'sending', attempts: r.attempts + 1, next_at: nextAt };
  if (!(await set(c, r, 'sending', null, { attempts: claimed.attempts, nextAt }))) return;
  r = claimed;
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
  if (a.outcome === 'delivered') await set(c, r, 'sent', null);
  else if (a.outcome === 'refused') await set(c, r, 'refused', a.reason);
  else if (r.attempts >= c.maxAttempts)
    await set(c, r, 'refused', `Gave up after ${r.attempts} attempts. ${a.reason}`);
  else await set(c, r, 'queued', a.reason, { nextAt: c.now() + retryWait(r.attempts, c.backoff) });
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
 * sent again. Several relays on one database each send what is due: claiming a row is a
 * conditional update (one relay wins it), and the claim holds the row while its attempt may be
 * under way (see `onlyRelay`), so one reply is attempted by one relay at a time. The delivery
 * state is written onto the message record, so apps show it. The queue, the passes and the
 * delivery marks are the outbox core's (channels/outbox).
 */
export function createWebhookOutbox(d: Deps) {
  const o = d.options ?? {};
  const c: Ctx = {
    ...d,
    o,
    backoff: {
      retryMs: o.retryMs ?? 30_000,
      maxRetryMs: o.maxRetryMs ?? 3_600_000,
      random: d.random ?? Math.random,
    },
    maxAttempts: o.maxAttempts ?? 10,
    holdMs: d.onlyRelay ? 0 : (o.timeoutMs ?? 10_000) + CLAIM_GRACE_MS,
    inFlight: new AbortController(),
    worker: () => worker,
  };
  const worker = createOutboxWorker<Row>({
    log: d.log,
    what: 'webhook outbox',
    now: d.now,
    due: () => d.data.outboxDue(d.now(), 50),
    visit: (r) => send(c, r),
    nextDue: () => d.data.outboxSoonest(),
  });

  return {
    /** Records an agent's reply (queued) and starts sending; a second call for it does nothing. */
    async enqueue(messageId: string, conversationId: string, inboxId: string): Promise<void> {
      const now = d.now();
      await d.data.transaction(async (tx) => {
        const row = { message_id: messageId, inbox_id: inboxId, conversation_id: conversationId };
        if (!(await tx.addToOutbox({ ...row, next_at: now, created_at: now }))) return;
        await markDelivery(tx.records, d.now(), messageId, 'queued');
      });
      worker.kick();
    },
    kick: worker.kick,
    /** Stops sending; an attempt under way is dropped unanswered and made again on the next start. */
    close(): void {
      worker.close();
      c.inFlight.abort();
    },
  };
}

export type WebhookOutbox = ReturnType<typeof createWebhookOutbox>;
