import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../base/logger';
import { readJsonFile, writeJsonFileAtomic } from '../base/jsonFile';
import { removeCacheFiles } from '../store/db';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { LocalStore } from '../store/localStore';
import { osKeychain, probeKeychain, type SecretStore } from './secretStore';

const scryptAsync = promisify(scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: object,
) => Promise<Buffer>;

/**
 * What sits in clear beside the cache (`cache.json`): how the key is protected, the scrypt salt,
 * a key check (an HMAC of a constant, which tells a wrong key without trying the database), and
 * how many changes are unsent, so a lost key can say what is at stake. Never the key.
 */
type Sidecar = {
  version: 1;
  protection: 'keychain' | 'passphrase';
  salt?: string;
  scrypt?: { N: number; r: number; p: number };
  check: string;
  pendingAtStake: number;
};

export type CacheVaultOptions = {
  /** Directory of this profile's cache (`cache.db`, `cache.json`). */
  dir: string;
  /** Keychain account; one per profile/agent. */
  account: string;
  log: Logger;
  /** Default: the OS keychain (service "Switchboard"); null when there is none. */
  keychain?: SecretStore | null;
  /** scrypt cost for passphrase keys. Default 2^15 (32 MiB, ~100 ms); tests lower it. */
  scryptN?: number;
  /** How often the unsent count is written beside the cache. Default 1000 ms. */
  pendingFlushMs?: number;
};

const keyCheck = (key: Buffer) =>
  createHmac('sha256', key).update('switchboard cache key check v1').digest('hex');
const sameCheck = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The cache key's life: creation (random, in the keychain; or derived from a passphrase when no
 * keychain is reachable), unlocking, loss detection and wiping.
 */
export class CacheVault {
  readonly dbPath: string;
  private readonly sidecarPath: string;
  private readonly keychain: SecretStore | null;
  private readonly scryptN: number;
  private readonly flushMs: number;

  /** See CacheVaultOptions for defaults. */
  constructor(private readonly opts: CacheVaultOptions) {
    this.dbPath = join(opts.dir, 'cache.db');
    this.sidecarPath = join(opts.dir, 'cache.json');
    this.keychain = opts.keychain === undefined ? osKeychain() : opts.keychain;
    this.scryptN = opts.scryptN ?? 2 ** 15;
    this.flushMs = opts.pendingFlushMs ?? 1000;
  }

  /** How the existing cache is protected, or 'none' when there is no cache yet. */
  protection(): 'none' | Sidecar['protection'] {
    return this.sidecar()?.protection ?? 'none';
  }

  /** Unsent changes recorded at the last flush: what a wipe would lose. */
  pendingAtStake(): number {
    return this.sidecar()?.pendingAtStake ?? 0;
  }

  /**
   * The cache key: read from the keychain or derived from `passphrase`; for a new cache, created
   * (in the keychain if reachable, else from the passphrase). Throws LocalError NEEDS_PASSPHRASE,
   * WRONG_PASSPHRASE, KEYCHAIN_UNAVAILABLE, or KEY_LOST with `details.pendingAtStake`.
   */
  async unlock(opts: { passphrase?: string } = {}): Promise<Buffer> {
    const sc = this.sidecar();
    if (!sc) return this.create(opts.passphrase);
    if (sc.protection === 'passphrase') {
      if (!opts.passphrase)
        throw new LocalError(LOCAL_ERR.NEEDS_PASSPHRASE, 'Enter your passphrase to open the offline cache.');
      const key = await this.derive(
        opts.passphrase,
        Buffer.from(sc.salt ?? '', 'base64'),
        sc.scrypt?.N ?? this.scryptN,
      );
      if (!sameCheck(keyCheck(key), sc.check))
        throw new LocalError(LOCAL_ERR.WRONG_PASSPHRASE, 'That passphrase is not right.');
      return key;
    }
    if (!this.keychain) throw this.keyLost(sc, 'no keychain on this system');
    const hex = this.keychain.get(this.opts.account);
    if (hex === null) {
      const probe = probeKeychain(this.keychain, this.opts.account);
      if (!probe.ok) {
        throw new LocalError(
          LOCAL_ERR.KEYCHAIN_UNAVAILABLE,
          'The system keychain is locked or not running; unlock it and try again.',
          {
            reason: probe.reason,
          },
        );
      }
      throw this.keyLost(sc, 'the keychain has no key for this cache');
    }
    const key = Buffer.from(hex, 'hex');
    if (key.length !== 32 || !sameCheck(keyCheck(key), sc.check))
      throw this.keyLost(sc, 'the keychain key does not fit this cache');
    return key;
  }

  /** Opens the encrypted store with `key` and keeps the unsent count beside it for loss reports. */
  openStore(key: Buffer): LocalStore {
    const store = LocalStore.open({ path: this.dbPath, key, log: this.opts.log });
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      timer = null;
      if (store.db.open) this.recordPending(store.pendingCount());
    };
    store.onChange(() => {
      timer ??= setTimeout(flush, this.flushMs).unref();
    });
    const close = store.close.bind(store);
    store.close = () => {
      if (timer) clearTimeout(timer);
      flush();
      close();
    };
    flush();
    return store;
  }

  /** Writes the unsent count beside the cache (no secret in it). */
  recordPending(n: number): void {
    const sc = this.sidecar();
    if (sc && sc.pendingAtStake !== n) writeJsonFileAtomic(this.sidecarPath, { ...sc, pendingAtStake: n });
  }

  /** Removes the cache files (db, -wal, -shm), the sidecar and the keychain entry. Close the store first. */
  wipe(): void {
    removeCacheFiles(this.dbPath);
    rmSync(this.sidecarPath, { force: true });
    if (this.keychain) {
      try {
        this.keychain.delete(this.opts.account);
      } catch (err) {
        // The files are gone, so a key left behind opens nothing; still worth a line in the log.
        this.opts.log.warn({ err }, 'could not remove the cache key from the keychain');
      }
    }
    this.opts.log.info({ dir: this.opts.dir }, 'cache wiped');
  }

  private async create(passphrase: string | undefined): Promise<Buffer> {
    // A cache without its sidecar cannot be opened: clear leftovers of an interrupted wipe.
    removeCacheFiles(this.dbPath);
    if (passphrase !== undefined) {
      if (passphrase.length < 8)
        throw new LocalError(LOCAL_ERR.WRONG_PASSPHRASE, 'Choose a passphrase of at least 8 characters.');
      const salt = randomBytes(16);
      const key = await this.derive(passphrase, salt, this.scryptN);
      this.write({
        protection: 'passphrase',
        salt: salt.toString('base64'),
        scrypt: { N: this.scryptN, r: 8, p: 1 },
        check: keyCheck(key),
      });
      return key;
    }
    const probe = this.keychain
      ? probeKeychain(this.keychain, this.opts.account)
      : { ok: false as const, reason: 'no keychain' };
    if (!this.keychain || !probe.ok) {
      throw new LocalError(
        LOCAL_ERR.NEEDS_PASSPHRASE,
        'No system keychain is available: choose a passphrase to protect the offline cache.',
        {
          reason: probe.ok ? '' : probe.reason,
        },
      );
    }
    const key = randomBytes(32);
    this.keychain.set(this.opts.account, key.toString('hex'));
    this.write({ protection: 'keychain', check: keyCheck(key) });
    return key;
  }

  private derive(passphrase: string, salt: Buffer, N: number): Promise<Buffer> {
    return scryptAsync(passphrase.normalize('NFKC'), salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
  }

  private keyLost(sc: Sidecar, reason: string): LocalError {
    const pendingAtStake = sc.pendingAtStake;
    this.opts.log.warn({ reason, pendingAtStake }, 'cache key lost');
    return new LocalError(
      LOCAL_ERR.KEY_LOST,
      `The key of the offline cache is gone; it must be rebuilt from the server. ${pendingAtStake} unsent change(s) will be lost.`,
      { pendingAtStake, reason },
    );
  }

  private write(s: Omit<Sidecar, 'version' | 'pendingAtStake'>): void {
    writeJsonFileAtomic(this.sidecarPath, { version: 1, pendingAtStake: 0, ...s });
  }

  private sidecar(): Sidecar | null {
    if (!existsSync(this.sidecarPath)) return null;
    const raw = readJsonFile(this.sidecarPath) as Partial<Sidecar> | undefined;
    if (
      !raw ||
      raw.version !== 1 ||
      (raw.protection !== 'keychain' && raw.protection !== 'passphrase') ||
      typeof raw.check !== 'string'
    ) {
      throw new Error(`unreadable cache sidecar ${this.sidecarPath}`);
    }
    return { ...raw, pendingAtStake: Number(raw.pendingAtStake ?? 0) } as Sidecar;
  }
}
