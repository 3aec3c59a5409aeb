import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords';
import { hashToken, loadSigningSecret, signAccessToken, verifyAccessToken } from './tokens';

describe('relay/identity/tokens', () => {
  const secret = Buffer.alloc(32, 7);
  const claims = { sub: 'agent-1', role: 'agent' as const, dev: 'device-1', exp: 1_000_000 };

  it('round-trips claims and rejects tampering, other secrets and expiry', () => {
    const t = signAccessToken(secret, claims);
    expect(verifyAccessToken(secret, t, 999_999)).toEqual(claims);
    const [body, mac] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ v: 1, ...claims, role: 'admin' })).toString('base64url');
    expect(() => verifyAccessToken(secret, `${forged}.${mac}`, 0)).toThrow(
      expect.objectContaining({ code: 'RELAY_ERR_UNAUTHORIZED' }),
    );
    expect(() => verifyAccessToken(Buffer.alloc(32, 8), t, 0)).toThrow(
      expect.objectContaining({ code: 'RELAY_ERR_UNAUTHORIZED' }),
    );
    expect(() => verifyAccessToken(secret, `${body}`, 0)).toThrow(
      expect.objectContaining({ code: 'RELAY_ERR_UNAUTHORIZED' }),
    );
    expect(() => verifyAccessToken(secret, t, 1_000_000)).toThrow(
      expect.objectContaining({ code: 'RELAY_ERR_TOKEN_EXPIRED' }),
    );
  });

  it('creates the signing secret once, readable only by its owner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-secret-'));
    const a = loadSigningSecret(dir);
    expect(a.length).toBe(32);
    expect(loadSigningSecret(dir).equals(a)).toBe(true);
    expect(statSync(join(dir, 'relay.secret')).mode & 0o777).toBe(0o600);
  });

  it('hashes refresh tokens one way', () => {
    expect(hashToken('abc')).not.toContain('abc');
    expect(hashToken('abc')).toBe(hashToken('abc'));
  });
});

describe('relay/identity/passwords', () => {
  it('verifies the right password only, with a salted scrypt hash', async () => {
    const h = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 });
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await hashPassword('correct horse', { N: 1024, r: 8, p: 1 })).not.toBe(h);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('wrong horse', h)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
