import type {
  UnqueuedApiReply,
  WebhookData,
  WebhookOutboxRow,
  WebhookRepo,
  WebhookRow,
} from '../webhookData';
import type { Queryable } from './pgReads';
import type { PgStore } from './pgStore';

type Raw = Record<string, unknown>;

const hookOf = (r: Raw): WebhookRow => ({
  ...(r as WebhookRow),
  from_seq: Number(r['from_seq']),
  updated_at: Number(r['updated_at']),
});

const outboxOf = (r: Raw): WebhookOutboxRow => ({
  ...(r as WebhookOutboxRow),
  attempts: Number(r['attempts']),
  next_at: Number(r['next_at']),
});

const OUTBOX_COLUMNS = 'message_id, inbox_id, conversation_id, state, attempts, next_at';

// As SQLite's (webhookData.ts); json_extract(…) IS NULL holds for a missing key and a JSON null alike.
const UNQUEUED = `SELECT m.id, m.conv_id, w.inbox_id FROM records m
    JOIN records c ON c.entity = 'conversation' AND c.id = m.conv_id
    JOIN api_webhooks w ON w.inbox_id = (c.data::jsonb ->> 'inboxId')
  WHERE m.entity = 'message' AND NOT m.deleted AND m.seq > w.from_seq
    AND (m.data::jsonb ->> 'direction') = 'out'
    AND coalesce(m.data::jsonb -> 'delivery', 'null'::jsonb) = 'null'::jsonb
    AND (c.data::jsonb ->> 'channel') = 'api'
    AND NOT EXISTS (SELECT 1 FROM webhook_outbox o WHERE o.message_id = m.id)`;

/**
 * WebhookData (webhookData.ts) on PostgreSQL (tables of migration 012): reads and single writes on
 * the store's pool; a transaction is the store's (transactionWith), so webhook rows and synced
 * records commit together. Rows come back in the SQLite shapes (ms and positions as numbers).
 */
export function createPgWebhookData(store: Pick<PgStore, 'pool' | 'transactionWith'>): WebhookData {
  return {
    ...repoOn(store.pool),
    transaction: (fn) => store.transactionWith((records, client) => fn({ ...repoOn(client), records })),
  };
}

function repoOn(q: Queryable): WebhookRepo {
  const rows = async (sql: string, v: unknown[] = []) => (await q.query<Raw>(sql, v)).rows;
  const run = async (sql: string, v: unknown[]) => (await q.query(sql, v)).rowCount ?? 0;
  const set = `UPDATE webhook_outbox SET state = $2, reason = $3, attempts = $4, next_at = $5, updated_at = $6
    WHERE message_id = $1`;
  return {
    webhook: async (inboxId) => {
      const r = (await rows('SELECT * FROM api_webhooks WHERE inbox_id = $1', [inboxId]))[0];
      return r ? hookOf(r) : null;
    },
    outboxRow: async (messageId) => {
      const r = (
        await rows(`SELECT ${OUTBOX_COLUMNS} FROM webhook_outbox WHERE message_id = $1`, [messageId])
      )[0];
      return r ? outboxOf(r) : null;
    },
    outboxDue: async (at, limit) =>
      (
        await rows(
          `SELECT ${OUTBOX_COLUMNS} FROM webhook_outbox WHERE state IN ('queued', 'sending') AND next_at <= $1
           ORDER BY next_at, created_at LIMIT $2`,
          [at, limit],
        )
      ).map(outboxOf),
    outboxSoonest: async () => {
      const r = await rows(
        "SELECT min(next_at) AS at FROM webhook_outbox WHERE state IN ('queued', 'sending')",
      );
      const at = r[0]?.['at'];
      return at === null || at === undefined ? null : Number(at);
    },
    unqueuedReplies: async () => (await rows(UNQUEUED)) as UnqueuedApiReply[],
    saveWebhook: async (w) =>
      void (await run(
        `INSERT INTO api_webhooks (inbox_id, url, secret, from_seq, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (inbox_id) DO UPDATE SET url = excluded.url, secret = excluded.secret,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [w.inbox_id, w.url, w.secret, w.from_seq, w.updated_at, w.updated_by],
      )),
    removeWebhook: async (inboxId) =>
      (await run('DELETE FROM api_webhooks WHERE inbox_id = $1', [inboxId])) > 0,
    addToOutbox: async (r) =>
      (await run(
        `INSERT INTO webhook_outbox (message_id, inbox_id, conversation_id, state, next_at, created_at, updated_at)
         VALUES ($1, $2, $3, 'queued', $4, $5, $5) ON CONFLICT DO NOTHING`,
        [r.message_id, r.inbox_id, r.conversation_id, r.next_at, r.created_at],
      )) > 0,
    setOutbox: async (messageId, c, expect) => {
      const v = [messageId, c.state, c.reason, c.attempts, c.next_at, c.updated_at];
      return (
        (await (expect
          ? run(`${set} AND state = $7 AND attempts = $8`, [...v, expect.state, expect.attempts])
          : run(set, v))) > 0
      );
    },
  };
}
