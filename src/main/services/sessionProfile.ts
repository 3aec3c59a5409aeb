import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RELAY_URL_MESSAGES, relayUrlProblem } from '../../shared/relayUrl';
import type { SessionState } from '../../shared/session';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { readJsonFile, writeJsonFileAtomic } from '../base/jsonFile';
import type { Logger } from '../base/logger';
import { CacheVault } from '../keychain/cacheVault';

/** Who is signed in where: one encrypted cache per profile. */
export type Profile = { relayUrl: string; email: string };
export type VaultOverrides = Partial<
  Pick<ConstructorParameters<typeof CacheVault>[0], 'keychain' | 'scryptN'>
>;

/** The relay's origin, or INSECURE_RELAY for a non-URL or clear-text http:// off this machine. */
export function checkedRelayOrigin(url: string): string {
  const problem = relayUrlProblem(url);
  if (problem) throw new LocalError(LOCAL_ERR.INSECURE_RELAY, RELAY_URL_MESSAGES[problem]);
  const u = new URL(url);
  // The sync client speaks HTTP first (sign-in) and derives the WebSocket address from it.
  if (u.protocol === 'ws:' || u.protocol === 'wss:') u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  return u.origin;
}

/** The remembered profile (`<dataDir>/profile.json`), reopened at start; empty after sign-out. */
export class ProfileFile {
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'profile.json');
  }

  read(): Profile | undefined {
    return readJsonFile(this.path) as Profile | undefined;
  }

  remember(p: Profile): void {
    writeJsonFileAtomic(this.path, p);
  }

  forget(): void {
    writeJsonFileAtomic(this.path, {});
  }
}

/** The vault of a profile's cache: `<dataDir>/profiles/<hash of relay and email>/`. */
export function vaultFor(
  p: Profile,
  o: { dataDir: string; log: Logger; vault?: VaultOverrides | undefined },
): CacheVault {
  const account = createHash('sha256').update(`${p.relayUrl}\n${p.email}`).digest('hex').slice(0, 24);
  const dir = join(o.dataDir, 'profiles', account);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return new CacheVault({ dir, account, log: o.log, ...o.vault });
}

/** What the session shows after the cache failed to open: locked, key lost, or a notice. */
export function openFailure(err: LocalError): {
  status?: SessionState['status'];
  notice?: SessionState['notice'];
} {
  if (err.code === LOCAL_ERR.NEEDS_PASSPHRASE || err.code === LOCAL_ERR.WRONG_PASSPHRASE)
    return { status: 'locked' };
  if (err.code === LOCAL_ERR.KEY_LOST)
    return {
      status: 'keyLost',
      notice: {
        code: err.code,
        message: err.message,
        pendingAtStake: Number(err.details['pendingAtStake'] ?? 0),
      },
    };
  return { notice: { code: err.code, message: err.message, pendingAtStake: 0 } };
}
