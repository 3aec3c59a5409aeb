import { Grammar } from 'sip.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/index.js';

/** Caller ids longer than this are clipped for display (they still never break anything). */
export const MAX_ID_TEXT = 128;

const clip = (s: string) => (s.length > MAX_ID_TEXT ? `${s.slice(0, MAX_ID_TEXT)}…` : s);

/** Caller id text made safe to show: control characters (and bidi overrides) removed, clipped. */
export const cleanIdText = (s: string | undefined) =>
  clip((s ?? '').replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, ''));

/** The caller as the INVITE names it: P-Asserted-Identity when present and parseable, else From. */
export function callerIdentity(req: IncomingRequestMessage): {
  user: string;
  name: string;
  source: 'pai' | 'from';
} {
  const pai = req.getHeader('P-Asserted-Identity');
  if (pai) {
    const parsed = Grammar.nameAddrHeaderParse(pai.slice(0, 4096));
    if (parsed)
      return {
        user: cleanIdText(parsed.uri.user ?? ''),
        name: cleanIdText(parsed.displayName),
        source: 'pai',
      };
  }
  return {
    user: cleanIdText(req.from.uri.user ?? ''),
    name: cleanIdText(req.from.displayName),
    source: 'from',
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The conversation a queue call belongs to, as the SIP server names it (X-Switchboard-Conversation,
 * set from the relay's word; a caller's own header is removed there). Anything but a UUID: none.
 */
export function conversationOf(req: IncomingRequestMessage): string | null {
  const v = req.getHeader('X-Switchboard-Conversation')?.trim().toLowerCase() ?? '';
  return UUID.test(v) ? v : null;
}
