import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../base/logger';
import { hasPlainHeader, openEncryptedDb } from './db';
import { LOCAL_ERR } from '../base/errors';
import { LocalStore } from './localStore';
import { openTestStore, tempDir } from './testHelpers';

describe('main/store/db', () => {
  it('writes a cache file that is unreadable without its key', () => {
    const { store, path, key } = openTestStore();
    store.mutate('customer.create', { id: store.newId(), fields: { name: 'Zhang Wei-secret' } });
    store.close();
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    expect(bytes.includes(Buffer.from('Zhang Wei-secret'))).toBe(false);

    // Plain SQLite (no key) cannot read it.
    const plain = new Database(path);
    expect(() => plain.prepare('SELECT count(*) FROM records').get()).toThrow(
      /not a database|file is (encrypted|not a database)/i,
    );
    plain.close();

    // A wrong key fails with a clear, expected error.
    expect(() => openEncryptedDb(path, randomBytes(32))).toThrow(
      expect.objectContaining({ code: LOCAL_ERR.WRONG_KEY }),
    );

    // The right key opens it and the data is there.
    const again = LocalStore.open({ path, key, log: createSilentLogger() });
    expect(again.customers().map((c) => c.name)).toEqual(['Zhang Wei-secret']);
    again.close();
  });

  it('refuses a plain, unencrypted SQLite file', () => {
    const path = join(tempDir(), 'plain.db');
    const plain = new Database(path);
    plain.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    plain.close();
    expect(hasPlainHeader(path)).toBe(true);
    expect(() => openEncryptedDb(path, randomBytes(32))).toThrow(
      expect.objectContaining({ code: LOCAL_ERR.WRONG_KEY }),
    );
  });

  it('runs in WAL mode with the ChaCha20 cipher', () => {
    const { store } = openTestStore();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('cipher', { simple: true })).toBe('chacha20');
    store.close();
  });
});
