import { createHash, randomBytes } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { MessageEmail } from '../../../shared/sync/entities';
import type { Database } from '../../data/db';
import type { Logger } from '../../core/logger';
import { AttachmentRefused, type AttachmentMeta, type AttachmentStore } from '../webchat/attachments';
import type { createInbound } from '../inbound';
import {
  cleanSubject,
  messageIds,
  skipReason,
  tokenInAddress,
  tokenInSubject,
  type SkipReason,
} from './classify';
import { sanitizeMailHtml } from './sanitize';
import type { EmailAccount } from './settings';

/** What became of one mail. */
export type IntakeOutcome =
  | { kind: 'conversation'; conversationId: string; messageId: string; newConversation: boolean }
  | { kind: 'duplicate' }
  | { kind: 'skipped'; reason: SkipReason | 'empty' };

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** A conversation's reply token: 10 random characters, unguessable, for clients that drop headers. */
export function newToken(): string {
  return [...randomBytes(10)].map((b) => ALPHABET[b % 36]).join('');
}

const addrs = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) =>
    o.value.map((v) => (v.address ?? '').toLowerCase()).filter(Boolean),
  );

/**
 * The mail a delivery report is about and why it failed: the Message-ID in its returned headers
 * (message/rfc822 or text/rfc822-headers part) and the Diagnostic-Code (or Status) it gives.
 */
export function bounceOf(raw: string): { headerId: string; reason: string } | null {
  const ids = [...raw.matchAll(/^Message-ID:\s*(<[^<>\s]+>)/gim)].map((m) => m[1]!);
  // The report's own Message-ID comes first; the returned mail's is the last one.
  const headerId = ids.length > 1 ? ids.at(-1)! : null;
  if (!headerId) return null;
  const diag = /^Diagnostic-Code:\s*(?:[\w-]+;\s*)?(.+(?:\r?\n[ \t].+)*)/im.exec(raw)?.[1];
  const status = /^Status:\s*(\S+)/im.exec(raw)?.[1];
  const reason = (diag ?? (status ? `status ${status}` : 'The mail could not be delivered.'))
    .replace(/\s+/g, ' ')
    .trim();
  return { headerId, reason };
}

export type Intake = ReturnType<typeof createIntake>;

type IntakeDeps = {
  db: Database;
  inbound: ReturnType<typeof createInbound>;
  now: () => number;
  ownCopy: (inboxId: string, headerId: string) => void;
  /** A delivery report about a mail this inbox sent (its Message-ID), with the server's words. */
  bounced: (inboxId: string, headerId: string, reason: string) => void;
  /** Where a mail's files are kept (sniffed and size-limited like web chat files). */
  files: AttachmentStore;
  log: Logger;
  /** Largest text body kept, in characters. Default 20,000 (the message limit). */
  maxTextChars?: number;
};

type Ctx = IntakeDeps & { maxText: number; q: ReturnType<typeof statements> };

/** What the intake reads of a parsed mail before deciding what becomes of it. */
type Head = {
  mail: ParsedMail;
  fromName: string | null;
  fromAddress: string | null;
  subject: string;
  headerId: string;
};

function statements(db: Database) {
  return {
    seen: db.prepare<[string, string], { conversation_id: string }>(
      'SELECT conversation_id FROM email_messages WHERE inbox_id = ? AND header_id = ?',
    ),
    byToken: db.prepare<[string, string], { conversation_id: string }>(
      'SELECT conversation_id FROM email_threads WHERE inbox_id = ? AND token = ?',
    ),
    remember: db.prepare(
      `INSERT OR IGNORE INTO email_messages (inbox_id, header_id, conversation_id, message_id, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    thread: db.prepare(
      `INSERT INTO email_threads (conversation_id, inbox_id, token, customer_address, subject, cc)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET customer_address = excluded.customer_address,
         cc = excluded.cc`,
    ),
    rethread: db.prepare('UPDATE email_threads SET customer_address = ?, cc = ? WHERE conversation_id = ?'),
  };
}

async function headOf(raw: Buffer): Promise<Head> {
  const mail = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
  const from = mail.from?.value[0];
  // A mail without a Message-ID still gets a stable one, from its bytes, for duplicate checks.
  const headerId =
    mail.messageId && /^<[^<>\s]+>$/.test(mail.messageId)
      ? mail.messageId
      : `<sb-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@missing>`;
  return {
    mail,
    fromName: from?.name || null,
    fromAddress: (from?.address ?? '').toLowerCase() || null,
    subject: (mail.subject ?? '').slice(0, 500),
    headerId,
  };
}

/** Why a mail is passed over (automatic, the inbox's own, seen before), telling what it says. */
function passOver(c: Ctx, a: EmailAccount, h: Head, raw: Buffer): IntakeOutcome | null {
  const skip = skipReason({
    from: h.fromAddress,
    ownAddress: a.address,
    headers: h.mail.headers,
    subject: h.subject,
    contentType: String((h.mail.headers.get('content-type') as { value?: string } | undefined)?.value ?? ''),
  });
  if (skip) {
    if (skip === 'own-address') c.ownCopy(a.inboxId, h.headerId);
    if (skip === 'bounce') {
      const b = bounceOf(raw.toString('latin1'));
      if (b) c.bounced(a.inboxId, b.headerId, b.reason);
    }
    return { kind: 'skipped', reason: skip };
  }
  if (c.q.seen.get(a.inboxId, h.headerId)) return { kind: 'duplicate' };
  return null;
}

/** The conversation a mail answers: by In-Reply-To / References, else by its token; null for none. */
function conversationOf(c: Ctx, a: EmailAccount, h: Head, to: string[], cc: string[]): string | null {
  const refs = [...messageIds(h.mail.inReplyTo), ...messageIds(h.mail.references).reverse()];
  for (const id of refs) {
    const hit = c.q.seen.get(a.inboxId, id);
    if (hit) return hit.conversation_id;
  }
  const token = tokenInAddress([...to, ...cc], a.address) ?? tokenInSubject(h.subject);
  return token ? (c.q.byToken.get(a.inboxId, token)?.conversation_id ?? null) : null;
}

/** A mail's files, each sniffed and limited like a web chat upload; one refused is named, not kept. */
function keepFiles(c: Ctx, a: EmailAccount, mail: ParsedMail): { kept: AttachmentMeta[]; dropped: string[] } {
  const kept: AttachmentMeta[] = [];
  const dropped: string[] = [];
  for (const f of mail.attachments) {
    if (f.related && f.contentDisposition !== 'attachment') continue; // inline parts of the HTML
    const name = f.filename ?? 'attachment';
    if (kept.length >= c.files.options.maxFiles) {
      dropped.push(name);
      continue;
    }
    try {
      kept.push(c.files.store(f.content, { customerId: '', inboxId: a.inboxId }, name));
    } catch (err) {
      if (!(err instanceof AttachmentRefused)) throw err;
      dropped.push(name);
      c.log.info({ inbox: a.inboxId, reason: err.reason, size: f.size }, 'mail attachment not kept');
    }
  }
  return { kept, dropped };
}

/** Takes one raw mail of the inbox's folder; `position` records the folder position with it. */
async function take(c: Ctx, a: EmailAccount, raw: Buffer, position: () => void): Promise<IntakeOutcome> {
  const h = await headOf(raw);
  const passed = passOver(c, a, h, raw);
  if (passed) {
    position();
    return passed;
  }
  const { mail, fromAddress, fromName, subject, headerId } = h;
  const to = addrs(mail.to);
  const cc = addrs(mail.cc);
  const conversationId = conversationOf(c, a, h, to, cc);
  const html = typeof mail.html === 'string' && mail.html ? sanitizeMailHtml(mail.html) : null;
  const text = (mail.text ?? '').trim().slice(0, c.maxText);
  if (!text && !html) {
    position();
    return { kind: 'skipped', reason: 'empty' };
  }
  const email: MessageEmail = {
    messageId: headerId,
    subject,
    from: fromName ? `${fromName} <${fromAddress ?? ''}>` : (fromAddress ?? ''),
    to,
    cc,
    ...(html ? { html: html.html, ...(html.remoteImages ? { remoteImages: html.remoteImages } : {}) } : {}),
  };
  const { kept, dropped } = keepFiles(c, a, mail);
  const note = dropped.length ? `\n\n[Not kept: ${dropped.join(', ')}]` : '';
  const others = cc.filter((x) => x !== a.address.toLowerCase());
  const r = await c.inbound.receive({
    inboxId: a.inboxId,
    from: { ...(fromName ? { name: fromName } : {}), ...(fromAddress ? { email: fromAddress } : {}) },
    text: (text || '(HTML mail)') + note,
    ...(kept.length
      ? { attachments: kept.map((m) => ({ id: m.id, name: m.name, size: m.size, type: m.type })) }
      : {}),
    subject: cleanSubject(subject),
    conversationId,
    ...(fromAddress ? { replyTo: fromAddress } : {}),
    messageFields: { email },
    alsoRecord: (res) => {
      c.q.remember.run(a.inboxId, headerId, res.conversationId, res.messageId, c.now());
      c.files.bind(
        kept.map((m) => ({ ...m, customerId: res.customerId })),
        res.messageId,
      );
      if (res.newConversation)
        c.q.thread.run(
          res.conversationId,
          a.inboxId,
          newToken(),
          fromAddress ?? '',
          cleanSubject(subject),
          JSON.stringify(others),
        );
      else c.q.rethread.run(fromAddress ?? '', JSON.stringify(others), res.conversationId);
      position();
    },
  });
  return {
    kind: 'conversation',
    conversationId: r.conversationId,
    messageId: r.messageId,
    newConversation: r.newConversation,
  };
}

/**
 * Turns one raw mail of an inbox's folder into a message: skips automatic mail and the inbox's
 * own, drops a Message-ID already seen, joins the conversation its In-Reply-To / References (or
 * its token) point at, else starts one through the shared inbound path, and records the
 * Message-ID and the folder position in the same transaction (`position`), so a restart neither
 * loses nor repeats a mail. `ownCopy(headerId)` hears of the inbox's own copies of sent replies.
 */
export function createIntake(d: IntakeDeps) {
  const c: Ctx = { ...d, maxText: d.maxTextChars ?? 20_000, q: statements(d.db) };
  return {
    take: (a: EmailAccount, raw: Buffer, position: () => void): Promise<IntakeOutcome> =>
      take(c, a, raw, position),
  };
}
