import type { MessageData } from '../../../shared/sync/entities';
import type { Logger } from '../../core/logger';
import type { AsyncStoreReads } from '../../data/asyncStore';
import type { EmailData, EmailOutboxRow, EmailThreadRow } from '../../data/emailData';
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

type Row = EmailOutboxRow;

type Thread = EmailThreadRow;

type Deps = {
  data: EmailData;
  /** Where the records a reply is made of are read (committed data). */
  store: Pick<AsyncStoreReads, 'get'>;
  log: Logger;
  now: () => number;
  account: (inboxId: string) => Promise<EmailAccount | null>;
  /** Where the files an agent sends with a reply are kept (the channels' attachment store). */
  files: Pick<AttachmentStore, 'meta' | 'bytes'>;
  options?: OutboxOptions;
};

/** What the outbox's functions share: its deps and its limits. */
type Ctx = Deps & {
  o: OutboxOptions;
  confirmMs: number;
  retryMs: number;
  maxAttempts: number;
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Records a row's new state, only while the row is still as `r` says (its state and attempts
 * when it was read): of two relays that read the same row, one writes, and a relay whose look is
 * out of date (another sent it meanwhile) writes nothing. Resolves to whether it wrote.
 */
function set(
  c: Ctx,
  r: Row,
  state: OutboxState,
  reason: string | null,
  extra: { attempts?: number; handedAt?: number | null } = {},
): Promise<boolean> {
  const change = {
    state,
    reason,
    attempts: extra.attempts ?? r.attempts,
    handed_at: extra.handedAt === undefined ? r.handed_at : extra.handedAt,
    updated_at: c.now(),
  };
  return recordState(c, r.message_id, state, reason, (tx) =>
    tx.setOutbox(r.message_id, change, { state: r.state, attempts: r.attempts }),
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
async function startThread(c: Ctx, r: Row): Promise<Thread | null> {
  const conv = (await c.store.get('conversation', r.conversation_id))?.data;
  const customer =
    typeof conv?.['customerId'] === 'string' ? await c.store.get('customer', conv['customerId']) : null;
  const emails = customer && !customer.deleted ? (customer.data['emails'] as unknown) : undefined;
  const first = Array.isArray(emails) && typeof emails[0] === 'string' ? emails[0] : '';
  const to = typeof conv?.['to'] === 'string' && conv['to'] ? conv['to'] : first;
  if (!conv || !to) return null;
  const subject = typeof conv['subject'] === 'string' ? conv['subject'] : '';
  await c.data.startThread({
    conversation_id: r.conversation_id,
    inbox_id: r.inbox_id,
    token: newToken(),
    customer_address: to,
    subject,
    cc: '[]',
  });
  return c.data.thread(r.conversation_id);
}

type Mail = Parameters<ReturnType<typeof smtpTransport>['sendMail']>[0];

/** The mail for a reply, or why it cannot go (the reply is refused with that). */
async function composeMail(c: Ctx, r: Row, a: EmailAccount | null): Promise<Mail | string> {
  const msg = (await c.store.get('message', r.message_id))?.data as MessageData | undefined;
  const thread = (await c.data.thread(r.conversation_id)) ?? (await startThread(c, r));
  if (!a) return 'The inbox has no mailbox account; an admin sets one.';
  if (!msg) return 'The message is gone.';
  if (!thread?.customer_address) return 'The conversation has no customer email address to reply to.';
  const agent = msg.authorId ? (await c.store.get('agent', msg.authorId))?.data : undefined;
  const name = typeof agent?.['name'] === 'string' && agent['name'] ? agent['name'] : a.fromName;
  const refs = (await c.data.headerIdsOf(r.conversation_id)).filter((h) => h !== r.header_id);
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

/**
 * Hands a reply to SMTP once: claimed as `sending` first (committed, and only if the row is still
 * as read: of two relays one claims it, the other leaves it), then the server's answer recorded.
 */
async function send(c: Ctx, r: Row): Promise<void> {
  const a = await c.account(r.inbox_id);
  const mail = await composeMail(c, r, a);
  if (typeof mail === 'string' || !a) {
    await set(c, r, 'refused', typeof mail === 'string' ? mail : null);
    return;
  }
  const handedAt = c.now();
  const claimed: Row = { ...r, state: 'sending', attempts: r.attempts + 1, handed_at: handedAt };
  if (!(await set(c, r, 'sending', null, { attempts: claimed.attempts, handedAt }))) return;
  r = claimed;
  const t = smtpTransport(a, c.o);
  try {
    const info = await t.sendMail(mail);
    const refused = info.rejected.map(String).filter((x) => x !== a.address);
    // Only the inbox's own copy went through: for the customer, the reply was refused.
    if (refused.length > 0 && info.accepted.length <= 1) {
      const why = ((info as { rejectedErrors?: { response?: string }[] }).rejectedErrors ?? [])
        .map((e) => e.response ?? '')
        .filter(Boolean);
      await set(
        c,
        r,
        'refused',
        `The mail server refused ${refused.join(', ')}: ${why.join('; ') || info.response}`,
      );
    } else await set(c, r, 'sent', null);
    c.log.info({ message: r.message_id, header: r.header_id, response: info.response }, 'email reply sent');
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message?: string };
    const attempts = r.attempts;
    if ((e.responseCode ?? 0) >= 500 || attempts >= c.maxAttempts) {
      await set(c, r, 'refused', e.response ?? e.message ?? 'refused', { attempts, handedAt: null });
    } else {
      // Not handed over (or refused for now): back in the queue, tried again later.
      await set(c, r, 'queued', e.response ?? e.message ?? null, { attempts, handedAt: null });
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
    const a = await c.account(r.inbox_id);
    if (!a) return null;
    const arrived = await copyArrived(c, a, r.header_id).catch(() => null);
    if (arrived) await set(c, r, 'sent', null);
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
  const c: Ctx = {
    ...d,
    o,
    confirmMs: o.confirmWindowMs ?? 10 * 60_000,
    retryMs: o.retryMs ?? 30_000,
    maxAttempts: o.maxAttempts ?? 8,
  };
  const worker = createOutboxWorker<Row>({
    log: d.log,
    what: 'email outbox',
    now: d.now,
    due: () => d.data.outboxDue(50),
    visit: (r) => visit(c, r),
  });

  return {
    /** Records an agent's reply with its Message-ID (queued) and starts sending; once per reply. */
    async enqueue(messageId: string, conversationId: string, inboxId: string): Promise<void> {
      const a = await d.account(inboxId);
      const domain = a?.address.split('@')[1] ?? 'switchboard.invalid';
      const headerId = `<${messageId}@${domain}>`;
      const now = d.now();
      await d.data.transaction(async (tx) => {
        const row = { message_id: messageId, inbox_id: inboxId, conversation_id: conversationId };
        if (!(await tx.addToOutbox({ ...row, header_id: headerId, created_at: now }))) return;
        await tx.rememberHeader({ ...row, header_id: headerId, created_at: now });
        await markDelivery(tx.records, d.now(), messageId, 'queued');
      });
      worker.kick();
    },
    /** The mailbox holds the inbox's own copy of a reply: a hand-off in doubt went through. */
    async ownCopy(inboxId: string, headerId: string): Promise<void> {
      const r = await d.data.outboxByHeader(inboxId, headerId);
      if (r && r.state === 'sending') await set(c, r, 'sent', null);
    },
    /** A delivery report came back for a reply: it was sent, then bounced. */
    async bounced(inboxId: string, headerId: string, reason: string): Promise<void> {
      const r = await d.data.outboxByHeader(inboxId, headerId);
      if (r) await set(c, r, 'bounced', reason);
    },
    kick: worker.kick,
    close: worker.close,
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
