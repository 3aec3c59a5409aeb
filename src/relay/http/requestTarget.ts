import type { IncomingMessage } from 'node:http';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { RelayError } from '../core/errors';

/** An HTTP request's target, read once at the relay's entry and shared by every route. */
export type RequestTarget = {
  /**
   * The path as sent, still percent-encoded (`/v1/devices/a%20b/revoke`); its escapes are known to
   * decode, so `decodeParam` of any of its segments cannot fail.
   */
  path: string;
  /** The query's parameters (a malformed escape in a value stays as typed, as browsers do). */
  query: URLSearchParams;
};

const parsed = new WeakMap<IncomingMessage, RequestTarget>();

const bad = (message: string) => new RelayError(RELAY_ERR.BAD_REQUEST, message);

/**
 * Reads a request target without `new URL(target, base)`, which throws on `//` and, worse, reads
 * `//host/path` as another host. Origin-form (`/path?query`) is what clients send; absolute-form
 * (`http://host/path`, from proxies) keeps only its path. Throws RELAY_ERR_BAD_REQUEST (400) for
 * anything else and for percent-encoding that does not decode (`%zz`, `%E0%A4%A`).
 */
export function parseTarget(raw: string): RequestTarget {
  let rest = raw;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  let path = q < 0 ? rest : rest.slice(0, q);
  const search = q < 0 ? '' : rest.slice(q + 1);
  if (!path.startsWith('/')) {
    const absolute = /^https?:\/\/[^/]*/i.exec(path);
    if (!absolute) throw bad('The request target must be a path such as /healthz.');
    path = path.slice(absolute[0].length) || '/';
  }
  try {
    decodeURIComponent(path);
  } catch {
    throw bad('The request path has a malformed percent-encoding (such as %zz); encode it as UTF-8.');
  }
  return { path, query: new URLSearchParams(search) };
}

/** The request's target, parsed on first use and remembered; throws as `parseTarget` does. */
export function targetOf(req: IncomingMessage): RequestTarget {
  let t = parsed.get(req);
  if (!t) {
    t = parseTarget(req.url ?? '/');
    parsed.set(req, t);
  }
  return t;
}

/** Decodes one path segment captured by a route; a malformed escape is RELAY_ERR_BAD_REQUEST. */
export function decodeParam(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw bad('A part of the request path has a malformed percent-encoding.');
  }
}
