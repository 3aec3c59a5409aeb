import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, tempDir } from '../store/testHelpers';
import { protectAppDataDir } from './privateFiles';

const mode = (path: string) => statSync(path).mode & 0o777;

// A loose umask, as on most desktops: the files must be private without relying on it.
let umask = 0;
beforeEach(() => (umask = process.umask(0o022)));
afterEach(() => void process.umask(umask));

describe('main/security/privateFiles', () => {
  it('creates the encrypted cache and its WAL files owner-only', () => {
    const { store, path } = openTestStore();
    store.mutate('customer.create', { id: store.newId(), fields: { name: 'Li Na' } });
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect([f, mode(f)]).toEqual([f, 0o600]);
    store.close();
  });

  it('makes a world-readable data directory owner-only, caches and settings included', () => {
    const dir = join(tempDir(), 'app');
    mkdirSync(join(dir, 'profiles', 'abc'), { recursive: true });
    mkdirSync(join(dir, 'logs'));
    const files = [
      'settings.json',
      'profile.json',
      'profiles/abc/cache.db',
      'profiles/abc/cache.json',
      'logs/a.log',
    ];
    for (const f of files) writeFileSync(join(dir, f), '{}', { mode: 0o644 });
    for (const d of ['', 'profiles', 'profiles/abc', 'logs']) chmodSync(join(dir, d), 0o755);

    protectAppDataDir(dir);
    for (const f of files) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
    for (const d of ['', 'profiles', 'profiles/abc', 'logs'])
      expect([d, mode(join(dir, d))]).toEqual([d, 0o700]);
  });
});
