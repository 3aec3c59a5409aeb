import type { MessageData } from '../../../shared/sync/entities';
import type { Database } from '../../data/db';
import type { Logger } from '../../core/logger';
import type { Store } from '../../data/store';
import { createOutboxWorker, markDelivery, recordState, retryWait, type OutboxState } from '../outbox/outbox';
import { imapClient, smtpTransport, type MailConnectOptions } from './connect';
import { newToken } from './intake';
import type { EmailAccount } from './settings';
import type { AttachmentStore } from '../webchat/attachments';

/** Limits of sending; every one has a default. */
export type OutboxOptions = MailConnectOptions & {
  /**
   * How long a reply handed to SMTP without a recorded answer (the relay stopped in between) waits
   * for its own copy to show up in the mailbox before it is sent again. Default 10 min.
   */
  confirmWindowMs?: number;
  /** First wait after a temporary failure (4xx, network); doubles per attempt. Default 30 s. */
  retryMs?: number;
  /** Attempts before a temporary failure counts as refused. Default 8. */
  maxAttempts?: number;
};

type Row = {
  message_id: string;
  inbox_id: string;
  conversation_id: string;
  header_id: string;
  state: OutboxState;
  attempts: number;
  handed_at: number | null;
  updated_at: number;
};

type Thread = { customer_address: string; subject: string; cc: string; token: string };

type Deps = {
  db: Database;
  store: Store;
  log: Logger;
  now: () => number;
  account: (inboxId: string) => EmailAccount | null;
  /** Where the files an agent sends with a reply are kept (the channels' attachment store). */
  files: Pick<AttachmentStore, 'meta' | 'bytes'>;
  options?: OutboxOptions;
};

/** What the outbox's functions share: its deps, its limits and its statements. */
type Ctx = Deps & {
  o: OutboxOptions;
  confirmMs: number;
  retryMs: number;
  maxAttempts: number;
  q: ReturnType<typeof statements>;
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function statements(db: Database) {
  return {
    add: db.prepare(
      `INSERT OR IGNORE INTO email_outbox (message_id, inbox_id, conversation_id, header_id, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'queued', ?, ?)`,
    ),
    remember: db.prepare(
      `INSERT OR IGNORE INTO email_messages (inbox_id, header_id, conversation_id, message_id, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    get: db.prepare<[string], Row>('SELECT * FROM email_outbox WHERE message_id = ?'),
    due: db.prepare<[], Row>(
      "SELECT * FROM email_outbox WHERE state IN ('queued', 'sending') ORDER BY created_at LIMIT 50",
    ),
    byHeader: db.prepare<[string, string], Row>(
      'SELECT * FROM email_outbox WHERE inbox_id = ? AND header_id = ?',
    ),
    set: db.prepare(
      'UPDATE email_outbox SET state = ?, reason = ?, attempts = ?, handed_at = ?, updated_at = ? WHERE message_id = ?',
    ),
    thread: db.prepare<[string], Thread>(
      'SELECT customer_address, subject, cc, token FROM email_threads WHERE conversation_id = ?',
    ),
    startThread: db.prepare(
      `INSERT OR IGNORE INTO email_threads (conversation_id, inbox_id, token, customer_address, subject, cc)
       VALUES (?, ?, ?, ?, ?, '[]')`,
    ),
    refs: db.prepare<[string], { header_id: string }>(
      'SELECT header_id FROM email_messages WHERE conversation_id = ? ORDER BY created_at, header_id',
    ),
  };
}

function set(
  c: Ctx,
  r: Row,
  state: OutboxState,
  reason: string | null,
  extra: { attempts?: number; handedAt?: number | null } = {},
): void {
  recordState(c, r.message_id, state, reason, () =>
    c.q.set.run(
      state,
      reason,
      extra.attempts ?? r.attempts,
      extra.handedAt === undefined ? r.handed_at : extra.handedAt,
      c.now(),
      r.message_id,
    ),
  );
}

/** Whether the mailbox holds the inbox's own copy of the reply (it was handed over and accepted). */
async function copyArrived(c: Ctx, a: EmailAccount, headerId: string): Promise<boolean> {
  const client = imapClient(a, c.o);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.mailboxOpen(a.imap.folder, { readOnly: true });
    const hits = await client.search({ header: { 'message-id': headerId } }, { uid: true });
    return !!hits && hits.length > 0;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/**
 * A conversation an agent started (no mail came in): its thread begins with the agent's first
 * mail, to the address the agent chose (the conversation's `to`, checked on create) or else the
 * customer's first, under the conversation's subject and a fresh token, so the customer's answer
 * joins it by headers or token.
 */
function startThread(c: Ctx, r: Row): Thread | undefined {
  const conv = c.store.get('conversation', r.conversation_id)?.data;
  const customer =
    typeof conv?.['customerId'] === 'string' ? c.store.get('customer', conv['customerId']) : null;
  const emails = customer && !customer.deleted ? (customer.data['emails'] as unknown) : undefined;
  const first = Array.isArray(emails) && typeof emails[0] === 'string' ? emails[0] : '';
  const to = typeof conv?.['to'] === 'string' && conv['to'] ? conv['to'] : first;
  if (!conv || !to) return undefined;
  const subject = typeof conv['subject'] === 'string' ? conv['subject'] : '';
  c.q.startThread.run(r.conversation_id, r.inbox_id, newToken(), to, subject);
  return c.q.thread.get(r.conversation_id);
}

type Mail = Parameters<ReturnType<typeof smtpTransport>['sendMail']>[0];

/** The mail for a reply, or why it cannot go (the reply is refused with that). */
function composeMail(c: Ctx, r: Row, a: EmailAccount | null): Mail | string {
  const msg = c.store.get('message', r.message_id)?.data as MessageData | undefined;
  const thread = c.q.thread.get(r.conversation_id) ?? startThread(c, r);
  if (!a) return 'The inbox has no mailbox account; an admin sets one.';
  if (!msg) return 'The message is gone.';
  if (!thread?.customer_address) return 'The conversation has no customer email address to reply to.';
  const agent = msg.authorId ? c.store.get('agent', msg.authorId)?.data : undefined;
  const name = typeof agent?.['name'] === 'string' && agent['name'] ? agent['name'] : a.fromName;
  const refs = c.q.refs
    .all(r.conversation_id)
    .map((x) => x.header_id)
    .filter((h) => h !== r.header_id);
  const cc = (JSON.parse(thread.cc) as string[]).filter((x) => x !== thread.customer_address);
  // An agent's first mail of a conversation they started is no answer: no "Re:".
  const subject = `${refs.length ? 'Re: ' : ''}${thread.subject || '(no subject)'} [#${thread.token}]`;
  // The agent's files go as attachments, their stored (sniffed) type and name; one gone refuses it.
  const files = (msg.attachments ?? []).map((f) => c.files.meta(f.id));
  if (files.some((f) => !f)) return 'A file of this reply is no longer on the relay.';
  return {
    messageId: r.header_id,
    from: { name, address: a.address },
    to: thread.customer_address,
    ...(cc.length ? { cc } : {}),
    subject,
    text: msg.body,
    html: `<div style="white-space: pre-wrap">${escapeHtml(msg.body)}</div>`,
    ...(files.length
      ? {
          attachments: files.map((f) => ({
            filename: f!.name,
            content: c.files.bytes(f!),
            contentType: f!.type,
          })),
        }
      : {}),
    ...(refs.length ? { inReplyTo: refs.at(-1)!, references: refs.slice(-20) } : {}),
    // The inbox's own copy (envelope only, not a header): the proof a hand-off went through.
    envelope: { from: a.address, to: [thread.customer_address, ...cc, a.address] },
  };
}

/** Hands a reply to SMTP once (claimed as `sending` first) and records the server's answer. */
async function send(c: Ctx, r: Row): Promise<void> {
  const a = c.account(r.inbox_id);
  const mail = composeMail(c, r, a);
  if (typeof mail === 'string' || !a) return set(c, r, 'refused', typeof mail === 'string' ? mail : null);
  const handedAt = c.now();
  r = { ...r, attempts: r.attempts + 1, handed_at: handedAt };
  set(c, r, 'sending', null, { attempts: r.attempts, handedAt });
  const t = smtpTransport(a, c.o);
  try {
    const info = await t.sendMail(mail);
    const refused = info.rejected.map(String).filter((x) => x !== a.address);
    // Only the inbox's own copy went through: for the customer, the reply was refused.
    if (refused.length > 0 && info.accepted.length <= 1) {
      const why = ((info as { rejectedErrors?: { response?: string }[] }).rejectedErrors ?? [])
        .map((e) => e.response ?? '')
        .filter(Boolean);
      set(
        c,
        r,
        'refused',
        `The mail server refused ${refused.join(', ')}: ${why.join('; ') || info.response}`,
      );
    } else set(c, r, 'sent', null);
    c.log.info({ message: r.message_id, header: r.header_id, response: info.response }, 'email reply sent');
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message?: string };
    const attempts = r.attempts;
    if ((e.responseCode ?? 0) >= 500 || attempts >= c.maxAttempts) {
      set(c, r, 'refused', e.response ?? e.message ?? 'refused', { attempts, handedAt: null });
    } else {
      // Not handed over (or refused for now): back in the queue, tried again later.
      set(c, r, 'queued', e.response ?? e.message ?? null, { attempts, handedAt: null });
    }
    c.log.warn({ message: r.message_id, err }, 'email reply not sent');
  } finally {
    t.close();
  }
}

/** One look at a due row: sent when its time has come; returns when it wants another look. */
async function visit(c: Ctx, r: Row): Promise<number | null> {
  const now = c.now();
  if (r.state === 'sending') {
    // Handed over before the relay stopped, answer unknown: the own copy decides.
    const a = c.account(r.inbox_id);
    if (!a) return null;
    const arrived = await copyArrived(c, a, r.header_id).catch(() => null);
    if (arrived) set(c, r, 'sent', null);
    else if (arrived === false && now - (r.handed_at ?? 0) >= c.confirmMs) await send(c, r);
    else return (r.handed_at ?? now) + c.confirmMs;
    return null;
  }
  const wait = retryWait(r.attempts, { retryMs: c.retryMs });
  if (now - r.updated_at < wait) return r.updated_at + wait;
  await send(c, r);
  return null;
}

/**
 * The email outbox: an agent's reply on an email conversation is recorded with its Message-ID
 * (derived from the message's own id, so it never changes) before anything is handed to SMTP.
 * Each hand-off is marked `sending` (committed) first; the server's answer makes it `sent` or
 * `refused`. Every reply also goes, by envelope only, to the inbox's own address, so the mailbox
 * holds a copy with the same Message-ID: a hand-off whose answer was never recorded (the relay
 * stopped in between) is settled by looking for that copy, and sent again only when it has not
 * arrived within `confirmWindowMs`. The delivery state is written onto the message record. The
 * queue, the passes and the delivery marks are the outbox core's (channels/outbox).
 */
export function createOutbox(d: Deps) {
  const o = d.options ?? {};
  const q = statements(d.db);
  const c: Ctx = {
    ...d,
    o,
    confirmMs: o.confirmWindowMs ?? 10 * 60_000,
    retryMs: o.retryMs ?? 30_000,
    maxAttempts: o.maxAttempts ?? 8,
    q,
  };
  const worker = createOutboxWorker<Row>({
    log: d.log,
    what: 'email outbox',
    now: d.now,
    due: () => q.due.all(),
    visit: (r) => visit(c, r),
  });

  return {
    /** Records an agent's reply with its Message-ID (queued) and starts sending. */
    enqueue(messageId: string, conversationId: string, inboxId: string): void {
      const a = d.account(inboxId);
      const domain = a?.address.split('@')[1] ?? 'switchboard.invalid';
      const headerId = `<${messageId}@${domain}>`;
      const now = d.now();
      d.store.transaction(() => {
        if (q.add.run(messageId, inboxId, conversationId, headerId, now, now).changes === 0) return;
        q.remember.run(inboxId, headerId, conversationId, messageId, now);
        markDelivery(d, messageId, 'queued');
      });
      worker.kick();
    },
    /** The mailbox holds the inbox's own copy of a reply: a hand-off in doubt went through. */
    ownCopy(inboxId: string, headerId: string): void {
      const r = q.byHeader.get(inboxId, headerId);
      if (r && r.state === 'sending') set(c, r, 'sent', null);
    },
    /** A delivery report came back for a reply: it was sent, then bounced. */
    bounced(inboxId: string, headerId: string, reason: string): void {
      const r = q.byHeader.get(inboxId, headerId);
      if (r) set(c, r, 'bounced', reason);
    },
    has: (messageId: string) => q.get.get(messageId) !== undefined,
    kick: worker.kick,
    close: worker.close,
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
