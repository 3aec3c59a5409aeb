import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../shared/sync/entities';
import { RELAY_ERR } from '../../shared/sync/protocol';
import { RelayError } from '../core/errors';

/** What an access token asserts. `exp` is a Unix time in ms. */
export type AccessClaims = { sub: string; role: Role; dev: string; exp: number };

/**
 * Loads the HMAC signing secret from `<dataDir>/relay.secret`, creating it (mode 0600) on first
 * start. Kept out of the database so a leaked backup of the data alone cannot mint tokens.
 */
export function loadSigningSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'relay.secret');
  if (!existsSync(file)) {
    // Written aside and linked into place: relays sharing one data directory may start together,
    // and none may read a half-written secret. The one that links first wins; the others use it.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  }
  chmodSync(file, 0o600);
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (secret.length < 32)
    throw new Error(`${file} does not hold a 256-bit secret; delete it to make a new one.`);
  return secret;
}

/** Signs claims as `base64url(json).base64url(hmac-sha256)`. */
export function signAccessToken(secret: Buffer, claims: AccessClaims): string {
  const body = Buffer.from(JSON.stringify({ v: 1, ...claims })).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Verifies signature and expiry; throws RelayError UNAUTHORIZED or TOKEN_EXPIRED. */
export function verifyAccessToken(secret: Buffer, token: string, now: number): AccessClaims {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined)
    throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The access token is malformed.');
  const want = createHmac('sha256', secret).update(body).digest();
  const got = Buffer.from(mac, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The access token is not valid for this relay.');
  }
  let c: Partial<AccessClaims> & { v?: number };
  try {
    c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof c;
  } catch {
    throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The access token is malformed.');
  }
  if (
    c.v !== 1 ||
    typeof c.sub !== 'string' ||
    typeof c.dev !== 'string' ||
    typeof c.exp !== 'number' ||
    typeof c.role !== 'string'
  ) {
    throw new RelayError(RELAY_ERR.UNAUTHORIZED, 'The access token is malformed.');
  }
  if (c.exp <= now)
    throw new RelayError(RELAY_ERR.TOKEN_EXPIRED, 'The access token has expired; refresh it.');
  return { sub: c.sub, role: c.role, dev: c.dev, exp: c.exp };
}

/** A new opaque refresh token (256 random bits). */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The only form in which refresh tokens are stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
