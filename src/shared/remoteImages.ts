/**
 * How a mail's held-back remote images are written in the relay's sanitized HTML: the address in
 * `data-remote-src` (sanitize.ts), attribute-escaped. The relay reads them to fetch the images and
 * the app to put the fetched ones in, so both read them by this one rule.
 */
export const REMOTE_SRC_RE = /\sdata-remote-src="([^"]*)"/g;

/** An attribute value as written by the sanitizer, back to the address it holds. */
export const unescapeAttribute = (v: string): string =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&');
