import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import yaml from 'js-yaml';
import { z } from 'zod';
import { compareVersions, parseVersion } from '../../shared/updates/version';

/** Why a feed was refused; logged and shown in Settings › Updates. */
export const FEED_ERR = {
  UNSIGNED: 'UPDATE_ERR_UNSIGNED',
  BAD_SIGNATURE: 'UPDATE_ERR_BAD_SIGNATURE',
  MALFORMED: 'UPDATE_ERR_MALFORMED',
  WRONG_CHANNEL: 'UPDATE_ERR_WRONG_CHANNEL',
  NOT_NEWER: 'UPDATE_ERR_NOT_NEWER',
} as const;
export type FeedErrorCode = (typeof FEED_ERR)[keyof typeof FEED_ERR];

const fileSchema = z.object({
  url: z.string().min(1).max(1000),
  sha512: z.string().min(80).max(100),
  size: z.number().int().positive().optional(),
});

/** electron-builder's `latest*.yml`, plus the fields our release tool signs in. */
export const feedSchema = z
  .object({
    version: z.string().refine((v) => parseVersion(v) !== null, 'not a semantic version'),
    files: z.array(fileSchema.passthrough()).min(1),
    path: z.string().optional(),
    sha512: z.string().optional(),
    releaseDate: z.string().optional(),
    releaseNotes: z.string().max(100_000).optional(),
    stagingPercentage: z.number().min(0).max(100).optional(),
    /** The channel this feed was signed for, so a beta feed cannot be replayed on stable. */
    switchboardChannel: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    /** After this ISO time the update installs at the next idle moment regardless of the agent. */
    switchboardInstallDeadline: z.string().datetime().optional(),
  })
  .passthrough();
export type Feed = z.infer<typeof feedSchema>;

export type FeedCheck = { ok: true; feed: Feed } | { ok: false; code: FeedErrorCode; message: string };

/** Loads an Ed25519 public key from PEM (resources/update-public-key.pem). */
export function loadPublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the update public key must be Ed25519');
  return key;
}

/**
 * Verifies a signed feed before anything in it is used: the detached Ed25519 signature over the
 * exact bytes, then its shape, its channel, and that it is newer than `currentVersion`
 * (no downgrades, no re-install of the same version).
 */
export function verifyFeed(opts: {
  feed: Buffer;
  signature: string | Buffer | null | undefined;
  publicKey: KeyObject;
  channel: string;
  currentVersion: string;
}): FeedCheck {
  const sigText =
    opts.signature === null || opts.signature === undefined ? '' : opts.signature.toString().trim();
  if (!sigText)
    return { ok: false, code: FEED_ERR.UNSIGNED, message: 'The update feed has no signature; refused.' };
  const sig = Buffer.from(sigText, 'base64');
  if (sig.length !== 64 || !verify(null, opts.feed, opts.publicKey, sig)) {
    return {
      ok: false,
      code: FEED_ERR.BAD_SIGNATURE,
      message: 'The update feed is not signed by IT’s release key; refused.',
    };
  }
  let parsed: unknown;
  try {
    parsed = yaml.load(opts.feed.toString('utf8'), { schema: yaml.JSON_SCHEMA });
  } catch {
    return { ok: false, code: FEED_ERR.MALFORMED, message: 'The update feed is not valid YAML.' };
  }
  const r = feedSchema.safeParse(parsed);
  if (!r.success) {
    return {
      ok: false,
      code: FEED_ERR.MALFORMED,
      message: `The update feed is malformed: ${r.error.issues[0]?.message ?? ''}`,
    };
  }
  if (r.data.switchboardChannel !== opts.channel) {
    return {
      ok: false,
      code: FEED_ERR.WRONG_CHANNEL,
      message: `The feed was signed for channel "${r.data.switchboardChannel}", not "${opts.channel}".`,
    };
  }
  if (compareVersions(r.data.version, opts.currentVersion) <= 0) {
    return {
      ok: false,
      code: FEED_ERR.NOT_NEWER,
      message: `The feed offers ${r.data.version}, not newer than ${opts.currentVersion}; no downgrades.`,
    };
  }
  return { ok: true, feed: r.data };
}
