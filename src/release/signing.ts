import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import yaml from 'js-yaml';
import { sha512File } from '../main/updater/installerCheck';

export const PRIVATE_KEY_FILE = 'update-signing-private.pem';
export const PUBLIC_KEY_FILE = 'update-public-key.pem';

/** Makes an Ed25519 key pair in `dir`: the private key readable by its owner only. Refuses to overwrite. */
export function keygen(dir: string): { privateKeyPath: string; publicKeyPath: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  if (existsSync(privateKeyPath)) throw new Error(`${privateKeyPath} exists; move it away first (it signs every release).`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  chmodSync(privateKeyPath, 0o600);
  writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return { privateKeyPath, publicKeyPath };
}

export type SignOptions = {
  channel: string;
  /** Percentage of installs offered the update, 0–100 (0 pauses). Omitted: everyone. */
  rollout?: number;
  /** ISO time after which the update installs at the next idle moment regardless. */
  deadline?: string;
  releaseNotes?: string;
};

/**
 * Sets the channel, rollout, deadline and notes in a `latest*.yml` feed, rewrites it, and writes
 * the detached Ed25519 signature of its exact bytes to `<feed>.sig` (base64).
 */
export function signFeed(feedPath: string, privateKeyPem: string, o: SignOptions): { feed: Buffer; signature: string } {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(o.channel)) throw new Error('channel: lower-case letters, digits and dashes');
  if (o.rollout !== undefined && !(o.rollout >= 0 && o.rollout <= 100)) throw new Error('rollout must be 0 to 100');
  if (o.deadline !== undefined && Number.isNaN(Date.parse(o.deadline))) throw new Error('deadline must be an ISO date');
  const doc = yaml.load(readFileSync(feedPath, 'utf8'), { schema: yaml.JSON_SCHEMA }) as Record<string, unknown>;
  if (!doc || typeof doc !== 'object' || typeof doc['version'] !== 'string') throw new Error(`${feedPath} is not a feed`);
  doc['switchboardChannel'] = o.channel;
  if (o.rollout === undefined) delete doc['stagingPercentage'];
  else doc['stagingPercentage'] = o.rollout;
  if (o.deadline) doc['switchboardInstallDeadline'] = new Date(o.deadline).toISOString();
  if (o.releaseNotes !== undefined) doc['releaseNotes'] = o.releaseNotes;
  const feed = Buffer.from(yaml.dump(doc, { lineWidth: -1 }), 'utf8');
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the signing key must be Ed25519');
  const signature = sign(null, feed, key).toString('base64');
  writeFileSync(feedPath, feed);
  writeFileSync(`${feedPath}.sig`, `${signature}\n`);
  return { feed, signature };
}

/** Writes an electron-builder style feed for installers (for IT tooling that builds elsewhere). */
export async function makeFeed(opts: { version: string; installers: string[]; out: string; releaseDate?: string }) {
  const files = [];
  for (const f of opts.installers) {
    files.push({ url: basename(f), sha512: await sha512File(f), size: statSync(f).size });
  }
  const first = files[0];
  if (!first) throw new Error('at least one installer is needed');
  const doc = {
    version: opts.version,
    files,
    path: first.url,
    sha512: first.sha512,
    releaseDate: opts.releaseDate ?? new Date().toISOString(),
  };
  writeFileSync(opts.out, yaml.dump(doc, { lineWidth: -1 }));
  return doc;
}
