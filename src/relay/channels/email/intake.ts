import { createHash, randomBytes } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { MessageEmail } from '../../../shared/sync/entities';
import type { AsyncTx } from '../../data/asyncStore';
import { MailSeen, type EmailData, type EmailRepo, type EmailWrites } from '../../data/emailData';
import type { Logger } from '../../core/logger';
import { AttachmentRefused, type AttachmentMeta, type AttachmentStore } from '../webchat/attachments';
import type { createInbound, InboundResult } from '../inbound';
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

/** Records a mail's folder position through `w` (the intake's transaction, or on its own). */
export type Position = (w: EmailWrites) => Promise<void>;

type IntakeDeps = {
  data: EmailData;
  inbound: ReturnType<typeof createInbound>;
  now: () => number;
  ownCopy: (inboxId: string, headerId: string) => Promise<void>;
  /** A delivery report about a mail this inbox sent (its Message-ID), with the server's words. */
  bounced: (inboxId: string, headerId: string, reason: string) => Promise<void>;
  /** Where a mail's files are kept (sniffed and size-limited like web chat files). */
  files: AttachmentStore;
  log: Logger;
  /** Largest text body kept, in characters. Default 20,000 (the message limit). */
  maxTextChars?: number;
};

type Ctx = IntakeDeps & { maxText: number };

/** What the intake reads of a parsed mail before deciding what becomes of it. */
type Head = {
  mail: ParsedMail;
  fromName: string | null;
  fromAddress: string | null;
  subject: string;
  headerId: string;
};

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
async function passOver(c: Ctx, a: EmailAccount, h: Head, raw: Buffer): Promise<IntakeOutcome | null> {
  const skip = skipReason({
    from: h.fromAddress,
    ownAddress: a.address,
    headers: h.mail.headers,
    subject: h.subject,
    contentType: String((h.mail.headers.get('content-type') as { value?: string } | undefined)?.value ?? ''),
  });
  if (skip) {
    if (skip === 'own-address') await c.ownCopy(a.inboxId, h.headerId);
    if (skip === 'bounce') {
      const b = bounceOf(raw.toString('latin1'));
      if (b) await c.bounced(a.inboxId, b.headerId, b.reason);
    }
    return { kind: 'skipped', reason: skip };
  }
  if (await c.data.conversationOfHeader(a.inboxId, h.headerId)) return { kind: 'duplicate' };
  return null;
}

/** The conversation a mail answers: by In-Reply-To / References, else by its token; null for none. */
async function conversationOf(
  c: Ctx,
  a: EmailAccount,
  h: Head,
  to: string[],
  cc: string[],
): Promise<string | null> {
  const refs = [...messageIds(h.mail.inReplyTo), ...messageIds(h.mail.references).reverse()];
  for (const id of refs) {
    const hit = await c.data.conversationOfHeader(a.inboxId, id);
    if (hit) return hit;
  }
  const token = tokenInAddress([...to, ...cc], a.address) ?? tokenInSubject(h.subject);
  return token ? c.data.conversationOfToken(a.inboxId, token) : null;
}

/** What a taken mail leaves beside its records: its Message-ID, thread and files, and the folder position. */
type Taken = {
  a: EmailAccount;
  headerId: string;
  fromAddress: string | null;
  subject: string;
  /** The thread's other addresses (cc without the inbox's own). */
  others: string[];
  kept: AttachmentMeta[];
  position: Position;
};

/**
 * Writes what a taken mail leaves through `w`, inside the inbound transaction: the Message-ID
 * first (MailSeen when the inbox has it already, which rolls the whole mail back), the thread,
 * the position; the files are bound to the message once the Message-ID is its. Every write is
 * started before this returns (no await in between), so on SQLite, whose inbound transaction is
 * still synchronous, each runs inside it.
 */
function keepTaken(c: Ctx, w: EmailRepo, t: Taken, res: InboundResult): Promise<void> {
  const { a, headerId } = t;
  const claimed = w.claimHeader({
    inbox_id: a.inboxId,
    header_id: headerId,
    conversation_id: res.conversationId,
    message_id: res.messageId,
    created_at: c.now(),
  });
  const cc = JSON.stringify(t.others);
  const thread = res.newConversation
    ? w.keepThread({
        conversation_id: res.conversationId,
        inbox_id: a.inboxId,
        token: newToken(),
        customer_address: t.fromAddress ?? '',
        subject: cleanSubject(t.subject),
        cc,
      })
    : w.rethread(res.conversationId, t.fromAddress ?? '', cc);
  const position = t.position(w);
  const bound = claimed.then(() =>
    c.files.bind(
      t.kept.map((m) => ({ ...m, customerId: res.customerId })),
      res.messageId,
    ),
  );
  return Promise.all([bound, thread, position]).then(() => undefined);
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
async function take(c: Ctx, a: EmailAccount, raw: Buffer, position: Position): Promise<IntakeOutcome> {
  const h = await headOf(raw);
  const passed = await passOver(c, a, h, raw);
  if (passed) {
    await position(c.data);
    return passed;
  }
  const { mail, fromAddress, fromName, subject, headerId } = h;
  const to = addrs(mail.to);
  const cc = addrs(mail.cc);
  const conversationId = await conversationOf(c, a, h, to, cc);
  const html = typeof mail.html === 'string' && mail.html ? sanitizeMailHtml(mail.html) : null;
  const text = (mail.text ?? '').trim().slice(0, c.maxText);
  if (!text && !html) {
    await position(c.data);
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
  const taken: Taken = { a, headerId, fromAddress, subject, others, kept, position };
  let r: InboundResult;
  try {
    // Awaited whether the inbound path answers at once (SQLite, today) or with a promise.
    r = await c.inbound.receive({
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
      // Inside the inbound transaction: through its connection when it hands one (PostgreSQL).
      alsoRecord: (res: InboundResult, tx?: { records: AsyncTx }) =>
        keepTaken(c, tx ? c.data.within(tx.records) : c.data, taken, res),
    });
  } catch (err) {
    if (!(err instanceof MailSeen)) throw err;
    // Taken in meanwhile (another relay on the same database): nothing of this one was kept.
    await position(c.data);
    return { kind: 'duplicate' };
  }
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
  const c: Ctx = { ...d, maxText: d.maxTextChars ?? 20_000 };
  return {
    take: (a: EmailAccount, raw: Buffer, position: Position): Promise<IntakeOutcome> =>
      take(c, a, raw, position),
  };
}
