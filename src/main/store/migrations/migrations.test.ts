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
});
