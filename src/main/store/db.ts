import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { createPrivateFile } from '../security/privateFiles';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { runMigrations } from './migrations/index';
import { installUnsentCounter } from './outbox';
import type { Db } from './statements';

const PLAIN_HEADER = 'SQLite format 3\0';

/** The files SQLite keeps for a database in WAL mode; all of them must go on wipe. */
export function cacheFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];
}

/** Removes the database file and its WAL, shared-memory and journal files. */
export function removeCacheFiles(path: string): void {
  for (const f of cacheFiles(path)) rmSync(f, { force: true });
}

/** True when the file at `path` starts with the plain SQLite header (i.e. it is not encrypted). */
export function hasPlainHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return n === 16 && buf.toString('latin1') === PLAIN_HEADER;
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens (or creates) the ChaCha20-Poly1305 encrypted cache with a raw 32-byte key, checks that the
 * cipher is really active, switches to WAL and runs pending migrations. Throws LocalError
 * WRONG_KEY when the key does not open the file, CIPHER_INACTIVE when nothing would be encrypted.
 */
export function openEncryptedDb(path: string, key: Buffer): Db {
  if (key.length !== 32) throw new Error('the cache key must be 32 bytes');
  createPrivateFile(path);
  const db = new Database(path);
  try {
    db.pragma(`cipher='chacha20'`);
    // A raw hex key skips the passphrase KDF (FIELD-NOTES: 54 ms per open otherwise).
    db.pragma(`key="x'${key.toString('hex')}'"`);
    const cipher = db.pragma('cipher', { simple: true });
    if (cipher !== 'chacha20') {
      throw new LocalError(LOCAL_ERR.CIPHER_INACTIVE, 'The local cache cannot be encrypted on this system.', {
        cipher,
      });
    }
    try {
      // The first read of a keyed file is where a wrong key shows (SQLITE_NOTADB).
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_NOTADB') {
        throw new LocalError(LOCAL_ERR.WRONG_KEY, 'The local cache cannot be opened with this key.');
      }
      throw err;
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536');
    db.pragma('foreign_keys = ON');
    // Temp tables and indexes stay in memory: nothing of the cache is written unencrypted.
    db.pragma('temp_store = MEMORY');
    runMigrations(db);
    installUnsentCounter(db);
    db.pragma('wal_checkpoint(TRUNCATE)');
    // Plain SQLite accepts PRAGMA key silently and encrypts nothing (FIELD-NOTES): check the bytes.
    if (hasPlainHeader(path)) {
      throw new LocalError(
        LOCAL_ERR.CIPHER_INACTIVE,
        'The local cache was written unencrypted; refusing to use it.',
      );
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
