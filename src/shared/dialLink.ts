/** Schemes the app handles as "call this number" links. */
export const DIAL_SCHEMES = ['tel', 'sip', 'callto'] as const;
export type DialScheme = (typeof DIAL_SCHEMES)[number];

export type DialRequest = { scheme: DialScheme; target: string };

const MAX_LINK_LENGTH = 512;

/**
 * Parses `tel:+1-555-0100`, `sip:alice@pbx.example`, `callto:+44...` or `callto://...`.
 * Returns null for anything else, so a hostile link is dropped rather than dialled.
 * Visual separators of tel numbers are removed; parameters (`;ext=`) are kept for tel only.
 */
export function parseDialLink(link: string): DialRequest | null {
  if (typeof link !== 'string' || link.length === 0 || link.length > MAX_LINK_LENGTH) return null;
  const m = /^([a-zA-Z]+):(?:\/\/)?(.*)$/.exec(link.trim());
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  let rest: string;
  try {
    rest = decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
  switch (scheme) {
    case 'tel':
    case 'callto': {
      const [num, ...params] = rest.split(';');
      const cleaned = (num ?? '').replace(/[\s().-]/g, '');
      if (!/^\+?[0-9*#]{2,32}$/.test(cleaned)) {
        // callto: also carries SIP-style or user names in some CRMs.
        if (scheme === 'callto' && isSipAddress(rest)) return { scheme, target: rest };
        return null;
      }
      const ext = params.find((p) => /^ext=[0-9]{1,10}$/.test(p));
      return { scheme: scheme as DialScheme, target: ext ? `${cleaned};${ext}` : cleaned };
    }
    case 'sip':
      return isSipAddress(rest) ? { scheme: 'sip', target: rest } : null;
    default:
      return null;
  }
}

function isSipAddress(s: string): boolean {
  return /^[A-Za-z0-9_.!~*'()&=+$,;?/%-]{1,64}@[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$/.test(s);
}

/** Finds the first dial link among command-line arguments (Windows and Linux pass it there). */
export function findDialLinkInArgv(argv: readonly string[]): DialRequest | null {
  for (const arg of argv) {
    const r = parseDialLink(arg);
    if (r) return r;
  }
  return null;
}
