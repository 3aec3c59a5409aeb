import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEncryptedDb } from '../db';
import { tempDir } from '../testHelpers';
import { MIGRATIONS, runMigrations } from './index';

const tables = (db: ReturnType<typeof openEncryptedDb>) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);

describe('main/store/migrations', () => {
  it('numbers migrations 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('001 creates the schema on a fresh file and is idempotent on reopen', () => {
    const path = join(tempDir(), 'cache.db');
    const key = randomBytes(32);
    const db = openEncryptedDb(path, key);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const names = tables(db);
    for (const t of [
      'records',
      'meta',
      'outbox',
      'outbox_touches',
      'rejected',
      'search',
      'records_by_parent',
      'records_by_time',
    ]) {
      expect(names).toContain(t);
    }
    db.prepare("INSERT INTO meta (key, value) VALUES ('cursor', '42')").run();
    db.close();

    const again = openEncryptedDb(path, key);
    expect(runMigrations(again)).toEqual([]);
    expect(tables(again)).toEqual(names);
    expect(again.prepare("SELECT value FROM meta WHERE key = 'cursor'").get()).toEqual({ value: '42' });
    again.close();
  });

  it('applies only migrations newer than the file, each atomically', () => {
    const path = join(tempDir(), 'cache.db');
    const db = openEncryptedDb(path, randomBytes(32));
    const next = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'test', sql: 'CREATE TABLE later (x); CREATE TABLE broken (' },
    ];
    expect(() => runMigrations(db, next)).toThrow();
    expect(tables(db)).not.toContain('later');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    next[next.length - 1] = { version: MIGRATIONS.length + 1, name: 'test', sql: 'CREATE TABLE later (x)' };
    expect(runMigrations(db, next)).toEqual([MIGRATIONS.length + 1]);
    expect(tables(db)).toContain('later');
    db.close();
  });

  it('002 fills the phone lookup from customers already in the cache', () => {
    const path = join(tempDir(), 'cache.db');
    const db = openEncryptedDb(path, randomBytes(32));
    // Start again from a file that has only migration 001, holding a customer.
    db.exec(
      'DROP TRIGGER customer_phones_insert; DROP TRIGGER customer_phones_update; DROP TRIGGER customer_phones_delete;' +
        'DROP TABLE customer_phones; DROP INDEX records_calls_by_customer;',
    );
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO records (entity, id, data) VALUES ('customer', 'c1', ?)").run(
      JSON.stringify({ name: 'Ada', phones: ['+12125550101', '+8613800138000'] }),
    );
    expect(runMigrations(db).slice(0, 1)).toEqual([2]);
    expect(db.prepare('SELECT phone, customer_id FROM customer_phones ORDER BY phone').all()).toEqual([
      { phone: '+12125550101', customer_id: 'c1' },
      { phone: '+8613800138000', customer_id: 'c1' },
    ]);
    db.close();
  });
});
