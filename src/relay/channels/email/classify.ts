/** Headers of a parsed mail, lower-case names (mailparser's `headers` map). */
export type HeaderMap = { get(name: string): unknown };

/** Why a mail never opens a conversation, or null when it is a person writing. */
export type SkipReason = 'own-address' | 'bounce' | 'auto-reply';

const OOO_SUBJECT =
  /^(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheit|réponse automatique|自动回复|自動回覆|自動回复|不在办公室)(?![a-z])/i;

const text = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && 'value' in v
      ? String((v as { value: unknown }).value)
      : '';

/**
 * Mail that must not open a conversation (or answer one, which could loop): from the inbox's own
 * address, delivery reports (null sender, multipart/report, mailer-daemon), and automatic answers
 * (RFC 3834 Auto-Submitted, Precedence bulk/junk/list/auto_reply, X-Autoreply, X-Autorespond,
 * Microsoft's X-Auto-Response-Suppress on OOF, common out-of-office subjects).
 */
export function skipReason(m: {
  from: string | null;
  ownAddress: string;
  headers: HeaderMap;
  subject: string;
  contentType: string;
}): SkipReason | null {
  const from = (m.from ?? '').toLowerCase();
  if (from && from === m.ownAddress.toLowerCase()) return 'own-address';
  const returnPath = text(m.headers.get('return-path')).trim();
  if (
    !from ||
    returnPath === '<>' ||
    /^(mailer-daemon|postmaster)@/.test(from) ||
    /multipart\/report/i.test(m.contentType) ||
    /report-type=delivery-status/i.test(m.contentType)
  )
    return 'bounce';
  const auto = text(m.headers.get('auto-submitted')).trim().toLowerCase();
  if (auto && auto !== 'no') return 'auto-reply';
  const precedence = text(m.headers.get('precedence')).trim().toLowerCase();
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return 'auto-reply';
  if (m.headers.get('x-autoreply') || m.headers.get('x-autorespond')) return 'auto-reply';
  if (/\boof\b|\ball\b/i.test(text(m.headers.get('x-auto-response-suppress'))) && OOO_SUBJECT.test(m.subject))
    return 'auto-reply';
  if (OOO_SUBJECT.test(m.subject.trim())) return 'auto-reply';
  return null;
}

/** Angle-bracketed Message-IDs in a header value (In-Reply-To, References), in order. */
export function messageIds(v: unknown): string[] {
  const s = Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : '';
  return [...s.matchAll(/<[^<>\s]{1,500}>/g)].map((x) => x[0]);
}

const TOKEN_RE = /\[#([a-z0-9]{10})\]/i;

/** The conversation token in a subject ("Re: Order [#k3j9x0q2ab]"), lower-case, or null. */
export function tokenInSubject(subject: string): string | null {
  return TOKEN_RE.exec(subject)?.[1]?.toLowerCase() ?? null;
}

/** The token in a plus-address of the inbox ("shop+k3j9x0q2ab@shop.test"), or null. */
export function tokenInAddress(addresses: readonly string[], ownAddress: string): string | null {
  const [local, domain] = ownAddress.toLowerCase().split('@');
  for (const a of addresses) {
    const m = /^([^+@]+)\+([a-z0-9]{10})@(.+)$/.exec(a.toLowerCase());
    if (m && m[1] === local && m[3] === domain) return m[2]!;
  }
  return null;
}

/** A subject without reply prefixes and the token, for a new conversation's subject. */
export function cleanSubject(subject: string): string {
  return subject
    .replace(TOKEN_RE, '')
    .replace(/^\s*((re|fw|fwd|aw|wg|回复|答复|回覆|转发)\s*[:：]\s*)+/i, '')
    .trim();
}
