import type { AsyncStore, AsyncTx } from './asyncStore';
import type { Database } from './database';

// The API webhook's relay-only tables (never synced records: SQLite migration 011, PostgreSQL
// 012) as an asynchronous contract in the store's transaction style: each inbox's receiver URL
// with its sealed signing secret, and the outbox of agents' replies POSTed to it. SQLite answers
// here, PostgreSQL in postgres/pgWebhookData.ts; channels/api asks these questions, never SQL.
// Rows keep the SQLite shapes (times in ms, log positions as numbers).

/** An inbox's webhook as stored, its secret sealed. */
export type WebhookRow = {
  inbox_id: string;
  url: string;
  secret: Buffer;
  /** The log head when the inbox first got a webhook: replies before it were never its to send. */
  from_seq: number;
  updated_at: number;
  updated_by: string | null;
};

export type WebhookOutboxState = 'queued' | 'sending' | 'sent' | 'refused';

/** An agent's reply in the webhook outbox (its message id is the Idempotency-Key). */
export type WebhookOutboxRow = {
  message_id: string;
  inbox_id: string;
  conversation_id: string;
  state: WebhookOutboxState;
  attempts: number;
  next_at: number;
};

/** What an outbox row becomes. */
export type WebhookOutboxChange = Pick<WebhookOutboxRow, 'state' | 'attempts' | 'next_at'> & {
  reason: string | null;
  updated_at: number;
};

/** An agent's API reply that has no outbox row yet, with its inbox. */
export type UnqueuedApiReply = { id: string; conv_id: string; inbox_id: string };

/** Reads that a transaction and the repository both answer (in a transaction: its writes too). */
export type WebhookReads = {
  webhook(inboxId: string): Promise<WebhookRow | null>;
  outboxRow(messageId: string): Promise<WebhookOutboxRow | null>;
  /** Up to `limit` rows queued or being sent whose time has come (`next_at <= at`), soonest first. */
  outboxDue(at: number, limit: number): Promise<WebhookOutboxRow[]>;
  /** When the soonest row queued or being sent falls due, or null for none. */
  outboxSoonest(): Promise<number | null>;
  /**
   * Agents' replies on API conversations in inboxes with a webhook, written since it was first
   * set, with no delivery state and no outbox row.
   */
  unqueuedReplies(): Promise<UnqueuedApiReply[]>;
};

/** Writes: on a transaction they commit with it; on the repository each commits on its own. */
export type WebhookWrites = {
  /** Stores a webhook; an inbox's first keeps `from_seq`, a later save keeps the first's. */
  saveWebhook(row: WebhookRow): Promise<void>;
  /** Drops an inbox's webhook; false when it had none. */
  removeWebhook(inboxId: string): Promise<boolean>;
  /** Adds a reply to the outbox (queued); false when it is there already. */
  addToOutbox(
    row: Pick<WebhookOutboxRow, 'message_id' | 'inbox_id' | 'conversation_id' | 'next_at'> & {
      created_at: number;
    },
  ): Promise<boolean>;
  /**
   * Changes a row. With `expect`, only while the row is still in that state after that many
   * attempts (a claim: of two relays that read the same row, one wins); false when it was not.
   */
  setOutbox(
    messageId: string,
    change: WebhookOutboxChange,
    expect?: Pick<WebhookOutboxRow, 'state' | 'attempts'>,
  ): Promise<boolean>;
};

export type WebhookRepo = WebhookReads & WebhookWrites;

/** One open transaction of the webhook tables. `records` writes synced records that commit with it. */
export type WebhookTx = WebhookRepo & { records: AsyncTx };

export type WebhookData = WebhookRepo & {
  /**
   * Runs `fn` in one transaction of the store's database: webhook rows through `tx`, synced
   * records through `tx.records`, committed together. A throw rolls back and rethrows.
   */
  transaction<R>(fn: (tx: WebhookTx) => Promise<R>): Promise<R>;
};

/** Runs a statement now (before the call returns) and hands its answer on as a promise. */
const now = <T>(f: () => T): Promise<T> => Promise.resolve(f());

/**
 * WebhookData on the relay's SQLite database; `store` is the relay's one async adapter
 * (sqliteAsync.ts) of the store on `db`, whose transaction a webhook transaction is.
 */
export function createSqliteWebhookData(db: Database, store: Pick<AsyncStore, 'transaction'>): WebhookData {
  const q = {
    get: db.prepare<[string], WebhookRow>('SELECT * FROM api_webhooks WHERE inbox_id = ?'),
    upsert: db.prepare<[WebhookRow]>(
      `INSERT INTO api_webhooks (inbox_id, url, secret, from_seq, updated_at, updated_by)
       VALUES (@inbox_id, @url, @secret, @from_seq, @updated_at, @updated_by)
       ON CONFLICT (inbox_id) DO UPDATE SET url = excluded.url, secret = excluded.secret,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ),
    remove: db.prepare<[string]>('DELETE FROM api_webhooks WHERE inbox_id = ?'),
    outbox: db.prepare<[string], WebhookOutboxRow>(
      'SELECT message_id, inbox_id, conversation_id, state, attempts, next_at FROM webhook_outbox WHERE message_id = ?',
    ),
    due: db.prepare<[number, number], WebhookOutboxRow>(
      `SELECT message_id, inbox_id, conversation_id, state, attempts, next_at FROM webhook_outbox
       WHERE state IN ('queued', 'sending') AND next_at <= ? ORDER BY next_at, created_at LIMIT ?`,
    ),
    soonest: db
      .prepare<[], number | null>(
        "SELECT min(next_at) FROM webhook_outbox WHERE state IN ('queued', 'sending')",
      )
      .pluck(),
    unqueued: db.prepare<[], UnqueuedApiReply>(
      `SELECT m.id, m.conv_id, w.inbox_id FROM records m
         JOIN records c ON c.entity = 'conversation' AND c.id = m.conv_id
         JOIN api_webhooks w ON w.inbox_id = json_extract(c.data, '$.inboxId')
       WHERE m.entity = 'message' AND m.deleted = 0 AND m.seq > w.from_seq
         AND json_extract(m.data, '$.direction') = 'out' AND json_extract(m.data, '$.delivery') IS NULL
         AND json_extract(c.data, '$.channel') = 'api'
         AND NOT EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.message_id = m.id)`,
    ),
    add: db.prepare<[string, string, string, number, number, number]>(
      `INSERT OR IGNORE INTO webhook_outbox (message_id, inbox_id, conversation_id, state, next_at, created_at, updated_at)
       VALUES (?, ?, ?, 'queued', ?, ?, ?)`,
    ),
    set: db.prepare<[WebhookOutboxChange & { message_id: string }]>(
      `UPDATE webhook_outbox SET state = @state, reason = @reason, attempts = @attempts, next_at = @next_at,
         updated_at = @updated_at WHERE message_id = @message_id`,
    ),
    claim: db.prepare<[WebhookOutboxChange & { message_id: string; was: string; tries: number }]>(
      `UPDATE webhook_outbox SET state = @state, reason = @reason, attempts = @attempts, next_at = @next_at,
         updated_at = @updated_at WHERE message_id = @message_id AND state = @was AND attempts = @tries`,
    ),
  };
  const repo: WebhookRepo = {
    webhook: (inboxId) => now(() => q.get.get(inboxId) ?? null),
    outboxRow: (messageId) => now(() => q.outbox.get(messageId) ?? null),
    outboxDue: (at, limit) => now(() => q.due.all(at, limit)),
    outboxSoonest: () => now(() => q.soonest.get() ?? null),
    unqueuedReplies: () => now(() => q.unqueued.all()),
    saveWebhook: (row) => now(() => void q.upsert.run(row)),
    removeWebhook: (inboxId) => now(() => q.remove.run(inboxId).changes > 0),
    addToOutbox: (r) =>
      now(
        () =>
          q.add.run(r.message_id, r.inbox_id, r.conversation_id, r.next_at, r.created_at, r.created_at)
            .changes > 0,
      ),
    setOutbox: (messageId, change, expect) =>
      now(
        () =>
          (expect
            ? q.claim.run({ ...change, message_id: messageId, was: expect.state, tries: expect.attempts })
            : q.set.run({ ...change, message_id: messageId })
          ).changes > 0,
      ),
  };
  return { ...repo, transaction: (fn) => store.transaction((records) => fn({ ...repo, records })) };
}
