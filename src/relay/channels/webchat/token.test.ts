import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signVisitorToken, verifyIdentityHash, verifyVisitorToken } from './token';

const secret = Buffer.alloc(32, 7);

describe('relay/channels/webchat/token', () => {
  it('verifies its own visitor tokens until they expire', () => {
    const t = signVisitorToken(secret, { inbox: 'i1', cust: 'c1', exp: 2_000 });
    expect(verifyVisitorToken(secret, t, 1_000)).toEqual({ inbox: 'i1', cust: 'c1', exp: 2_000 });
    expect(verifyVisitorToken(secret, t, 2_000)).toBeNull();
  });

  it('rejects tampered tokens, other keys and malformed input', () => {
    const t = signVisitorToken(secret, { inbox: 'i1', cust: 'c1', exp: 2_000 });
    const [, mac] = t.split('.');
    const forged = `${Buffer.from(JSON.stringify({ v: 1, inbox: 'i1', cust: 'c2', exp: 2_000 })).toString('base64url')}.${mac}`;
    expect(verifyVisitorToken(secret, forged, 1_000)).toBeNull();
    expect(verifyVisitorToken(Buffer.alloc(32, 8), t, 1_000)).toBeNull();
    expect(verifyVisitorToken(secret, 'nonsense', 1_000)).toBeNull();
    expect(verifyVisitorToken(secret, `${t}.x`, 1_000)).toBeNull();
  });

  it('trusts a signed identity only with the right secret', () => {
    const hash = createHmac('sha256', 'inbox secret').update('user-1').digest('hex');
    expect(verifyIdentityHash('inbox secret', 'user-1', hash)).toBe(true);
    expect(verifyIdentityHash('inbox secret', 'user-2', hash)).toBe(false);
    expect(verifyIdentityHash('other secret', 'user-1', hash)).toBe(false);
    expect(verifyIdentityHash(undefined, 'user-1', hash)).toBe(false);
    expect(verifyIdentityHash('inbox secret', 'user-1', 'zz')).toBe(false);
  });
});
