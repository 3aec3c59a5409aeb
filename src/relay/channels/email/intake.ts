import { randomBytes } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
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

/**
 * Turns one raw mail of an inbox's folder into a message: skips automatic mail and the inbox's
 * own, drops a Message-ID already seen, joins the conversation its In-Reply-To / References (or
 * its token) point at, else starts one through the shared inbound path, and records the
 * Message-ID and the folder position in the same transaction (`position`), so a restart neither
 * loses nor repeats a mail. `ownCopy(headerId)` hears of the inbox's own copies of sent replies.
 */
export function createIntake(d: {
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
}) {
  const maxText = d.maxTextChars ?? 20_000;
  const q = {
    seen: d.db.prepare<[string, string], { conversation_id: string }>(
      'SELECT conversation_id FROM email_messages WHERE inbox_id = ? AND header_id = ?',
    ),
    byToken: d.db.prepare<[string, string], { conversation_id: string }>(
      'SELECT conversation_id FROM email_threads WHERE inbox_id = ? AND token = ?',
    ),
    remember: d.db.prepare(
      `INSERT OR IGNORE INTO email_messages (inbox_id, header_id, conversation_id, message_id, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    thread: d.db.prepare(
      `INSERT INTO email_threads (conversation_id, inbox_id, token, customer_address, subject, cc)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET customer_address = excluded.customer_address,
         cc = excluded.cc`,
    ),
  };

  return {
    async take(a: EmailAccount, raw: Buffer, position: () => void): Promise<IntakeOutcome> {
      const mail = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
      const from = mail.from?.value[0];
      const fromAddress = (from?.address ?? '').toLowerCase() || null;
      const subject = (mail.subject ?? '').slice(0, 500);
      // A mail without a Message-ID still gets a stable one, from its bytes, for duplicate checks.
      const headerId =
        mail.messageId && /^<[^<>\s]+>$/.test(mail.messageId)
          ? mail.messageId
          : `<sb-${(await import('node:crypto')).createHash('sha256').update(raw).digest('hex').slice(0, 32)}@missing>`;
      const skip = skipReason({
        from: fromAddress,
        ownAddress: a.address,
        headers: mail.headers,
        subject,
        contentType: String(
          (mail.headers.get('content-type') as { value?: string } | undefined)?.value ?? '',
        ),
      });
      if (skip) {
        if (skip === 'own-address') d.ownCopy(a.inboxId, headerId);
        if (skip === 'bounce') {
          const b = bounceOf(raw.toString('latin1'));
          if (b) d.bounced(a.inboxId, b.headerId, b.reason);
        }
        position();
        return { kind: 'skipped', reason: skip };
      }
      if (q.seen.get(a.inboxId, headerId)) {
        position();
        return { kind: 'duplicate' };
      }
      const refs = [...messageIds(mail.inReplyTo), ...messageIds(mail.references).reverse()];
      let conversationId: string | null = null;
      for (const id of refs) {
        const hit = q.seen.get(a.inboxId, id);
        if (hit) {
          conversationId = hit.conversation_id;
          break;
        }
      }
      const to = addrs(mail.to);
      const cc = addrs(mail.cc);
      const token = tokenInAddress([...to, ...cc], a.address) ?? tokenInSubject(subject);
      if (!conversationId && token) conversationId = q.byToken.get(a.inboxId, token)?.conversation_id ?? null;

      const html = typeof mail.html === 'string' && mail.html ? sanitizeMailHtml(mail.html) : null;
      const text = (mail.text ?? '').trim().slice(0, maxText);
      if (!text && !html) {
        position();
        return { kind: 'skipped', reason: 'empty' };
      }
      const email: MessageEmail = {
        messageId: headerId,
        subject,
        from: from?.name ? `${from.name} <${fromAddress ?? ''}>` : (fromAddress ?? ''),
        to,
        cc,
        ...(html
          ? { html: html.html, ...(html.remoteImages ? { remoteImages: html.remoteImages } : {}) }
          : {}),
      };
      // Files: each sniffed and limited like a web chat upload; one refused is named, not kept.
      const kept: AttachmentMeta[] = [];
      const dropped: string[] = [];
      for (const f of mail.attachments) {
        if (f.related && f.contentDisposition !== 'attachment') continue; // inline parts of the HTML
        const name = f.filename ?? 'attachment';
        if (kept.length >= d.files.options.maxFiles) {
          dropped.push(name);
          continue;
        }
        try {
          kept.push(d.files.store(f.content, { customerId: '', inboxId: a.inboxId }, name));
        } catch (err) {
          if (!(err instanceof AttachmentRefused)) throw err;
          dropped.push(name);
          d.log.info({ inbox: a.inboxId, reason: err.reason, size: f.size }, 'mail attachment not kept');
        }
      }
      const note = dropped.length ? `\n\n[Not kept: ${dropped.join(', ')}]` : '';
      const r = d.inbound.receive({
        inboxId: a.inboxId,
        from: { ...(from?.name ? { name: from.name } : {}), ...(fromAddress ? { email: fromAddress } : {}) },
        text: (text || '(HTML mail)') + note,
        ...(kept.length
          ? { attachments: kept.map((m) => ({ id: m.id, name: m.name, size: m.size, type: m.type })) }
          : {}),
        subject: cleanSubject(subject),
        conversationId,
        ...(fromAddress ? { replyTo: fromAddress } : {}),
        messageFields: { email },
        alsoRecord: (res) => {
          const at = d.now();
          q.remember.run(a.inboxId, headerId, res.conversationId, res.messageId, at);
          d.files.bind(
            kept.map((m) => ({ ...m, customerId: res.customerId })),
            res.messageId,
          );
          const others = cc.filter((x) => x !== a.address.toLowerCase());
          if (res.newConversation)
            q.thread.run(
              res.conversationId,
              a.inboxId,
              newToken(),
              fromAddress ?? '',
              cleanSubject(subject),
              JSON.stringify(others),
            );
          else
            d.db
              .prepare('UPDATE email_threads SET customer_address = ?, cc = ? WHERE conversation_id = ?')
              .run(fromAddress ?? '', JSON.stringify(others), res.conversationId);
          position();
        },
      });
      return {
        kind: 'conversation',
        conversationId: r.conversationId,
        messageId: r.messageId,
        newConversation: r.newConversation,
      };
    },
  };
}
