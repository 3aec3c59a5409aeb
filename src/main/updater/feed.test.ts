import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FEED_ERR, loadPublicKey, verifyFeed } from './feed';

const it_ = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const publicKey = loadPublicKey(it_.publicKey.export({ type: 'spki', format: 'pem' }).toString());

const feedText = (version: string, channel = 'stable') =>
  Buffer.from(
    `version: ${version}\nfiles:\n  - url: Switchboard-${version}-linux-x86_64.AppImage\n    sha512: ${'A'.repeat(86)}==\n    size: 1024\npath: Switchboard-${version}-linux-x86_64.AppImage\nsha512: ${'A'.repeat(86)}==\nreleaseDate: '2026-11-23T00:00:00.000Z'\nswitchboardChannel: ${channel}\nstagingPercentage: 20\n`,
  );
const sig = (b: Buffer, key = it_.privateKey) => sign(null, b, key).toString('base64');
const check = (feed: Buffer, signature: string | null, currentVersion = '0.1.0', channel = 'stable') =>
  verifyFeed({ feed, signature, publicKey, channel, currentVersion });

describe('main/updater/feed', () => {
  it('accepts a feed IT signed for this channel with a newer version', () => {
    const f = feedText('0.2.0');
    const r = check(f, sig(f));
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.feed).toMatchObject({ version: '0.2.0', stagingPercentage: 20, switchboardChannel: 'stable' });
  });

  it('refuses a feed with one byte changed', () => {
    const f = feedText('0.2.0');
    const s = sig(f);
    const tampered = Buffer.from(f);
    tampered[tampered.indexOf('AAAA')] = 'B'.charCodeAt(0);
    expect(check(tampered, s)).toMatchObject({ ok: false, code: FEED_ERR.BAD_SIGNATURE });
  });

  it('refuses a feed signed by another key, a missing or garbage signature', () => {
    const f = feedText('0.2.0');
    expect(check(f, sig(f, other.privateKey))).toMatchObject({ ok: false, code: FEED_ERR.BAD_SIGNATURE });
    expect(check(f, null)).toMatchObject({ ok: false, code: FEED_ERR.UNSIGNED });
    expect(check(f, '')).toMatchObject({ ok: false, code: FEED_ERR.UNSIGNED });
    expect(check(f, 'not-base64-signature')).toMatchObject({ ok: false, code: FEED_ERR.BAD_SIGNATURE });
  });

  it('refuses an older or the same version (no downgrades)', () => {
    const older = feedText('0.0.9');
    expect(check(older, sig(older))).toMatchObject({ ok: false, code: FEED_ERR.NOT_NEWER });
    const same = feedText('0.1.0');
    expect(check(same, sig(same))).toMatchObject({ ok: false, code: FEED_ERR.NOT_NEWER });
  });

  it('refuses a feed signed for another channel, and malformed signed content', () => {
    const beta = feedText('0.2.0', 'beta');
    expect(check(beta, sig(beta))).toMatchObject({ ok: false, code: FEED_ERR.WRONG_CHANNEL });
    const junk = Buffer.from('version: [unclosed');
    expect(check(junk, sig(junk))).toMatchObject({ ok: false, code: FEED_ERR.MALFORMED });
    const noFiles = Buffer.from('version: 0.2.0\nswitchboardChannel: stable\nfiles: []\n');
    expect(check(noFiles, sig(noFiles))).toMatchObject({ ok: false, code: FEED_ERR.MALFORMED });
  });
});
