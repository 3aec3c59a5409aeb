// The real OS keychain. On Linux this needs a Secret Service on D-Bus; `npm test` provides one
// (dbus-run-session + gnome-keyring). By hand:
//   dbus-run-session -- sh -c 'echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; npx vitest run tests/integration/store/keychain.test.ts'
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheVault } from '../../../src/main/keychain/cacheVault';
import { osKeychain, probeKeychain } from '../../../src/main/keychain/secretStore';
import { createSilentLogger } from '../../../src/main/base/logger';
import { LOCAL_ERR } from '../../../src/main/base/errors';
import { AGENT, DEVICE } from '../../../src/main/store/testHelpers';

const SERVICE = 'Switchboard-test';
const probe = probeKeychain(osKeychain(SERVICE), `probe-${process.pid}`);
if (!probe.ok)
  console.log(
    `keychain tests skipped: no Secret Service reachable (${probe.reason}); run them under dbus-run-session with gnome-keyring`,
  );

describe('integration/store/keychain', () => {
  it.skipIf(!probe.ok)(
    'keeps the cache key in the OS keychain, reopens with it, and wipe removes files and key',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sb-keychain-'));
      const account = `agent-${randomUUID()}`;
      const keychain = osKeychain(SERVICE);
      const vault = new CacheVault({ dir, account, log: createSilentLogger(), keychain });
      const key = await vault.unlock();
      expect(vault.protection()).toBe('keychain');
      expect(keychain.get(account)).toBe(key.toString('hex'));
      for (const f of readdirSync(dir))
        expect(readFileSync(join(dir, f)).includes(Buffer.from(key.toString('hex')))).toBe(false);

      const store = vault.openStore(key);
      store.setIdentity({ deviceId: DEVICE, agent: AGENT });
      store.mutate('customer.create', { id: store.newId(), fields: { name: 'Keychain Kim' } });
      store.close();

      const again = new CacheVault({
        dir,
        account,
        log: createSilentLogger(),
        keychain: osKeychain(SERVICE),
      });
      const reopened = again.openStore(await again.unlock());
      expect(reopened.customers().map((c) => c.name)).toEqual(['Keychain Kim']);
      reopened.close();

      again.wipe();
      expect(existsSync(join(dir, 'cache.db'))).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
      expect(keychain.get(account)).toBeNull();
    },
  );

  it.skipIf(!probe.ok)('reports a key removed from the keychain as lost, with the unsent count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-keychain-'));
    const account = `agent-${randomUUID()}`;
    const keychain = osKeychain(SERVICE);
    const vault = new CacheVault({ dir, account, log: createSilentLogger(), keychain });
    const store = vault.openStore(await vault.unlock());
    store.setIdentity({ deviceId: DEVICE, agent: AGENT });
    store.mutate('customer.create', { id: store.newId(), fields: { name: 'Lost Lee' } });
    store.close();
    keychain.delete(account);
    await expect(vault.unlock()).rejects.toMatchObject({
      code: LOCAL_ERR.KEY_LOST,
      details: expect.objectContaining({ pendingAtStake: 1 }),
    });
    vault.wipe();
  });
});
