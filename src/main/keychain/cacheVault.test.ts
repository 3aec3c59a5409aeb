import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../base/logger';
import { LOCAL_ERR } from '../base/errors';
import { AGENT, DEVICE, tempDir } from '../store/testHelpers';
import { CacheVault } from './cacheVault';
import type { SecretStore } from './secretStore';

const CONV = '0190a000-0000-7000-8000-0000000c0002';
const vault = (dir: string, keychain: SecretStore | null) =>
  new CacheVault({
    dir,
    account: 'test',
    log: createSilentLogger(),
    keychain,
    scryptN: 2 ** 12,
    pendingFlushMs: 5,
  });

/** A fake keychain in memory: only for the key-loss logic; the real one is tested in tests/integration/store. */
function memoryKeychain(): SecretStore & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get: (a) => items.get(a) ?? null,
    set: (a, s) => void items.set(a, s),
    delete: (a) => items.delete(a),
  };
}

describe('main/keychain/cacheVault', () => {
  it('asks for a passphrase when no keychain is reachable, and never writes the key in clear', async () => {
    const dir = tempDir('sb-vault-');
    const v = vault(dir, null);
    await expect(v.unlock()).rejects.toMatchObject({ code: LOCAL_ERR.NEEDS_PASSPHRASE });
    const key = await v.unlock({ passphrase: 'correct horse battery' });
    expect(v.protection()).toBe('passphrase');
    const store = v.openStore(key);
    store.setIdentity({ deviceId: DEVICE, agent: AGENT });
    store.mutate('note.add', { id: store.newId(), conversationId: CONV, body: 'private note' });
    store.close();

    const hex = key.toString('hex');
    for (const f of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, f));
      expect(bytes.includes(Buffer.from(hex))).toBe(false);
      expect(bytes.includes(key)).toBe(false);
    }
    expect(JSON.parse(readFileSync(join(dir, 'cache.json'), 'utf8'))).toMatchObject({
      protection: 'passphrase',
      pendingAtStake: 1,
    });

    // Reopening: no passphrase, a wrong one, then the right one.
    const again = vault(dir, null);
    await expect(again.unlock()).rejects.toMatchObject({ code: LOCAL_ERR.NEEDS_PASSPHRASE });
    await expect(again.unlock({ passphrase: 'wrong horse battery' })).rejects.toMatchObject({
      code: LOCAL_ERR.WRONG_PASSPHRASE,
    });
    const same = await again.unlock({ passphrase: 'correct horse battery' });
    expect(same.equals(key)).toBe(true);
    const reopened = again.openStore(same);
    expect(reopened.notes(CONV).map((n) => n.body)).toEqual(['private note']);
    reopened.close();
  });

  it('wipe removes the database, WAL, shared memory, sidecar and keychain entry', async () => {
    const dir = tempDir('sb-vault-');
    const kc = memoryKeychain();
    const v = vault(dir, kc);
    const store = v.openStore(await v.unlock());
    store.setIdentity({ deviceId: DEVICE, agent: AGENT });
    store.mutate('note.add', { id: store.newId(), conversationId: CONV, body: 'x' });
    expect(existsSync(`${v.dbPath}-wal`)).toBe(true);
    expect(kc.items.has('test')).toBe(true);
    store.close();
    v.wipe();
    expect(readdirSync(dir)).toEqual([]);
    expect(kc.items.size).toBe(0);
  });

  it('reports the unsent changes at stake when the key is lost, then starts over after a wipe', async () => {
    const dir = tempDir('sb-vault-');
    const kc = memoryKeychain();
    const v = vault(dir, kc);
    const store = v.openStore(await v.unlock());
    store.setIdentity({ deviceId: DEVICE, agent: AGENT });
    for (let i = 0; i < 3; i++)
      store.mutate('note.add', { id: store.newId(), conversationId: CONV, body: `n${i}` });
    store.close();

    kc.items.clear(); // the keychain was reset
    expect(v.pendingAtStake()).toBe(3);
    await expect(v.unlock()).rejects.toMatchObject({
      code: LOCAL_ERR.KEY_LOST,
      details: expect.objectContaining({ pendingAtStake: 3 }),
    });
    kc.items.set('test', 'ab'.repeat(32)); // a different key under the same name
    await expect(v.unlock()).rejects.toMatchObject({ code: LOCAL_ERR.KEY_LOST });

    v.wipe();
    const fresh = v.openStore(await v.unlock());
    expect(fresh.pendingCount()).toBe(0);
    expect(fresh.cursor()).toBe(0);
    fresh.close();
  });

  it('does not call a locked keychain a lost key', async () => {
    const dir = tempDir('sb-vault-');
    const kc = memoryKeychain();
    const v = vault(dir, kc);
    v.openStore(await v.unlock()).close();
    // Like Secret Service without D-Bus: reads say "nothing", writes fail.
    const locked: SecretStore = {
      get: () => null,
      set: () => {
        throw new Error('AccessDenied');
      },
      delete: () => false,
    };
    await expect(vault(dir, locked).unlock()).rejects.toMatchObject({ code: LOCAL_ERR.KEYCHAIN_UNAVAILABLE });
    expect(existsSync(v.dbPath)).toBe(true);
  });
});
