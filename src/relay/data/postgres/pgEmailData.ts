import {
  MailSeen,
  type EmailAccountRow,
  type EmailData,
  type EmailOutboxRow,
  type EmailReads,
  type EmailSyncRow,
  type EmailThreadRow,
  type EmailWrites,
  type UnqueuedReply,
} from '../emailData';
import type { Queryable } from './pgReads';
import { connectionOf, type PgStore } from './pgStore';

type Raw = Record<string, unknown>;

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * EmailData (emailData.ts) on PostgreSQL (tables of migration 012): reads and single writes on the
 * store's pool; a transaction is the store's (transactionWith), so email rows and synced records
 * commit together; `within` writes on the connection of a transaction another room opened.
 * Rows come back in the SQLite shapes (ms as numbers); orders compare bytes (COLLATE "C").
 */
export function createPgEmailData(store: Pick<PgStore, 'pool' | 'transactionWith'>): EmailData {
  const on = (q: Queryable) => ({ ...pgReads(q), ...pgWrites(q) });
  return {
    ...on(store.pool),
    transaction: (fn) => store.transactionWith((records, client) => fn({ ...on(client), records })),
    within: (records) => on(connectionOf(records)),
  };
}

const accountOf = (r: Raw): EmailAccountRow => ({
  ...(r as EmailAccountRow),
  imap_port: Number(r['imap_port']),
  smtp_port: Number(r['smtp_port']),
  import_days: Number(r['import_days']),
  updated_at: Number(r['updated_at']),
});

const outboxOf = (r: Raw): EmailOutboxRow => ({
  ...(r as EmailOutboxRow),
  attempts: Number(r['attempts']),
  handed_at: num(r['handed_at']),
  created_at: Number(r['created_at']),
  updated_at: Number(r['updated_at']),
});

const ACCOUNT_COLUMNS = [
  'inbox_id',
  'address',
  'from_name',
  'imap_host',
  'imap_port',
  'imap_tls',
  'imap_user',
  'imap_password',
  'folder',
  'smtp_host',
  'smtp_port',
  'smtp_tls',
  'smtp_user',
  'smtp_password',
  'import_days',
  'updated_at',
  'updated_by',
] as const;

const UPSERT_ACCOUNT = `INSERT INTO email_accounts (${ACCOUNT_COLUMNS.join(', ')})
  VALUES (${ACCOUNT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (inbox_id) DO UPDATE SET ${ACCOUNT_COLUMNS.slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

// As SQLite's (emailData.ts); json_extract(…) IS NULL holds for a missing key and a JSON null alike.
const UNQUEUED = `SELECT r.id, r.conv_id, t.inbox_id FROM records r JOIN email_threads t ON t.conversation_id = r.conv_id
  WHERE r.entity = 'message' AND NOT r.deleted AND (r.data::jsonb ->> 'direction') = 'out'
    AND coalesce(r.data::jsonb -> 'delivery', 'null'::jsonb) = 'null'::jsonb
    AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.message_id = r.id)`;

function pgReads(q: Queryable): EmailReads {
  const rows = async (sql: string, v: unknown[] = []) => (await q.query<Raw>(sql, v)).rows;
  const one = async <T>(sql: string, v: unknown[], of: (r: Raw) => T): Promise<T | null> => {
    const r = (await rows(sql, v))[0];
    return r ? of(r) : null;
  };
  const convId = (r: Raw) => r['conversation_id'] as string;
  return {
    account: (inboxId) => one('SELECT * FROM email_accounts WHERE inbox_id = $1', [inboxId], accountOf),
    accountInboxIds: async () =>
      (await rows('SELECT inbox_id FROM email_accounts ORDER BY inbox_id COLLATE "C"')).map(
        (r) => r['inbox_id'] as string,
      ),
    syncState: (inboxId, folder) =>
      one(
        'SELECT uid_validity, last_uid, import_since FROM email_sync WHERE inbox_id = $1 AND folder = $2',
        [inboxId, folder],
        (r): EmailSyncRow => ({
          uid_validity: r['uid_validity'] as string,
          last_uid: Number(r['last_uid']),
          import_since: num(r['import_since']),
        }),
      ),
    conversationOfHeader: (inboxId, headerId) =>
      one(
        'SELECT conversation_id FROM email_messages WHERE inbox_id = $1 AND header_id = $2',
        [inboxId, headerId],
        convId,
      ),
    conversationOfToken: (inboxId, token) =>
      one(
        'SELECT conversation_id FROM email_threads WHERE inbox_id = $1 AND token = $2',
        [inboxId, token],
        convId,
      ),
    thread: (conversationId) =>
      one(
        'SELECT * FROM email_threads WHERE conversation_id = $1',
        [conversationId],
        (r) => r as EmailThreadRow,
      ),
    headerIdsOf: async (conversationId) =>
      (
        await rows(
          'SELECT header_id FROM email_messages WHERE conversation_id = $1 ORDER BY created_at, header_id COLLATE "C"',
          [conversationId],
        )
      ).map((r) => r['header_id'] as string),
    outboxRow: (messageId) => one('SELECT * FROM email_outbox WHERE message_id = $1', [messageId], outboxOf),
    outboxByHeader: (inboxId, headerId) =>
      one('SELECT * FROM email_outbox WHERE inbox_id = $1 AND header_id = $2', [inboxId, headerId], outboxOf),
    outboxDue: async (limit) =>
      (
        await rows(
          "SELECT * FROM email_outbox WHERE state IN ('queued', 'sending') ORDER BY created_at LIMIT $1",
          [limit],
        )
      ).map(outboxOf),
    unqueuedReplies: async () => (await rows(UNQUEUED)) as UnqueuedReply[],
  };
}

function pgWrites(q: Queryable): EmailWrites {
  const run = async (sql: string, v: unknown[]) => (await q.query(sql, v)).rowCount ?? 0;
  const header = `INSERT INTO email_messages (inbox_id, header_id, conversation_id, message_id, created_at)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`;
  const thread = `INSERT INTO email_threads (conversation_id, inbox_id, token, customer_address, subject, cc)
    VALUES ($1, $2, $3, $4, $5, $6)`;
  const set = `UPDATE email_outbox SET state = $2, reason = $3, attempts = $4, handed_at = $5, updated_at = $6
    WHERE message_id = $1`;
  return {
    saveAccount: async (row) =>
      void (await run(
        UPSERT_ACCOUNT,
        ACCOUNT_COLUMNS.map((c) => row[c]),
      )),
    removeAccount: async (inboxId) =>
      (await run('DELETE FROM email_accounts WHERE inbox_id = $1', [inboxId])) > 0,
    setPosition: async (inboxId, folder, validity, lastUid) =>
      void (await run(
        `INSERT INTO email_sync (inbox_id, folder, uid_validity, last_uid) VALUES ($1, $2, $3, $4)
         ON CONFLICT (inbox_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity,
           last_uid = excluded.last_uid`,
        [inboxId, folder, validity, lastUid],
      )),
    setImportSince: async (inboxId, folder, since) =>
      void (await run('UPDATE email_sync SET import_since = $1 WHERE inbox_id = $2 AND folder = $3', [
        since,
        inboxId,
        folder,
      ])),
    async claimHeader(h) {
      const v = [h.inbox_id, h.header_id, h.conversation_id, h.message_id, h.created_at];
      if ((await run(header, v)) === 0) throw new MailSeen(h.header_id);
    },
    rememberHeader: async (h) =>
      void (await run(header, [h.inbox_id, h.header_id, h.conversation_id, h.message_id, h.created_at])),
    keepThread: async (t) =>
      void (await run(
        `${thread} ON CONFLICT (conversation_id) DO UPDATE SET customer_address = excluded.customer_address,
           cc = excluded.cc`,
        [t.conversation_id, t.inbox_id, t.token, t.customer_address, t.subject, t.cc],
      )),
    rethread: async (conversationId, address, cc) =>
      void (await run('UPDATE email_threads SET customer_address = $1, cc = $2 WHERE conversation_id = $3', [
        address,
        cc,
        conversationId,
      ])),
    startThread: async (t) =>
      void (await run(`${thread} ON CONFLICT DO NOTHING`, [
        t.conversation_id,
        t.inbox_id,
        t.token,
        t.customer_address,
        t.subject,
        t.cc,
      ])),
    addToOutbox: async (r) =>
      (await run(
        `INSERT INTO email_outbox (message_id, inbox_id, conversation_id, header_id, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, $5) ON CONFLICT DO NOTHING`,
        [r.message_id, r.inbox_id, r.conversation_id, r.header_id, r.created_at],
      )) > 0,
    setOutbox: async (messageId, c, expect) => {
      const v = [messageId, c.state, c.reason, c.attempts, c.handed_at, c.updated_at];
      return (
        (await (expect
          ? run(`${set} AND state = $7 AND attempts = $8`, [...v, expect.state, expect.attempts])
          : run(set, v))) > 0
      );
    },
  };
}
