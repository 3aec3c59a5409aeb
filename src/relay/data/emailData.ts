import type { AsyncStore, AsyncTx } from './asyncStore';
import type { Database } from './database';

// The email channel's relay-only tables (never synced records: SQLite migrations 006 and 007,
// PostgreSQL 012) as an asynchronous contract in the store's transaction style: each inbox's
// mailbox account (passwords sealed), how far its folder was read, every Message-ID seen or sent
// with its conversation, the per-conversation reply thread, and the outbox of agents' replies.
// SQLite answers here, PostgreSQL in postgres/pgEmailData.ts; channels/email asks these
// questions, never SQL. Rows keep the SQLite shapes (times in ms), so the channel reads the same
// values on either store.

/** An inbox's mailbox account as stored, its passwords sealed. */
export type EmailAccountRow = {
  inbox_id: string;
  address: string;
  from_name: string;
  imap_host: string;
  imap_port: number;
  imap_tls: 'tls' | 'starttls' | 'none';
  imap_user: string;
  imap_password: Buffer;
  folder: string;
  smtp_host: string;
  smtp_port: number;
  smtp_tls: 'tls' | 'starttls' | 'none';
  smtp_user: string | null;
  smtp_password: Buffer | null;
  import_days: number;
  updated_at: number;
  updated_by: string | null;
};

/** How far a folder was read: its UIDVALIDITY, the last UID taken, the first import's cutoff. */
export type EmailSyncRow = { uid_validity: string; last_uid: number; import_since: number | null };

/** A conversation's mail thread: where replies go, under which subject and token. */
export type EmailThreadRow = {
  conversation_id: string;
  inbox_id: string;
  token: string;
  customer_address: string;
  subject: string;
  /** JSON array of the other addresses on the thread. */
  cc: string;
};

export type EmailOutboxState = 'queued' | 'sending' | 'sent' | 'refused' | 'bounced';

/** An agent's reply in the outbox, with the Message-ID recorded before any SMTP hand-off. */
export type EmailOutboxRow = {
  message_id: string;
  inbox_id: string;
  conversation_id: string;
  header_id: string;
  state: EmailOutboxState;
  attempts: number;
  reason: string | null;
  handed_at: number | null;
  created_at: number;
  updated_at: number;
};

/** What an outbox row becomes. */
export type EmailOutboxChange = Pick<
  EmailOutboxRow,
  'state' | 'reason' | 'attempts' | 'handed_at' | 'updated_at'
>;

/** One Message-ID of an inbox, with the conversation and message it belongs to. */
export type EmailHeader = {
  inbox_id: string;
  header_id: string;
  conversation_id: string;
  message_id: string | null;
  created_at: number;
};

/** An agent's email reply that has no outbox row yet, with its inbox. */
export type UnqueuedReply = { id: string; conv_id: string; inbox_id: string };

/**
 * The Message-ID of a mail was already taken in (by this relay, or another on the same
 * database, between this one's check and its commit): the mail is a duplicate.
 */
export class MailSeen extends Error {
  constructor(headerId: string) {
    super(`The mail ${headerId} was already taken in.`);
    this.name = 'MailSeen';
  }
}

/** Reads that a transaction and the repository both answer (in a transaction: its writes too). */
export type EmailReads = {
  account(inboxId: string): Promise<EmailAccountRow | null>;
  /** Inboxes with a mailbox account, by id. */
  accountInboxIds(): Promise<string[]>;
  syncState(inboxId: string, folder: string): Promise<EmailSyncRow | null>;
  /** The conversation of a Message-ID seen or sent in the inbox, or null. */
  conversationOfHeader(inboxId: string, headerId: string): Promise<string | null>;
  /** The conversation of a reply token in the inbox, or null. */
  conversationOfToken(inboxId: string, token: string): Promise<string | null>;
  thread(conversationId: string): Promise<EmailThreadRow | null>;
  /** The Message-IDs of a conversation, oldest first. */
  headerIdsOf(conversationId: string): Promise<string[]>;
  outboxRow(messageId: string): Promise<EmailOutboxRow | null>;
  outboxByHeader(inboxId: string, headerId: string): Promise<EmailOutboxRow | null>;
  /** Up to `limit` rows queued or being sent, oldest first. */
  outboxDue(limit: number): Promise<EmailOutboxRow[]>;
  /** Agents' replies on email conversations with no delivery state and no outbox row. */
  unqueuedReplies(): Promise<UnqueuedReply[]>;
};

/** Writes: on a transaction they commit with it; on the repository each commits on its own. */
export type EmailWrites = {
  /** Stores an account (a new one, or the inbox's replaced whole). */
  saveAccount(row: EmailAccountRow): Promise<void>;
  /** Drops an inbox's account; false when it had none. */
  removeAccount(inboxId: string): Promise<boolean>;
  /** Where the folder's reading stands now (a new UIDVALIDITY replaces the old). */
  setPosition(inboxId: string, folder: string, uidValidity: string, lastUid: number): Promise<void>;
  setImportSince(inboxId: string, folder: string, since: number | null): Promise<void>;
  /**
   * Takes a mail's Message-ID in for its conversation; throws MailSeen when the inbox has it
   * already (the uniqueness of (inbox, Message-ID) decides, so of two relays one wins).
   */
  claimHeader(h: EmailHeader): Promise<void>;
  /** Keeps a Message-ID (a reply's own); one the inbox has already is left as it is. */
  rememberHeader(h: EmailHeader): Promise<void>;
  /** Starts a conversation's thread, or gives it this customer address and cc. */
  keepThread(t: EmailThreadRow): Promise<void>;
  /** Gives a thread the latest customer address and cc. */
  rethread(conversationId: string, customerAddress: string, cc: string): Promise<void>;
  /** Starts a thread unless the conversation has one. */
  startThread(t: EmailThreadRow): Promise<void>;
  /** Adds a reply to the outbox (queued); false when it is there already. */
  addToOutbox(
    row: Pick<EmailOutboxRow, 'message_id' | 'inbox_id' | 'conversation_id' | 'header_id' | 'created_at'>,
  ): Promise<boolean>;
  /**
   * Changes a row. With `expect`, only while the row is still in that state after that many
   * attempts (a claim: of two relays that read the same row, one wins); false when it was not.
   */
  setOutbox(
    messageId: string,
    change: EmailOutboxChange,
    expect?: Pick<EmailOutboxRow, 'state' | 'attempts'>,
  ): Promise<boolean>;
};

export type EmailRepo = EmailReads & EmailWrites;

/** One open transaction of the email tables. `records` writes synced records that commit with it. */
export type EmailTx = EmailRepo & { records: AsyncTx };

export type EmailData = EmailRepo & {
  /**
   * Runs `fn` in one transaction of the store's database: email rows through `tx`, synced
   * records through `tx.records`, committed together (the store's transaction: see
   * AsyncStore.transaction for ordering and listeners). A throw rolls back and rethrows.
   */
  transaction<R>(fn: (tx: EmailTx) => Promise<R>): Promise<R>;
  /** The email tables inside a store transaction someone else opened (the inbound path's). */
  within(records: AsyncTx): EmailRepo;
};

/**
 * Runs a statement now and hands its answer on as a promise: a call runs before it returns, and
 * a statement that fails throws at once, so a call made inside a synchronous transaction of the
 * connection (the inbound path's, still synchronous) is part of it and a throw rolls it back.
 */
const now = <T>(f: () => T): Promise<T> => Promise.resolve(f());

/**
 * EmailData on the relay's SQLite database. `store` must be the relay's one async adapter
 * (sqliteAsync.ts) of the store on `db`: a transaction is the store's, so synced records commit
 * with the email rows; on the one connection every call is part of whatever transaction is open.
 */
export function createSqliteEmailData(db: Database, store: Pick<AsyncStore, 'transaction'>): EmailData {
  const repo = { ...sqliteReads(db), ...sqliteWrites(db) };
  return {
    ...repo,
    transaction: (fn) => store.transaction((records) => fn({ ...repo, records })),
    within: () => repo,
  };
}

function sqliteReads(db: Database): EmailReads {
  const q = {
    account: db.prepare<[string], EmailAccountRow>('SELECT * FROM email_accounts WHERE inbox_id = ?'),
    accounts: db.prepare<[], string>('SELECT inbox_id FROM email_accounts ORDER BY inbox_id').pluck(),
    sync: db.prepare<[string, string], EmailSyncRow>(
      'SELECT uid_validity, last_uid, import_since FROM email_sync WHERE inbox_id = ? AND folder = ?',
    ),
    byHeader: db
      .prepare<[string, string], string>(
        'SELECT conversation_id FROM email_messages WHERE inbox_id = ? AND header_id = ?',
      )
      .pluck(),
    byToken: db
      .prepare<[string, string], string>(
        'SELECT conversation_id FROM email_threads WHERE inbox_id = ? AND token = ?',
      )
      .pluck(),
    thread: db.prepare<[string], EmailThreadRow>('SELECT * FROM email_threads WHERE conversation_id = ?'),
    refs: db
      .prepare<[string], string>(
        'SELECT header_id FROM email_messages WHERE conversation_id = ? ORDER BY created_at, header_id',
      )
      .pluck(),
    outbox: db.prepare<[string], EmailOutboxRow>('SELECT * FROM email_outbox WHERE message_id = ?'),
    outboxByHeader: db.prepare<[string, string], EmailOutboxRow>(
      'SELECT * FROM email_outbox WHERE inbox_id = ? AND header_id = ?',
    ),
    due: db.prepare<[number], EmailOutboxRow>(
      "SELECT * FROM email_outbox WHERE state IN ('queued', 'sending') ORDER BY created_at LIMIT ?",
    ),
    unqueued: db.prepare<[], UnqueuedReply>(
      `SELECT r.id, r.conv_id, t.inbox_id FROM records r JOIN email_threads t ON t.conversation_id = r.conv_id
       WHERE r.entity = 'message' AND r.deleted = 0 AND json_extract(r.data, '$.direction') = 'out'
         AND json_extract(r.data, '$.delivery') IS NULL
         AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.message_id = r.id)`,
    ),
  };
  return {
    account: (inboxId) => now(() => q.account.get(inboxId) ?? null),
    accountInboxIds: () => now(() => q.accounts.all()),
    syncState: (inboxId, folder) => now(() => q.sync.get(inboxId, folder) ?? null),
    conversationOfHeader: (inboxId, headerId) => now(() => q.byHeader.get(inboxId, headerId) ?? null),
    conversationOfToken: (inboxId, token) => now(() => q.byToken.get(inboxId, token) ?? null),
    thread: (conversationId) => now(() => q.thread.get(conversationId) ?? null),
    headerIdsOf: (conversationId) => now(() => q.refs.all(conversationId)),
    outboxRow: (messageId) => now(() => q.outbox.get(messageId) ?? null),
    outboxByHeader: (inboxId, headerId) => now(() => q.outboxByHeader.get(inboxId, headerId) ?? null),
    outboxDue: (limit) => now(() => q.due.all(limit)),
    unqueuedReplies: () => now(() => q.unqueued.all()),
  };
}

function sqliteWrites(db: Database): EmailWrites {
  const q = {
    upsertAccount: db.prepare<[EmailAccountRow]>(
      `INSERT INTO email_accounts (inbox_id, address, from_name, imap_host, imap_port, imap_tls, imap_user,
         imap_password, folder, smtp_host, smtp_port, smtp_tls, smtp_user, smtp_password, import_days,
         updated_at, updated_by)
       VALUES (@inbox_id, @address, @from_name, @imap_host, @imap_port, @imap_tls, @imap_user,
         @imap_password, @folder, @smtp_host, @smtp_port, @smtp_tls, @smtp_user, @smtp_password,
         @import_days, @updated_at, @updated_by)
       ON CONFLICT (inbox_id) DO UPDATE SET address = excluded.address, from_name = excluded.from_name,
         imap_host = excluded.imap_host, imap_port = excluded.imap_port, imap_tls = excluded.imap_tls,
         imap_user = excluded.imap_user, imap_password = excluded.imap_password, folder = excluded.folder,
         smtp_host = excluded.smtp_host, smtp_port = excluded.smtp_port, smtp_tls = excluded.smtp_tls,
         smtp_user = excluded.smtp_user, smtp_password = excluded.smtp_password,
         import_days = excluded.import_days, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ),
    removeAccount: db.prepare<[string]>('DELETE FROM email_accounts WHERE inbox_id = ?'),
    position: db.prepare<[string, string, string, number]>(
      `INSERT INTO email_sync (inbox_id, folder, uid_validity, last_uid) VALUES (?, ?, ?, ?)
       ON CONFLICT (inbox_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity,
         last_uid = excluded.last_uid`,
    ),
    since: db.prepare<[number | null, string, string]>(
      'UPDATE email_sync SET import_since = ? WHERE inbox_id = ? AND folder = ?',
    ),
    header: db.prepare<[EmailHeader]>(
      `INSERT OR IGNORE INTO email_messages (inbox_id, header_id, conversation_id, message_id, created_at)
       VALUES (@inbox_id, @header_id, @conversation_id, @message_id, @created_at)`,
    ),
    keepThread: db.prepare<[EmailThreadRow]>(
      `INSERT INTO email_threads (conversation_id, inbox_id, token, customer_address, subject, cc)
       VALUES (@conversation_id, @inbox_id, @token, @customer_address, @subject, @cc)
       ON CONFLICT (conversation_id) DO UPDATE SET customer_address = excluded.customer_address,
         cc = excluded.cc`,
    ),
    rethread: db.prepare<[string, string, string]>(
      'UPDATE email_threads SET customer_address = ?, cc = ? WHERE conversation_id = ?',
    ),
    startThread: db.prepare<[EmailThreadRow]>(
      `INSERT OR IGNORE INTO email_threads (conversation_id, inbox_id, token, customer_address, subject, cc)
       VALUES (@conversation_id, @inbox_id, @token, @customer_address, @subject, @cc)`,
    ),
    add: db.prepare<[string, string, string, string, number, number]>(
      `INSERT OR IGNORE INTO email_outbox (message_id, inbox_id, conversation_id, header_id, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'queued', ?, ?)`,
    ),
    set: db.prepare<[EmailOutboxChange & { message_id: string }]>(
      `UPDATE email_outbox SET state = @state, reason = @reason, attempts = @attempts, handed_at = @handed_at,
         updated_at = @updated_at WHERE message_id = @message_id`,
    ),
    claim: db.prepare<[EmailOutboxChange & { message_id: string; was: string; tries: number }]>(
      `UPDATE email_outbox SET state = @state, reason = @reason, attempts = @attempts, handed_at = @handed_at,
         updated_at = @updated_at WHERE message_id = @message_id AND state = @was AND attempts = @tries`,
    ),
  };
  return {
    saveAccount: (row) => now(() => void q.upsertAccount.run(row)),
    removeAccount: (inboxId) => now(() => q.removeAccount.run(inboxId).changes > 0),
    setPosition: (inboxId, folder, validity, lastUid) =>
      now(() => void q.position.run(inboxId, folder, validity, lastUid)),
    setImportSince: (inboxId, folder, since) => now(() => void q.since.run(since, inboxId, folder)),
    claimHeader: (h) =>
      now(() => {
        if (q.header.run(h).changes === 0) throw new MailSeen(h.header_id);
      }),
    rememberHeader: (h) => now(() => void q.header.run(h)),
    keepThread: (t) => now(() => void q.keepThread.run(t)),
    rethread: (conversationId, address, cc) => now(() => void q.rethread.run(address, cc, conversationId)),
    startThread: (t) => now(() => void q.startThread.run(t)),
    addToOutbox: (r) =>
      now(
        () =>
          q.add.run(r.message_id, r.inbox_id, r.conversation_id, r.header_id, r.created_at, r.created_at)
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
}
