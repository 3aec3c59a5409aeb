import type { DeliveryState, MessageData } from '../../../shared/sync/entities';
import type { Database } from '../../data/db';
import type { Logger } from '../../core/logger';
import type { Store } from '../../data/store';
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
  state: DeliveryState | 'sending';
  attempts: number;
  handed_at: number | null;
  updated_at: number;
};

const SYSTEM = { mutationId: null, agentId: null };
const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The email outbox: an agent's reply on an email conversation is recorded with its Message-ID
 * (derived from the message's own id, so it never changes) before anything is handed to SMTP.
 * Each hand-off is marked `sending` (committed) first; the server's answer makes it `sent` or
 * `refused`. Every reply also goes, by envelope only, to the inbox's own address, so the mailbox
 * holds a copy with the same Message-ID: a hand-off whose answer was never recorded (the relay
 * stopped in between) is settled by looking for that copy, and sent again only when it has not
 * arrived within `confirmWindowMs`. The delivery state is written onto the message record.
 */
export function createOutbox(d: {
  db: Database;
  store: Store;
  log: Logger;
  now: () => number;
  account: (inboxId: string) => EmailAccount | null;
  /** Where the files an agent sends with a reply are kept (the channels' attachment store). */
  files: Pick<AttachmentStore, 'meta' | 'bytes'>;
  options?: OutboxOptions;
}) {
  const o = d.options ?? {};
  const confirmMs = o.confirmWindowMs ?? 10 * 60_000;
  const retryMs = o.retryMs ?? 30_000;
  const maxAttempts = o.maxAttempts ?? 8;
  const q = {
    add: d.db.prepare(
      `INSERT OR IGNORE INTO email_outbox (message_id, inbox_id, conversation_id, header_id, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'queued', ?, ?)`,
    ),
    remember: d.db.prepare(
      `INSERT OR IGNORE INTO email_messages (inbox_id, header_id, conversation_id, message_id, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    get: d.db.prepare<[string], Row>('SELECT * FROM email_outbox WHERE message_id = ?'),
    due: d.db.prepare<[], Row>(
      "SELECT * FROM email_outbox WHERE state IN ('queued', 'sending') ORDER BY created_at LIMIT 50",
    ),
    byHeader: d.db.prepare<[string, string], Row>(
      'SELECT * FROM email_outbox WHERE inbox_id = ? AND header_id = ?',
    ),
    set: d.db.prepare(
      'UPDATE email_outbox SET state = ?, reason = ?, attempts = ?, handed_at = ?, updated_at = ? WHERE message_id = ?',
    ),
    thread: d.db.prepare<[string], { customer_address: string; subject: string; cc: string; token: string }>(
      'SELECT customer_address, subject, cc, token FROM email_threads WHERE conversation_id = ?',
    ),
    startThread: d.db.prepare(
      `INSERT OR IGNORE INTO email_threads (conversation_id, inbox_id, token, customer_address, subject, cc)
       VALUES (?, ?, ?, ?, ?, '[]')`,
    ),
    refs: d.db.prepare<[string], { header_id: string }>(
      'SELECT header_id FROM email_messages WHERE conversation_id = ? ORDER BY created_at, header_id',
    ),
  };

  /** Writes the delivery state onto the message record, so apps show it. */
  function mark(messageId: string, state: DeliveryState, reason?: string): void {
    const rec = d.store.get('message', messageId);
    if (!rec) return;
    const delivery = {
      state,
      at: new Date(d.now()).toISOString(),
      ...(reason ? { reason: reason.slice(0, 500) } : {}),
    };
    d.store.put({ ...rec, data: { ...rec.data, delivery } }, SYSTEM);
  }

  function set(
    r: Row,
    state: Row['state'],
    reason: string | null,
    extra: { attempts?: number; handedAt?: number | null } = {},
  ) {
    d.store.transaction(() => {
      q.set.run(
        state,
        reason,
        extra.attempts ?? r.attempts,
        extra.handedAt === undefined ? r.handed_at : extra.handedAt,
        d.now(),
        r.message_id,
      );
      if (state !== 'sending') mark(r.message_id, state === 'queued' ? 'queued' : state, reason ?? undefined);
    });
  }

  /** Whether the mailbox holds the inbox's own copy of the reply (it was handed over and accepted). */
  async function copyArrived(a: EmailAccount, headerId: string): Promise<boolean> {
    const c = imapClient(a, o);
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.mailboxOpen(a.imap.folder, { readOnly: true });
      const hits = await c.search({ header: { 'message-id': headerId } }, { uid: true });
      return !!hits && hits.length > 0;
    } finally {
      await c.logout().catch(() => c.close());
    }
  }

  /**
   * A conversation an agent started (no mail came in): its thread begins with the agent's first
   * mail, to the address the agent chose (the conversation's `to`, checked on create) or else the
   * customer's first, under the conversation's subject and a fresh token, so the customer's answer
   * joins it by headers or token.
   */
  function startThread(r: Row) {
    const conv = d.store.get('conversation', r.conversation_id)?.data;
    const customer =
      typeof conv?.['customerId'] === 'string' ? d.store.get('customer', conv['customerId']) : null;
    const emails = customer && !customer.deleted ? (customer.data['emails'] as unknown) : undefined;
    const first = Array.isArray(emails) && typeof emails[0] === 'string' ? emails[0] : '';
    const to = typeof conv?.['to'] === 'string' && conv['to'] ? conv['to'] : first;
    if (!conv || !to) return undefined;
    const subject = typeof conv['subject'] === 'string' ? conv['subject'] : '';
    q.startThread.run(r.conversation_id, r.inbox_id, newToken(), to, subject);
    return q.thread.get(r.conversation_id);
  }

  async function send(r: Row): Promise<void> {
    const a = d.account(r.inbox_id);
    const msg = d.store.get('message', r.message_id)?.data as MessageData | undefined;
    const thread = q.thread.get(r.conversation_id) ?? startThread(r);
    if (!a || !msg)
      return set(
        r,
        'refused',
        a ? 'The message is gone.' : 'The inbox has no mailbox account; an admin sets one.',
      );
    if (!thread?.customer_address)
      return set(r, 'refused', 'The conversation has no customer email address to reply to.');
    const agent = msg.authorId ? d.store.get('agent', msg.authorId)?.data : undefined;
    const name = typeof agent?.['name'] === 'string' && agent['name'] ? agent['name'] : a.fromName;
    const refs = q.refs
      .all(r.conversation_id)
      .map((x) => x.header_id)
      .filter((h) => h !== r.header_id);
    const cc = (JSON.parse(thread.cc) as string[]).filter((x) => x !== thread.customer_address);
    // An agent's first mail of a conversation they started is no answer: no "Re:".
    const subject = `${refs.length ? 'Re: ' : ''}${thread.subject || '(no subject)'} [#${thread.token}]`;
    // The agent's files go as attachments, their stored (sniffed) type and name; one gone refuses it.
    const files = (msg.attachments ?? []).map((f) => d.files.meta(f.id));
    if (files.some((f) => !f)) return set(r, 'refused', 'A file of this reply is no longer on the relay.');
    const handedAt = d.now();
    r = { ...r, attempts: r.attempts + 1, handed_at: handedAt };
    set(r, 'sending', null, { attempts: r.attempts, handedAt });
    const t = smtpTransport(a, o);
    try {
      const info = await t.sendMail({
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
                content: d.files.bytes(f!),
                contentType: f!.type,
              })),
            }
          : {}),
        ...(refs.length ? { inReplyTo: refs.at(-1)!, references: refs.slice(-20) } : {}),
        // The inbox's own copy (envelope only, not a header): the proof a hand-off went through.
        envelope: { from: a.address, to: [thread.customer_address, ...cc, a.address] },
      });
      const refused = info.rejected.map(String).filter((x) => x !== a.address);
      // Only the inbox's own copy went through: for the customer, the reply was refused.
      if (refused.length > 0 && info.accepted.length <= 1) {
        const why = ((info as { rejectedErrors?: { response?: string }[] }).rejectedErrors ?? [])
          .map((e) => e.response ?? '')
          .filter(Boolean);
        set(
          r,
          'refused',
          `The mail server refused ${refused.join(', ')}: ${why.join('; ') || info.response}`,
        );
      } else set(r, 'sent', null);
      d.log.info({ message: r.message_id, header: r.header_id, response: info.response }, 'email reply sent');
    } catch (err) {
      const e = err as { responseCode?: number; response?: string; message?: string };
      const attempts = r.attempts;
      if ((e.responseCode ?? 0) >= 500 || attempts >= maxAttempts) {
        set(r, 'refused', e.response ?? e.message ?? 'refused', { attempts, handedAt: null });
      } else {
        // Not handed over (or refused for now): back in the queue, tried again later.
        set(r, 'queued', e.response ?? e.message ?? null, { attempts, handedAt: null });
      }
      d.log.warn({ message: r.message_id, err }, 'email reply not sent');
    } finally {
      t.close();
    }
  }

  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  async function work(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        let soonest = Infinity;
        for (const r of q.due.all()) {
          if (closed) return;
          const now = d.now();
          if (r.state === 'sending') {
            // Handed over before the relay stopped, answer unknown: the own copy decides.
            const a = d.account(r.inbox_id);
            if (!a) continue;
            const arrived = await copyArrived(a, r.header_id).catch(() => null);
            if (arrived) set(r, 'sent', null);
            else if (arrived === false && now - (r.handed_at ?? 0) >= confirmMs) await send(r);
            else soonest = Math.min(soonest, (r.handed_at ?? now) + confirmMs);
          } else {
            const wait = r.attempts === 0 ? 0 : retryMs * 2 ** (r.attempts - 1);
            if (now - r.updated_at >= wait) await send(r);
            else soonest = Math.min(soonest, r.updated_at + wait);
          }
        }
        if (soonest < Infinity && !closed) {
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => void work(), Math.max(50, soonest - d.now()));
          timer.unref();
        }
      } while (again && !closed);
    } finally {
      running = false;
    }
  }

  const kick = () =>
    void work().catch((err: unknown) =>
      d.log.error({ err }, 'email outbox failed; it runs again on the next reply'),
    );

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
        mark(messageId, 'queued');
      });
      kick();
    },
    /** The mailbox holds the inbox's own copy of a reply: a hand-off in doubt went through. */
    ownCopy(inboxId: string, headerId: string): void {
      const r = q.byHeader.get(inboxId, headerId);
      if (r && r.state === 'sending') set(r, 'sent', null);
    },
    /** A delivery report came back for a reply: it was sent, then bounced. */
    bounced(inboxId: string, headerId: string, reason: string): void {
      const r = q.byHeader.get(inboxId, headerId);
      if (r) set(r, 'bounced', reason);
    },
    has: (messageId: string) => q.get.get(messageId) !== undefined,
    kick,
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
