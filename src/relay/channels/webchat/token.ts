import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What a visitor token asserts: the visitor's customer record in one inbox, until `exp` (ms). */
export type VisitorClaims = { inbox: string; cust: string; exp: number };

const claimsSchema = z
  .object({ v: z.literal(1), inbox: z.string().max(64), cust: z.string().max(64), exp: z.number() })
  .strict();

// A key of its own, derived from the relay's signing secret, so a visitor token can never pass as
// an agent's access token (or the reverse).
const visitorKey = (secret: Buffer) => createHmac('sha256', secret).update('switchboard/webchat/v1').digest();

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/** Signs visitor claims as `base64url(json).base64url(hmac-sha256)` with the web chat key. */
export function signVisitorToken(secret: Buffer, c: VisitorClaims): string {
  const body = Buffer.from(JSON.stringify({ v: 1, ...c })).toString('base64url');
  return `${body}.${createHmac('sha256', visitorKey(secret)).update(body).digest('base64url')}`;
}

/** Verifies a visitor token's signature and expiry; null when it is forged, malformed or expired. */
export function verifyVisitorToken(secret: Buffer, token: string, now: number): VisitorClaims | null {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined) return null;
  const want = createHmac('sha256', visitorKey(secret)).update(body).digest();
  if (!equal(Buffer.from(mac, 'base64url'), want)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const c = claimsSchema.safeParse(json);
  if (!c.success || c.data.exp <= now) return null;
  return { inbox: c.data.inbox, cust: c.data.cust, exp: c.data.exp };
}

/**
 * Checks a host page's signed identity: `hash` must be hex HMAC-SHA256 of `userId` with the inbox's
 * identity secret. False without a secret: unsigned identities are never trusted.
 */
export function verifyIdentityHash(secret: string | undefined, userId: string, hash: string): boolean {
  if (!secret || !/^[0-9a-f]{64}$/i.test(hash)) return false;
  const want = createHmac('sha256', secret).update(userId).digest();
  return equal(Buffer.from(hash, 'hex'), want);
}
