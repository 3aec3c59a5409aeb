import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grantClaimsSchema, splitGrant, type GrantClaims, type GrantRefusal } from '../../shared/monitoring';

const KEY_FILE = 'monitoring.key';

/**
 * The relay's Ed25519 key for monitoring grants, from `<dataDir>/monitoring.key` (PKCS#8 PEM,
 * mode 0600), made on first use. Apps verify grants with its public half (`GET /v1/monitoring/key`).
 */
export function loadMonitoringKey(dataDir: string): { privateKey: KeyObject; publicKeyPem: string } {
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    // Written aside and linked into place, so a relay sharing the folder never reads half of it.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, pem, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
    } catch (err) {
      // Another relay process on the same folder made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  }
  const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;
  return { privateKey, publicKeyPem };
}

/** Verifies a token's signature with `publicKey` and reads its claims; the refusal reason otherwise. */
export function readGrant(
  token: string,
  publicKey: KeyObject,
): { ok: true; claims: GrantClaims } | { ok: false; reason: GrantRefusal; claims: GrantClaims | null } {
  const parts = splitGrant(token);
  if (!parts) return { ok: false, reason: 'malformed', claims: null };
  let claims: GrantClaims | null = null;
  try {
    const parsed = grantClaimsSchema.safeParse(JSON.parse(Buffer.from(parts.claims, 'base64url').toString()));
    if (parsed.success) claims = parsed.data;
  } catch {
    claims = null;
  }
  const good = verify(null, Buffer.from(parts.signed), publicKey, Buffer.from(parts.signature, 'base64url'));
  if (!good) return { ok: false, reason: 'forged', claims };
  if (!claims) return { ok: false, reason: 'malformed', claims: null };
  return { ok: true, claims };
}
